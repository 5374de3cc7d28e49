#include "app/operator_service.h"

#include <string_view>

#include "app/application_service.h"
#include "domain/embedded_data.h"

namespace icp {
namespace {

Result<void> RequireAdmin(const Caller& caller) {
  if (caller.role == Role::kAdmin) return {};
  return Refusal(ErrorCode::kPermissionDenied, "", "auth.role", "only an admin may do this",
                 "仅管理员可执行此操作");
}

Result<void> CheckLimit(std::size_t limit) {
  if (limit >= 1 && limit <= kMaxOperatorPage) return {};
  return Refusal(ErrorCode::kInvalidArgument, "limit", "request.limit",
                 "limit must be 1 to " + std::to_string(kMaxOperatorPage),
                 "limit 须在 1 到 " + std::to_string(kMaxOperatorPage) + " 之间");
}

// The value of the first "# version: V" line of a data file, or `otherwise`.
std::string VersionLine(std::string_view text, std::string_view otherwise) {
  constexpr std::string_view kTag = "# version:";
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (line.starts_with(kTag)) {
      line.remove_prefix(kTag.size());
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
      if (!line.empty()) return std::string(line);
    }
    if (!line.empty() && line.front() != '#' && !line.starts_with("//")) break;  // past the header
    at = end + 1;
  }
  return std::string(otherwise);
}

}  // namespace

Result<AuditPage> OperatorService::ReadAudit(const Caller& caller, std::int64_t after,
                                             std::size_t limit) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  if (Result<void> ok = CheckLimit(limit); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<std::vector<StoredAuditEntry>> entries = (*read)->audit().Read(after, limit + 1);
  if (!entries) return std::unexpected(entries.error());
  AuditPage page;
  if (entries->size() > limit) {
    entries->erase(entries->begin() + static_cast<std::ptrdiff_t>(limit), entries->end());
    page.next = entries->back().seq;
  }
  page.entries = std::move(*entries);
  return page;
}

Result<AuditVerification> OperatorService::VerifyAudit(const Caller& caller) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  return (*read)->audit().Verify();
}

Result<OutboxPage> OperatorService::ListOutbox(const Caller& caller, bool dead_only,
                                               OutboxMessageId after, std::size_t limit) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  if (Result<void> ok = CheckLimit(limit); !ok) return std::unexpected(ok.error());
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::vector<OutboxEntry>> entries =
      (*uow)->outbox().List(OutboxQuery{dead_only, after, limit + 1});
  if (!entries) return std::unexpected(entries.error());
  Result<OutboxStats> stats = (*uow)->outbox().Stats();
  if (!stats) return std::unexpected(stats.error());
  OutboxPage page;
  if (entries->size() > limit) {
    entries->erase(entries->begin() + static_cast<std::ptrdiff_t>(limit), entries->end());
    page.next = entries->back().id;
  }
  page.entries = std::move(*entries);
  page.stats = *stats;
  return page;
}

Result<void> OperatorService::RetryDeadLetter(const Caller& caller, OutboxMessageId id) {
  if (Result<void> ok = RequireAdmin(caller); !ok) return ok;
  const std::chrono::sys_seconds now = clock_.Now();
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  if (Result<void> r = (*uow)->outbox().Retry(id, now); !r) return r;
  const std::string entity = "outbox:" + std::to_string(id.value());
  if (Result<void> r = (*uow)->audit().Append({now, ActorOf(caller), "outbox.retry", entity, "{}"});
      !r) {
    return r;
  }
  return (*uow)->Commit();
}

Result<ProvinceRules> OperatorService::RulesInForce(const Caller& caller, Province province) const {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  return rules_->For(province);
}

Result<std::vector<ProvinceRules>> OperatorService::AllRules(const Caller& caller) const {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  std::vector<ProvinceRules> out;
  for (const Province& p : Province::All()) out.push_back(rules_->For(p));
  return out;
}

Result<std::vector<ReferenceFile>> OperatorService::ReferenceData(const Caller& caller) const {
  if (Result<void> ok = RequireAdmin(caller); !ok) return std::unexpected(ok.error());
  // The sources as data/reference/README.md names them; the versions from the files.
  struct Known {
    std::string_view file, what, source, copied;
    std::string_view (*text)();
  };
  static constexpr Known kFiles[] = {
      {"cn_admin_division_codes.loc.dat", "GB/T 2260 行政区划代码 (division codes)",
       "python-stdnum loc.dat, from the zh.wikipedia division-code tables (LGPL-2.1+ / "
       "CC BY-SA 4.0)",
       "2026-11-23", &embedded::admin_division_codes},
      {"public_suffix_list.dat", "Mozilla Public Suffix List (MPL 2.0)",
       "Debian package publicsuffix 20230209.2326-1", "2023-02-09", &embedded::public_suffix_list},
      {"filing_suffixes.tsv", "域名后缀备案资格 (domain suffixes that may be filed)",
       "FACTS.md §7.10 and seed 003; MIIT's domain-industry site (domain.miit.gov.cn)",
       "2026-11-23", &embedded::filing_suffixes},
      {"mobile_segments.tsv", "手机号段 (mainland mobile segments, carrier, SMS reachability)",
       "libphonenumber's CN pattern (FACTS §9.6) and the carriers' allocations", "2026-11-23",
       &embedded::mobile_segments},
      {"calendar/cn_public_holidays.tsv", "法定节假日与调休 (days off, make-up working days)",
       "the State Council General Office's yearly notices (国办发明电)", "2026-11-23",
       &embedded::holiday_calendar},
  };
  std::vector<ReferenceFile> out;
  for (const Known& k : kFiles) {
    const std::string_view text = k.text();
    out.push_back({std::string(k.file), std::string(k.what), std::string(k.source),
                   VersionLine(text, k.copied), text.size()});
  }
  return out;
}

}  // namespace icp
