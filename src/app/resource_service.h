#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/resource_eligibility.h"
#include "ports/clock.h"
#include "ports/database.h"

namespace icp {

// A resource as its owner sees it: whether it can back a filing now, and every reason when
// it cannot (FACTS.md §8; domain/resource_eligibility.h).
struct ResourceView {
  Resource resource;
  std::vector<FieldViolation> refusals;  // empty: eligible

  bool eligible() const { return refusals.empty(); }
};

// The provider's cloud inventory (接入资源): imported by an operator, listed to customers
// with their eligibility. Resources are keyed to accounts by login (Resource::account).
class ResourceService {
 public:
  ResourceService(Database& db, const EligibilityPolicy& policy, Clock& clock)
      : db_(db), policy_(policy), clock_(clock) {}

  // Inserts or replaces every resource (a sync of the inventory), in one unit of work with
  // its audit entry: all or nothing. Admins only (kPermissionDenied, rule auth.role).
  // Resources the import does not name are left as they are. Returns how many were stored.
  Result<std::size_t> Import(const Caller& caller, const std::vector<Resource>& resources);
  // The same for an operator outside the API (icpctl resources import): `actor` is who the
  // audit entry names ("operator:alice@host"), `now` when.
  Result<std::size_t> ImportAs(std::string_view actor, const std::vector<Resource>& resources,
                               std::chrono::sys_seconds now);
  // The caller's own resources with their eligibility at the clock's now, by id.
  Result<std::vector<ResourceView>> ListMine(const Caller& caller);

 private:
  Database& db_;
  const EligibilityPolicy& policy_;
  Clock& clock_;
};

// The login resources of `account` are filed under; kNotFound if there is no such account.
Result<std::string> AccountLogin(StoreReader& store, AccountId account);

}  // namespace icp
