#include "rules/evaluate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/resident_id.h"
#include "rules/parse.h"

namespace icp {
namespace {

using namespace std::chrono;
using testing::ElementsAre;
using testing::IsEmpty;
constexpr Date kToday = 2026y / November / 23d;
const sys_seconds kNow = sys_days(kToday) + 4h;  // noon in Beijing

// A resident ID from its first 17 digits.
std::string Id(std::string first17) {
  first17 += ResidentIdCheckCharacter(first17);
  return first17;
}

// Builders for well-formed applications; each test changes one thing.
Principal Person(const std::string& id, const std::string& mobile, const std::string& emergency) {
  return Principal{"张三",
                   *Certificate::Parse(CertificateType::kResidentId, id, kToday),
                   std::nullopt,
                   *MobileNumber::Parse(mobile),
                   "",
                   *MobileNumber::Parse(emergency),
                   *Email::Parse("a@example.com"),
                   false};
}

Website Site(const std::string& name, const std::string& domain, Principal p) {
  return Website{
      name, {*DomainName::Parse(domain)}, "", {"other"}, {"zh-Hans"}, {}, std::move(p), "", {}};
}

// A Guangdong resident filing a personal site in Guangdong.
Application Individual() {
  Principal p = Person("440308199901101512", "13800138000", "13900139000");
  Subject s{SubjectType::kIndividual,
            p.certificate,
            "张三",
            *Province::FromCode("44"),
            "440308",
            "",
            "",
            "张三",
            std::nullopt,
            p,
            ""};
  return Application{ApplicationType::kFirstFiling,
                     s,
                     {Site("张三的读书笔记", "example.com", p)},
                     {},
                     std::nullopt};
}

// A Guangdong company (credit code registered in 440300) with its legal representative.
Application Unit() {
  Principal p = Person("440308199901101512", "13800138000", "13900139000");
  p.is_legal_representative = true;
  Certificate licence =
      *Certificate::Parse(CertificateType::kBusinessLicence, "91440300MA5EXAMP0C", kToday);
  Subject s{SubjectType::kEnterprise,
            licence,
            "深圳某某科技有限公司",
            *Province::FromCode("44"),
            "440300",
            "",
            "",
            "李四",
            LegalRepresentative{"张三", p.certificate},
            p,
            ""};
  return Application{
      ApplicationType::kFirstFiling, s, {Site("某某科技官网", "example.cn", p)}, {}, std::nullopt};
}

ProvinceRules Rules(const std::string& checks) {
  Result<RuleFile> f =
      ParseRuleFile(R"({"province": "44", "version": "t", "checks": [)" + checks + "]}", "44.json");
  EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().message);
  return ProvinceRules{*Province::FromCode("44"), "t", {}, f ? f->checks : std::vector<Check>{}};
}

std::vector<std::string> Ids(const std::vector<Violation>& vs) {
  std::vector<std::string> out;
  for (const Violation& v : vs) out.push_back(v.rule + "@" + v.field);
  return out;
}

std::vector<std::string> Violated(const Application& app, const std::string& checks,
                                  EvaluationFacts facts = {}) {
  return Ids(Evaluate(app, *app.type, Rules(checks), facts, kNow));
}

TEST(Evaluate, MaterialRequiredLooksAtTheOwnerAndTheCondition) {
  const std::string check =
      R"({"id": "44.dc", "kind": "material_required", "params": {"material": "domain_certificate", "owner": "each_website", "min_domains": 2}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, check), IsEmpty());  // one domain: not needed
  app.websites.push_back(app.websites[0]);
  EXPECT_THAT(Violated(app, check), ElementsAre("44.dc@materials", "44.dc@materials"));
  app.materials.push_back({MaterialKind::kDomainCertificate, "websites[0]", "f"});
  app.materials.push_back({MaterialKind::kDomainCertificate, "websites[1]", "f"});
  EXPECT_THAT(Violated(app, check), IsEmpty());
}

TEST(Evaluate, ApplicabilityFiltersBySubjectTypeAndDate) {
  EXPECT_THAT(
      Violated(
          Individual(),
          R"({"id": "44.w", "kind": "max_websites", "params": {"max": 1}, "when": {"subject": "unit"}, "severity": "error", "source": "s"})"),
      IsEmpty());
  Application two = Unit();
  two.websites.push_back(two.websites[0]);
  EXPECT_THAT(
      Violated(
          two,
          R"({"id": "44.w", "kind": "max_websites", "params": {"max": 1}, "when": {"subject": "unit"}, "severity": "error", "source": "s"})"),
      ElementsAre("44.w@websites"));
  EXPECT_THAT(
      Violated(
          two,
          R"({"id": "44.w", "kind": "max_websites", "params": {"max": 1}, "severity": "error", "source": "s", "effective_from": "2027-01-01"})"),
      IsEmpty());
}

TEST(Evaluate, CancellationsSkipChecksThatDoNotNameThem) {
  Application app = Individual();
  app.type = ApplicationType::kCancelWebsite;
  app.websites.push_back(app.websites[0]);
  EXPECT_THAT(
      Violated(
          app,
          R"({"id": "44.w", "kind": "max_websites", "params": {"max": 1}, "severity": "error", "source": "s"})"),
      IsEmpty());
}

TEST(Evaluate, SubjectLeaderMustBeLegalRepUnlessAuthorised) {
  const std::string check =
      R"({"id": "44.lr", "kind": "subject_leader_legal_rep", "params": {"alternative": "subject_leader_authorization"}, "severity": "error", "source": "s"})";
  Application app = Unit();
  EXPECT_THAT(Violated(app, check), IsEmpty());
  app.subject.principal.is_legal_representative = false;
  EXPECT_THAT(Violated(app, check), ElementsAre("44.lr@subject.principal"));
  app.materials.push_back({MaterialKind::kSubjectLeaderAuthorization, "subject", "f"});
  EXPECT_THAT(Violated(app, check), IsEmpty());
}

TEST(Evaluate, WebsiteLeaderAuthorisationPerWebsite) {
  const std::string check =
      R"({"id": "44.wa", "kind": "website_leader_authorization", "params": {}, "severity": "error", "source": "s"})";
  Application app = Unit();
  app.websites[0].principal.is_legal_representative = false;
  EXPECT_THAT(Violated(app, check), ElementsAre("44.wa@websites[0].principal"));
  app.materials.push_back(
      {MaterialKind::kWebsiteLeaderAuthorization, "websites[0].principal", "f"});
  EXPECT_THAT(Violated(app, check), IsEmpty());
}

TEST(Evaluate, MinimumAgeWithAlternative) {
  const std::string check =
      R"({"id": "44.age", "kind": "principal_min_age", "params": {"min_age": 18, "roles": ["subject"], "alternative": "guardian_consent"}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, check), IsEmpty());  // born 1999
  Principal young = Person(Id("44030820100110151"), "13800138000", "13900139000");
  app.subject.principal = young;
  EXPECT_THAT(Violated(app, check), ElementsAre("44.age@subject.principal.certificate"));
  app.materials.push_back({MaterialKind::kGuardianConsent, "subject.principal", "f"});
  EXPECT_THAT(Violated(app, check), IsEmpty());
}

TEST(Evaluate, PersonalCertificateFromAnotherProvince) {
  const std::string check =
      R"({"id": "44.local", "kind": "certificate_province", "params": {"alternative": "residence_proof"}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, check), IsEmpty());
  app.subject.certificate =
      *Certificate::Parse(CertificateType::kResidentId, "11010519491231002X", kToday);
  EXPECT_THAT(Violated(app, check), ElementsAre("44.local@subject.certificate"));
  app.materials.push_back({MaterialKind::kResidenceProof, "subject.principal", "f"});
  EXPECT_THAT(Violated(app, check), IsEmpty());
}

TEST(Evaluate, UnitFilesWhereItsCertificateWasIssued) {
  const std::string check =
      R"({"id": "44.unit-province", "kind": "unit_certificate_province", "params": {}, "severity": "error", "source": "s"})";
  Application app = Unit();
  EXPECT_THAT(Violated(app, check), IsEmpty());
  app.subject.certificate =
      *Certificate::Parse(CertificateType::kBusinessLicence, "91110000600037341L", kToday);
  EXPECT_THAT(Violated(app, check), ElementsAre("44.unit-province@subject.certificate.number"));
}

TEST(Evaluate, CertificateValidityCountsDays) {
  const std::string check =
      R"({"id": "44.valid", "kind": "certificate_validity", "params": {"min_days_left": 90, "roles": ["subject", "website"]}, "severity": "error", "source": "s"})";
  Application app = Individual();
  app.subject.principal.certificate_valid_until = 2027y / February / 21d;  // 90 days
  EXPECT_THAT(Violated(app, check), IsEmpty());
  app.subject.principal.certificate_valid_until = 2027y / February / 20d;  // 89 days
  EXPECT_THAT(Violated(app, check),
              ElementsAre("44.valid@subject.principal.certificate_valid_until"));
}

TEST(Evaluate, DistinctContactsAndFieldRequired) {
  const std::string distinct =
      R"({"id": "44.d", "kind": "distinct_contacts", "params": {"fields": ["subject.principal.mobile", "subject.principal.emergency_contact"]}, "severity": "error", "source": "s"})";
  const std::string required =
      R"({"id": "44.r", "kind": "field_required", "params": {"field": "subject.remark", "min_chars": 10, "must_contain": ["个人网站"]}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, distinct), IsEmpty());
  app.subject.principal.emergency_contact = app.subject.principal.mobile;
  EXPECT_THAT(Violated(app, distinct), ElementsAre("44.d@subject.principal.emergency_contact"));
  // Two websites run by the same leader share numbers legitimately.
  const std::string across =
      R"({"id": "44.x", "kind": "distinct_contacts", "params": {"fields": ["websites.principal.mobile", "websites.principal.emergency_contact"]}, "severity": "error", "source": "s"})";
  Application two = Unit();
  two.websites.push_back(two.websites[0]);
  EXPECT_THAT(Violated(two, across), IsEmpty());
  two.websites[1].principal.emergency_contact = two.websites[0].principal.mobile;
  EXPECT_THAT(Violated(two, across), ElementsAre("44.x@websites[1].principal.emergency_contact"));
  EXPECT_THAT(Violated(app, required), ElementsAre("44.r@subject.remark"));
  app.subject.remark = "个人网站";
  EXPECT_THAT(Violated(app, required), ElementsAre("44.r@subject.remark"));  // too short
  app.subject.remark = "本网站是个人网站，不含有企业信息";
  EXPECT_THAT(Violated(app, required), IsEmpty());
}

TEST(Evaluate, SiteNameRules) {
  const std::string check =
      R"({"id": "44.name", "kind": "site_name", "params": {"min_chars": 3, "require_chinese": true, "banned_words": ["论坛"], "banned_prefixes": ["中国"]}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, check), IsEmpty());
  app.websites[0].name = "中国论坛";
  EXPECT_THAT(Violated(app, check),
              ElementsAre("44.name@websites[0].name", "44.name@websites[0].name"));
  app.websites[0].name = "abc";
  EXPECT_THAT(Violated(app, check), ElementsAre("44.name@websites[0].name"));
}

TEST(Evaluate, DomainSuffixStandingAndProvinceList) {
  const std::string national =
      R"({"id": "44.sfx", "kind": "domain_suffix", "params": {}, "severity": "error", "source": "s"})";
  const std::string listed =
      R"({"id": "44.list", "kind": "domain_suffix", "params": {"allowed_suffixes": ["com", "cn", "中国"]}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, national), IsEmpty());
  app.websites[0].domains = {*DomainName::Parse("example.rocks")};
  EXPECT_THAT(Violated(app, national), ElementsAre("44.sfx@websites[0].domains[0]"));
  app.websites[0].domains = {*DomainName::Parse("example.org")};
  std::vector<Violation> v = Evaluate(app, *app.type, Rules(national), {}, kNow);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].severity, Severity::kWarning);  // unknown standing: a reviewer decides
  EXPECT_THAT(Violated(app, listed), ElementsAre("44.list@websites[0].domains[0]"));
  app.websites[0].domains = {*DomainName::Parse("例子.中国")};
  EXPECT_THAT(Violated(app, listed), IsEmpty());
}

TEST(Evaluate, DomainWordsSubdomainsAndCounts) {
  const std::string words =
      R"({"id": "44.words", "kind": "domain_label_words", "params": {"banned": ["中国", "zhongguo"]}, "severity": "error", "source": "s"})";
  const std::string registrable =
      R"({"id": "44.reg", "kind": "registrable_domain_only", "params": {}, "severity": "error", "source": "s"})";
  const std::string per_site =
      R"({"id": "44.one", "kind": "max_domains_per_website", "params": {"max": 1}, "severity": "error", "source": "s"})";
  Application app = Individual();
  app.websites[0].domains = {*DomainName::Parse("www.zhongguo-shop.com"),
                             *DomainName::Parse("example.net")};
  EXPECT_THAT(Violated(app, words), ElementsAre("44.words@websites[0].domains[0]"));
  EXPECT_THAT(Violated(app, registrable), ElementsAre("44.reg@websites[0].domains[0]"));
  EXPECT_THAT(Violated(app, per_site), ElementsAre("44.one@websites[0].domains"));
}

TEST(Evaluate, ChangeFilingDirectionAndLimits) {
  const std::string direction =
      R"({"id": "44.dir", "kind": "change_direction", "params": {"unit_to_unit": "with_proof", "unit_to_personal": "no", "personal_to_personal": "no", "personal_to_unit": "if_legal_rep"}, "severity": "error", "source": "s"})";
  const std::string limits =
      R"({"id": "44.lim", "kind": "change_limits", "params": {"province_changeable": false, "add_domains": false}, "severity": "error", "source": "s"})";
  Application personal = Individual();
  Application unit = Unit();
  // Personal -> unit whose legal representative is that person: allowed.
  Application change = unit;
  change.type = ApplicationType::kChangeSubject;
  change.original = FiledRecord{personal.subject, personal.websites, std::nullopt};
  change.websites = personal.websites;
  EXPECT_THAT(Violated(change, direction), IsEmpty());
  change.subject.legal_representative->certificate =
      *Certificate::Parse(CertificateType::kResidentId, "11010519491231002X", kToday);
  EXPECT_THAT(Violated(change, direction), ElementsAre("44.dir@subject"));
  // Unit -> personal: refused.
  Application back = personal;
  back.type = ApplicationType::kChangeSubject;
  back.original = FiledRecord{unit.subject, unit.websites, std::nullopt};
  EXPECT_THAT(Violated(back, direction), ElementsAre("44.dir@subject"));
  // A change cannot add a domain or move province.
  Application more = personal;
  more.type = ApplicationType::kChangeWebsite;
  more.original = FiledRecord{personal.subject, personal.websites, std::nullopt};
  more.websites[0].domains = {*DomainName::Parse("another.com")};
  more.subject.province = *Province::FromCode("11");
  EXPECT_THAT(Violated(more, limits),
              ElementsAre("44.lim@province", "44.lim@websites[0].domains[0]"));
}

TEST(Evaluate, AccessFilingCarriesTheFiledValues) {
  const std::string check =
      R"({"id": "44.acc", "kind": "access_unchanged", "params": {"fields": ["subject.name", "websites.principal"]}, "severity": "error", "source": "s"})";
  Application app = Unit();
  app.type = ApplicationType::kNewAccess;
  app.original = FiledRecord{app.subject, app.websites, std::nullopt};
  EXPECT_THAT(Violated(app, check), IsEmpty());
  app.subject.name = "深圳某某新科技有限公司";
  app.websites[0].principal.name = "王五";
  EXPECT_THAT(Violated(app, check),
              ElementsAre("44.acc@subject.name", "44.acc@websites[0].principal"));
}

TEST(Evaluate, CertificateKindsAndPeople) {
  const std::string types =
      R"({"id": "44.types", "kind": "certificate_types", "params": {"allowed": ["resident_id"], "roles": ["subject"]}, "severity": "error", "source": "s"})";
  const std::string matches =
      R"({"id": "44.match", "kind": "certificate_matches_subject_type", "params": {}, "severity": "error", "source": "s"})";
  const std::string single =
      R"({"id": "44.single", "kind": "personal_single_person", "params": {}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EXPECT_THAT(Violated(app, types + "," + matches + "," + single), IsEmpty());
  app.subject.certificate = *Certificate::Parse(CertificateType::kPassport, "E12345678", kToday);
  EXPECT_THAT(Violated(app, types + "," + matches),
              ElementsAre("44.types@subject.certificate.type"));
  EXPECT_THAT(Violated(app, single), ElementsAre("44.single@websites[0].principal"));
  Application unit = Unit();
  unit.subject.type = SubjectType::kGovernment;  // a 营业执照 is not a government certificate
  EXPECT_THAT(Violated(unit, matches), ElementsAre("44.match@subject.certificate.type"));
}

TEST(Evaluate, ReviewerChecksAreAlwaysWarnings) {
  std::vector<Violation> v = Evaluate(
      Individual(), ApplicationType::kFirstFiling,
      Rules(
          R"({"id": "44.call", "kind": "reviewer_check", "params": {"fields": ["subject.principal.mobile"], "check_zh": "核实手机号归属地", "check": "check the mobile's province"}, "severity": "error", "source": "s"})"),
      {}, kNow);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].severity, Severity::kWarning);
  EXPECT_EQ(v[0].message_zh, "核实手机号归属地");
}

TEST(Evaluate, ReviewerChecksCarryTheFieldsTheyConcern) {
  Application app = Individual();
  app.websites.push_back(app.websites[0]);
  const std::string check =
      R"({"id": "44.call", "kind": "reviewer_check", "params": {"fields": ["subject.principal.mobile", "websites[*].principal.mobile"], "check_zh": "核实手机号归属地", "check": "check the mobile's province"}, "severity": "warning", "source": "s"})";
  EXPECT_THAT(Violated(app, check), ElementsAre("44.call@subject.principal.mobile",
                                                "44.call@websites[0].principal.mobile",
                                                "44.call@websites[1].principal.mobile"));
}

TEST(Evaluate, ResourcesMustExistAndBeEligible) {
  const std::string check =
      R"({"id": "44.res", "kind": "resource_eligibility", "params": {}, "severity": "error", "source": "s"})";
  Application app = Individual();
  EvaluationFacts inventory;
  inventory.inventory_known = true;
  EXPECT_THAT(Violated(app, check), ElementsAre("resource.not-checked@websites"));
  app.websites[0].resources.clear();
  EXPECT_THAT(Violated(app, check, inventory),
              ElementsAre("resource.missing@websites[0].resources"));
  app.websites[0].resources = {"ins-1"};
  EXPECT_THAT(Violated(app, check, inventory),
              ElementsAre("resource.unknown@websites[0].resources[0]"));
  Resource cvm{"ins-1",
               "acct",
               ResourceKind::kCvm,
               Region{"ap-guangzhou", true},
               BillingMode::kPrepaid,
               false,
               Term{12, TermUnit::kMonths},
               kNow + days(200),
               "203.0.113.7",
               {}};
  EvaluationFacts facts = inventory;
  facts.resources = {cvm};
  EXPECT_THAT(Violated(app, check, facts), IsEmpty());
  facts.resources[0].billing = BillingMode::kPayAsYouGo;
  facts.resources[0].region = Region{"ap-hongkong", false};
  EXPECT_THAT(Violated(app, check, facts),
              testing::UnorderedElementsAre("resource.pay-as-you-go@websites[0].resources[0]",
                                            "resource.not-mainland@websites[0].resources[0]"));
  // Through an authorization code pointing at an eligible server.
  facts.resources = {cvm};
  facts.authorization_codes = {AuthorizationCode{"CODE-1", "ins-1", "203.0.113.7",
                                                 AuthorizationCodeState::kUsed, cvm.account}};
  facts.account_verifications[cvm.account] = AccountVerification::kEnterprise;
  app.websites[0].resources = {"CODE-1"};
  EXPECT_THAT(Violated(app, check, facts), ElementsAre("auth-code.used@websites[0].resources[0]"));
  // The code carries its server's eligibility: an owner that could not lend it, a server kind
  // that cannot, or one code too many on the server (FACTS §8.1).
  facts.authorization_codes[0].state = AuthorizationCodeState::kUnused;
  EXPECT_THAT(Violated(app, check, facts), IsEmpty());
  facts.account_verifications[cvm.account] = AccountVerification::kPersonal;
  EXPECT_THAT(Violated(app, check, facts),
              ElementsAre("auth-code.personal-account@websites[0].resources[0]"));
  facts.account_verifications.erase(cvm.account);  // an owner nobody vouched for
  EXPECT_THAT(Violated(app, check, facts),
              ElementsAre("auth-code.personal-account@websites[0].resources[0]"));
  facts.account_verifications[cvm.account] = AccountVerification::kEnterprise;
  facts.resources[0].kind = ResourceKind::kLighthouse;
  EXPECT_THAT(Violated(app, check, facts),
              ElementsAre("auth-code.lighthouse@websites[0].resources[0]"));
  facts.resources[0].kind = ResourceKind::kCvm;
  for (int i = 0; i < 5; ++i) {
    facts.authorization_codes.push_back({"OTHER-" + std::to_string(i), "ins-1", "203.0.113.7",
                                         AuthorizationCodeState::kUnused, cvm.account});
  }
  EXPECT_THAT(Violated(app, check, facts), ElementsAre("auth-code.limit@websites[0].resources[0]"));
  facts.authorization_codes[5].server_id = "ins-elsewhere";  // another server's codes do not count
  EXPECT_THAT(Violated(app, check, facts), IsEmpty());
}

TEST(Evaluate, EligibilityNumbersComeFromTheRulesParameters) {
  RuleParameters p;
  p.resource_min_prepaid_months = 6;
  p.authorization_codes_per_server = 2;
  EligibilityPolicy policy = PolicyOf(p);
  EXPECT_EQ(policy.min_purchased, (Term{6, TermUnit::kMonths}));
  EXPECT_EQ(policy.max_codes_per_server, 2);
}

TEST(MaterialsChecklist, MarksWhatIsPresent) {
  ProvinceRules rules = Rules(
      R"({"id": "44.form", "kind": "material_required", "params": {"material": "verification_form", "owner": "each_website"}, "severity": "error", "source": "s"},
                                 {"id": "44.id", "kind": "material_required", "params": {"material": "identity_document", "owner": "subject.principal"}, "severity": "error", "source": "s"})");
  Application app = Individual();
  app.materials.push_back({MaterialKind::kIdentityDocument, "subject.principal", "f"});
  std::vector<MaterialRequirement> list =
      MaterialsChecklist(app, ApplicationType::kFirstFiling, rules, {}, kToday);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].owner, "websites[0]");
  EXPECT_FALSE(list[0].present);
  EXPECT_TRUE(list[1].present);
  std::vector<MaterialRequirement> generic =
      MaterialsFor(rules, SubjectType::kIndividual, ApplicationType::kFirstFiling, kToday);
  ASSERT_EQ(generic.size(), 2u);
  EXPECT_EQ(generic[0].owner, "websites[*]");
}

}  // namespace
}  // namespace icp
