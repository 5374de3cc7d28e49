#include "domain/resolve_application_type.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace icp {
namespace {

using S = SubjectStanding;
using D = DomainStanding;
using O = OpenApplication;
using T = ApplicationType;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// One website with one domain: the common case since 2019 (FACTS.md §5.1).
ApplicationTypeFacts Facts(S subject, D domain, O domain_open = O::kNone) {
  ApplicationTypeFacts f;
  f.subject = subject;
  f.websites = {WebsiteFacts{{DomainFacts{domain, domain_open}}}};
  return f;
}

// "field rule" for every violation, in order.
std::vector<std::string> Problems(const Result<ApplicationType>& r) {
  std::vector<std::string> out;
  if (r) return out;
  for (const FieldViolation& v : r.error().violations) out.push_back(v.field + " " + v.rule);
  return out;
}

constexpr const char* kSubject = "subject.certificate.number ";
constexpr const char* kDomain = "websites[0].domains[0] ";

std::string SubjectRule(const std::string& rule) { return kSubject + rule; }
std::string DomainRule(const std::string& rule) { return kDomain + rule; }

// --- The decision table, one test per row (FACTS.md §3.3) ---

TEST(ResolveApplicationType, FirstFilingWhenNeitherSubjectNorDomainIsFiled) {
  EXPECT_EQ(ResolveApplicationType(Facts(S::kNotFiled, D::kNotFiled)), T::kFirstFiling);
}

TEST(ResolveApplicationType, FirstFilingAgainAfterTheSubjectWasCancelled) {
  EXPECT_EQ(ResolveApplicationType(Facts(S::kCancelled, D::kNotFiled)), T::kFirstFiling);
}

TEST(ResolveApplicationType, NewWebsiteWhenTheSubjectIsFiledHere) {
  EXPECT_EQ(ResolveApplicationType(Facts(S::kFiledHere, D::kNotFiled)), T::kNewWebsite);
}

TEST(ResolveApplicationType, NewWebsiteFiledElsewhereWhenTheSubjectIsFiledOnlyElsewhere) {
  EXPECT_EQ(ResolveApplicationType(Facts(S::kFiledElsewhereOnly, D::kNotFiled)),
            T::kNewWebsiteFiledElsewhere);
}

TEST(ResolveApplicationType, NewAccessWhenSubjectAndDomainAreFiledOnlyElsewhere) {
  EXPECT_EQ(ResolveApplicationType(Facts(S::kFiledElsewhereOnly, D::kFiledUnderSubjectElsewhere)),
            T::kNewAccess);
}

TEST(ResolveApplicationType, ContinueAccessWhenTheSubjectIsHereAndTheDomainElsewhere) {
  EXPECT_EQ(ResolveApplicationType(Facts(S::kFiledHere, D::kFiledUnderSubjectElsewhere)),
            T::kContinueAccess);
}

TEST(ResolveApplicationType, RefusesASubjectFiledInAnotherAccount) {
  Result<T> r = ResolveApplicationType(Facts(S::kFiledHereOtherAccount, D::kNotFiled));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(Problems(r), ElementsAre(SubjectRule("type.subject-in-other-account")));
  EXPECT_THAT(r.error().violations[0].message_zh,
              ::testing::HasSubstr("证件已在其他账号下有备案记录"));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("备案转移"));
}

TEST(ResolveApplicationType, RefusesASubjectInAnotherAccountWhateverTheDomain) {
  for (D d : {D::kNotFiled, D::kFiledUnderSubjectElsewhere}) {
    EXPECT_THAT(Problems(ResolveApplicationType(Facts(S::kFiledHereOtherAccount, d))),
                ElementsAre(SubjectRule("type.subject-in-other-account")));
  }
}

TEST(ResolveApplicationType, RefusesADomainFiledUnderAnotherSubjectWhateverTheSubject) {
  for (S s : {S::kNotFiled, S::kFiledHere, S::kFiledElsewhereOnly, S::kCancelled}) {
    Result<T> r = ResolveApplicationType(Facts(s, D::kFiledUnderOtherSubject));
    EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.domain-under-other-subject")));
    EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("域名冲突"));
  }
}

TEST(ResolveApplicationType, RefusesADomainAlreadyFiledHereUnderTheSubject) {
  Result<T> r = ResolveApplicationType(Facts(S::kFiledHere, D::kFiledUnderSubjectHere));
  EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.domain-already-filed")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("变更备案"));
}

TEST(ResolveApplicationType, TellsACustomerWhoChoseNewWebsiteForAFiledDomainToUseAccess) {
  for (T chosen : {T::kFirstFiling, T::kNewWebsite, T::kNewWebsiteFiledElsewhere}) {
    ApplicationTypeFacts f = Facts(S::kFiledElsewhereOnly, D::kFiledUnderSubjectElsewhere);
    f.chosen = chosen;
    Result<T> r = ResolveApplicationType(f);
    EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.domain-already-filed")));
    EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("提示域名已备案"));
    EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("接入备案"));
  }
}

TEST(ResolveApplicationType, RefusesAnEmptyShellSubject) {
  Result<T> r = ResolveApplicationType(Facts(S::kEmptyShell, D::kNotFiled));
  EXPECT_THAT(Problems(r), ElementsAre(SubjectRule("type.empty-shell")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("空壳"));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("首次备案"));
}

TEST(ResolveApplicationType, NewWebsiteWhenTheCancelledWebsiteWasNotTheSubjectsOnlyOne) {
  // [S4]: the cancelled website's domain is off the record; the subject keeps other sites.
  EXPECT_EQ(ResolveApplicationType(Facts(S::kFiledElsewhereOnly, D::kNotFiled)),
            T::kNewWebsiteFiledElsewhere);
}

TEST(ResolveApplicationType, RefusesWhenTheSubjectsOnlyWebsiteWasCancelled) {
  ApplicationTypeFacts f = Facts(S::kFiledElsewhereOnly, D::kNotFiled);
  f.only_website_cancelled = true;
  Result<T> r = ResolveApplicationType(f);
  EXPECT_THAT(Problems(r), ElementsAre(SubjectRule("type.only-website-cancelled")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("注销主体"));
}

TEST(ResolveApplicationType, ReportsFactsThatContradictEachOther) {
  // A domain on record under a subject that is not on record: usually an old certificate
  // replaced by a 三证合一 licence (FACTS.md §3.2).
  EXPECT_THAT(Problems(ResolveApplicationType(Facts(S::kNotFiled, D::kFiledUnderSubjectElsewhere))),
              ElementsAre(DomainRule("type.undetermined")));
  EXPECT_THAT(
      Problems(ResolveApplicationType(Facts(S::kCancelled, D::kFiledUnderSubjectElsewhere))),
      ElementsAre(DomainRule("type.undetermined")));
}

// --- The additional blocking checks ---

TEST(ResolveApplicationType, BlocksASubjectWithAnOpenApplicationHere) {
  ApplicationTypeFacts f = Facts(S::kFiledHere, D::kNotFiled);
  f.subject_open_application = O::kHere;
  Result<T> r = ResolveApplicationType(f);
  EXPECT_THAT(Problems(r), ElementsAre(SubjectRule("type.open-application-subject")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("此证件存在进行中的订单"));
}

TEST(ResolveApplicationType, BlocksASubjectWithAnOpenApplicationInAnotherAccount) {
  ApplicationTypeFacts f = Facts(S::kNotFiled, D::kNotFiled);
  f.subject_open_application = O::kHereOtherAccount;
  EXPECT_THAT(Problems(ResolveApplicationType(f)),
              ElementsAre(SubjectRule("type.open-application-subject-other-account")));
}

TEST(ResolveApplicationType, BlocksASubjectWithAnOpenApplicationAtAnotherProvider) {
  ApplicationTypeFacts f = Facts(S::kFiledElsewhereOnly, D::kNotFiled);
  f.subject_open_application = O::kElsewhere;
  Result<T> r = ResolveApplicationType(f);
  EXPECT_THAT(Problems(r), ElementsAre(SubjectRule("type.subject-conflict-elsewhere")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("主办者冲突"));
}

TEST(ResolveApplicationType, BlocksADomainWithAnOpenApplicationHere) {
  Result<T> r = ResolveApplicationType(Facts(S::kFiledHere, D::kNotFiled, O::kHere));
  EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.open-application-domain")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("该域名存在进行中的订单"));
}

TEST(ResolveApplicationType, AsksForEvidenceWhenAnotherAccountHasTheDomainInAnApplication) {
  Result<T> r = ResolveApplicationType(Facts(S::kNotFiled, D::kNotFiled, O::kHereOtherAccount));
  EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.open-application-domain-other-account")));
  EXPECT_THAT(r.error().violations[0].message_zh, ::testing::HasSubstr("手持证件"));
}

TEST(ResolveApplicationType, BlocksADomainWithAnOpenApplicationAtAnotherProvider) {
  Result<T> r = ResolveApplicationType(Facts(S::kNotFiled, D::kNotFiled, O::kElsewhere));
  EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.domain-conflict-elsewhere")));
}

TEST(ResolveApplicationType, NeedsAtLeastOneDomain) {
  ApplicationTypeFacts none;
  EXPECT_EQ(ResolveApplicationType(none).error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(Problems(ResolveApplicationType(none)), ElementsAre("websites type.no-domain"));
  none.websites.push_back({});
  EXPECT_THAT(Problems(ResolveApplicationType(none)), ElementsAre("websites type.no-domain"));
}

// --- The customer's choice ---

TEST(ResolveApplicationType, AcceptsTheRightChoice) {
  ApplicationTypeFacts f = Facts(S::kFiledHere, D::kFiledUnderSubjectElsewhere);
  f.chosen = T::kContinueAccess;
  EXPECT_EQ(ResolveApplicationType(f), T::kContinueAccess);
}

TEST(ResolveApplicationType, NamesTheRightTypeWhenTheChoiceIsWrong) {
  ApplicationTypeFacts f = Facts(S::kFiledHere, D::kNotFiled);
  f.chosen = T::kFirstFiling;
  Result<T> r = ResolveApplicationType(f);
  EXPECT_THAT(Problems(r), ElementsAre("type type.chosen-wrongly"));
  EXPECT_EQ(r.error().violations[0].message_zh,
            "根据主体与域名的备案情况，应办理“新增网站（原备案在本接入商）”，而不是“首次备案”。");
}

TEST(ResolveApplicationType, ReportsAWrongAccessChoiceForAnUnfiledDomain) {
  // 主办者冲突 "也可能是备案类型提交错误" [S3].
  ApplicationTypeFacts f = Facts(S::kFiledElsewhereOnly, D::kNotFiled);
  f.chosen = T::kNewAccess;
  EXPECT_THAT(Problems(ResolveApplicationType(f)), ElementsAre("type type.chosen-wrongly"));
}

// --- Combinations: every conflict that applies is reported ---

TEST(ResolveApplicationType, ReportsSubjectAndDomainConflictsTogether) {
  ApplicationTypeFacts f =
      Facts(S::kFiledHereOtherAccount, D::kFiledUnderOtherSubject, O::kElsewhere);
  f.subject_open_application = O::kElsewhere;
  EXPECT_THAT(Problems(ResolveApplicationType(f)),
              UnorderedElementsAre(SubjectRule("type.subject-in-other-account"),
                                   SubjectRule("type.subject-conflict-elsewhere"),
                                   DomainRule("type.domain-under-other-subject"),
                                   DomainRule("type.domain-conflict-elsewhere")));
}

TEST(ResolveApplicationType, ReportsASubjectWideConflictOnceForManyDomains) {
  ApplicationTypeFacts f;
  f.subject = S::kEmptyShell;
  f.websites = {WebsiteFacts{{DomainFacts{}, DomainFacts{}}}, WebsiteFacts{{DomainFacts{}}}};
  EXPECT_THAT(Problems(ResolveApplicationType(f)), ElementsAre(SubjectRule("type.empty-shell")));
}

TEST(ResolveApplicationType, NamesEachConflictingDomainByItsPath) {
  ApplicationTypeFacts f;
  f.subject = S::kFiledHere;
  f.websites = {WebsiteFacts{{DomainFacts{}}},
                WebsiteFacts{{DomainFacts{}, DomainFacts{D::kFiledUnderOtherSubject, O::kHere}}}};
  EXPECT_THAT(Problems(ResolveApplicationType(f)),
              ElementsAre("websites[1].domains[1] type.domain-under-other-subject",
                          "websites[1].domains[1] type.open-application-domain"));
}

TEST(ResolveApplicationType, ResolvesSeveralNewWebsitesTogether) {
  ApplicationTypeFacts f;
  f.subject = S::kNotFiled;
  f.websites = {WebsiteFacts{{DomainFacts{}}}, WebsiteFacts{{DomainFacts{}}}};
  EXPECT_EQ(ResolveApplicationType(f), T::kFirstFiling);
}

TEST(ResolveApplicationType, RefusesAccessAndNewWebsiteInOneApplication) {
  ApplicationTypeFacts f;
  f.subject = S::kFiledHere;
  f.websites = {WebsiteFacts{{DomainFacts{D::kFiledUnderSubjectElsewhere, O::kNone}}},
                WebsiteFacts{{DomainFacts{D::kNotFiled, O::kNone}}}};
  EXPECT_THAT(Problems(ResolveApplicationType(f)),
              ElementsAre("websites type.access-and-new-website"));
}

TEST(ResolveApplicationType, DoesNotRepeatAFiledDomainForAWrongChoice) {
  ApplicationTypeFacts f = Facts(S::kFiledHere, D::kFiledUnderSubjectHere);
  f.chosen = T::kNewWebsite;
  Result<T> r = ResolveApplicationType(f);
  EXPECT_THAT(Problems(r), ElementsAre(DomainRule("type.domain-already-filed")));
}

TEST(ResolveApplicationType, ReportsOpenApplicationsTogetherWithTheTableConflict) {
  ApplicationTypeFacts f = Facts(S::kEmptyShell, D::kFiledUnderOtherSubject, O::kHereOtherAccount);
  f.subject_open_application = O::kHere;
  f.only_website_cancelled = true;
  EXPECT_THAT(
      Problems(ResolveApplicationType(f)),
      ElementsAre(SubjectRule("type.open-application-subject"),
                  SubjectRule("type.only-website-cancelled"), SubjectRule("type.empty-shell"),
                  DomainRule("type.domain-under-other-subject"),
                  DomainRule("type.open-application-domain-other-account")));
}

TEST(ResolveApplicationType, GivesEveryConflictBothLanguages) {
  ApplicationTypeFacts f =
      Facts(S::kFiledHereOtherAccount, D::kFiledUnderOtherSubject, O::kElsewhere);
  f.subject_open_application = O::kHere;
  Result<T> r = ResolveApplicationType(f);
  ASSERT_FALSE(r);
  for (const FieldViolation& v : r.error().violations) {
    EXPECT_FALSE(v.message.empty()) << v.rule;
    EXPECT_FALSE(v.message_zh.empty()) << v.rule;
  }
  EXPECT_THAT(r.error().message, ::testing::HasSubstr("4 problems"));
}

}  // namespace
}  // namespace icp
