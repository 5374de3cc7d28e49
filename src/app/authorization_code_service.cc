#include "app/authorization_code_service.h"

#include "app/audit_details.h"
#include "app/notification.h"
#include "app/resource_service.h"

namespace icp {
namespace {

std::unexpected<Error> NoSuchCode(std::string_view code) {
  return NotFound("authorization code " + std::string(code.substr(0, 40)) + " does not exist");
}

Result<void> Audit(UnitOfWork& uow, std::chrono::sys_seconds now, const Caller& caller,
                   std::string_view action, const AuthorizationCode& code) {
  AuditDetails details;
  details.Add("server", code.server_id).Add("state", AuthorizationCodeStateName(code.state));
  return uow.audit().Append({now, AccountActor(caller.account.value()), std::string(action),
                             "authorization_code:" + code.code, details.str()});
}

}  // namespace

Result<AuthorizationCode> AuthorizationCodeService::Create(const Caller& caller,
                                                           std::string_view server_id) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::string> login = AccountLogin(**uow, caller.account);
  if (!login) return std::unexpected(login.error());
  Result<Resource> server = (*uow)->resources().Get(server_id);
  if (!server || server->account != *login) {
    if (server || server.error().code == ErrorCode::kNotFound) {
      return NotFound("resource " + std::string(server_id.substr(0, 64)) + " does not exist");
    }
    return std::unexpected(server.error());
  }
  Result<std::vector<AuthorizationCode>> existing =
      (*uow)->authorization_codes().ListByServer(server->id);
  if (!existing) return std::unexpected(existing.error());
  Result<AccountVerification> verification = names_.VerificationOf(**uow, caller.account);
  if (!verification) return std::unexpected(verification.error());
  const auto now = clock_.Now();
  if (Result<void> ok = RefuseIfAny(
          CodeGenerationRefusals(*server, *verification, *existing, policy_, now, "server_id"));
      !ok) {
    return std::unexpected(ok.error());
  }
  AuthorizationCode code{
      codes_.NewCode(), server->id, server->public_ip.value_or(""), AuthorizationCodeState::kUnused,
      *login,           now};
  if (Result<void> ok = (*uow)->authorization_codes().Insert(code); !ok) {
    return std::unexpected(ok.error());
  }
  if (Result<void> a = Audit(**uow, now, caller, "authorization_code.create", code); !a) {
    return std::unexpected(a.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return code;
}

Result<std::vector<AuthorizationCode>> AuthorizationCodeService::List(const Caller& caller) {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  Result<std::string> login = AccountLogin(**read, caller.account);
  if (!login) return std::unexpected(login.error());
  return (*read)->authorization_codes().ListByAccount(*login);
}

Result<AuthorizationCode> AuthorizationCodeService::Revoke(const Caller& caller,
                                                           std::string_view text) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::string> login = AccountLogin(**uow, caller.account);
  if (!login) return std::unexpected(login.error());
  Result<AuthorizationCode> code = (*uow)->authorization_codes().Get(text);
  if (!code || code->generated_by != *login) {
    if (code || code.error().code == ErrorCode::kNotFound) return NoSuchCode(text);
    return std::unexpected(code.error());
  }
  if (code->state == AuthorizationCodeState::kUsed) {
    return Refusal(ErrorCode::kFailedPrecondition, "code", "auth-code.used",
                   "A code used in a filing cannot be revoked.", "已使用的备案授权码不能撤销。");
  }
  if (code->state == AuthorizationCodeState::kInvalid) {
    return Refusal(ErrorCode::kFailedPrecondition, "code", "auth-code.invalid",
                   "The code is revoked already.", "该备案授权码已失效。");
  }
  const auto now = clock_.Now();
  if (Result<void> t =
          (*uow)->authorization_codes().Transition(code->code, AuthorizationCodeState::kUnused,
                                                   AuthorizationCodeState::kInvalid, *login, now);
      !t) {
    return std::unexpected(t.error());
  }
  code->state = AuthorizationCodeState::kInvalid;
  code->closed_by = *login;
  code->closed_at = now;
  if (Result<void> a = Audit(**uow, now, caller, "authorization_code.revoke", *code); !a) {
    return std::unexpected(a.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return code;
}

Result<AuthorizationCode> AuthorizationCodeService::Redeem(const Caller& caller,
                                                           std::string_view text) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::string> login = AccountLogin(**uow, caller.account);
  if (!login) return std::unexpected(login.error());
  Result<AuthorizationCode> code = (*uow)->authorization_codes().Get(text);
  if (!code) {
    if (code.error().code == ErrorCode::kNotFound) return NoSuchCode(text);
    return std::unexpected(code.error());
  }
  // A code lends a server to another account (another subject); the owner files directly.
  if (code->generated_by == *login) {
    return Refusal(ErrorCode::kFailedPrecondition, "code", "auth-code.own",
                   "This code was generated by your own account; file with the server directly.",
                   "该授权码由本账号生成，请直接使用该服务器备案。");
  }
  Result<Resource> server = (*uow)->resources().Get(code->server_id);
  if (!server) return std::unexpected(server.error());
  Result<Account> lender = (*uow)->accounts().FindByLogin(code->generated_by);
  AccountVerification owner = AccountVerification::kNone;
  if (lender) {
    Result<AccountVerification> v = names_.VerificationOf(**uow, lender->id);
    if (!v) return std::unexpected(v.error());
    owner = *v;
  } else if (lender.error().code != ErrorCode::kNotFound) {
    return std::unexpected(lender.error());
  }
  Result<std::vector<AuthorizationCode>> siblings =
      (*uow)->authorization_codes().ListByServer(server->id);
  if (!siblings) return std::unexpected(siblings.error());
  const auto now = clock_.Now();
  if (Result<void> ok =
          RefuseIfAny(CodeUseRefusals(*code, *server, owner, *siblings, policy_, now, "code"));
      !ok) {
    return std::unexpected(ok.error());
  }
  if (Result<void> t = (*uow)->authorization_codes().Transition(
          code->code, AuthorizationCodeState::kUnused, AuthorizationCodeState::kUsed, *login, now);
      !t) {
    return std::unexpected(t.error());
  }
  code->state = AuthorizationCodeState::kUsed;
  code->closed_by = *login;
  code->closed_at = now;
  if (Result<void> a = Audit(**uow, now, caller, "authorization_code.redeem", *code); !a) {
    return std::unexpected(a.error());
  }
  // The lender is told (SMS, e-mail and 站内消息), once per code: a code is redeemed once.
  if (lender) {
    Result<bool> told = EnqueueNotification(**uow,
                                            {std::string(notification_template::kCodeRedeemed),
                                             lender->id,
                                             std::nullopt,
                                             {{"code", code->code}}},
                                            "authorization_code:" + code->code + ":redeemed", now);
    if (!told) return std::unexpected(told.error());
  }
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return code;
}

}  // namespace icp
