#include "domain/domain_name.h"

#include <gtest/gtest.h>

#include "domain/test_inputs.h"

namespace icp {
namespace {

TEST(DomainName, KeepsBothFormsOfAnInternationalisedName) {
  Result<DomainName> name = DomainName::Parse("WWW.例子.中国");
  ASSERT_TRUE(name.has_value()) << name.error().message;
  EXPECT_EQ(name->ascii(), "www.xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(name->unicode(), "www.例子.中国");
  EXPECT_EQ(name->registrable_ascii(), "xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(name->registrable_unicode(), "例子.中国");
  EXPECT_EQ(name->public_suffix_ascii(), "xn--fiqs8s");
  EXPECT_FALSE(name->is_registrable());
  EXPECT_TRUE(name->is_idn());
  EXPECT_EQ(name->suffix_status(), SuffixStatus::kApproved);
}

TEST(DomainName, FoldsWhatPeopleType) {
  EXPECT_EQ(DomainName::Parse(" Example.COM. ")->ascii(), "example.com");
  EXPECT_EQ(DomainName::Parse("例子。中国")->ascii(), "xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(DomainName::Parse("ｅｘａｍｐｌｅ．ｃｏｍ")->ascii(), "example.com");
  EXPECT_EQ(DomainName::Parse("faß.de")->ascii(), "xn--fa-hia.de");  // IDNA 2008, not 2003
}

TEST(DomainName, GivesTheRegistrableDomainAndSuffixStanding) {
  Result<DomainName> gov = DomainName::Parse("www.beijing.gov.cn");
  ASSERT_TRUE(gov.has_value());
  EXPECT_EQ(gov->registrable_ascii(), "beijing.gov.cn");
  EXPECT_EQ(gov->suffix_entry()->suffix, "gov.cn");  // the longest listed suffix decides
  EXPECT_EQ(DomainName::Parse("a.example.com.cn")->registrable_ascii(), "example.com.cn");
  EXPECT_EQ(DomainName::Parse("shop.example.rocks")->suffix_status(), SuffixStatus::kNotApproved);
  EXPECT_EQ(DomainName::Parse("example.io")->suffix_status(), SuffixStatus::kNotApproved);
  EXPECT_EQ(DomainName::Parse("example.org")->suffix_status(), SuffixStatus::kUnknown);
  EXPECT_EQ(DomainName::Parse("example.公司")->suffix_status(), SuffixStatus::kApproved);
}

TEST(DomainName, TellsWhatIsWrong) {
  EXPECT_EQ(DomainName::Parse("").error().rule(), "domain.empty");
  EXPECT_EQ(DomainName::Parse("https://example.com/").error().rule(), "domain.url");
  EXPECT_EQ(DomainName::Parse("example.com:8080").error().rule(), "domain.url");
  EXPECT_EQ(DomainName::Parse("*.example.com").error().rule(), "domain.wildcard");
  EXPECT_EQ(DomainName::Parse("192.168.1.1").error().rule(), "domain.ip-address");
  EXPECT_EQ(DomainName::Parse("exa_mple.com").error().rule(), "domain.label");
  EXPECT_EQ(DomainName::Parse("-example.com").error().rule(), "domain.label");
  EXPECT_EQ(DomainName::Parse("ab--cd.com").error().rule(), "domain.label");
  EXPECT_EQ(DomainName::Parse(std::string(64, 'a') + ".com").error().rule(), "domain.label");
  EXPECT_EQ(DomainName::Parse("a..com").error().rule(), "domain.label");
  EXPECT_EQ(DomainName::Parse("localhost").error().rule(), "domain.single-label");
  EXPECT_EQ(DomainName::Parse("com.cn").error().rule(), "domain.public-suffix");
  EXPECT_EQ(DomainName::Parse("xn--zz.com").error().rule(), "domain.idna");
}

TEST(DomainName, RefusesNamesLongerThan253Octets) {
  std::string name;
  for (int i = 0; i < 5; ++i) name += std::string(60, 'a') + ".";
  name += "com";
  EXPECT_EQ(DomainName::Parse(name).error().rule(), "domain.length");
}

TEST(DomainName, SurvivesHostileInput) {
  EXPECT_EQ(DomainName::Parse(testing_inputs::kNotUtf8).error().rule(), "domain.encoding");
  EXPECT_EQ(DomainName::Parse(testing_inputs::kAbsurdlyLong).error().rule(), "domain.length");
  EXPECT_FALSE(DomainName::Parse(std::string("exa\0mple.com", 12)).has_value());
}

TEST(FilingSuffixes, ParseRefusesBadRowsAndNeedsAVersion) {
  EXPECT_FALSE(FilingSuffixes::Parse("# version: 1\ncom\tmaybe\tsrc\n").has_value());
  EXPECT_FALSE(FilingSuffixes::Parse("com\tapproved\tsrc\n").has_value());
  Result<FilingSuffixes> t = FilingSuffixes::Parse("# version: 7\n中国\tapproved\tsrc\t\n");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->version(), "7");
  EXPECT_NE(t->Find("xn--fsqu00a.xn--fiqs8s"), nullptr);
  EXPECT_EQ(t->Find("xn--fiqs8sx"), nullptr);
}

}  // namespace
}  // namespace icp
