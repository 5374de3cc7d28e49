// Part of the storage contract (STYLE.md §2.8), compiled into each store's test binary beside
// contract_test.cc: every store refuses an audit entry or an outbox message that holds an
// unmasked personal identifier (storage/common/personal_data_guard.h), and the refusal ends
// the unit of work like any failed write.
#include <gtest/gtest.h>

#include "domain/personal_data.h"
#include "storage/testing/contract.h"
#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

class PersonalDataContract : public ContractTest {};

TEST_P(PersonalDataContract, AuditAppendRefusesAnUnmaskedResidentId) {
  const std::string id = ResidentIdNumber(7);
  auto uow = Begin();
  Result<void> r = uow->audit().Append({kT0, "account:1", "application.create", "application:1",
                                        "{\"certificate\":\"" + id + "\"}"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().rule(), "audit.personal-data");
  ASSERT_EQ(r.error().violations.size(), 1u);
  EXPECT_EQ(r.error().violations[0].field, "details");
  EXPECT_NE(r.error().message.find("resident ID number at character 17"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find(id), std::string::npos) << "the error repeats the number";
  EXPECT_NE(r.error().message.find(MaskCertificateNumber(id)), std::string::npos);
  // The refusal ends the unit of work, and nothing of it is stored.
  EXPECT_EQ(uow->Commit().error().code, ErrorCode::kAborted);
  uow.reset();
  EXPECT_TRUE(Begin()->audit().Read(0, 10)->empty());
}

TEST_P(PersonalDataContract, AuditAppendNamesEveryFieldWithAMobileNumber) {
  auto uow = Begin();
  Result<void> r = uow->audit().Append(
      {kT0, "account:1", "contact.call", "mobile:13800138000", "{\"mobile\":\"138 0013 8000\"}"});
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().violations.size(), 2u);
  EXPECT_EQ(r.error().violations[0].field, "entity");
  EXPECT_EQ(r.error().violations[1].field, "details");
  EXPECT_NE(r.error().violations[1].message.find("mobile number"), std::string::npos);
  EXPECT_NE(r.error().violations[1].message_zh.find("手机号码"), std::string::npos);
}

TEST_P(PersonalDataContract, AuditAppendTakesMaskedPersonalData) {
  auto uow = Begin();
  const std::string details = "{\"certificate\":\"" + MaskCertificateNumber(ResidentIdNumber(7)) +
                              "\",\"mobile\":\"" + MaskMobile("13800138000") + "\",\"email\":\"" +
                              MaskEmail("zhangsan@example.com") + "\",\"name\":\"" +
                              MaskName("张三") + "\"}";
  ASSERT_TRUE(
      uow->audit().Append({kT0, "account:1", "application.create", "application:1", details}));
  ASSERT_TRUE(uow->Commit().has_value());
  EXPECT_EQ(Begin()->audit().Read(0, 10)->size(), 1u);
}

TEST_P(PersonalDataContract, OutboxEnqueueRefusesAnUnmaskedEmailInThePayload) {
  auto uow = Begin();
  Result<bool> r = uow->outbox().Enqueue(
      {"notify.email", "application:1:notify:1", "{\"to\":\"zhangsan@example.com\"}", kT0});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().rule(), "outbox.personal-data");
  ASSERT_EQ(r.error().violations.size(), 1u);
  EXPECT_EQ(r.error().violations[0].field, "payload");
  EXPECT_NE(r.error().message.find("e-mail address at character 8 (z***@example.com)"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(uow->Commit().error().code, ErrorCode::kAborted);
  uow.reset();
  EXPECT_EQ(Begin()->outbox().Stats()->pending, 0);
}

TEST_P(PersonalDataContract, OutboxEnqueueRefusesAMobileNumberInTheKey) {
  auto uow = Begin();
  Result<bool> r = uow->outbox().Enqueue({"notify.sms", "sms:13800138000:1", "{}", kT0});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().rule(), "outbox.personal-data");
  EXPECT_EQ(r.error().violations[0].field, "idempotency_key");
}

TEST_P(PersonalDataContract, OutboxEnqueueTakesReferencesAndMaskedData) {
  auto uow = Begin();
  Result<bool> r = uow->outbox().Enqueue(
      {"notify.sms", "application:1:sms:1", "{\"account\":1,\"mobile\":\"138****8000\"}", kT0});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(*r);
  ASSERT_TRUE(uow->Commit().has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, PersonalDataContract, ::testing::ValuesIn(StoresUnderTest()),
                         [](const ::testing::TestParamInfo<StoreUnderTest>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace icp::storage_testing
