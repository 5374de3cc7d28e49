#include "storage/postgres/read_replica.h"

#include "storage/postgres/connection.h"
#include "storage/postgres/database.h"
#include "storage/sql/migrator.h"

namespace icp::postgres {
namespace {

Error ReadDatabaseError(ErrorCode code, const std::string& rule, const std::string& message,
                        const std::string& zh) {
  return {code, message, {{"read_database", rule, message, zh}}};
}

// The checks of Open, on one connection of `pool`, given back before the pool is handed on.
Result<void> CheckStandby(sql::Pool& pool) {
  Result<sql::Pool::Lease> lease = pool.Acquire();
  if (!lease) {
    if (lease.error().code == ErrorCode::kInvalidArgument) return std::unexpected(lease.error());
    return std::unexpected(ReadDatabaseError(
        ErrorCode::kUnavailable, "storage.read-unreachable",
        "cannot reach the read database (--read-database): " + lease.error().message,
        "无法连接只读数据库（--read-database）"));
  }
  Result<sql::Rows> recovery = (*lease)->Query("SELECT pg_is_in_recovery()");
  if (!recovery) return std::unexpected(recovery.error());
  if (recovery->empty() || recovery->rows[0].Text(0) != "t") {
    return std::unexpected(ReadDatabaseError(
        ErrorCode::kFailedPrecondition, "storage.read-not-standby",
        "the read database (--read-database) is not a standby: pg_is_in_recovery() is false. "
        "Give it a streaming replica of the primary (pg_basebackup -R), or leave "
        "--read-database out to read from the primary",
        "只读数据库（--read-database）不是备库：请指定主库的流复制备库"));
  }
  // The schema is the primary's, replayed; one behind this binary is refused as on the
  // primary.
  return sql::RequireMigrated(**lease, Migrations());
}

}  // namespace

Result<std::unique_ptr<ReadReplica>> ReadReplica::Open(const ReplicaOptions& options,
                                                       PiiVault vault) {
  const std::string url = options.url;
  const std::string schema = options.schema;
  auto pool = std::make_unique<sql::Pool>(
      [url, schema]() -> Result<std::unique_ptr<sql::Connection>> {
        Result<std::unique_ptr<Connection>> c = Connection::Open(url, schema);
        if (!c) return std::unexpected(c.error());
        return std::unique_ptr<sql::Connection>(std::move(*c));
      },
      options.connections);
  if (Result<void> ok = CheckStandby(*pool); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<ReadReplica>(new ReadReplica(std::move(pool), std::move(vault)));
}

}  // namespace icp::postgres
