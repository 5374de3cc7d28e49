#include "miit/code_tables.h"

#include <gtest/gtest.h>

#include <set>

namespace icp::miit {
namespace {

TEST(CodeTables, TheBuiltinDataParsesAndHoldsEveryTableTheMappingNeeds) {
  const CodeTables& t = CodeTables::Builtin();
  for (std::string_view table :
       {"subject_nature", "certificate", "leader_certificate", "service_content", "language",
        "pre_approval", "access_method", "resource_access", "resource_access_strict",
        "server_location", "cloud_region", "attachment_purpose", "attachment_format",
        "cancellation_reason", "unfiled_site_state"}) {
    EXPECT_FALSE(t.Rows(table).empty()) << table;
  }
}

TEST(CodeTables, MapsTheProtocolsKnownValues) {
  const CodeTables& t = CodeTables::Builtin();
  EXPECT_EQ(t.Find("subject_nature", "enterprise")->id, 4);
  EXPECT_EQ(t.Find("certificate", "enterprise/business_licence")->id, 1);
  EXPECT_EQ(t.Find("certificate", "individual/resident_id")->id, 2);
  EXPECT_EQ(t.Find("service_content", "unit_portal")->id, 8);  // bit 128
  EXPECT_EQ(t.Find("server_location", "44")->label, "广东");
  EXPECT_EQ(t.Find("access_method", "cloud")->origin, CodeTables::Origin::kBeianExt);
  EXPECT_EQ(t.FindId("language", 12)->key, "en");
  EXPECT_EQ(t.Find("service_content", "nope"), nullptr);
}

TEST(CodeTables, EveryWireIdIsUniqueWithinItsTable) {
  const CodeTables& t = CodeTables::Builtin();
  // Tables keyed by a pair or mapping several keys onto one id are exempt.
  for (std::string_view table :
       {"subject_nature", "service_content", "language", "pre_approval", "access_method",
        "server_location", "attachment_purpose", "attachment_format", "cancellation_reason",
        "unfiled_site_state"}) {
    std::set<std::int64_t> ids;
    for (const CodeTables::Row* row : t.Rows(table)) {
      EXPECT_TRUE(ids.insert(row->id).second) << table << " " << row->id;
    }
  }
}

TEST(CodeTables, RefusesMalformedRowsNamingTheLine) {
  Result<CodeTables> bad = CodeTables::Parse("# c\nt\tk\tx\tl\tv3.0\ts\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().violations[0].field, "code_tables.tsv:2");
  EXPECT_FALSE(CodeTables::Parse("t\tk\t1\tl\tv9\ts\n").has_value());
  EXPECT_FALSE(CodeTables::Parse("t\tk\t1\tl\tv3.0\n").has_value());
  EXPECT_FALSE(CodeTables::Parse("t\tk\t1\tl\tv3.0\ts\nt\tk\t2\tl\tv3.0\ts\n").has_value());
}

}  // namespace
}  // namespace icp::miit
