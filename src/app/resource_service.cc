#include "app/resource_service.h"

#include "app/audit_details.h"

namespace icp {

Result<std::string> AccountLogin(StoreReader& store, AccountId account) {
  Result<Account> a = store.accounts().Get(account);
  if (!a) return std::unexpected(a.error());
  return a->login;
}

Result<std::size_t> ResourceService::Import(const Caller& caller,
                                            const std::vector<Resource>& resources) {
  if (caller.role != Role::kAdmin) {
    Error e{ErrorCode::kPermissionDenied,
            "only admins import the resource inventory",
            {{"", "auth.role", "Only admins import the resource inventory.",
              "只有管理员可以导入资源清单。"}}};
    return std::unexpected(std::move(e));
  }
  return ImportAs(AccountActor(caller.account.value()), resources, clock_.Now());
}

Result<std::size_t> ResourceService::ImportAs(std::string_view actor,
                                              const std::vector<Resource>& resources,
                                              std::chrono::sys_seconds now) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  for (const Resource& r : resources) {
    if (Result<void> ok = (*uow)->resources().Upsert(r); !ok) return std::unexpected(ok.error());
  }
  AuditDetails details;
  details.Add("resources", static_cast<std::int64_t>(resources.size()));
  if (Result<void> a = (*uow)->audit().Append(
          {now, std::string(actor), "resources.import", "resources", details.str()});
      !a) {
    return std::unexpected(a.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return resources.size();
}

Result<std::vector<ResourceView>> ResourceService::ListMine(const Caller& caller) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<std::string> login = AccountLogin(**read, caller.account);
  if (!login) return std::unexpected(login.error());
  Result<std::vector<Resource>> mine = (*read)->resources().ListByAccount(*login);
  if (!mine) return std::unexpected(mine.error());
  const auto now = clock_.Now();
  std::vector<ResourceView> out;
  for (Resource& r : *mine) {
    std::vector<FieldViolation> refusals = ResourceRefusals(r, policy_, now, "");
    out.push_back({std::move(r), std::move(refusals)});
  }
  return out;
}

}  // namespace icp
