#pragma once

#include <string_view>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/resource_eligibility.h"
#include "ports/clock.h"
#include "ports/code_source.h"
#include "ports/database.h"
#include "ports/real_name_lookup.h"

namespace icp {

// 备案授权码 (FACTS.md §8.1): a server's owner lends the server to another account (another
// subject) with a code. Every limit of §8.1 holds: only a CVM the caller owns, that may back
// a filing, owned by an enterprise-verified account, at most max_codes_per_server live codes
// per server (revoked ones do not count); the code dies with its server; it is redeemed once,
// by another account, and a used code stays used.
class AuthorizationCodeService {
 public:
  AuthorizationCodeService(Database& db, const EligibilityPolicy& policy, RealNameLookup& names,
                           CodeSource& codes, Clock& clock)
      : db_(db), policy_(policy), names_(names), codes_(codes), clock_(clock) {}

  // A new unused code for `server_id`. kNotFound unless the caller owns the server;
  // kFailedPrecondition listing every reason of CodeGenerationRefusals (rules auth-code.*,
  // resource.*), at field "server_id".
  Result<AuthorizationCode> Create(const Caller& caller, std::string_view server_id);
  // The codes the caller generated and the codes it redeemed, by code.
  Result<std::vector<AuthorizationCode>> List(const Caller& caller);
  // Withdraws an unused code (unused -> invalid). kNotFound unless the caller generated it;
  // kFailedPrecondition (rule auth-code.used / auth-code.invalid) when it is not unused;
  // kAborted (rule auth-code.state-changed) when it changed meanwhile.
  Result<AuthorizationCode> Revoke(const Caller& caller, std::string_view code);
  // Takes the code for the caller's filing (unused -> used, compare and set: of two accounts
  // racing, exactly one wins). kNotFound for no such code; kFailedPrecondition for the
  // caller's own code (rule auth-code.own) and every reason of CodeUseRefusals (used,
  // invalid, server expired, ...); kAborted (rule auth-code.state-changed) for the loser of
  // a race.
  Result<AuthorizationCode> Redeem(const Caller& caller, std::string_view code);

 private:
  Database& db_;
  const EligibilityPolicy& policy_;
  RealNameLookup& names_;
  CodeSource& codes_;
  Clock& clock_;
};

}  // namespace icp
