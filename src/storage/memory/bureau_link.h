#pragma once

#include <string_view>

#include "ports/bureau_link.h"
#include "storage/memory/repositories.h"

namespace icp::memory {

// The bureau link in memory, with the SQL schema's rules (migrations 0008_bureau_link.sql,
// 0010_bureau_parked.sql).
class BureauLink final : public icp::BureauLink {
 public:
  explicit BureauLink(Session& s) : s_(s) {}

  Result<BureauLinkState> State(std::int64_t isp_id) override;
  Result<std::optional<SentFile>> FileBySequence(std::int64_t isp_id,
                                                 std::int32_t sequence) override;
  Result<std::optional<SentFile>> FileByName(std::int64_t isp_id,
                                             std::string_view file_name) override;
  Result<std::vector<SentFile>> Unaccepted(std::int64_t isp_id) override;
  Result<std::optional<SentFile>> FileByRecordKey(std::int64_t isp_id, std::int64_t key) override;
  Result<std::optional<ProcessedDownload>> Download(std::int64_t isp_id,
                                                    std::string_view file_name) override;
  Result<std::vector<ParkedDownload>> Parked(std::int64_t isp_id, bool pending_only) override;
  Result<std::optional<ParkedDownload>> ParkedFile(std::int64_t isp_id,
                                                   std::string_view file_name) override;
  Result<std::optional<BureauIds>> SubjectIds(SubjectId subject) override;
  Result<std::vector<BureauReason>> Reasons(ApplicationId application) override;
  Result<void> AddReason(const BureauReason& reason) override;
  Result<std::optional<SubjectId>> SubjectByBureauId(std::int64_t isp_id,
                                                     std::int64_t bureau_subject_id) override;

  Result<bool> Lease(std::int64_t isp_id, std::string_view holder, std::chrono::sys_seconds now,
                     std::chrono::sys_seconds until) override;
  Result<void> Release(std::int64_t isp_id, std::string_view holder) override;
  Result<std::int64_t> NextRecordKey(std::int64_t isp_id, std::string_view holder) override;
  Result<void> Keep(const SentFile& file, std::string_view holder) override;
  Result<void> Accept(std::int64_t isp_id, std::int32_t sequence, std::chrono::sys_seconds at,
                      std::string_view holder) override;
  Result<void> Refuse(std::int64_t isp_id, std::int32_t sequence, std::chrono::sys_seconds at,
                      std::string_view holder) override;
  Result<bool> RecordDownload(const ProcessedDownload& download) override;
  Result<bool> Park(const ParkedDownload& download) override;
  Result<void> MarkReplayed(std::int64_t isp_id, std::string_view file_name,
                            std::chrono::sys_seconds at) override;
  Result<void> SetSubjectIds(SubjectId subject, std::int64_t isp_id, const BureauIds& ids) override;

 private:
  // The account's row when `holder` holds its lease; kAborted (bureau.lease-lost) otherwise.
  Result<BureauLinkRow*> Held(std::int64_t isp_id, std::string_view holder);
  // The kept file `sequence` of the account, or kFailedPrecondition (bureau.sequence).
  Result<SentFile*> KeptFile(std::int64_t isp_id, std::int32_t sequence);

  Session& s_;
};

}  // namespace icp::memory
