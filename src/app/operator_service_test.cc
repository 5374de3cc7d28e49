#include "app/operator_service.h"

#include <gtest/gtest.h>

#include "app/application_service.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using storage_testing::kT0;

// One check per province besides the national one, so the merge shows.
std::shared_ptr<const RuleSet> SomeRules() {
  Check national_check{"national.sample",
                       checks::MaxWebsites{3},
                       {},
                       Severity::kError,
                       "FACTS.md §1",
                       std::nullopt,
                       "",
                       "",
                       ""};
  RuleFile national{"national", "national", "2026-11-01", {}, {}, std::nullopt, {national_check}};
  std::vector<RuleFile> provinces;
  for (const Province& p : Province::All()) {
    RuleFile f{std::string(p.code()), std::string(p.code()), "2026-11-02", {}, {}, {}, {}};
    if (p.code() == "44") {
      f.checks.push_back({"44.sample",
                          checks::MaxDomainsPerWebsite{2},
                          {},
                          Severity::kWarning,
                          "PROVINCES.md 440000",
                          Date{std::chrono::year(2021) / 6 / 21},
                          "",
                          "",
                          ""});
    }
    provinces.push_back(std::move(f));
  }
  Result<RuleSet> rules = RuleSet::Build(std::move(national), std::move(provinces));
  EXPECT_TRUE(rules.has_value()) << rules.error().message;
  return std::make_shared<const RuleSet>(std::move(*rules));
}

std::string RuleOf(const Error& e) {
  return e.violations.empty() ? e.message : e.violations[0].rule;
}

class OperatorServiceTest : public ::testing::Test {
 protected:
  void Audit(int n) {
    auto uow = *db_->Begin();
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(
          uow->audit().Append({kT0, "system:test", "test.act", "x:" + std::to_string(i), "{}"}));
    }
    ASSERT_TRUE(uow->Commit().has_value());
  }
  OutboxMessageId Dead(const std::string& key) {
    auto uow = *db_->Begin();
    EXPECT_TRUE(*uow->outbox().Enqueue({"bureau.submit", key, "{}", kT0}));
    std::vector<ClaimedMessage> claimed =
        *uow->outbox().Claim("w", kT0, kT0 + std::chrono::minutes(1), 10);
    OutboxMessageId id;
    for (const ClaimedMessage& c : claimed) {
      if (c.message.idempotency_key == key) id = c.id;
    }
    EXPECT_TRUE(uow->outbox().MarkDead(id, "w", kT0, "bureau said no").has_value());
    EXPECT_TRUE(uow->Commit().has_value());
    return id;
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  FakeClock clock_{kT0};
  OperatorService service_{*db_, SomeRules(), clock_};
  Caller admin_{storage_testing::CreateAccount(*db_, "admin"), Role::kAdmin};
  Caller reviewer_{storage_testing::CreateAccount(*db_, "rev"), Role::kReviewer};
  Caller alice_{storage_testing::CreateAccount(*db_, "alice"), Role::kCustomer};
};

TEST_F(OperatorServiceTest, OnlyAnAdminReadsOrActs) {
  for (const Caller& c : {reviewer_, alice_}) {
    EXPECT_EQ(RuleOf(service_.ReadAudit(c, 0, 10).error()), "auth.role");
    EXPECT_EQ(RuleOf(service_.VerifyAudit(c).error()), "auth.role");
    EXPECT_EQ(RuleOf(service_.ListOutbox(c, true, OutboxMessageId(0), 10).error()), "auth.role");
    EXPECT_EQ(RuleOf(service_.RetryDeadLetter(c, OutboxMessageId(1)).error()), "auth.role");
    EXPECT_EQ(RuleOf(service_.AllRules(c).error()), "auth.role");
    EXPECT_EQ(RuleOf(service_.RulesInForce(c, *Province::FromCode("44")).error()), "auth.role");
    EXPECT_EQ(RuleOf(service_.ReferenceData(c).error()), "auth.role");
  }
}

TEST_F(OperatorServiceTest, ReadsTheAuditLogInPagesAndVerifiesIt) {
  Audit(5);
  Result<AuditPage> first = service_.ReadAudit(admin_, 0, 3);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ(first->entries.size(), 3u);
  EXPECT_EQ(first->entries[0].seq, 1);
  ASSERT_TRUE(first->next.has_value());
  Result<AuditPage> rest = service_.ReadAudit(admin_, *first->next, 3);
  ASSERT_EQ(rest->entries.size(), 2u);
  EXPECT_EQ(rest->entries.back().seq, 5);
  EXPECT_FALSE(rest->next.has_value());
  Result<AuditVerification> v = service_.VerifyAudit(admin_);
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_TRUE(v->ok());
  EXPECT_EQ(v->entries, 5);
  EXPECT_EQ(v->head_hash, rest->entries.back().hash);
}

TEST_F(OperatorServiceTest, PagesAreBounded) {
  EXPECT_EQ(RuleOf(service_.ReadAudit(admin_, 0, 0).error()), "request.limit");
  EXPECT_EQ(RuleOf(service_.ReadAudit(admin_, 0, kMaxOperatorPage + 1).error()), "request.limit");
  EXPECT_EQ(RuleOf(service_.ListOutbox(admin_, true, OutboxMessageId(0), 0).error()),
            "request.limit");
}

TEST_F(OperatorServiceTest, ListsDeadLettersAndRetriesOneWithAnAuditEntry) {
  const OutboxMessageId dead = Dead("k-dead");
  {
    auto uow = *db_->Begin();
    ASSERT_TRUE(*uow->outbox().Enqueue({"notify", "k-pending", "{}", kT0}));
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<OutboxPage> page = service_.ListOutbox(admin_, true, OutboxMessageId(0), 10);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].id, dead);
  EXPECT_EQ(page->entries[0].last_error, "bureau said no");
  EXPECT_EQ(page->stats.dead, 1);
  EXPECT_EQ(page->stats.pending, 1);
  EXPECT_EQ(service_.ListOutbox(admin_, false, OutboxMessageId(0), 10)->entries.size(), 2u);

  ASSERT_TRUE(service_.RetryDeadLetter(admin_, dead).has_value());
  EXPECT_TRUE(service_.ListOutbox(admin_, true, OutboxMessageId(0), 10)->entries.empty());
  Result<AuditPage> audit = service_.ReadAudit(admin_, 0, 10);
  ASSERT_EQ(audit->entries.size(), 1u);
  EXPECT_EQ(audit->entries[0].entry.action, "outbox.retry");
  EXPECT_EQ(audit->entries[0].entry.entity, "outbox:" + std::to_string(dead.value()));
  EXPECT_EQ(audit->entries[0].entry.actor, ActorOf(admin_));
  // Not dead any more: the second retry is refused and audits nothing.
  EXPECT_EQ(RuleOf(service_.RetryDeadLetter(admin_, dead).error()), "outbox.not-dead");
  EXPECT_EQ(service_.ReadAudit(admin_, 0, 10)->entries.size(), 1u);
}

TEST_F(OperatorServiceTest, ShowsTheRulesInForceWithSourcesAndDates) {
  Result<ProvinceRules> gd = service_.RulesInForce(admin_, *Province::FromCode("44"));
  ASSERT_TRUE(gd.has_value());
  ASSERT_EQ(gd->checks.size(), 2u);
  EXPECT_EQ(gd->checks[1].id, "44.sample");
  EXPECT_EQ(gd->checks[1].source, "PROVINCES.md 440000");
  EXPECT_TRUE(gd->checks[1].effective_from.has_value());
  EXPECT_NE(gd->version.find("2026-11-02"), std::string::npos);
  Result<std::vector<ProvinceRules>> all = service_.AllRules(admin_);
  EXPECT_EQ(all->size(), Province::All().size());
}

TEST_F(OperatorServiceTest, NamesTheReferenceDataWithVersions) {
  Result<std::vector<ReferenceFile>> files = service_.ReferenceData(admin_);
  ASSERT_TRUE(files.has_value());
  ASSERT_EQ(files->size(), 5u);
  for (const ReferenceFile& f : *files) {
    EXPECT_FALSE(f.source.empty()) << f.file;
    EXPECT_GT(f.bytes, 0u) << f.file;
  }
  // filing_suffixes.tsv carries a "# version:" line: it is read from the file.
  EXPECT_EQ((*files)[2].file, "filing_suffixes.tsv");
  EXPECT_EQ((*files)[2].version, "2026-11-23");
}

}  // namespace
}  // namespace icp
