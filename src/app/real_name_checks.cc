#include "app/real_name_checks.h"

#include "base/strings.h"

namespace icp {

std::vector<FieldViolation> CheckAgainstAccount(const Subject& subject,
                                                const AccountIdentity& account) {
  std::vector<FieldViolation> out;
  if (!account.real_name) {
    out.push_back({"subject.name", "realname.subject-name",
                   "the account has no verified real name yet; an admin sets it first",
                   "账号尚未完成实名认证"});
  } else if (!IsValidUtf8(subject.name) ||
             FoldWidthAndTrim(subject.name) != account.real_name->value.name()) {
    out.push_back({"subject.name", "realname.subject-name",
                   "the subject's name must be the account's verified real name",
                   "主办者名称须与账号实名认证的名称一致"});
  }
  if (IsIndividual(subject.type)) {
    if (!account.bound_mobile) {
      out.push_back({"subject.principal.mobile", "realname.mobile",
                     "the account has no bound mobile yet; an admin binds it first",
                     "账号尚未绑定手机号"});
    } else if (subject.principal.mobile != *account.bound_mobile) {
      out.push_back({"subject.principal.mobile", "realname.mobile",
                     "a personal filer's contact 1 must be the account's bound mobile",
                     "个人备案的联系方式1须为账号绑定的手机号"});
    }
  }
  return out;
}

}  // namespace icp
