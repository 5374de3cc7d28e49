#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/resource.h"

namespace icp {

// The provider's cloud inventory as far as filing needs it (FACTS.md §8).
class ResourceRepository {
 public:
  virtual ~ResourceRepository() = default;

  // Inserts or replaces the resource (inventory sync), with the backends of a load balancer.
  virtual Result<void> Upsert(const Resource& resource) = 0;
  virtual Result<Resource> Get(std::string_view id) = 0;  // kNotFound
  virtual Result<std::vector<Resource>> ListByAccount(std::string_view account) = 0;
};

// 备案授权码.
class AuthorizationCodeRepository {
 public:
  virtual ~AuthorizationCodeRepository() = default;

  // kAlreadyExists if the code exists.
  virtual Result<void> Insert(const AuthorizationCode& code) = 0;
  virtual Result<AuthorizationCode> Get(std::string_view code) = 0;  // kNotFound
  // Moves the code from `from` to `to` only if it is in `from` now (compare and set): two
  // filings racing for one unused code cannot both use it. kAborted (rule
  // "auth-code.state-changed") when it is no longer in `from`; kNotFound if no such code.
  virtual Result<void> Transition(std::string_view code, AuthorizationCodeState from,
                                  AuthorizationCodeState to) = 0;
  virtual Result<std::vector<AuthorizationCode>> ListByServer(std::string_view server_id) = 0;
};

}  // namespace icp
