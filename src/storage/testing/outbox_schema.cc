#include "storage/testing/outbox_schema.h"

#include <cstdlib>
#include <iostream>

#include "storage/testing/fixtures.h"

namespace icp::storage_testing {

namespace {
void Require(bool ok, std::string_view what) {
  if (ok) return;
  std::cerr << "PrepareOutboxRows: " << what << " failed\n";
  std::abort();
}
}  // namespace

void PrepareOutboxRows(Database& db) {
  using std::chrono::seconds;
  Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
  Require(uow.has_value(), "begin");
  Outbox& outbox = (*uow)->outbox();
  for (std::string_view key : {"delivered", "leased", "pending"}) {
    Result<bool> added = outbox.Enqueue({"bureau.submit", std::string(key), "{}", kT0});
    Require(added.has_value() && *added, "enqueue");
  }
  Result<std::vector<ClaimedMessage>> claimed = outbox.Claim("a", kT0, kT0 + seconds(60), 2);
  Require(claimed.has_value() && claimed->size() == 2, "claim");
  Require(outbox.MarkDelivered((*claimed)[0].id, "a", kT0).has_value(), "deliver");
  Require((*uow)->Commit().has_value(), "commit");
}

bool NamesGuard(const Error& error, std::string_view guard) {
  if (error.message.find(guard) != std::string::npos) return true;
  for (const FieldViolation& v : error.violations) {
    if (v.rule.find(guard) != std::string::npos) return true;
  }
  return false;
}

}  // namespace icp::storage_testing
