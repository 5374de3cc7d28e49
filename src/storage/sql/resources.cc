// The cloud resource inventory in portable SQL.
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {

namespace {
constexpr std::string_view kUpsertResource =
    "INSERT INTO resources (id, account, kind, region, mainland, billing, trial, purchased_count, "
    "purchased_unit, expires_at, public_ip, parent_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (id) DO UPDATE SET account = excluded.account, kind = excluded.kind, "
    "region = excluded.region, mainland = excluded.mainland, billing = excluded.billing, "
    "trial = excluded.trial, purchased_count = excluded.purchased_count, "
    "purchased_unit = excluded.purchased_unit, expires_at = excluded.expires_at, "
    "public_ip = excluded.public_ip, parent_id = excluded.parent_id";
constexpr std::string_view kUnbindBackends =
    "UPDATE resources SET parent_id = NULL WHERE parent_id = $1";
constexpr std::string_view kResourceById =
    "SELECT id, account, kind, region, mainland, billing, trial, purchased_count, purchased_unit, "
    "expires_at, public_ip FROM resources WHERE id = $1";
constexpr std::string_view kResourcesByAccount =
    "SELECT id, account, kind, region, mainland, billing, trial, purchased_count, purchased_unit, "
    "expires_at, public_ip FROM resources WHERE account = $1 AND parent_id IS NULL ORDER BY id";
constexpr std::string_view kBackendsOf =
    "SELECT id, account, kind, region, mainland, billing, trial, purchased_count, purchased_unit, "
    "expires_at, public_ip FROM resources WHERE parent_id = $1 ORDER BY id";
}  // namespace

Result<void> ResourceRepository::Write(const Resource& res,
                                       const std::optional<std::string>& parent) {
  const Value p[] = {res.id,
                     res.account,
                     Text(ResourceKindName(res.kind)),
                     res.region.id,
                     Flag(res.region.mainland),
                     Text(BillingModeName(res.billing)),
                     Flag(res.trial),
                     std::int64_t{res.purchased.count},
                     Text(res.purchased.unit == TermUnit::kMonths ? "months" : "days"),
                     OptionalTime(res.expires_at),
                     OptionalText(res.public_ip),
                     OptionalText(parent)};
  if (Result<Rows> r = s_.Run(kUpsertResource, p); !r) return std::unexpected(r.error());
  const Value key = res.id;
  if (Result<Rows> r = s_.Run(kUnbindBackends, std::span(&key, 1)); !r) {
    return std::unexpected(r.error());
  }
  for (const Resource& backend : res.backends) {
    if (Result<void> w = Write(backend, res.id); !w) return w;
  }
  return {};
}

Result<void> ResourceRepository::Upsert(const Resource& resource) {
  return Write(resource, std::nullopt);
}

Result<std::vector<Resource>> ResourceRepository::Select(std::string_view statement,
                                                         const Value& key) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  std::vector<Resource> out;
  for (const Row& row : r->rows) {
    std::optional<ResourceKind> kind = ResourceKindFromName(row.Text(2));
    std::optional<BillingMode> billing = BillingModeFromName(row.Text(5));
    if (!kind || !billing) return Internal("resource " + row.Text(0) + " does not read back");
    Resource res{row.Text(0),
                 row.Text(1),
                 *kind,
                 Region{row.Text(3), row.Int(4) == 1},
                 *billing,
                 row.Int(6) == 1,
                 Term{static_cast<int>(row.Int(7)),
                      row.Text(8) == "months" ? TermUnit::kMonths : TermUnit::kDays},
                 OptionalTimeAt(row, 9),
                 row.OptionalText(10),
                 {}};
    if (Result<void> ok = row.Check(); !ok) return Corrupt("resource " + res.id, ok.error());
    Result<std::vector<Resource>> backends = Select(kBackendsOf, res.id);
    if (!backends) return std::unexpected(backends.error());
    res.backends = std::move(*backends);
    out.push_back(std::move(res));
  }
  return out;
}

Result<Resource> ResourceRepository::Get(std::string_view id) {
  Result<std::vector<Resource>> r = Select(kResourceById, Text(id));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("resource", id);
  return std::move(r->front());
}

Result<std::vector<Resource>> ResourceRepository::ListByAccount(std::string_view account) {
  return Select(kResourcesByAccount, Text(account));
}

}  // namespace icp::sql
