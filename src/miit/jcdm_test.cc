// JCDM (miit/jcdm.h): the code tables as icp-bureau publishes them and the gateway checks them.
#include "miit/jcdm.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace icp::miit {
namespace {

using Kind = CodeDifference::Kind;

const CodeEntry* Find(const std::vector<CodeEntry>& codes, std::string_view table,
                      std::int64_t id) {
  auto it = std::find_if(codes.begin(), codes.end(),
                         [&](const CodeEntry& e) { return e.table == table && e.id == id; });
  return it == codes.end() ? nullptr : &*it;
}

TEST(Jcdm, OurTablesTravelInTheirContainers) {
  EXPECT_EQ(JcdmContainerOf("subject_nature"), "Dwxz_dms");
  EXPECT_EQ(JcdmContainerOf("certificate"), "Zjlx_dms");
  EXPECT_EQ(JcdmContainerOf("leader_certificate"), "Zjlx_dms");
  EXPECT_EQ(JcdmContainerOf("cancellation_reason"), "Zxly_dms");
  EXPECT_EQ(JcdmContainerOf("server_location"), "");  // V3.0 has no table for it
  EXPECT_EQ(JcdmContainerOf("cloud_region"), "");
}

TEST(Jcdm, ThePublishedTablesHaveEachIdOnceAndMarkWhatIsNotV30s) {
  const CodeTables& tables = CodeTables::Builtin();
  const std::vector<CodeEntry> strict = PublishedCodes(tables, false);
  const std::vector<CodeEntry> extended = PublishedCodes(tables, true);
  // Certificate ids repeat across subject types in our table (1 for an enterprise's and an
  // individual business's licence): the bureau lists each once.
  EXPECT_EQ(std::count_if(strict.begin(), strict.end(),
                          [](const CodeEntry& e) { return e.table == "Zjlx_dms" && e.id == 1; }),
            1);
  ASSERT_NE(Find(strict, "Dwxz_dms", 4), nullptr);
  EXPECT_EQ(Find(strict, "Dwxz_dms", 4)->name, "企业");
  EXPECT_EQ(Find(strict, "Wzfwlx_dms", 28), nullptr);  // a Beian extension: not in V3.0
  ASSERT_NE(Find(extended, "Wzfwlx_dms", 28), nullptr);
  EXPECT_EQ(Find(extended, "Wzfwlx_dms", 28)->remark, "beian-ext");
  ASSERT_NE(Find(strict, "Zxly_dms", 1), nullptr);
  EXPECT_EQ(Find(strict, "Zxly_dms", 1)->remark, "beian-own");
  EXPECT_TRUE(std::all_of(extended.begin(), extended.end(),
                          [](const CodeEntry& e) { return e.in_force && !e.name.empty(); }));
  // What a bureau publishes from the same tables, with or without the extensions, checks clean
  // and travels through the schema.
  EXPECT_TRUE(CompareCodes(tables, strict).empty());
  EXPECT_TRUE(CompareCodes(tables, extended).empty());
  IcpDownload file;
  file.codes = extended;
  Result<IcpDownload> back = DecodeDownload(EncodeDownload(file));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->codes, extended);
}

TEST(Jcdm, NamesEveryDifferenceOfTheBureausTablesFromOurs) {
  const CodeTables& tables = CodeTables::Builtin();
  std::vector<CodeEntry> codes = PublishedCodes(tables, false);
  auto at = [&](std::string_view table, std::int64_t id) -> CodeEntry& {
    return *std::find_if(codes.begin(), codes.end(),
                         [&](const CodeEntry& e) { return e.table == table && e.id == id; });
  };
  at("Dwxz_dms", 4).name = "企业单位";  // renamed
  at("Yylb_dms", 2).in_force = false;   // retired
  std::erase_if(codes, [](const CodeEntry& e) { return e.table == "Zxly_dms" && e.id == 4; });
  codes.push_back({"Dwxz_dms", 99, "新的单位性质", std::nullopt, true});  // unknown here
  codes.push_back({"Dwxz_dms", 98, "早已停用", std::nullopt, false});     // retired, unknown
  codes.push_back({"Qy_dms", 110000, "北京市", std::nullopt, true});      // not ours to check
  const std::vector<CodeDifference> found = CompareCodes(tables, codes);
  std::vector<std::pair<Kind, std::string>> got;
  for (const CodeDifference& d : found) got.emplace_back(d.kind, Describe(d));
  EXPECT_EQ(got, (std::vector<std::pair<Kind, std::string>>{
                     {Kind::kRenamed, "JCDM Dwxz_dms 4 «企业单位»: Beian's label is «企业»"},
                     {Kind::kUnknown,
                      "JCDM Dwxz_dms 99 «新的单位性质»: in force at the bureau, not in Beian's "
                      "code tables (data/miit/code_tables.tsv)"},
                     {Kind::kMissing,
                      "JCDM Zxly_dms 4 «其他»: Beian offers it, the bureau's table does not "
                      "list it"},
                     {Kind::kRetired,
                      "JCDM Yylb_dms 2 «中文繁体»: retired by the bureau (Sfyx 0); Beian still "
                      "offers it"},
                 }));
  // A container the file does not hold is not checked: nothing is missing from it.
  std::vector<CodeEntry> one = {{"Dwxz_dms", 4, "企业", std::nullopt, true}};
  for (const CodeDifference& d : CompareCodes(tables, one)) {
    EXPECT_EQ(d.entry.table, "Dwxz_dms") << Describe(d);
  }
}

}  // namespace
}  // namespace icp::miit
