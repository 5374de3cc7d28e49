#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "ports/bureau_registry.h"

namespace icp {

// A registry the test sets up: records by domain and by certificate number, the verdicts the
// password checks get in turn, and whether the bureau can be reached. Counts every question.
class FakeBureauRegistry final : public BureauRegistry {
 public:
  std::map<std::string, RegistryStatus> domains;       // by ASCII domain
  std::map<std::string, RegistryStatus> certificates;  // by certificate number
  std::deque<PasswordVerdict> verdicts;                // the next checks' answers
  bool unreachable = false;
  int questions = 0;
  std::vector<std::pair<std::string, std::string>> checked;  // (number, password) as asked

  Result<RegistryStatus> StatusOfDomain(const DomainName& domain) override {
    if (Result<void> ok = Ask(); !ok) return std::unexpected(ok.error());
    auto it = domains.find(domain.ascii());
    return it == domains.end() ? RegistryStatus{} : it->second;
  }
  Result<std::optional<RegistryStatus>> StatusOfCertificate(SubjectType,
                                                            const Certificate& c) override {
    if (Result<void> ok = Ask(); !ok) return std::unexpected(ok.error());
    auto it = certificates.find(c.number());
    return std::optional<RegistryStatus>(it == certificates.end() ? RegistryStatus{} : it->second);
  }
  Result<PasswordVerdict> VerifyPassword(const FilingNumber& number,
                                         std::string_view password) override {
    if (Result<void> ok = Ask(); !ok) return std::unexpected(ok.error());
    checked.emplace_back(number.str(), std::string(password));
    if (verdicts.empty()) return PasswordVerdict::kWrong;
    PasswordVerdict v = verdicts.front();
    verdicts.pop_front();
    return v;
  }

 private:
  Result<void> Ask() {
    ++questions;
    if (!unreachable) return {};
    return Refusal(ErrorCode::kUnavailable, "", "bureau.unavailable",
                   "the bureau could not be asked (test): connection refused");
  }
};

}  // namespace icp
