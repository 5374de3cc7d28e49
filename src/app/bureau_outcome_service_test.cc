// The records on file follow the bureau's outcomes (app/BureauOutcomeService): cancellations,
// changes and access filings, on every store (memory; SQLite and PostgreSQL, whose triggers
// hold the same rules), and the access gate with them.
#include "app/bureau_outcome_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>

#include "app/gate.h"
#include "base/check.h"
#include "base/test_strictness.h"
#include "storage/memory/database.h"
#include "storage/postgres/database.h"
#include "storage/sqlite/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

namespace st = storage_testing;
using st::kT0;
using Kind = BureauOutcome::Kind;
using Event = ApplicationEvent;

PiiVault TestVault() {
  std::array<unsigned char, 32> key{};
  key.fill(9);
  return PiiVault::FromMasterKey(key);
}

// Names this run's files and schemas apart from other runs'.
std::string RunId() {
  static const std::string id = std::to_string(std::random_device()());
  return id;
}

struct Store {
  std::string name;
  std::function<std::unique_ptr<Database>()> make;  // nullptr: not available here
};
void PrintTo(const Store& s, std::ostream* os) { *os << s.name; }

std::vector<Store> Stores() {
  return {
      {"Memory", []() -> std::unique_ptr<Database> { return memory::Database::Create(); }},
      {"Sqlite",
       []() -> std::unique_ptr<Database> {
         static std::atomic<int> counter = 0;
         const std::filesystem::path dir =
             std::filesystem::path(::testing::TempDir()) / ("beian-outcomes-" + RunId());
         std::filesystem::create_directories(dir);
         const std::filesystem::path path = dir / (std::to_string(++counter) + ".db");
         std::filesystem::remove(path);
         Result<std::unique_ptr<sqlite::Database>> db =
             sqlite::Database::Open({path}, TestVault(), kT0);
         if (!db) ADD_FAILURE() << db.error().message;
         return db ? std::move(*db) : nullptr;
       }},
      {"Postgres",
       []() -> std::unique_ptr<Database> {
         const char* owner = std::getenv("ICP_TEST_PG_URL");
         const char* runtime = std::getenv("ICP_TEST_PG_RUNTIME_URL");
         if (owner == nullptr || runtime == nullptr) return nullptr;
         static std::atomic<int> counter = 0;
         postgres::Options options;
         options.url = runtime;
         options.owner_url = owner;
         options.schema = "t_outcomes_" + RunId() + "_" + std::to_string(++counter);
         options.connections = 2;
         Result<std::unique_ptr<postgres::Database>> db =
             postgres::Database::Open(options, TestVault(), kT0);
         if (!db) ADD_FAILURE() << db.error().message;
         return db ? std::move(*db) : nullptr;
       }},
  };
}

// Rules without checks: the outcomes move the lifecycle by its table alone.
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

template <typename T>
T Must(Result<T> r, std::string_view what) {
  EXPECT_TRUE(r.has_value()) << what << ": " << r.error().message;
  ICP_CHECK(r.has_value()) << what;
  return std::move(*r);
}

FilingNumber Number(const std::string& text) { return Must(FilingNumber::Parse(text), text); }

Website SiteOn(int serial, std::string_view domain) {
  return st::SampleApplication(serial, domain).websites.at(0);
}

// A subject on record with its number and one website per domain, each with its number.
struct Filed {
  AccountId account;
  SubjectId subject;
  std::optional<FilingNumber> number;
  std::vector<WebsiteId> websites;
  std::vector<FilingNumber> website_numbers;
};

class BureauOutcomeTest : public ::testing::TestWithParam<Store> {
 protected:
  void SetUp() override {
    db_ = GetParam().make();
    if (db_ == nullptr) ICP_SKIP_OR_FAIL(GetParam().name << " is not available here");
    gate_ = std::make_unique<Gate>(*db_);
    ASSERT_TRUE(gate_->Load().has_value());
  }

  std::unique_ptr<UnitOfWork> Begin() { return Must(db_->Begin(), "begin"); }

  Filed File(int serial, const std::vector<std::string>& domains) {
    Filed out;
    out.account = st::CreateAccount(*db_, "customer-" + std::to_string(serial));
    auto uow = Begin();
    char base[64];
    std::snprintf(base, sizeof base, "粤ICP备26%06d号", serial);
    out.number = Number(base);
    const Application a = st::SampleApplication(serial, domains.at(0));
    out.subject = Must(uow->subjects().Insert({SubjectId(), out.account, a.subject, std::nullopt,
                                               false, std::nullopt, 0}),
                       "subject");
    EXPECT_TRUE(
        uow->numbers().Issue({*out.number, out.subject, std::nullopt, kT0, {}}).has_value());
    SubjectRecord s = Must(uow->subjects().Get(out.subject), "subject");
    s.number = out.number;
    Must(uow->subjects().Update(s), "subject number");
    for (std::size_t i = 0; i < domains.size(); ++i) {
      const WebsiteId w =
          Must(uow->websites().Insert({WebsiteId(), out.subject, SiteOn(serial, domains[i]),
                                       std::nullopt, false, std::nullopt, 0}),
               "website");
      const FilingNumber n = Number(std::string(base) + "-" + std::to_string(i + 1));
      EXPECT_TRUE(uow->numbers().Issue({n, out.subject, w, kT0, {}}).has_value());
      WebsiteRecord site = Must(uow->websites().Get(w), "website");
      site.number = n;
      Must(uow->websites().Update(site), "website number");
      out.websites.push_back(w);
      out.website_numbers.push_back(n);
    }
    EXPECT_TRUE(uow->Commit().has_value());
    return out;
  }

  // An application of `type` in the bureau's review: about `subject` (when set) with these
  // websites, the subject's document as on record unless `document` is given.
  ApplicationId AtBureau(AccountId account, ApplicationType type, std::optional<SubjectId> subject,
                         std::vector<Website> websites, std::optional<Subject> document = {},
                         int serial = 1) {
    auto uow = Begin();
    Application app = st::SampleApplication(serial, "unused.cn");
    if (subject) app.subject = Must(uow->subjects().Get(*subject), "subject").subject;
    if (document) app.subject = *document;
    app.websites = std::move(websites);
    ApplicationRecord r = st::NewRecord(account, app, type, kT0);
    r.subject = subject;
    std::vector<Event> moves = {Event::kSubmit, Event::kProviderPass};
    if (!IsCancellation(type)) moves.push_back(Event::kVerificationDone);
    moves.push_back(Event::kSentToBureau);
    if (!IsCancellation(type)) moves.push_back(Event::kSmsVerified);
    for (Event e : moves) st::Move(r, e, kT0);
    const ApplicationId id = Must(uow->applications().Insert(r), "application");
    EXPECT_TRUE(uow->Commit().has_value());
    return id;
  }

  // Records `o` in a unit of work of its own, committed when it succeeds.
  Result<void> Deliver(const BureauOutcome& o) {
    auto uow = Begin();
    Result<void> ok = recorder_.Record(*uow, o, kT0 + std::chrono::hours(1));
    if (!ok) return ok;
    return uow->Commit();
  }
  Result<void> Approve(ApplicationId app) {
    return Deliver({Kind::kApproved, app, "BAJG1", false, false, {}, {}});
  }
  Result<void> Basj(ApplicationId app, const BureauIds& ids) {
    auto uow = Begin();
    Result<void> ok = recorder_.RecordFiled(*uow, 44, app, ids, kT0 + std::chrono::hours(2));
    if (!ok) return ok;
    return uow->Commit();
  }

  SubjectRecord SubjectAt(SubjectId id) { return Must(Begin()->subjects().Get(id), "subject"); }
  WebsiteRecord WebsiteAt(WebsiteId id) { return Must(Begin()->websites().Get(id), "website"); }
  ApplicationState StateOf(ApplicationId id) {
    return Must(Begin()->applications().Get(id), "application").lifecycle.state();
  }
  bool NumberCancelled(const FilingNumber& n) {
    std::optional<IssuedNumber> issued = Must(Begin()->numbers().Find(n), "number");
    EXPECT_TRUE(issued.has_value()) << n.str();
    return issued && issued->cancelled_at.has_value();
  }
  // Whether the gate, refreshed now, lets `host` through.
  bool Allowed(std::string_view host) {
    EXPECT_TRUE(gate_->Refresh().has_value());
    Result<GateDecision> d = gate_->Check(host);
    EXPECT_TRUE(d.has_value()) << d.error().message;
    return d && d->allowed;
  }
  // Everything a repeated outcome must leave as it was.
  struct Snapshot {
    std::vector<SubjectRecord> subjects;
    std::vector<WebsiteRecord> websites;
    std::int64_t application_revision = 0;
    std::size_t audit = 0;
    std::size_t outbox = 0;
    friend bool operator==(const Snapshot&, const Snapshot&) = default;
  };
  Snapshot Take(const Filed& f, ApplicationId app) {
    Snapshot s;
    auto uow = Begin();
    s.subjects.push_back(Must(uow->subjects().Get(f.subject), "subject"));
    s.websites = Must(uow->websites().ListBySubject(f.subject), "websites");
    s.application_revision = Must(uow->applications().Get(app), "application").revision;
    s.audit = Must(uow->audit().Read(0, 10'000), "audit").size();
    s.outbox = Must(uow->outbox().List({.limit = 1000}), "outbox").size();
    return s;
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Gate> gate_;
  BureauOutcomeService recorder_{NoChecks(), st::TestCalendar()};
};

// 注销主体: the subject and all its websites cancelled with every number, also a website's
// whose access was cancelled before (its number was still valid) and one cancelled before
// with its number; the gate denies them; ZXSJ after the approving BAJG changes nothing.
TEST_P(BureauOutcomeTest, CancellingASubjectCancelsItsWebsitesAndEveryNumber) {
  const Filed f = File(1, {"one.cn", "two.cn", "three.cn"});
  EXPECT_TRUE(Allowed("www.one.cn"));
  const ApplicationId access =
      AtBureau(f.account, ApplicationType::kCancelAccess, f.subject, {SiteOn(1, "two.cn")});
  ASSERT_TRUE(Approve(access).has_value());
  const ApplicationId site =
      AtBureau(f.account, ApplicationType::kCancelWebsite, f.subject, {SiteOn(1, "three.cn")});
  ASSERT_TRUE(Approve(site).has_value());
  EXPECT_FALSE(NumberCancelled(f.website_numbers[1]));
  EXPECT_TRUE(NumberCancelled(f.website_numbers[2]));

  const ApplicationId app =
      AtBureau(f.account, ApplicationType::kCancelSubject, f.subject, {SiteOn(1, "one.cn")});
  ASSERT_TRUE(Approve(app).has_value());
  EXPECT_EQ(StateOf(app), ApplicationState::kApproved);
  const SubjectRecord s = SubjectAt(f.subject);
  EXPECT_TRUE(s.cancelled);
  EXPECT_EQ(s.changed_by, app);
  EXPECT_TRUE(NumberCancelled(*f.number));
  for (std::size_t i = 0; i < f.websites.size(); ++i) {
    EXPECT_TRUE(WebsiteAt(f.websites[i]).cancelled) << i;
    EXPECT_TRUE(NumberCancelled(f.website_numbers[i])) << i;
  }
  EXPECT_EQ(WebsiteAt(f.websites[0]).changed_by, app);
  EXPECT_EQ(WebsiteAt(f.websites[1]).changed_by, access) << "cancelled once, by its own filing";
  EXPECT_EQ(WebsiteAt(f.websites[2]).changed_by, site);
  EXPECT_FALSE(Allowed("www.one.cn"));
  EXPECT_FALSE(Allowed("two.cn"));

  const Snapshot before = Take(f, app);
  ASSERT_TRUE(Deliver({Kind::kCancellationDone, app, "ZXSJ1", false, false, {}, {}}).has_value());
  ASSERT_TRUE(Approve(app).has_value()) << "the same result file again";
  EXPECT_EQ(Take(f, app), before);
}

// 注销网站: that website cancelled with its number; the subject and its other website stay.
TEST_P(BureauOutcomeTest, CancellingAWebsiteCancelsItAndItsNumberOnly) {
  const Filed f = File(2, {"keep.cn", "drop.cn"});
  const ApplicationId app =
      AtBureau(f.account, ApplicationType::kCancelWebsite, f.subject, {SiteOn(2, "drop.cn")});
  // ZXSJ first this time; the approving BAJG after it changes nothing.
  ASSERT_TRUE(Deliver({Kind::kCancellationDone, app, "ZXSJ1", false, false, {}, {}}).has_value());
  const WebsiteRecord dropped = WebsiteAt(f.websites[1]);
  EXPECT_TRUE(dropped.cancelled);
  EXPECT_EQ(dropped.changed_by, app);
  EXPECT_TRUE(NumberCancelled(f.website_numbers[1]));
  EXPECT_FALSE(WebsiteAt(f.websites[0]).cancelled);
  EXPECT_FALSE(NumberCancelled(f.website_numbers[0]));
  EXPECT_FALSE(SubjectAt(f.subject).cancelled);
  EXPECT_FALSE(NumberCancelled(*f.number));
  EXPECT_FALSE(Allowed("drop.cn"));
  EXPECT_TRUE(Allowed("keep.cn"));
  const Snapshot before = Take(f, app);
  ASSERT_TRUE(Approve(app).has_value());
  EXPECT_EQ(Take(f, app), before);

  // A BASJ naming the cancelled website (a resync) files nothing again.
  BureauIds ids;
  ids.subject_id = 77;
  ids.subject_number = f.number->str();
  ids.websites.push_back({88, f.website_numbers[1].str(), {{"drop.cn", 99}}, std::nullopt});
  ASSERT_TRUE(Basj(app, ids).has_value());
  EXPECT_EQ(Take(f, app).websites, before.websites);
  EXPECT_FALSE(Allowed("drop.cn"));

  // Nor does an access filing whose BASJ names the cancelled number: a cancelled number
  // never returns.
  const ApplicationId again =
      AtBureau(f.account, ApplicationType::kContinueAccess, f.subject, {SiteOn(2, "drop.cn")});
  ASSERT_TRUE(Approve(again).has_value());
  Result<void> refused = Basj(again, ids);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().rule(), "filing-number.issued-once");
  EXPECT_TRUE(WebsiteAt(f.websites[1]).cancelled);
  EXPECT_FALSE(Allowed("drop.cn"));
}

// A domain filed again after its website was cancelled: a later cancellation acts on the
// active website that holds it now, not on the cancelled one.
TEST_P(BureauOutcomeTest, ACancellationActsOnTheActiveWebsiteOfADomainFiledAgain) {
  const Filed f = File(13, {"refiled.cn", "stay.cn"});
  const ApplicationId first =
      AtBureau(f.account, ApplicationType::kCancelWebsite, f.subject, {SiteOn(13, "refiled.cn")});
  ASSERT_TRUE(Approve(first).has_value());
  const ApplicationId added =
      AtBureau(f.account, ApplicationType::kNewWebsite, f.subject, {SiteOn(13, "refiled.cn")});
  ASSERT_TRUE(Approve(added).has_value());
  BureauIds ids;
  ids.subject_id = 313;
  ids.subject_number = f.number->str();
  ids.websites.push_back(
      {413, f.number->str() + "-3", {{"refiled.cn", 513}}, BureauIds::Access{613, 44, {}}});
  ASSERT_TRUE(Basj(added, ids).has_value());
  std::optional<WebsiteRecord> now_filed =
      Must(Begin()->websites().FindByDomain(*DomainName::Parse("refiled.cn")), "find");
  ASSERT_TRUE(now_filed.has_value());
  EXPECT_NE(now_filed->id, f.websites[0]);
  EXPECT_TRUE(Allowed("refiled.cn"));

  const ApplicationId second =
      AtBureau(f.account, ApplicationType::kCancelWebsite, f.subject, {SiteOn(13, "refiled.cn")});
  ASSERT_TRUE(Approve(second).has_value());
  const WebsiteRecord again = WebsiteAt(now_filed->id);
  EXPECT_TRUE(again.cancelled);
  EXPECT_EQ(again.changed_by, second);
  EXPECT_TRUE(NumberCancelled(*again.number));
  EXPECT_EQ(WebsiteAt(f.websites[0]).changed_by, first);
  EXPECT_FALSE(Allowed("refiled.cn"));
  EXPECT_TRUE(Allowed("stay.cn"));
}

// An approved cancellation naming a website the records lack is refused (the gateway
// reports it) and nothing of it is applied.
TEST_P(BureauOutcomeTest, ACancellationOfAWebsiteNotOnRecordIsRefusedNotApplied) {
  const Filed f = File(10, {"here.cn"});
  const ApplicationId app =
      AtBureau(f.account, ApplicationType::kCancelWebsite, f.subject, {SiteOn(10, "gone.cn")});
  const Snapshot before = Take(f, app);
  Result<void> refused = Approve(app);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().rule(), "bureau.record-missing");
  EXPECT_EQ(refused.error().violations.at(0).field, "websites[0]");
  EXPECT_EQ(Take(f, app), before);
  EXPECT_EQ(StateOf(app), ApplicationState::kBureauReview);
}

// 取消接入: cancelled here, so the gate denies it, but the number stays valid (seed 002); a
// later 继续接入 with its BASJ makes the same record active again.
TEST_P(BureauOutcomeTest, CancellingAccessKeepsTheNumberAndAccessingAgainRestoresTheRecord) {
  const Filed f = File(3, {"site.cn"});
  const ApplicationId app =
      AtBureau(f.account, ApplicationType::kCancelAccess, f.subject, {SiteOn(3, "site.cn")});
  ASSERT_TRUE(Approve(app).has_value());
  const WebsiteRecord w = WebsiteAt(f.websites[0]);
  EXPECT_TRUE(w.cancelled);
  EXPECT_EQ(w.changed_by, app);
  EXPECT_FALSE(NumberCancelled(f.website_numbers[0])) << "the number stays valid nationally";
  EXPECT_FALSE(SubjectAt(f.subject).cancelled);
  EXPECT_FALSE(NumberCancelled(*f.number));
  EXPECT_FALSE(Allowed("www.site.cn"));

  const ApplicationId again =
      AtBureau(f.account, ApplicationType::kContinueAccess, f.subject, {SiteOn(3, "site.cn")});
  ASSERT_TRUE(Approve(again).has_value());
  EXPECT_FALSE(Allowed("www.site.cn")) << "not before BASJ";
  BureauIds ids;
  ids.subject_id = 301;
  ids.subject_number = f.number->str();
  ids.websites.push_back(
      {401, f.website_numbers[0].str(), {{"site.cn", 501}}, BureauIds::Access{601, 44, {}}});
  ASSERT_TRUE(Basj(again, ids).has_value());
  const WebsiteRecord back = WebsiteAt(f.websites[0]);
  EXPECT_FALSE(back.cancelled);
  EXPECT_EQ(back.changed_by, again);
  EXPECT_EQ(Must(Begin()->websites().ListBySubject(f.subject), "websites").size(), 1u);
  EXPECT_TRUE(Allowed("www.site.cn"));
}

// 变更网站: the website rewritten with the application's content; the domain index follows.
TEST_P(BureauOutcomeTest, AChangedWebsiteIsRewrittenAndItsDomainsFollow) {
  const Filed f = File(4, {"old.cn"});
  Website changed = SiteOn(4, "old.cn");
  changed.name = "改名后的网站";
  changed.domains = {*DomainName::Parse("old.cn"), *DomainName::Parse("new.cn")};
  const ApplicationId app =
      AtBureau(f.account, ApplicationType::kChangeWebsite, f.subject, {changed});
  ASSERT_TRUE(Approve(app).has_value());
  const WebsiteRecord w = WebsiteAt(f.websites[0]);
  EXPECT_EQ(w.website, changed);
  EXPECT_EQ(w.changed_by, app);
  EXPECT_EQ(w.number, f.website_numbers[0]);
  EXPECT_EQ(SubjectAt(f.subject).changed_by, std::nullopt) << "the subject did not change";
  std::optional<WebsiteRecord> by_new =
      Must(Begin()->websites().FindByDomain(*DomainName::Parse("new.cn")), "find");
  ASSERT_TRUE(by_new.has_value());
  EXPECT_EQ(by_new->id, f.websites[0]);
  EXPECT_TRUE(Allowed("www.new.cn"));
  EXPECT_TRUE(Allowed("old.cn"));

  // A second change drops old.cn: the domain is free, and the gate denies it.
  changed.domains = {*DomainName::Parse("new.cn")};
  const ApplicationId second =
      AtBureau(f.account, ApplicationType::kChangeWebsite, f.subject, {changed});
  ASSERT_TRUE(Approve(second).has_value());
  EXPECT_FALSE(Must(Begin()->websites().FindByDomain(*DomainName::Parse("old.cn")), "find"));
  EXPECT_FALSE(Allowed("old.cn"));
  EXPECT_TRUE(Allowed("new.cn"));
  const Snapshot before = Take(f, second);
  ASSERT_TRUE(Approve(second).has_value()) << "delivered again";
  EXPECT_EQ(Take(f, second), before);
}

// A change that gives a website a domain another active website holds is refused with the
// domain's path, and nothing of the unit of work stays.
TEST_P(BureauOutcomeTest, AChangeOntoATakenDomainIsRefusedAndRollsBack) {
  const Filed f = File(5, {"mine.cn"});
  File(6, {"theirs.cn"});
  Website changed = SiteOn(5, "mine.cn");
  changed.domains.push_back(*DomainName::Parse("theirs.cn"));
  const ApplicationId app =
      AtBureau(f.account, ApplicationType::kChangeWebsite, f.subject, {changed});
  const Snapshot before = Take(f, app);
  Result<void> refused = Approve(app);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(refused.error().rule(), "website.domain-taken");
  EXPECT_EQ(refused.error().violations.at(0).field, "websites[0].domains[1]");
  EXPECT_NE(refused.error().message.find("theirs.cn"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(Take(f, app), before);
  EXPECT_EQ(StateOf(app), ApplicationState::kBureauReview);
}

// 变更主体: the subject's document rewritten; its websites untouched.
TEST_P(BureauOutcomeTest, AChangedSubjectIsRewritten) {
  const Filed f = File(7, {"subject.cn"});
  Subject moved = SubjectAt(f.subject).subject;
  moved.mailing_address = "广东省深圳市南山区另一条路 8 号";
  const ApplicationId app = AtBureau(f.account, ApplicationType::kChangeSubject, f.subject,
                                     {SiteOn(7, "subject.cn")}, moved);
  const WebsiteRecord site_before = WebsiteAt(f.websites[0]);
  ASSERT_TRUE(Approve(app).has_value());
  const SubjectRecord s = SubjectAt(f.subject);
  EXPECT_EQ(s.subject, moved);
  EXPECT_EQ(s.changed_by, app);
  EXPECT_EQ(s.number, f.number);
  EXPECT_EQ(WebsiteAt(f.websites[0]), site_before);
  EXPECT_TRUE(Allowed("subject.cn"));
}

// A changed certificate another active subject holds: the store refuses it, and nothing of
// the unit of work stays.
TEST_P(BureauOutcomeTest, AChangeOntoAnotherSubjectsCertificateRollsBack) {
  const Filed f = File(11, {"cert.cn"});
  const Filed other = File(12, {"other.cn"});
  Subject moved = SubjectAt(f.subject).subject;
  moved.certificate = SubjectAt(other.subject).subject.certificate;
  const ApplicationId app = AtBureau(f.account, ApplicationType::kChangeSubject, f.subject,
                                     {SiteOn(11, "cert.cn")}, moved);
  const Snapshot before = Take(f, app);
  Result<void> refused = Approve(app);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(refused.error().rule(), "subject.already-on-record");
  EXPECT_EQ(Take(f, app), before);
}

// An outcome the application's state cannot take is refused (the gateway reports it), and
// nothing of it is applied.
TEST_P(BureauOutcomeTest, AnOutcomeInTheWrongStateIsRefusedNotApplied) {
  const Filed f = File(8, {"early.cn"});
  Application doc = st::SampleApplication(8, "early.cn");
  doc.subject = SubjectAt(f.subject).subject;
  auto uow = Begin();
  ApplicationRecord r = st::NewRecord(f.account, doc, ApplicationType::kCancelWebsite, kT0);
  r.subject = f.subject;
  st::Move(r, Event::kSubmit, kT0);  // still in the provider's review
  const ApplicationId app = Must(uow->applications().Insert(r), "application");
  ASSERT_TRUE(uow->Commit().has_value());
  uow.reset();
  const Snapshot before = Take(f, app);
  Result<void> refused = Approve(app);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().rule(), "lifecycle.transition");
  EXPECT_EQ(Take(f, app), before);
  EXPECT_TRUE(Allowed("early.cn"));
}

// 新增接入 (subject and website filed elsewhere) and 继续接入 (a new website under a subject
// here): approval, then BASJ, leaves the subject and website on record with their numbers,
// in the customer's account, and the gate serves them.
TEST_P(BureauOutcomeTest, AccessFilingsAreOnRecordOnceBasjBringsTheirNumbers) {
  const AccountId customer = st::CreateAccount(*db_, "newcomer");
  Application elsewhere = st::SampleApplication(9, "came.cn");
  const ApplicationId app = AtBureau(customer, ApplicationType::kNewAccess, std::nullopt,
                                     elsewhere.websites, elsewhere.subject, 9);
  ASSERT_TRUE(Approve(app).has_value());
  EXPECT_FALSE(Allowed("came.cn"));
  BureauIds ids;
  ids.subject_id = 309;
  ids.subject_number = "京ICP备26000009号";
  ids.websites.push_back(
      {409, "京ICP备26000009号-3", {{"came.cn", 509}}, BureauIds::Access{609, 44, {}}});
  ASSERT_TRUE(Basj(app, ids).has_value());
  std::optional<SubjectRecord> s =
      Must(Begin()->subjects().FindByCertificate(elsewhere.subject.certificate), "subject");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->account, customer);
  EXPECT_EQ(s->number->str(), "京ICP备26000009号");
  EXPECT_EQ(Must(Begin()->applications().Get(app), "application").subject, s->id);
  std::vector<WebsiteRecord> sites = Must(Begin()->websites().ListBySubject(s->id), "websites");
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].number->str(), "京ICP备26000009号-3");
  EXPECT_TRUE(Allowed("www.came.cn"));
  std::optional<BureauIds> kept = Must(Begin()->bureau_link().SubjectIds(s->id), "ids");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->websites.at(0).our_access->id, 609);

  // 继续接入 under that subject.
  Website more = SiteOn(9, "more.cn");
  const ApplicationId next =
      AtBureau(customer, ApplicationType::kContinueAccess, s->id, {more}, std::nullopt, 9);
  ASSERT_TRUE(Approve(next).has_value());
  ids.websites = {{410, "京ICP备26000009号-4", {{"more.cn", 510}}, BureauIds::Access{610, 44, {}}}};
  ASSERT_TRUE(Basj(next, ids).has_value());
  EXPECT_EQ(Must(Begin()->websites().ListBySubject(s->id), "websites").size(), 2u);
  EXPECT_TRUE(Allowed("more.cn"));
  EXPECT_TRUE(Allowed("came.cn"));
}

std::string StoreName(const ::testing::TestParamInfo<Store>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(Stores, BureauOutcomeTest, ::testing::ValuesIn(Stores()), StoreName);

}  // namespace
}  // namespace icp
