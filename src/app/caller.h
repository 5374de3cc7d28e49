#pragma once

#include "domain/personal_data.h"
#include "ports/ids.h"

namespace icp {

// Who is asking: the signed-in account and its role, as the HTTP layer authenticated it
// (a console session or an API key). Use cases take it and decide what the caller may see:
// a customer sees only its own account's objects (anything else is kNotFound, never
// kPermissionDenied, so ids cannot be probed); reviewers and admins see every account's.
struct Caller {
  AccountId account;
  Role role = Role::kCustomer;

  bool is_staff() const { return role == Role::kReviewer || role == Role::kAdmin; }
  // The caller may read an object of `owner`'s.
  bool MayRead(AccountId owner) const { return is_staff() || owner == account; }

  friend bool operator==(const Caller&, const Caller&) = default;
};

}  // namespace icp
