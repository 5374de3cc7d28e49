// Test vectors written by others (tests/vectors/, copied verbatim from ../shared/reference/),
// one test per row. Rows marked `disputed` follow the policies written next to them here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/strings.h"
#include "domain/credit_code.h"
#include "domain/domain_name.h"
#include "domain/filing_number.h"
#include "domain/hong_kong_identity_card.h"
#include "domain/resident_id.h"
#include "domain/taiwan_national_id.h"

namespace icp {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;

struct Row {
  int line = 0;
  std::vector<std::string> fields;
  std::string section;  // the last "# --- ..." heading above the row
};

// Shown by gtest instead of the row's bytes.
void PrintTo(const Row& row, std::ostream* os) {
  *os << "line " << row.line << ": " << (row.fields.empty() ? "" : row.fields[0]);
}

// Every rule the error names (a value may break several at once).
std::vector<std::string> Rules(const Error& error) {
  std::vector<std::string> rules;
  for (const FieldViolation& v : error.violations) rules.push_back(v.rule);
  return rules;
}

std::string TestName(const testing::TestParamInfo<Row>& info) {
  return "line" + std::to_string(info.param.line);
}

std::vector<Row> ReadTsv(const std::string& name) {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/tests/vectors/" + name);
  std::vector<Row> rows;
  std::string line;
  int number = 0;
  std::string section;
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("# ---")) section = line;
    if (line.empty() || line.front() == '#') continue;
    Row row{number, {}, section};
    for (std::string_view f : Split(line, '\t')) row.fields.emplace_back(f);
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- GB 11643 resident ID numbers -------------------------------------------------------

// Policy for `disputed` rows (issue 2): a region code that exists or existed in GB/T 2260
// counts whatever the birth year; residence permits 81/82/83 are valid; a county missing from
// our lists under a prefecture that exists is accepted with a note; anything else is refused.
const std::map<std::string, std::string> kResidentIdDisputed = {
    {"110111198012010078", "valid"},            // code exists (1986-); strict timeline rejects
    {"110201199312010077", "valid"},            // code existed (-1982)
    {"830000200209060065", "valid"},            // Taiwan residence permit
    {"500154199301135886", "valid"},            // code exists (2016-)
    {"411082198901010002", "valid"},            // code exists; reported real
    {"830000199201300022", "valid"},            // Taiwan residence permit
    {"370620199505100123", "valid"},            // code existed 1983-1987
    {"321119197310306324", "valid_with_note"},  // county not in our lists; prefecture 321100 is
    {"320819197004124810", "valid_with_note"},  // county not in our lists; prefecture 320800 is
    {"111111111111111", "invalid_region"},      // no division 111111 nor prefecture 111100
};

const std::map<std::string, std::string> kResidentIdRules = {
    {"invalid_format", "resident-id.format"},     {"invalid_length", "resident-id.length"},
    {"invalid_checksum", "resident-id.checksum"}, {"invalid_date", "resident-id.birth-date"},
    {"invalid_region", "resident-id.region"},
};

class ResidentIdVectors : public testing::TestWithParam<Row> {};

TEST_P(ResidentIdVectors, GiveTheExpectedOutcome) {
  const std::string& number = GetParam().fields.at(0);
  std::string expected = GetParam().fields.at(1);
  const std::string detail = GetParam().fields.size() > 2 ? GetParam().fields[2] : "";
  if (GetParam().section.find("other documents") != std::string::npos) {
    // A Hong Kong identity card or a Taiwan national ID: tested against its own kind's check,
    // as the reference README says (a bracketed check character marks the Hong Kong card).
    const bool hk = detail.find("Hong Kong") != std::string::npos;
    const Error* error = nullptr;
    Result<HongKongIdentityCard> card = HongKongIdentityCard::Parse(number);
    Result<TaiwanNationalId> tw = TaiwanNationalId::Parse(number);
    if (hk && !card) error = &card.error();
    if (!hk && !tw) error = &tw.error();
    if (expected == "valid") {
      EXPECT_EQ(error, nullptr) << number << ": " << (error ? error->message : "");
    } else {
      ASSERT_NE(error, nullptr) << number << " should be " << expected;
      const std::string rule = std::string(hk ? "hk-id-card." : "taiwan-id.") +
                               (expected == "invalid_checksum" ? "checksum" : "length");
      EXPECT_THAT(Rules(*error), testing::Contains(rule)) << error->message;
    }
    return;
  }
  if (expected == "disputed") expected = kResidentIdDisputed.at(number);
  Result<ResidentId> id = ResidentId::Parse(number, kToday);
  if (expected.starts_with("valid")) {
    ASSERT_TRUE(id.has_value()) << number << ": " << id.error().message << " (" << detail << ")";
    EXPECT_EQ(id->str().size(), 18u);
    EXPECT_EQ(id->notes().empty(), expected == "valid") << number;
    // "must normalise to ..." and "upgrade of 15-digit ..." details name the 18-digit form.
    if (auto pos = detail.find("must normalise to "); pos != std::string::npos) {
      EXPECT_EQ(id->str(), detail.substr(pos + 18, 18));
    }
    if (number.size() == 15) {
      EXPECT_TRUE(id->legacy_15());
    }
  } else {
    ASSERT_FALSE(id.has_value()) << number << " should be " << expected;
    EXPECT_THAT(Rules(id.error()), testing::Contains(kResidentIdRules.at(expected)))
        << number << ": " << id.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Reference, ResidentIdVectors,
                         testing::ValuesIn(ReadTsv("cn_resident_id_vectors.tsv")), TestName);

TEST(ResidentIdVectors, FifteenDigitNumbersUpgradeToTheirListedEighteenDigitForms) {
  EXPECT_EQ(ResidentId::Parse("150102880730303", kToday)->str(), "150102198807303035");
  EXPECT_EQ(ResidentId::Parse("330102200403064", kToday)->str(), "33010219200403064X");
  EXPECT_EQ(ResidentId::Parse("610104620927690", kToday)->str(), "610104196209276908");
}

// ---- GB 32100 unified social credit codes -----------------------------------------------

// Policy for the `disputed` row: the GB 32100 check character is normative and the bureau
// checks it, so a code that fails it is refused even if it was issued in a pilot area.
const std::map<std::string, std::string> kCreditCodeDisputed = {
    {"91350211M00013FA1N", "invalid_checksum"},
};

// Rows where our reason differs from the source's, with why.
const std::map<std::string, std::string> kCreditCodeReason = {
    // A is a real registration authority (中央军委改革和编制办公室, FACTS §9.3) and A1 a real
    // type, so the code is well-formed; its check character is what is wrong. stdnum calls it
    // a format error only because it wants digits in positions 1-8 (FACTS: do not copy that).
    {"A1110000600037341L", "credit-code.checksum"},
};

const std::map<std::string, std::string> kCreditCodeRules = {
    {"invalid_format", "credit-code.format"},
    {"invalid_length", "credit-code.length"},
    {"invalid_checksum", "credit-code.checksum"},
};

class CreditCodeVectors : public testing::TestWithParam<Row> {};

TEST_P(CreditCodeVectors, GiveTheExpectedOutcome) {
  const std::string& code = GetParam().fields.at(0);
  std::string expected = GetParam().fields.at(1);
  if (expected == "disputed") expected = kCreditCodeDisputed.at(code);
  Result<CreditCode> parsed = CreditCode::Parse(code);
  if (expected == "valid") {
    ASSERT_TRUE(parsed.has_value()) << code << ": " << parsed.error().message;
    std::string compact = code;
    std::erase(compact, ' ');
    EXPECT_EQ(parsed->str(), compact);
    // The file's header: every valid row's embedded organisation code passes GB 11714 too.
    EXPECT_TRUE(parsed->organization_code().has_value()) << code;
  } else {
    ASSERT_FALSE(parsed.has_value()) << code << " should be " << expected;
    const std::string rule = kCreditCodeReason.contains(code) ? kCreditCodeReason.at(code)
                                                              : kCreditCodeRules.at(expected);
    EXPECT_EQ(parsed.error().rule(), rule) << code << ": " << parsed.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Reference, CreditCodeVectors,
                         testing::ValuesIn(ReadTsv("cn_uscc_vectors.tsv")), TestName);

// ---- Public Suffix List test cases ------------------------------------------------------

struct PslCase {
  int line = 0;
  std::optional<std::string> input;
  std::optional<std::string> expected;
};

void PrintTo(const PslCase& c, std::ostream* os) {
  *os << "line " << c.line << ": " << c.input.value_or("null") << " -> "
      << c.expected.value_or("null");
}

std::optional<std::string> PslArgument(std::string_view& rest) {
  while (rest.starts_with(' ') || rest.starts_with(',')) rest.remove_prefix(1);
  if (rest.starts_with("null")) {
    rest.remove_prefix(4);
    return std::nullopt;
  }
  const std::size_t end = rest.find('\'', 1);
  std::string value(rest.substr(1, end - 1));
  rest.remove_prefix(end + 1);
  return value;
}

std::vector<PslCase> ReadPsl() {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/tests/vectors/psl_test_vectors.txt");
  std::vector<PslCase> cases;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.starts_with("checkPublicSuffix(")) continue;  // comments and disabled cases
    std::string_view rest = std::string_view(line).substr(18);
    PslCase c{number, PslArgument(rest), PslArgument(rest)};
    cases.push_back(std::move(c));
  }
  return cases;
}

class PublicSuffixVectors : public testing::TestWithParam<PslCase> {};

TEST_P(PublicSuffixVectors, GiveTheRegistrableDomain) {
  const PslCase& c = GetParam();
  Result<DomainName> name = DomainName::Parse(c.input.value_or(""));
  if (!c.expected) {
    EXPECT_FALSE(name.has_value()) << c.input.value_or("null") << " has no registrable domain, got "
                                   << (name ? name->registrable_ascii() : "");
    return;
  }
  ASSERT_TRUE(name.has_value()) << *c.input << ": " << name.error().message;
  const bool unicode_input = !std::all_of(c.input->begin(), c.input->end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x80;
  });
  EXPECT_EQ(unicode_input ? name->registrable_unicode() : name->registrable_ascii(), *c.expected);
}

std::string PslTestName(const testing::TestParamInfo<PslCase>& param) {
  return "line" + std::to_string(param.param.line);
}

INSTANTIATE_TEST_SUITE_P(Reference, PublicSuffixVectors, testing::ValuesIn(ReadPsl()), PslTestName);

// ---- ICP filing numbers -----------------------------------------------------------------

class FilingNumberVectors : public testing::TestWithParam<Row> {};

TEST_P(FilingNumberVectors, GiveTheExpectedParse) {
  const std::vector<std::string>& f = GetParam().fields;
  const std::string& text = f.at(0);
  const std::string& expected = f.at(1);
  const std::string& kind = f.at(2);
  Result<FilingNumber> n = FilingNumber::Parse(text);
  if (kind == "police") {
    // A public-security number: valid as such, but an ICP filing-number parser refuses it.
    ASSERT_FALSE(n.has_value());
    EXPECT_EQ(n.error().rule(), "filing-number.police");
    return;
  }
  if (expected == "invalid") {
    EXPECT_FALSE(n.has_value()) << text << " parsed as " << n->str();
    return;
  }
  ASSERT_TRUE(n.has_value()) << text << ": " << n.error().message;
  if (expected == "valid") {
    EXPECT_EQ(n->str(), text);
  } else if (expected == "lenient") {
    EXPECT_NE(n->str(), text);
  }
  EXPECT_EQ(n->placeholder(), expected == "placeholder");
  EXPECT_EQ(n->province().prefix(), f.at(3));
  EXPECT_EQ(n->serial(), f.at(4));
  EXPECT_EQ(n->service_index(), f.at(5).empty() ? 0 : std::stoi(f.at(5)));
  const std::string suffix = f.size() > 6 ? f[6] : "";
  const FilingNumber::Service service = !n->is_service() ? FilingNumber::Service::kNone
                                        : suffix == "A"  ? FilingNumber::Service::kApp
                                        : suffix == "X"  ? FilingNumber::Service::kMiniProgram
                                                         : FilingNumber::Service::kWebsite;
  EXPECT_EQ(n->service(), service);
  if (kind.starts_with("licence") || kind.ends_with("_under_licence")) {
    EXPECT_NE(n->form(), FilingNumber::Form::kRecord);
  }
  if (kind == "subject" || kind == "licence" || kind == "licence_b2") {
    EXPECT_FALSE(n->is_service());
  }
}

INSTANTIATE_TEST_SUITE_P(Reference, FilingNumberVectors,
                         testing::ValuesIn(ReadTsv("icp_number_examples.tsv")), TestName);

// The suites above run one test per row, so a missing, emptied or truncated file would run
// fewer tests (or none) and still pass. Each file must be there with at least the rows it
// had when it was copied from ../shared/reference/.
TEST(VectorFiles, AreThereWithEveryRow) {
  for (const auto& [name, rows] :
       std::map<std::string, std::size_t>{{"cn_resident_id_vectors.tsv", 56},
                                          {"cn_uscc_vectors.tsv", 209},
                                          {"icp_number_examples.tsv", 31}}) {
    EXPECT_TRUE(std::ifstream(std::string(ICP_SOURCE_DIR) + "/tests/vectors/" + name).good())
        << "tests/vectors/" << name << " is missing";
    EXPECT_GE(ReadTsv(name).size(), rows) << "tests/vectors/" << name << " lost rows";
  }
  EXPECT_GE(ReadPsl().size(), 78u) << "tests/vectors/psl_test_vectors.txt lost cases";
}

}  // namespace
}  // namespace icp
