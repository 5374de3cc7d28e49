#include "cli/resources_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp::cli {
namespace {

using storage_testing::kT0;

std::filesystem::path Write(const std::string& name, const std::string& text) {
  const std::filesystem::path p = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

constexpr std::string_view kHeader =
    "id,account,kind,region,mainland,billing,trial,purchased_count,purchased_unit,expires_at,"
    "public_ip,parent\n";

TEST(ResourcesImport, ImportsEveryRowAndAuditsIt) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  const auto file = Write("inventory.csv", std::string(kHeader) +
                                               "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,"
                                               "12,months,,203.0.113.1,\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunResourcesImport(*db, {file, "", "operator:test"}, kT0, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("imported 1 resources"), std::string::npos);
  auto uow = std::move(*db->Begin());
  EXPECT_EQ(uow->resources().Get("ins-1")->account, "alice");
  const std::vector<StoredAuditEntry> audit = uow->audit().Read(0, 10).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].entry.actor, "operator:test");
}

TEST(ResourcesImport, ABadRowStoresNothingAndIsNamed) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  const auto file = Write("bad.csv", std::string(kHeader) +
                                         "ins-1,alice,cvm,ap-guangzhou,true,prepaid,false,12,"
                                         "months,,,\n"
                                         "ins-2,alice,cvm,ap-guangzhou,maybe,prepaid,false,12,"
                                         "months,,,\n");
  std::ostringstream out, err;
  EXPECT_EQ(RunResourcesImport(*db, {file, "", "operator:test"}, kT0, out, err), 1);
  EXPECT_NE(err.str().find("line[3].mainland"), std::string::npos) << err.str();
  EXPECT_EQ((*db->Begin())->resources().Get("ins-1").error().code, ErrorCode::kNotFound);
}

TEST(ResourcesImport, TheFormatComesFromTheFlagOrTheExtension) {
  std::unique_ptr<memory::Database> db = memory::Database::Create();
  const auto file = Write("inventory.txt", R"({"resources": []})");
  std::ostringstream out, err;
  EXPECT_EQ(RunResourcesImport(*db, {file, "", "operator:test"}, kT0, out, err), 2);
  EXPECT_EQ(RunResourcesImport(*db, {file, "json", "operator:test"}, kT0, out, err), 0)
      << err.str();
}

}  // namespace
}  // namespace icp::cli
