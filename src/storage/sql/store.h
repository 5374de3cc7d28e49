#pragma once

#include <memory>

#include "base/result.h"
#include "ports/database.h"
#include "storage/common/pii_vault.h"
#include "storage/sql/pool.h"

namespace icp::sql {

class AuditHeadCache;

// The Database port over any SQL engine with a driver (sqlite::Connection,
// postgres::Connection). The repositories are written once, in SQL both engines speak;
// the engines differ only in their drivers, their migrations and two locking clauses.
class Database final : public icp::Database {
 public:
  Database(std::unique_ptr<Pool> pool, PiiVault vault);

  Result<std::unique_ptr<icp::UnitOfWork>> Begin() override;
  Result<std::unique_ptr<icp::ReadTransaction>> BeginRead() override;

  Pool& pool() { return *pool_; }
  const PiiVault& vault() const { return vault_; }

 private:
  std::unique_ptr<Pool> pool_;
  PiiVault vault_;
  std::shared_ptr<AuditHeadCache> audit_head_;  // the head this process last wrote
};

}  // namespace icp::sql
