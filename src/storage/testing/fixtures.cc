#include "storage/testing/fixtures.h"

#include <cstdio>

#include "base/check.h"

namespace icp::storage_testing {
namespace {

template <class T>
T Must(Result<T> r, std::string_view what) {
  ICP_CHECK(r.has_value()) << what << ": " << r.error().message;
  return std::move(*r);
}

constexpr Date kToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(23)};

Principal SamplePrincipal(const Certificate& certificate, int serial) {
  char mobile[32];
  std::snprintf(mobile, sizeof mobile, "138%08d", serial % 100'000'000);
  return Principal{"张三" + std::to_string(serial),
                   certificate,
                   std::nullopt,
                   Must(MobileNumber::Parse(mobile), "mobile"),
                   "",
                   std::nullopt,
                   Must(Email::Parse("owner" + std::to_string(serial) + "@example.com"), "email"),
                   false};
}

}  // namespace

std::string ResidentIdNumber(int serial) {
  char body[32];
  std::snprintf(body, sizeof body, "44030819900101%03d", serial % 1000);
  // Born on 1990-01-01 plus serial / 1000 days keeps 17 digits distinct for any serial.
  std::string number(body);
  if (serial >= 1000) {
    const int day = 1 + (serial / 1000) % 28;
    const int month = 1 + (serial / 28'000) % 12;
    char date[16];
    std::snprintf(date, sizeof date, "%02d%02d", month, day);
    number.replace(10, 4, date);
  }
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (number[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  number += "10X98765432"[sum % 11];
  return number;
}

Application SampleApplication(int serial, std::string_view domain) {
  Certificate id = Must(
      Certificate::Parse(CertificateType::kResidentId, ResidentIdNumber(serial), kToday), "id");
  Principal principal = SamplePrincipal(id, serial);
  Subject subject{SubjectType::kIndividual,
                  id,
                  principal.name,
                  Must(Province::FromCode("44"), "province"),
                  "440308",
                  "广东省深圳市盐田区某路 1 号",
                  "广东省深圳市盐田区某路 1 号 2 栋 301 室",
                  principal.name,
                  std::nullopt,
                  principal,
                  ""};
  Website website{principal.name + "的个人博客",
                  {Must(DomainName::Parse(domain), "domain")},
                  "http://" + std::string(domain),
                  {"other"},
                  {"zh-Hans"},
                  {},
                  principal,
                  "本网站为个人网站，主要内容为学习笔记",
                  {"ins-" + std::to_string(serial)}};
  return Application{
      ApplicationType::kFirstFiling, std::move(subject), {std::move(website)}, {}, std::nullopt};
}

ApplicationRecord NewRecord(AccountId account, Application application, ApplicationType type,
                            std::chrono::sys_seconds now) {
  application.type = type;
  return ApplicationRecord{ApplicationId(),
                           account,
                           std::nullopt,
                           std::move(application),
                           ApplicationLifecycle::Start(type, now),
                           0,
                           now,
                           now};
}

const HolidayCalendar& TestCalendar() {
  static const HolidayCalendar calendar =
      Must(HolidayCalendar::Parse("2026-10-01\t2026-10-08\toff\tNational Day\n"), "calendar");
  return calendar;
}

const DeadlinePolicy& TestDeadlinePolicy() {
  // DeadlinePolicy has no defaults: production takes it from the rules data.
  static const DeadlinePolicy policy{.provider_review_working_days = 2,
                                     .bureau_review_working_days = 20,
                                     .customer_window_days = 45,
                                     .reminder_days = {7, 15, 30},
                                     .sms_window_hours = 24,
                                     .contact_retry_minutes = 60,
                                     .cancellation_abandonable_before_bureau = false};
  return policy;
}

void Move(ApplicationRecord& record, ApplicationEvent event, std::chrono::sys_seconds now) {
  Must(record.lifecycle.Apply(event, now, TestCalendar(), TestDeadlinePolicy()), "move");
  record.updated_at = now;
}

AccountId CreateAccount(Database& db, std::string_view login) {
  std::unique_ptr<UnitOfWork> uow = Must(db.Begin(), "begin");
  AccountId id =
      Must(uow->accounts().Insert(Account{AccountId(), std::string(login), Role::kCustomer,
                                          std::string(login), "$argon2id$v=19$test", kT0}),
           "account");
  ICP_CHECK(uow->Commit().has_value()) << "commit";
  return id;
}

FilingNumber FileWebsite(Database& db, AccountId account, int serial, std::string_view domain) {
  std::unique_ptr<UnitOfWork> uow = Must(db.Begin(), "begin");
  char base[64];
  std::snprintf(base, sizeof base, "京ICP备2027%06d号", serial % 1'000'000);
  const FilingNumber subject_number = Must(FilingNumber::Parse(base), "subject number");
  const FilingNumber site_number =
      Must(FilingNumber::Parse(std::string(base) + "-1"), "website number");
  Application a = SampleApplication(serial, domain);
  SubjectId s = Must(uow->subjects().Insert(
                         {SubjectId(), account, a.subject, std::nullopt, false, std::nullopt, 0}),
                     "subject");
  ICP_CHECK(uow->numbers().Issue({subject_number, s, std::nullopt, kT0, std::nullopt}).has_value());
  SubjectRecord subject = Must(uow->subjects().Get(s), "subject read back");
  subject.number = subject_number;
  Must(uow->subjects().Update(subject), "subject number");
  WebsiteId w = Must(
      uow->websites().Insert({WebsiteId(), s, a.websites[0], std::nullopt, false, std::nullopt, 0}),
      "website");
  ICP_CHECK(uow->numbers().Issue({site_number, s, w, kT0, std::nullopt}).has_value());
  WebsiteRecord website = Must(uow->websites().Get(w), "website read back");
  website.number = site_number;
  Must(uow->websites().Update(website), "website number");
  ICP_CHECK(uow->Commit().has_value()) << "commit";
  return site_number;
}

}  // namespace icp::storage_testing
