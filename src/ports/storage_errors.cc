#include "ports/storage_errors.h"

#include <utility>

namespace icp::storage_errors {
namespace {

std::unexpected<Error> Conflict(ErrorCode code, std::string field, std::string rule,
                                std::string message, std::string zh) {
  Error e{code, message, {{std::move(field), std::move(rule), message, std::move(zh)}}};
  return std::unexpected(std::move(e));
}

std::string Text(std::string_view s) { return std::string(s); }

}  // namespace

std::unexpected<Error> SubjectHasOpenApplication() {
  return Conflict(ErrorCode::kAlreadyExists, "subject.certificate", "application.open-for-subject",
                  "this subject already has an application in progress; finish or withdraw it "
                  "first",
                  "该主体已有进行中的备案申请，请先完成或撤销后再提交");
}

std::unexpected<Error> AccountHasOpenApplication() {
  return Conflict(ErrorCode::kAlreadyExists, "account", "application.open-for-account",
                  "this account already has an application in progress; finish, withdraw or "
                  "abandon it before starting another",
                  "该账号已有进行中的备案订单，请先完成、撤销或放弃后再提交新的备案");
}

std::unexpected<Error> ApplicationMustNameSubjectOnRecord() {
  return Conflict(
      ErrorCode::kFailedPrecondition, "subject.certificate", "application.subject-on-record",
      "a subject with this certificate is on record; file against that subject "
      "(new website, change or cancellation) instead of as a new subject",
      "该证件的主体已有备案记录，请在该主体下办理新增网站、变更或注销，而不是作为新主体备案");
}

std::unexpected<Error> RecordChangeNeedsApplication() {
  return Conflict(ErrorCode::kFailedPrecondition, "changed_by", "record.change-needs-application",
                  "a subject or website on record changes only through a new application about "
                  "it (changed_by)",
                  "已备案的主体或网站只能通过针对它的新备案申请变更");
}

std::unexpected<Error> RecordIdentityFixed() {
  return Conflict(ErrorCode::kFailedPrecondition, "", "record.identity-fixed",
                  "a record keeps its id and identity; a website stays with its subject",
                  "备案记录的标识不能变更，网站不能转到其他主体下");
}

std::unexpected<Error> ApplicationTypeNeedsSubject() {
  return Conflict(ErrorCode::kInvalidArgument, "subject", "application.type-needs-subject",
                  "a new website, change or cancellation is filed against a subject on record",
                  "新增网站、变更和注销备案须针对已备案的主体办理");
}

std::unexpected<Error> NumberNotIssuedToRecord() {
  return Conflict(ErrorCode::kFailedPrecondition, "number", "filing-number.not-issued-to-record",
                  "a subject or website may carry only a number issued to it",
                  "主体或网站只能使用签发给它的备案号");
}

std::unexpected<Error> DomainHasOpenApplication(std::string_view domain, std::string field) {
  return Conflict(ErrorCode::kAlreadyExists, std::move(field), "application.open-for-domain",
                  "domain " + Text(domain) + " already has an application in progress",
                  "域名 " + Text(domain) + " 已有进行中的备案申请");
}

std::unexpected<Error> DomainTaken(std::string_view domain, std::string field) {
  return Conflict(ErrorCode::kAlreadyExists, std::move(field), "website.domain-taken",
                  "domain " + Text(domain) + " belongs to another website on record",
                  "域名 " + Text(domain) + " 已属于另一个已备案网站");
}

std::unexpected<Error> SubjectOnRecord() {
  return Conflict(ErrorCode::kAlreadyExists, "subject.certificate", "subject.already-on-record",
                  "a subject with this certificate is already on record",
                  "该证件的主体已有备案记录");
}

std::unexpected<Error> NumberIssuedOnce(std::string_view number) {
  return Conflict(ErrorCode::kAlreadyExists, "number", "filing-number.issued-once",
                  "filing number " + Text(number) + " was issued before and is never reissued",
                  "备案号 " + Text(number) + " 已签发过，不能再次签发");
}

std::unexpected<Error> NumberCancelled(std::string_view number) {
  return Conflict(ErrorCode::kFailedPrecondition, "number", "filing-number.cancelled",
                  "filing number " + Text(number) + " is cancelled already",
                  "备案号 " + Text(number) + " 已注销");
}

std::unexpected<Error> StaleRevision(std::string_view what, std::int64_t id) {
  return Conflict(
      ErrorCode::kAborted, "revision", "storage.revision",
      Text(what) + " " + std::to_string(id) + " was changed by someone else; reload and try again",
      "数据已被他人修改，请刷新后重试");
}

std::unexpected<Error> HistoryAppendOnly(std::int64_t id) {
  return Conflict(ErrorCode::kFailedPrecondition, "history", "application.history-append-only",
                  "the history of application " + std::to_string(id) +
                      " is append-only; stored moves cannot change",
                  "备案申请的流转记录只能追加，不能修改");
}

std::unexpected<Error> LoginTaken(std::string_view login) {
  return Conflict(ErrorCode::kAlreadyExists, "login", "account.login-taken",
                  "login " + Text(login) + " is taken", "账号 " + Text(login) + " 已被使用");
}

std::unexpected<Error> CodeStateChanged(std::string_view code) {
  return Conflict(ErrorCode::kAborted, "authorization_code", "auth-code.state-changed",
                  "authorization code " + Text(code) + " changed state meanwhile",
                  "备案授权码状态已变化，请刷新后重试");
}

std::unexpected<Error> CodeUsed(std::string_view code) {
  return Conflict(ErrorCode::kFailedPrecondition, "authorization_code", "auth-code.used",
                  "authorization code " + Text(code) +
                      " was used in a successful filing and can never be used again",
                  "该备案授权码已用于成功备案，不能再次使用");
}

std::unexpected<Error> AccessFilingChangesNoData() {
  return Conflict(ErrorCode::kFailedPrecondition, "", "access-filing.changes-no-data",
                  "an access filing changes no data of the subject or website on record",
                  "接入备案不能修改主体或网站信息");
}

std::unexpected<Error> LeaseLost(std::int64_t id) {
  return Conflict(ErrorCode::kAborted, "", "outbox.lease-lost",
                  "outbox message " + std::to_string(id) + " is no longer leased to this worker",
                  "");
}

std::unexpected<Error> OutboxNotDead(std::int64_t id) {
  return Conflict(ErrorCode::kFailedPrecondition, "", "outbox.not-dead",
                  "outbox message " + std::to_string(id) +
                      " is not a dead letter; only dead letters are retried",
                  "该出站消息不是死信，只有死信可以重试");
}

std::unexpected<Error> NotificationNotFound(std::int64_t id) {
  return Conflict(ErrorCode::kNotFound, "id", "notification.not-found",
                  "no notification " + std::to_string(id) + " of this account", "没有该消息");
}

std::unexpected<Error> NotificationOwner() {
  return Conflict(ErrorCode::kFailedPrecondition, "application", "notification.owner",
                  "a notification is about an application of its own account",
                  "消息所涉及的申请必须属于该账号");
}

std::unexpected<Error> SessionTokenTaken() {
  return Conflict(ErrorCode::kAlreadyExists, "", "session.token-taken",
                  "a session with this token exists already", "会话令牌已存在");
}

std::unexpected<Error> SessionRevoked(std::int64_t id) {
  return Conflict(ErrorCode::kFailedPrecondition, "", "session.revoked",
                  "session " + std::to_string(id) + " has ended", "会话已结束");
}

std::unexpected<Error> ApiKeyTaken() {
  return Conflict(ErrorCode::kAlreadyExists, "", "api-key.taken",
                  "an API key with this secret or prefix exists already", "API 密钥已存在");
}

std::unexpected<Error> ApiKeyRevoked(std::int64_t id) {
  return Conflict(ErrorCode::kFailedPrecondition, "", "api-key.revoked",
                  "API key " + std::to_string(id) + " is revoked", "API 密钥已吊销");
}

std::unexpected<Error> GateListDomain(std::string_view domain) {
  return Conflict(ErrorCode::kFailedPrecondition, "domain", "gate.list-domain",
                  "\"" + Text(domain) + "\" is not a domain in A-label form",
                  "\"" + Text(domain) + "\" 不是 A-label 形式的域名");
}

}  // namespace icp::storage_errors
