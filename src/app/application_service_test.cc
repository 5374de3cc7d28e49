// ApplicationService with the bureau's registry (ports/bureau_registry.h): the type check
// folds in what the registry knows, and the filings that carry the filing password have it
// checked with the bureau at submit.
#include "app/application_service.h"

#include <gtest/gtest.h>

#include "ports/testing/fake_bureau_registry.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;

constexpr std::string_view kSubjectNumber = "粤ICP备2026000001号";
constexpr std::string_view kWebsiteNumber = "粤ICP备2026000001号-1";

std::shared_ptr<const RuleSet> NoChecks() {
  RuleFile national{"national", "national", "test", {}, {}, std::nullopt, {}};
  std::vector<RuleFile> provinces;
  for (const Province& p : Province::All()) {
    provinces.push_back({std::string(p.code()), std::string(p.code()), "test", {}, {}, {}, {}});
  }
  Result<RuleSet> rules = RuleSet::Build(std::move(national), std::move(provinces));
  EXPECT_TRUE(rules.has_value()) << rules.error().message;
  return std::make_shared<const RuleSet>(std::move(*rules));
}

RegistryStatus Filed(std::string_view subject, std::string_view website = "") {
  return {true, std::string(subject), website.empty() ? "" : "示例网站", std::string(website)};
}

class ApplicationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    document_.type.reset();
    Result<RealName> name = RealName::Make(RealNameKind::kPerson, document_.subject.name,
                                           document_.subject.certificate);
    ASSERT_TRUE(name.has_value()) << name.error().message;
    auto uow = std::move(*db_->Begin());
    Account customer{AccountId(), "customer", Role::kCustomer, "客户", "x", kT0};
    customer.mobile = document_.subject.principal.mobile;
    customer.real_name = VerifiedRealName{*name, kT0};
    customer_.account = *uow->accounts().Insert(customer);
    ASSERT_TRUE(uow->Commit().has_value());
  }

  // The subject filed through another provider, with this document's domain.
  void FiledElsewhere() {
    registry_.certificates[document_.subject.certificate.number()] = Filed(kSubjectNumber);
    registry_.domains["adopt1.cn"] = Filed(kSubjectNumber, kWebsiteNumber);
  }

  ApplicationView CreatedAccess() {
    FiledElsewhere();
    Result<ApplicationView> created = with_bureau_.Create(customer_, document_);
    EXPECT_TRUE(created.has_value()) << created.error().message;
    EXPECT_EQ(created->record.lifecycle.type(), ApplicationType::kNewAccess);
    return *created;
  }

  ApplicationRecord Stored(ApplicationId id) {
    return *(*db_->BeginRead())->applications().Get(id);
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  std::shared_ptr<const RuleSet> rules_ = NoChecks();
  FakeBureauRegistry registry_;
  ApplicationService local_{*db_, rules_, storage_testing::TestCalendar(), clock_};
  ApplicationService with_bureau_{*db_, rules_, storage_testing::TestCalendar(), clock_,
                                  &registry_};
  Application document_ = storage_testing::SampleApplication(1, "adopt1.cn");
  Caller customer_{AccountId(), Role::kCustomer};
};

TEST_F(ApplicationServiceTest, WithoutABureauTheTypeCheckIsLocal) {
  FiledElsewhere();
  Result<TypeCheck> check = local_.CheckType(customer_, document_);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_EQ(check->type, ApplicationType::kFirstFiling);
  EXPECT_EQ(check->bureau.asked, BureauAsked::kNotConfigured);
  EXPECT_EQ(registry_.questions, 0);
}

TEST_F(ApplicationServiceTest, ASubjectAndDomainFiledElsewhereNeedAnAccessFiling) {
  FiledElsewhere();
  Result<TypeCheck> check = with_bureau_.CheckType(customer_, document_);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_EQ(check->type, ApplicationType::kNewAccess);
  EXPECT_TRUE(check->conflicts.empty());
  EXPECT_EQ(check->bureau.asked, BureauAsked::kAsked);
  ASSERT_TRUE(check->bureau.subject.has_value());
  EXPECT_EQ(check->bureau.subject->subject_number, kSubjectNumber);
  ASSERT_EQ(check->bureau.domains.size(), 1u);
  EXPECT_EQ(check->bureau.domains[0].field, "websites[0].domains[0]");
  EXPECT_EQ(check->bureau.domains[0].status.website_number, kWebsiteNumber);
}

TEST_F(ApplicationServiceTest, ASubjectFiledElsewhereWithANewDomainNeedsANewWebsite) {
  registry_.certificates[document_.subject.certificate.number()] = Filed(kSubjectNumber);
  Result<TypeCheck> check = with_bureau_.CheckType(customer_, document_);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_EQ(check->type, ApplicationType::kNewWebsiteFiledElsewhere);
}

TEST_F(ApplicationServiceTest, ADomainFiledByAnotherSubjectIsAConflict) {
  registry_.domains["adopt1.cn"] = Filed("京ICP备2025000009号", "京ICP备2025000009号-1");
  Result<TypeCheck> check = with_bureau_.CheckType(customer_, document_);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_FALSE(check->type.has_value());
  ASSERT_EQ(check->conflicts.size(), 1u);
  EXPECT_EQ(check->conflicts[0].rule, "type.domain-under-other-subject");
  EXPECT_EQ(check->conflicts[0].field, "websites[0].domains[0]");
  // Creating it is refused the same way: the type is resolved with the bureau's facts.
  Result<ApplicationView> created = with_bureau_.Create(customer_, document_);
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().rule(), "type.domain-under-other-subject");
}

TEST_F(ApplicationServiceTest, AnUnreachableBureauLeavesTheCheckToLocalData) {
  FiledElsewhere();
  registry_.unreachable = true;
  Result<TypeCheck> check = with_bureau_.CheckType(customer_, document_);
  ASSERT_TRUE(check.has_value()) << check.error().message;
  EXPECT_EQ(check->type, ApplicationType::kFirstFiling);
  EXPECT_EQ(check->bureau.asked, BureauAsked::kUnavailable);
  EXPECT_NE(check->bureau.message.find("connection refused"), std::string::npos);
  EXPECT_FALSE(check->bureau.subject.has_value());
  EXPECT_TRUE(check->bureau.domains.empty());
}

TEST_F(ApplicationServiceTest, AnAccessFilingNeedsItsPassword) {
  ApplicationView app = CreatedAccess();
  Result<Submission> r = with_bureau_.Submit(customer_, app.record.id, app.record.revision);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().violations.at(0).field, "filing_password");
  EXPECT_EQ(r.error().rule(), "application.filing-password.required");
  EXPECT_TRUE(registry_.checked.empty());
}

TEST_F(ApplicationServiceTest, AWrongPasswordIsRefusedWithTheWayToRecoverIt) {
  ApplicationView app = CreatedAccess();
  registry_.verdicts = {PasswordVerdict::kWrong};
  Result<Submission> r =
      with_bureau_.Submit(customer_, app.record.id, app.record.revision, "wrong-one");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  const FieldViolation& v = r.error().violations.at(0);
  EXPECT_EQ(v.field, "filing_password");
  EXPECT_EQ(v.rule, "bureau.filing-password.wrong");
  // Seed 004: the subject's number without -N, certificate and mobile as filed.
  EXPECT_NE(v.message_zh.find("找回备案密码"), std::string::npos);
  EXPECT_NE(v.message_zh.find("无需填写"), std::string::npos);
  EXPECT_NE(v.message_zh.find("手机号码"), std::string::npos);
  EXPECT_NE(v.message.find("without its"), std::string::npos);
  // Asked of the subject's number (the registry's, by the domain), as typed.
  ASSERT_EQ(registry_.checked.size(), 1u);
  EXPECT_EQ(registry_.checked[0].first, kSubjectNumber);
  EXPECT_EQ(registry_.checked[0].second, "wrong-one");
  EXPECT_EQ(Stored(app.record.id).lifecycle.state(), ApplicationState::kDraft);
  EXPECT_FALSE(Stored(app.record.id).application.filing_password.has_value());
}

TEST_F(ApplicationServiceTest, TooManyWrongPasswordsTodaySaySo) {
  ApplicationView app = CreatedAccess();
  registry_.verdicts = {PasswordVerdict::kLocked};
  Result<Submission> r = with_bureau_.Submit(customer_, app.record.id, app.record.revision, "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().rule(), "bureau.filing-password.locked");
  EXPECT_EQ(r.error().violations.at(0).field, "filing_password");
}

TEST_F(ApplicationServiceTest, AnUnreachableBureauRefusesTheSubmitAndChangesNothing) {
  ApplicationView app = CreatedAccess();
  registry_.unreachable = true;
  Result<Submission> r = with_bureau_.Submit(customer_, app.record.id, app.record.revision, "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(Stored(app.record.id).lifecycle.state(), ApplicationState::kDraft);
}

TEST_F(ApplicationServiceTest, TheRightPasswordSubmitsAndIsKeptForTheUpload) {
  ApplicationView app = CreatedAccess();
  registry_.verdicts = {PasswordVerdict::kRight};
  Result<Submission> r =
      with_bureau_.Submit(customer_, app.record.id, app.record.revision, "口令ab");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->view.record.lifecycle.state(), ApplicationState::kProviderReview);
  EXPECT_EQ(Stored(app.record.id).application.filing_password, "口令ab");
}

// A cancellation of a subject on record here: the password is the bureau's to check, so it is
// required only with a bureau link; without one the submit works as before.
TEST_F(ApplicationServiceTest, ACancellationNeedsThePasswordOnlyWithABureau) {
  storage_testing::FileWebsite(*db_, customer_.account, 1, "adopt1.cn");
  document_.type = ApplicationType::kCancelWebsite;
  Result<ApplicationView> first = with_bureau_.Create(customer_, document_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  Result<Submission> refused =
      with_bureau_.Submit(customer_, first->record.id, first->record.revision);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "application.filing-password.required");
  // Right, checked against the subject's number on record here.
  registry_.verdicts = {PasswordVerdict::kRight};
  Result<Submission> done =
      with_bureau_.Submit(customer_, first->record.id, first->record.revision, "pw");
  ASSERT_TRUE(done.has_value()) << done.error().message;
  ASSERT_EQ(registry_.checked.size(), 1u);
  EXPECT_EQ(registry_.checked[0].first, "京ICP备2027000001号");
  EXPECT_EQ(done->view.record.lifecycle.state(), ApplicationState::kProviderReview);
}

TEST_F(ApplicationServiceTest, WithoutABureauACancellationSubmitsAsBefore) {
  storage_testing::FileWebsite(*db_, customer_.account, 1, "adopt1.cn");
  document_.type = ApplicationType::kCancelWebsite;
  Result<ApplicationView> created = local_.Create(customer_, document_);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  Result<Submission> r = local_.Submit(customer_, created->record.id, created->record.revision);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->view.record.lifecycle.state(), ApplicationState::kProviderReview);
  EXPECT_EQ(registry_.questions, 0);
}

TEST_F(ApplicationServiceTest, AFirstFilingNeedsNoPassword) {
  Result<ApplicationView> created = with_bureau_.Create(customer_, document_);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_EQ(created->record.lifecycle.type(), ApplicationType::kFirstFiling);
  Result<Submission> r =
      with_bureau_.Submit(customer_, created->record.id, created->record.revision, "ignored");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(registry_.checked.empty());
  EXPECT_FALSE(Stored(created->record.id).application.filing_password.has_value());
}

}  // namespace
}  // namespace icp
