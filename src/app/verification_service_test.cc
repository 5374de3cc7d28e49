#include "app/verification_service.h"

#include <gtest/gtest.h>

#include "app/test_support.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/blob_store.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using app_testing::Png;
using std::chrono::hours;
using storage_testing::kT0;

Application InShanghai(Application app) {
  app.subject.province = Province::FromCode("31").value();
  return app;
}

class VerificationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    owner_ = {storage_testing::CreateAccount(*db_, "owner"), Role::kCustomer};
    other_ = {storage_testing::CreateAccount(*db_, "other"), Role::kCustomer};
    reviewer_ = {storage_testing::CreateAccount(*db_, "reviewer"), Role::kReviewer};
    app_ = Insert(owner_, InShanghai(storage_testing::SampleApplication(1, "one.cn")), true);
  }

  ApplicationId Insert(const Caller& owner, Application application, bool to_verification) {
    auto uow = std::move(*db_->Begin());
    ApplicationRecord record = storage_testing::NewRecord(owner.account, std::move(application));
    ApplicationId id = uow->applications().Insert(record).value();
    record = uow->applications().Get(id).value();
    if (to_verification) {
      storage_testing::Move(record, ApplicationEvent::kSubmit, kT0);
      storage_testing::Move(record, ApplicationEvent::kContactReached, kT0 + hours(1));
      storage_testing::Move(record, ApplicationEvent::kProviderPass, kT0 + hours(2));
      EXPECT_TRUE(uow->applications().Update(record).has_value());
    }
    EXPECT_TRUE(uow->Commit().has_value());
    return id;
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  memory::BlobStore blobs_;
  app_testing::FakeSniffer sniffer_;
  MaterialLimits limits_ = app_testing::TestLimits();
  FakeClock clock_{kT0 + hours(3)};
  VerificationService service_{*db_, blobs_, sniffer_, limits_, clock_};
  Caller owner_, other_, reviewer_;
  ApplicationId app_;
};

TEST_F(VerificationServiceTest, ACurtainPhotoIsStoredAndReviewed) {
  const std::string photo = Png(1200, 900);
  Result<VerificationRecord> v =
      service_.Submit(owner_, {app_, VerificationMethod::kCurtainPhoto, photo, ""});
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->state, VerificationState::kPending);
  EXPECT_EQ(blobs_.Get(v->evidence).value(), photo);
  EXPECT_EQ(service_.IsComplete(app_).value(), false);
  Result<VerificationRecord> failed = service_.Review(reviewer_, v->id, false, "未使用幕布");
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_EQ(failed->state, VerificationState::kFailed);
  EXPECT_EQ(service_.IsComplete(app_).value(), false);
  Result<VerificationRecord> again =
      service_.Submit(owner_, {app_, VerificationMethod::kCurtainPhoto, photo, ""});
  ASSERT_TRUE(again.has_value());
  ASSERT_TRUE(service_.Review(reviewer_, again->id, true, "").has_value());
  EXPECT_EQ(service_.IsComplete(app_).value(), true);
  EXPECT_EQ(service_.List(owner_, app_)->size(), 2u);
}

TEST_F(VerificationServiceTest, AReviewIsMadeOnceByStaffWithAReasonToFail) {
  const VerificationRecord v =
      service_.Submit(owner_, {app_, VerificationMethod::kVideo, "", "VID-20261129-01"}).value();
  EXPECT_EQ(service_.Review(owner_, v.id, true, "").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_.Review(reviewer_, v.id, false, "").error().rule(), "verification.reason");
  ASSERT_TRUE(service_.Review(reviewer_, v.id, true, "").has_value());
  Result<VerificationRecord> twice = service_.Review(reviewer_, v.id, false, "late");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().rule(), "verification.reviewed");
  EXPECT_EQ(service_.Review(reviewer_, VerificationId(999), true, "").error().code,
            ErrorCode::kNotFound);
}

TEST_F(VerificationServiceTest, OnlyTheOwnerSendsAndOnlyInVerification) {
  EXPECT_EQ(service_.Submit(other_, {app_, VerificationMethod::kVideo, "", "V1"}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_.List(other_, app_).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(service_.List(reviewer_, app_).has_value());
  // One open application per account: the draft is another customer's.
  const ApplicationId draft =
      Insert(other_, storage_testing::SampleApplication(2, "two.cn"), false);
  Result<VerificationRecord> early =
      service_.Submit(other_, {draft, VerificationMethod::kVideo, "", "V1"});
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().rule(), "verification.state");
}

TEST_F(VerificationServiceTest, APhotoMeetsTheCurtainPhotoLimits) {
  const std::string small = Png(640, 480);
  Result<VerificationRecord> v =
      service_.Submit(owner_, {app_, VerificationMethod::kCurtainPhoto, small, ""});
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().rule(), "material.too-small-image");
  EXPECT_EQ(service_.Submit(owner_, {app_, VerificationMethod::kAppCode, "", ""}).error().rule(),
            "verification.evidence");
}

TEST_F(VerificationServiceTest, TheAppCodeIsForShanghaiOnly) {
  ASSERT_TRUE(
      service_.Submit(owner_, {app_, VerificationMethod::kAppCode, "", "8M3K"}).has_value());
  // The same application filed in Guangdong.
  auto uow = std::move(*db_->Begin());
  ApplicationRecord record = uow->applications().Get(app_).value();
  record.application.subject.province = Province::FromCode("44").value();
  ASSERT_TRUE(uow->applications().Update(record).has_value());
  ASSERT_TRUE(uow->Commit().has_value());
  Result<VerificationRecord> v =
      service_.Submit(owner_, {app_, VerificationMethod::kAppCode, "", "8M3K"});
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(v.error().rule(), "verification.app-province");
}

TEST(AppCodeRefusals, AUnitNeedsOneWebsiteLeaderWithAResidentCard) {
  Application app = InShanghai(storage_testing::SampleApplication(3, "three.cn"));
  EXPECT_TRUE(AppCodeRefusals(app).empty());
  app.subject.type = SubjectType::kEnterprise;
  app.websites.push_back(app.websites[0]);
  EXPECT_TRUE(AppCodeRefusals(app).empty()) << "two websites, one leader";
  app.websites[1].principal.certificate =
      Certificate::Parse(CertificateType::kResidentId, storage_testing::ResidentIdNumber(9),
                         Date(std::chrono::year(2026), std::chrono::November, std::chrono::day(1)))
          .value();
  std::vector<FieldViolation> two = AppCodeRefusals(app);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].rule, "verification.app-one-leader");
  EXPECT_EQ(two[0].field, "websites[1].principal.certificate");
}

TEST(AppCodeRefusals, APersonNeedsAResidentCard) {
  Application app = InShanghai(storage_testing::SampleApplication(4, "four.cn"));
  app.subject.certificate =
      Certificate::Parse(CertificateType::kPassport, "E12345678",
                         Date(std::chrono::year(2026), std::chrono::November, std::chrono::day(1)))
          .value();
  std::vector<FieldViolation> v = AppCodeRefusals(app);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule, "verification.app-certificate");
}

}  // namespace
}  // namespace icp
