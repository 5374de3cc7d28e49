#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_table.h"
#include "base/result.h"
#include "miit/messages.h"
#include "miit/payload.h"
#include "storage/sql/connection.h"

namespace icp::bureau_sim {

// The national registry as the bureau holds it (migrations/0002_registry.sql). Records are
// kept in the wire's own blocks: a subject is a miit::SubjectBlock with its Ztid (bureau_id),
// number and the provider's IspZtid; a website a miit::WebsiteBlock with its live domains and
// accesses (each access with its provider and IPs), so a BASJ is the records as read.
struct Subject {
  miit::SubjectBlock block;
  std::int64_t province = 0;              // GB/T 2260 XX0000 of the number's prefix
  std::optional<std::int64_t> filed_via;  // the provider that filed it (absent: imported)
  bool cancelled = false;
  bool has_password = false;
  std::int64_t filed_at = 0;
  std::int64_t modified_at = 0;

  friend bool operator==(const Subject&, const Subject&) = default;
};

struct Website {
  miit::WebsiteBlock block;
  std::int64_t ztid = 0;
  std::int64_t index = 0;  // the -N of its number
  std::optional<std::int64_t> filed_via;
  bool cancelled = false;
  std::int64_t filed_at = 0;
  std::int64_t modified_at = 0;

  friend bool operator==(const Website&, const Website&) = default;
};

// Where a live domain is filed.
struct DomainOwner {
  std::int64_t ymid = 0;
  std::int64_t wzid = 0;
  std::int64_t ztid = 0;
};

struct AccessRef {
  std::int64_t jrid = 0;
  std::int64_t wzid = 0;
  std::int64_t isp_id = 0;
  bool live = false;
};

enum class FilingState { kIntake, kSmsPending, kReview, kApproved, kReturned };

inline constexpr EnumTable<FilingState, 5> kFilingStates({{
    {FilingState::kIntake, "intake", "受理中"},
    {FilingState::kSmsPending, "sms_pending", "短信核验中"},
    {FilingState::kReview, "review", "管局审核中"},
    {FilingState::kApproved, "approved", "审核通过"},
    {FilingState::kReturned, "returned", "退回"},
}});

// A reason a filing is returned: a result code (§3.2), the field it concerns in Beian's
// terms (§7.4.2, optional) and the text (Dmms).
struct Reason {
  std::int64_t jgdm = 0;
  std::optional<std::string> path;
  std::string text;

  friend bool operator==(const Reason&, const Reason&) = default;
};

// A filing waiting for (or given) the bureau's decision: one record of an upload.
struct Filing {
  std::int64_t id = 0;
  std::int64_t isp_id = 0;
  std::int64_t data_sequence = 0;
  std::int64_t position = 0;       // the record's place in its file
  std::int64_t operation = 0;      // Czlx
  std::optional<std::string> key;  // Bs
  std::string record;              // an UploadData file holding this record only
  FilingState state = FilingState::kIntake;
  std::optional<std::string> decision;  // "approve" / "return", recorded in review
  std::vector<Reason> reasons;
  std::optional<std::string> reviewer;
  std::optional<std::int64_t> due_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> decided_at;

  friend bool operator==(const Filing&, const Filing&) = default;
};

// An HSRW verification task (migration 0007) and, once HSJG answers it, the answer.
struct VerificationTask {
  std::int64_t id = 0;
  std::int64_t isp_id = 0;
  std::int64_t wzid = 0;
  std::int64_t sent_at = 0;
  std::optional<bool> passed;  // absent while open
  std::optional<std::string> opinion;
  std::optional<std::int64_t> answered_at;

  friend bool operator==(const VerificationTask&, const VerificationTask&) = default;
};

// An unfiled site as found (WBAWZLB): sent to `isp_id`, or to every provider when absent.
struct UnfiledSiteRow {
  std::int64_t id = 0;
  std::string domain;
  std::int64_t ip = 0;
  std::optional<std::int64_t> isp_id;
  std::int64_t detected_at = 0;

  friend bool operator==(const UnfiledSiteRow&, const UnfiledSiteRow&) = default;
};

// JSON [{jgdm, path?, text}] and back (the filings.reasons column, the reviewer API).
std::string ReasonsJson(std::span<const Reason> reasons);
Result<std::vector<Reason>> ReasonsFromJson(std::string_view json);

// The registry inside one write transaction (Store::Transact): every read sees the writes
// before it, and everything commits or rolls back together. Constraint violations come back
// as the driver reports them (sql::ConstraintOf names the index or the trigger's rule).
class Registry {
 public:
  explicit Registry(sql::Connection& connection) : db_(connection) {}

  // Subjects.
  Result<std::optional<Subject>> SubjectById(std::int64_t ztid);
  Result<std::optional<Subject>> SubjectByNumber(std::string_view number);
  // The live subject holding certificate (type, number).
  Result<std::optional<Subject>> SubjectByCertificate(std::int64_t type, std::string_view number);
  // Inserts `subject` (block.number set; block.bureau_id ignored) and returns its Ztid.
  Result<std::int64_t> InsertSubject(const Subject& subject,
                                     const std::optional<std::string>& password_hash);
  // The record fields of a live subject (name, nature, address, certificate, leader, ...).
  Result<void> UpdateSubject(std::int64_t ztid, const miit::SubjectBlock& block, std::int64_t now);
  Result<void> CancelSubject(std::int64_t ztid, std::int64_t now);
  Result<std::optional<std::string>> PasswordHash(std::int64_t ztid);
  Result<void> SetPasswordHash(std::int64_t ztid, std::string_view hash);

  // Websites (with their live domains and accesses).
  Result<std::optional<Website>> WebsiteById(std::int64_t wzid);
  Result<std::optional<Website>> WebsiteByNumber(std::string_view number);
  Result<std::vector<Website>> WebsitesOf(std::int64_t ztid, bool live_only);
  // The highest index any website of the subject ever had (0: none).
  Result<std::int64_t> MaxWebsiteIndex(std::int64_t ztid);
  // Inserts the website with its domains, accesses (each block's `provider` set) and IPs;
  // returns its Wzid.
  Result<std::int64_t> InsertWebsite(std::int64_t ztid, std::int64_t index,
                                     const miit::WebsiteBlock& block,
                                     std::optional<std::int64_t> filed_via, std::int64_t now);
  Result<void> UpdateWebsite(std::int64_t wzid, const miit::WebsiteBlock& block, std::int64_t now);
  Result<void> CancelWebsite(std::int64_t wzid, std::int64_t now);

  // The Ztids of the live subjects with a live website whose home page is `home_url`,
  // compared without case and a trailing '/' (1021), ascending.
  Result<std::vector<std::int64_t>> SubjectsWithHomePage(std::string_view home_url);

  // Domains.
  Result<std::optional<DomainOwner>> OwnerOfDomain(std::string_view name);
  Result<std::int64_t> InsertDomain(std::int64_t wzid, const miit::DomainBlock& domain);
  Result<void> RemoveDomain(std::int64_t ymid, std::int64_t now);

  // Accesses.
  // The providers whose live accesses report an address in [first, last] (1024), ascending.
  Result<std::vector<std::int64_t>> ProvidersOfAddresses(std::int64_t first, std::int64_t last);
  Result<std::optional<AccessRef>> AccessById(std::int64_t jrid);
  Result<std::int64_t> LiveAccessCount(std::int64_t wzid);
  Result<std::optional<AccessRef>> LiveAccessOf(std::int64_t wzid, std::int64_t isp_id);
  Result<std::int64_t> InsertAccess(std::int64_t wzid, const miit::AccessBlock& access,
                                    std::int64_t now);
  // Replaces the locations, methods and IPs of a live access (IPs with an Ipid of this access
  // are kept, the others are new, the omitted ones go).
  Result<void> UpdateAccess(std::int64_t jrid, const miit::AccessBlock& access);
  Result<void> CancelAccess(std::int64_t jrid, std::int64_t now);
  // The Wzids a provider serves (live accesses), in order, from `after`, at most `limit`.
  Result<std::vector<std::int64_t>> WebsitesServedBy(std::int64_t isp_id, std::int64_t after,
                                                     std::size_t limit);

  // Numbers: the next serial of `province` in `year` (1 for the first).
  Result<std::int64_t> NextSerial(std::int64_t province, std::int64_t year);
  // Raises the province's sequence to at least `serial` (an imported number).
  Result<void> ReserveSerial(std::int64_t province, std::int64_t year, std::int64_t serial);

  // Blacklists.
  Result<bool> DomainBlacklisted(std::string_view name);
  Result<bool> SubjectBlacklisted(std::int64_t type, std::string_view number);
  // False when it was listed already.
  Result<bool> BlacklistDomain(std::string_view name, std::string_view reason, std::int64_t now);
  Result<bool> BlacklistSubject(std::int64_t type, std::string_view number, std::string_view name,
                                std::int64_t now);
  Result<std::int64_t> AddUnfiledSite(std::string_view domain, std::int64_t ip,
                                      std::optional<std::int64_t> isp_id, std::int64_t now);

  // Unfiled sites sent to `isp_id` (or to every provider), by domain when given, ascending.
  Result<std::vector<UnfiledSiteRow>> UnfiledSitesSentTo(std::int64_t isp_id,
                                                         std::optional<std::string_view> domain);
  // True once `isp_id` reported the site handled (access stopped or filed since).
  Result<bool> UnfiledSiteHandled(std::int64_t site_id, std::int64_t isp_id);
  // One handling report (WBACLJG); a second handled report of a site by the same provider is
  // refused by the schema (kAlreadyExists, "unfiled_site_handled_once").
  Result<void> AddUnfiledHandling(std::int64_t site_id, std::int64_t isp_id, std::int64_t result,
                                  bool handled, std::string_view opinion, std::string_view deadline,
                                  std::int64_t now);

  // Verification material (XZHYD) for subject `ztid` or its website `wzid`; returns its id.
  Result<std::int64_t> InsertMaterial(std::int64_t isp_id, std::int64_t ztid,
                                      std::optional<std::int64_t> wzid,
                                      const miit::Attachment& material, std::int64_t now);
  Result<std::int64_t> MaterialCount(std::int64_t ztid, std::optional<std::int64_t> wzid);

  // Verification tasks (HSRW) and their answers (HSJG). OpenVerificationTask: kAlreadyExists
  // ("verification_tasks_open") when one is open for the provider and website already.
  Result<std::int64_t> OpenVerificationTask(std::int64_t isp_id, std::int64_t wzid,
                                            std::int64_t now);
  // The provider's latest task about the website.
  Result<std::optional<VerificationTask>> LatestVerificationTask(std::int64_t isp_id,
                                                                 std::int64_t wzid);
  // Answers an open task (the schema refuses a second answer: "bureau.verification.answered").
  Result<void> AnswerVerificationTask(std::int64_t id, const miit::VerificationAnswer& answer,
                                      std::int64_t now);

  // Wrong filing passwords (isp_verifybamm).
  Result<std::int64_t> PasswordFailuresSince(std::string_view number, std::int64_t since);
  Result<void> AddPasswordFailure(std::string_view number, std::int64_t now);

  // Uploads and the download queue.
  // Steps the provider's sequence to `data_sequence` (kAborted "bureau.sequence.moved"
  // unless it is last + 1) and stores the upload.
  Result<void> InsertUpload(std::int64_t isp_id, std::int64_t data_sequence,
                            std::string_view file_name, const miit::WirePayload& payload,
                            std::string_view xml, std::int64_t now);
  // Encodes `xml` as a download file named `prefix` + the queue's next number (10 digits,
  // unique across providers) and queues it; returns the name.
  Result<std::string> QueueFile(std::int64_t isp_id, std::string_view prefix, std::string_view xml,
                                std::int64_t now);
  Result<std::vector<std::int64_t>> ProviderIds();

  // Filings.
  Result<std::int64_t> InsertFiling(const Filing& filing);
  Result<std::optional<Filing>> FilingById(std::int64_t id);
  // Oldest first, from id `after`, at most `limit`.
  Result<std::vector<Filing>> FilingsIn(FilingState state, std::int64_t after, std::size_t limit);
  // Filings in review whose due time has come and that have no decision yet.
  Result<std::vector<std::int64_t>> DueForAutoReview(std::int64_t now, std::size_t limit);
  Result<std::vector<std::int64_t>> DecisionsToApply(std::size_t limit);
  // Moves a filing (the schema refuses a move its life does not have, and any move of a
  // decided one). `due_at` is set when given.
  Result<void> MoveFiling(std::int64_t id, FilingState to, std::span<const Reason> reasons,
                          std::optional<std::int64_t> due_at, std::int64_t now);
  // Records a decision on a filing in review: kFailedPrecondition (rule "bureau.filing.state")
  // when it is not in review or has one already.
  Result<void> RecordDecision(std::int64_t id, std::string_view decision,
                              std::span<const Reason> reasons, std::string_view reviewer,
                              std::int64_t now);
  // Filings of `operation` about `key` not yet decided that came before filing `before`.
  Result<std::int64_t> OpenFilingsAbout(std::int64_t operation, std::string_view key,
                                        std::int64_t before);

 private:
  Result<std::vector<miit::DomainBlock>> DomainsOf(std::int64_t wzid);
  Result<std::vector<miit::AccessBlock>> AccessesOf(std::int64_t wzid);
  Result<std::vector<miit::IpBlock>> IpsOf(std::int64_t jrid);
  Result<void> InsertIps(std::int64_t jrid, std::span<const miit::IpBlock> ips);
  Result<std::optional<Subject>> OneSubject(std::string_view where, const sql::Value& key);
  Result<std::optional<Website>> OneWebsite(std::string_view where, const sql::Value& key);
  Result<Website> ReadWebsite(const sql::Row& row);

  sql::Connection& db_;
};

// "1;2;3" and back (the id lists of the registry's columns).
std::string JoinIds(std::span<const std::int64_t> ids);
std::vector<std::int64_t> SplitIds(std::string_view text);

}  // namespace icp::bureau_sim
