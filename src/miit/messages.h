#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_table.h"
#include "base/result.h"
#include "miit/result_code.h"

namespace icp::miit {

// The ICP messages of the interface as C++ data (BUREAU-PROTOCOL.md §4, §5): what goes inside
// the payload pipeline. Field names are English; each comment gives the wire element. Codes
// from the bureau's tables (Dwxz, Zjlx, Fwnr_id, ...) are plain numbers here: which table row
// a number means is the business of the two ends (bureau/code_tables), not of the wire.
//
// One block type serves every message that carries the block; which of its optional fields a
// message uses is the message's schema (schemas/upload.xsd, schemas/download.xsd), and the
// encoders write exactly those.

// Txdz.
struct Address {
  std::optional<std::int64_t> province;  // Shengid (six-digit division code, XX0000)
  std::optional<std::int64_t> city;      // Shiid (XXXX00)
  std::optional<std::int64_t> county;    // Xianid
  std::optional<std::string> detail;     // Xxdz

  friend bool operator==(const Address&, const Address&) = default;
};

// Zj.
struct CertificateBlock {
  std::int64_t type = 0;               // Zjlx
  std::string number;                  // Zjhm
  std::optional<std::string> address;  // Zjzs (required in uploads)

  friend bool operator==(const CertificateBlock&, const CertificateBlock&) = default;
};

// Fzr (the subject's leader) and Wz_Fzr (the website's).
struct Leader {
  std::optional<std::string> name;                // Fzr_xm
  std::optional<std::string> office_phones;       // Fzr_dhhm, ';'-separated
  std::optional<std::string> mobiles;             // Fzr_sjhm, ';'-separated (required in uploads)
  std::optional<std::string> emails;              // Fzr_dzyj, ';'-separated (required in uploads)
  std::optional<std::string> msn;                 // Msn
  std::optional<std::string> qq;                  // Qq
  std::optional<std::int64_t> certificate_type;   // Fzr_zjlx
  std::optional<std::string> certificate_number;  // Fzr_zjhm

  friend bool operator==(const Leader&, const Leader&) = default;
};

// Zt_xx: the subject. XZBA: isp_id, filed_by. BGBA: bureau_id, number. BASJ: bureau_id and
// isp_id, number, and the record fields.
struct SubjectBlock {
  std::optional<std::int64_t> isp_id;     // IspZtid
  std::optional<std::int64_t> bureau_id;  // Ztid
  std::optional<std::string> number;      // Baxh (the subject's filing number)
  std::string name;                       // Dwmc
  std::optional<std::int64_t> nature;     // Dwxz
  std::optional<std::string> investor;    // Tzr
  Address address;                        // Txdz
  CertificateBlock certificate;           // Zj
  Leader leader;                          // Fzr
  std::optional<std::int64_t> filed_by;   // Bbfs (uploads: 0 self, 1 provider) / Bbyhlx (BASJ)
  std::optional<std::string> remark;      // Bz
  // BASJ only.
  std::optional<std::string> first_filed_at;        // Scbbsj
  std::optional<std::string> modified_at;           // Zjxgsj
  std::optional<std::string> certificate_validity;  // Zsyxq
  std::optional<std::string> certificate_path;      // Zslj
  std::optional<std::string> certificate_serial;    // Zsxh
  std::optional<std::string> reviewer;              // Shrxm
  std::optional<std::string> reviewed_at;           // Shsj

  friend bool operator==(const SubjectBlock&, const SubjectBlock&) = default;
};

// Nrlx_xx: one pre-approval.
struct PreApprovalBlock {
  std::int64_t type = 0;               // Nrlx_id
  std::string number;                  // Qzsph
  std::vector<std::string> documents;  // Spwj: base64 JPEGs, 1..10 in uploads

  friend bool operator==(const PreApprovalBlock&, const PreApprovalBlock&) = default;
};

// Ym_xx.
struct DomainBlock {
  std::optional<std::int64_t> isp_id;     // IspYmid
  std::optional<std::int64_t> bureau_id;  // Ymid (BGBA: absent for a new domain)
  std::string name;                       // Ym

  friend bool operator==(const DomainBlock&, const DomainBlock&) = default;
};

// Ip_xx: a range of IPv4 addresses as unsigned 32-bit numbers.
struct IpBlock {
  std::optional<std::int64_t> isp_id;     // IspIpid
  std::optional<std::int64_t> bureau_id;  // Ipid (BGBA: absent for a new address)
  std::int64_t first = 0;                 // Qsip
  std::int64_t last = 0;                  // Zzip

  friend bool operator==(const IpBlock&, const IpBlock&) = default;
};

// Jr_xx: an access (a provider serving the website).
struct AccessBlock {
  std::optional<std::int64_t> isp_id;     // IspJrid
  std::optional<std::int64_t> bureau_id;  // Jrid
  std::optional<std::int64_t> provider;   // Ispid (BASJ: which provider gives the access)
  std::vector<std::int64_t> locations;    // Wzfb/Fbdd
  std::vector<std::int64_t> methods;      // Wzjrfs/Jrfs
  std::vector<IpBlock> ips;               // Ip_xx

  friend bool operator==(const AccessBlock&, const AccessBlock&) = default;
};

// Wz_xx: a website. XZBA/XZWZ: isp_id. BGBA: bureau_id, number. BASJ: both, and dates.
struct WebsiteBlock {
  std::optional<std::int64_t> isp_id;           // IspWzid
  std::optional<std::int64_t> bureau_id;        // Wzid
  std::string name;                             // Wzmc
  std::vector<PreApprovalBlock> pre_approvals;  // Nrlx
  std::vector<std::int64_t> service_content;    // Fwnr/Fwnr_id
  std::vector<std::int64_t> languages;          // Yylb/Yylb_id
  std::vector<DomainBlock> domains;             // Ym_xx
  std::vector<AccessBlock> accesses;            // Jr_xx
  Leader leader;                                // Wz_Fzr
  std::optional<std::string> number;            // Baxh (the website's filing number)
  std::optional<std::string> home_url;          // Syurl
  std::optional<std::string> remark;            // Wz_Bz
  std::optional<std::string> first_filed_at;    // Scbbsj (BASJ)
  std::optional<std::string> modified_at;       // Zjxgsj (BASJ)

  friend bool operator==(const WebsiteBlock&, const WebsiteBlock&) = default;
};

// Fjssdx/Ssdxlx: whom an attachment documents.
enum class OwnerType : std::int64_t { kSubject = 1, kWebsite = 2 };

// Fj/Fjxx: one attachment, inline as base64 (§4.10).
struct Attachment {
  std::int64_t format = 0;                     // Fjwjgs
  std::int64_t purpose = 0;                    // Fjyt
  std::string content;                         // Fjnr: base64
  OwnerType owner_type = OwnerType::kWebsite;  // Ssdxlx
  // Ssdxbs: XZBA holds the provider's IspZtid/IspWzid as the element's value; the other
  // messages hold <Jlid> (a bureau id, or the new website's IspWzid in XZWZ) or <Baxh>.
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> owner_number;
  std::optional<std::string> remark;  // Bz

  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// XZBA/Baxx: a first filing.
struct FirstFiling {
  SubjectBlock subject;
  std::vector<WebsiteBlock> websites;
  std::vector<Attachment> attachments;

  friend bool operator==(const FirstFiling&, const FirstFiling&) = default;
};

// XZWZ/Xzxx: websites added to a filed subject.
struct NewWebsites {
  std::optional<std::string> subject_number;  // Zt_xx/Ztbah, or
  std::optional<std::int64_t> subject_id;     // Zt_xx/Ztid
  std::vector<WebsiteBlock> websites;
  std::vector<Attachment> attachments;
  std::optional<std::string> icp_password;  // ICPmm: MD5 hex

  friend bool operator==(const NewWebsites&, const NewWebsites&) = default;
};

// XZJR/Xzxx: this provider's access to a website filed elsewhere.
struct NewAccess {
  std::optional<std::string> website_number;  // Wz_xx/Wzbah, or
  std::optional<std::int64_t> website_id;     // Wz_xx/Wzid
  AccessBlock access;                         // IspJrid, Wzfb, Wzjrfs, Ip_xx
  std::vector<Attachment> attachments;
  std::string icp_password;  // ICPmm (required)

  friend bool operator==(const NewAccess&, const NewAccess&) = default;
};

// BGBA/Bgxx: a change, always with the complete subject and complete websites.
struct Change {
  SubjectBlock subject;
  std::vector<WebsiteBlock> websites;
  std::vector<Attachment> attachments;
  std::optional<std::string> icp_password;

  friend bool operator==(const Change&, const Change&) = default;
};

// Zxlb.
enum class CancelKind : std::int64_t { kSubject = 0, kWebsite = 1, kAccess = 2 };

inline constexpr EnumTable<CancelKind, 3> kCancelKinds({{
    {CancelKind::kSubject, "subject", "注销主体"},
    {CancelKind::kWebsite, "website", "注销网站"},
    {CancelKind::kAccess, "access", "取消接入"},
}});

// ZXBA/Zx_xx: a cancellation.
struct Cancellation {
  CancelKind kind = CancelKind::kAccess;    // Zxlb
  std::int64_t record_id = 0;               // Jlid: Ztid / Wzid / Jrid
  std::int64_t reason = 0;                  // Zxly
  std::optional<std::string> reason_text;   // Zxlybz
  std::optional<std::string> icp_password;  // ICPmm (required for a subject)

  friend bool operator==(const Cancellation&, const Cancellation&) = default;
};

// BASJ/Baxx: a filed record as the bureau holds it.
struct FiledRecord {
  SubjectBlock subject;
  std::vector<WebsiteBlock> websites;
  std::optional<std::string> remark;  // Bz

  friend bool operator==(const FiledRecord&, const FiledRecord&) = default;
};

// HSJG/Hsjgxx (§4.8): a provider's answer to a verification task (HSRW).
struct VerificationAnswer {
  bool passed = true;                 // Hsjg: 0 passed (属实), 1 refused (polarity, §2)
  std::string verifier;               // Hsrxm
  std::string verified_on;            // Hssj (date)
  std::int64_t reporter = 0;          // Bbdw (= ispId)
  std::string opinion;                // Hsyj
  std::optional<std::string> errors;  // Cwxx: the errors found
  // Baxx, bureau ids only: Zt_xx (Ztid, Dwmc, Dwxz, Txdz, Tzr, Zj, Fzr, Bz) and Wz_xx+ (Wzid,
  // Wzmc, Nrlx, Fwnr, Ym_xx {Ymid, Ym}, Jr_xx {Jrid, Wzfb, Wzjrfs, Ip_xx {Ipid, ...}, Bbfs},
  // Wz_Fzr, Syurl, Wz_Bz). On the wire the leaders' mobiles are <sjhm> and there is no Yylb
  // (the spec's XSD); each Jr_xx's Bbfs is the subject block's filed_by.
  FiledRecord record;

  friend bool operator==(const VerificationAnswer&, const VerificationAnswer&) = default;
};

// WBACLJG/Clxx (§4.9): how a provider handled an unfiled site of a WBAWZLB.
struct UnfiledSiteHandling {
  std::string domain;                         // Ym
  std::int64_t ip = 0;                        // IP
  std::int64_t carrier = 0;                   // Yys
  std::int64_t provider = 0;                  // Jrs
  std::int64_t province = 0;                  // Shengid
  std::int64_t result = 0;                    // Cljg (code table unfiled_site_state)
  std::string opinion;                        // Clyj
  std::string listed_on;                      // Rbsj (date)
  std::string deadline;                       // Clsx (date)
  std::optional<std::string> reporter_name;   // Sbrxm
  std::optional<std::string> reporter_phone;  // Sbrdh
  std::optional<std::string> reporter_email;  // Sbrdzyj

  friend bool operator==(const UnfiledSiteHandling&, const UnfiledSiteHandling&) = default;
};

// UploadData/ICP: one file. The gateway sends one kind of operation per file; a bureau takes
// several (§4.0).
struct IcpUpload {
  std::int64_t requester = 0;               // Qqdwid = ispId
  std::vector<FirstFiling> first_filings;   // XZBA
  std::vector<NewWebsites> new_websites;    // XZWZ
  std::vector<NewAccess> new_accesses;      // XZJR
  std::vector<Change> changes;              // BGBA
  std::vector<Cancellation> cancellations;  // ZXBA
  // The operator messages (no ApplicationType, §7.1).
  std::vector<Attachment> materials;                  // XZHYD/Fjxx (owner by Jlid | Baxh)
  std::vector<VerificationAnswer> verifications;      // HSJG/Hsjgxx
  std::vector<UnfiledSiteHandling> unfiled_handling;  // WBACLJG/Clxx

  friend bool operator==(const IcpUpload&, const IcpUpload&) = default;
};

// Czlx of BAJG: which operation a result is about.
enum class Operation : std::int64_t {
  kFirstFiling = 1,    // XZBA
  kNewWebsite = 2,     // XZWZ
  kNewAccess = 3,      // XZJR
  kChange = 4,         // BGBA
  kCancelAccess = 5,   // ZXBA Zxlb 2
  kCancelSubject = 6,  // ZXBA Zxlb 0
  kCancelWebsite = 7,  // ZXBA Zxlb 1
  kMaterial = 35,      // XZHYD
  // Beian's extension (§7.4; docs/bureau-protocol.md): V3.0 gives HSJG and WBACLJG no Czlx,
  // so their answers carry these, never in v3.0-strict. Numbered after their sections.
  kVerificationAnswer = 9008,  // HSJG (§4.8)
  kUnfiledHandling = 9009,     // WBACLJG (§4.9)
};

inline constexpr EnumTable<Operation, 10> kOperations({{
    {Operation::kFirstFiling, "first_filing", "新增备案"},
    {Operation::kNewWebsite, "new_website", "新增网站"},
    {Operation::kNewAccess, "new_access", "新增接入"},
    {Operation::kChange, "change", "变更备案"},
    {Operation::kCancelAccess, "cancel_access", "取消接入"},
    {Operation::kCancelSubject, "cancel_subject", "注销主体"},
    {Operation::kCancelWebsite, "cancel_website", "注销网站"},
    {Operation::kMaterial, "material", "核验材料"},
    {Operation::kVerificationAnswer, "verification_answer", "核实结果（Beian扩展）"},
    {Operation::kUnfiledHandling, "unfiled_handling", "未备案网站处理结果（Beian扩展）"},
}});

// The Czlx of a cancellation of `kind`.
Operation CancelOperation(CancelKind kind);

// Jgxx: one result code about a record.
struct ResultItem {
  std::int64_t code = 0;                   // Jgdm (§3.2; ResultCodeFromNumber)
  std::optional<std::string> description;  // Dmms

  friend bool operator==(const ResultItem&, const ResultItem&) = default;
};

// Jg_xx: the results of one submitted record.
struct RecordResult {
  std::vector<ResultItem> items;      // Jgxx+
  std::int64_t operation = 0;         // Czlx (Operation; kept as sent)
  std::optional<std::string> key;     // Bs: IspZtid (XZBA), Ztbah/Ztid (XZWZ), IspJrid/Wzbah ...
  std::optional<std::string> remark;  // Bz (Beian's field-level reasons live here, §7.4)

  // The class that decides the record's fate, §7.3: the first present of conflict, returned,
  // unknown reference, state, provider, approved, informational (a conflict or a customer's
  // mistake outranks a provider fault in the same record; only-P means the provider's problem).
  ResultClass Outcome() const;

  friend bool operator==(const RecordResult&, const RecordResult&) = default;
};

// Gjsh: a bureau reviewer's decision.
struct ReviewDecision {
  std::optional<std::string> reviewer;        // Shrxm
  std::optional<std::string> reviewer_phone;  // Shr_dhhm
  std::string reviewed_at;                    // Shsj
  std::optional<std::string> opinion;         // Shyj: the only free-text reason
  bool approved = false;                      // Shjg: 1 approved, 0 rejected (polarity, §2)
  std::optional<std::int64_t> operation;      // Czlx
  std::optional<std::int64_t> record_id;      // Jlid

  friend bool operator==(const ReviewDecision&, const ReviewDecision&) = default;
};

// BAJG.
struct FilingResults {
  std::vector<RecordResult> records;      // Jg_xx*
  std::vector<ReviewDecision> decisions;  // GJSHS/Gjsh+

  friend bool operator==(const FilingResults&, const FilingResults&) = default;
};

// ZXSJ/Zxxx: a cancellation done.
struct CancellationDone {
  CancelKind kind = CancelKind::kAccess;  // Zxlb
  std::int64_t record_id = 0;             // Jlid
  std::optional<std::string> remark;      // Bz

  friend bool operator==(const CancellationDone&, const CancellationDone&) = default;
};

// XGTZ/Tzxx: a rectification notice to forward to the customer.
struct Notice {
  bool about_website = false;             // Tzlb: 0 subject, 1 website
  std::optional<std::string> number;      // Baxh
  std::optional<std::int64_t> record_id;  // Jlid
  std::string text;                       // Tznr

  friend bool operator==(const Notice&, const Notice&) = default;
};

// Czlx of a blacklist entry.
enum class ListAction : std::int64_t { kAdd = 0, kModify = 1, kDelete = 2 };

// HMDLB/Zthmdxxs: a blacklisted subject (the XSD makes Zt_xx optional).
struct SubjectBlacklistEntry {
  std::optional<std::string> name;              // Zt_xx/Dwmc
  std::optional<std::int64_t> nature;           // Zt_xx/Dwxz
  std::optional<CertificateBlock> certificate;  // Zt_xx/Zj (no Zjzs)
  ListAction action = ListAction::kAdd;         // Czlx

  friend bool operator==(const SubjectBlacklistEntry&, const SubjectBlacklistEntry&) = default;
};

// HMDLB/Wzhmdxxs: a blacklisted website.
struct WebsiteBlacklistEntry {
  std::string name;                      // Wz_xx/Wzmc
  std::vector<std::string> domains;      // Wz_xx/Ym_xx/Ym
  std::optional<std::string> home_url;   // Wz_xx/Syurl
  ListAction action = ListAction::kAdd;  // Czlx

  friend bool operator==(const WebsiteBlacklistEntry&, const WebsiteBlacklistEntry&) = default;
};

// FFJRHMD/Ffjrxx: a site accessed illegally (the gate refuses it).
struct IllegalAccess {
  std::int64_t id = 0;               // Id
  std::string domain;                // Ym
  std::int64_t ip = 0;               // Ip
  std::int64_t direct_provider = 0;  // Zjjrz (a reporting unit's id)
  std::int64_t province = 0;         // Szs
  std::string detected_at;           // Dqjcsj

  friend bool operator==(const IllegalAccess&, const IllegalAccess&) = default;
};

// WBAWZLB/Wbawz_xx: an unfiled site found on this provider's network; answered with WBACLJG.
struct UnfiledSite {
  std::int64_t id = 0;                           // Id
  std::string domain;                            // Wzym_mc
  std::optional<std::int64_t> language;          // Yylb
  std::int64_t ip = 0;                           // IP
  std::optional<std::string> detected_at;        // Dqjcsj
  std::optional<std::int64_t> times_detected;    // Jccs
  std::optional<std::int64_t> province;          // Sssh
  std::optional<std::string> first_detected_at;  // Scjcsj
  std::optional<std::int64_t> provider;          // Jrs
  std::int64_t carrier = 0;                      // Yys

  friend bool operator==(const UnfiledSite&, const UnfiledSite&) = default;
};

// One code of the bureau's code tables (JCDM, 基础代码, §5.5): the container it came in
// ("Dwxz_dms" for unit natures, "Bbdwlb" for reporting units, ...), its Id, its name (Mc;
// Dwmc for a reporting unit, Nr for a cancellation reason, Ztmc for an unfiled-site state),
// Bz, and whether it is in force (Sfyx 1; absent, as the unfiled-site states have it: in
// force). A code the bureau retires stays in its tables with Sfyx 0: keep it for display.
struct CodeEntry {
  std::string table;
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> remark;  // Bz
  bool in_force = true;

  friend bool operator==(const CodeEntry&, const CodeEntry&) = default;
};

// The containers of JCDM (§5.5) and the element each holds its entries in, in the order a
// file carries them: Bbdwlb/Bbdw directly under JCDM, the other 18 under JCDM/Jcdm_xx.
struct CodeContainer {
  std::string_view table;  // "Dwxz_dms"
  std::string_view entry;  // "Dwxz_xx"
  std::string_view name;   // the element holding the entry's name: "Mc", "Dwmc", "Nr", "Ztmc"
};
std::span<const CodeContainer> CodeContainers();

// DownloadData/ICP: one downloaded file. Absent parts are empty. A full sync (SJTB, §5.4) is
// a file of its own (DownloadData/SJTB/ICP): when `synced_records` is not empty the file is
// that and nothing else.
struct IcpDownload {
  std::vector<FiledRecord> synced_records;                  // SJTB/ICP/Baxx (as BASJ)
  std::vector<FiledRecord> filed_records;                   // BASJ
  std::vector<CancellationDone> cancellations;              // ZXSJ
  std::optional<FilingResults> results;                     // BAJG
  std::vector<Notice> notices;                              // XGTZ
  std::vector<SubjectBlacklistEntry> blacklisted_subjects;  // HMDLB/Zthmdxxs
  std::vector<WebsiteBlacklistEntry> blacklisted_websites;  // HMDLB/Wzhmdxxs
  std::vector<IllegalAccess> illegal_accesses;              // FFJRHMD
  std::vector<UnfiledSite> unfiled_sites;                   // WBAWZLB
  // HSRW/Baxx: verification tasks, records as in BASJ (bureau ids; each Jr_xx's Ispid says who
  // gives the access); answered with HSJG.
  std::vector<FiledRecord> verification_tasks;
  // JCDM (§5.5), a root of its own like SJTB: when not empty, the file is that and nothing
  // else; its entries in file order.
  std::vector<CodeEntry> codes;
  // The parts present that this library does not model yet (HCJG, ...), by name, so a
  // client can tell "nothing in it" from "something it cannot read".
  std::vector<std::string> unmodelled;

  friend bool operator==(const IcpDownload&, const IcpDownload&) = default;
};

// §1.6: at most 1000 records per file (no msg_code; the stand-in answers 999).
inline constexpr std::size_t kMaxRecordsPerFile = 1000;

// The records of an upload as BUREAU-PROTOCOL counts them toward that limit: Baxx (XZBA),
// Xzxx (XZWZ, XZJR), Bgxx (BGBA), Zx_xx (ZXBA), Fjxx (XZHYD), Hsjgxx (HSJG), Clxx (WBACLJG).
std::size_t RecordCount(const IcpUpload& upload);

// The XML text of a file (UTF-8, declared GBK: EncodePayload converts it). REQUIRES: the
// message satisfies its schema (Validate* tells; the mapping in bureau/ builds only such).
std::string EncodeUpload(const IcpUpload& upload);
std::string EncodeDownload(const IcpDownload& download);

// Reads a file's XML text (UTF-8, as DecodePayload gives it). Total: any text gives a value or
// an Error. kInvalidArgument with rule
//   "miit.xml"     not well-formed (a bureau answers 5001),
//   "miit.version" the root's version is not "V.3.0" (5004),
//   "miit.schema"  every violation of schemas/*.xsd, each with its element path (5001),
//   "miit.value"   a value out of the ranges the structs hold.
// An upload whose root is IP or YM is kInvalidArgument "miit.schema" too: not modelled.
Result<IcpUpload> DecodeUpload(std::string_view xml);
Result<IcpDownload> DecodeDownload(std::string_view xml);

// Validates a document against the upload or download schema only (every violation).
Result<void> ValidateUpload(std::string_view xml);
Result<void> ValidateDownload(std::string_view xml);

}  // namespace icp::miit
