#include "domain/material_limits.h"

#include <gtest/gtest.h>

namespace icp {
namespace {

FileLimit Photo() { return {{FileType::kJpeg, FileType::kPng}, 1000, 300, 200, 4000, 3000}; }

std::vector<std::string> Rules(const std::vector<FieldViolation>& v) {
  std::vector<std::string> out;
  for (const FieldViolation& f : v) out.push_back(f.rule);
  return out;
}

TEST(FileLimitRefusals, AcceptsAFileWithinEveryLimit) {
  EXPECT_TRUE(FileLimitRefusals(Photo(), {FileType::kPng, 1000, ImageSize{300, 200}}, "f").empty());
  EXPECT_TRUE(FileLimitRefusals(Photo(), {FileType::kJpeg, 1, ImageSize{4000, 3000}}, "f").empty());
}

TEST(FileLimitRefusals, NamesTheTypeThatWasFound) {
  std::vector<FieldViolation> v = FileLimitRefusals(Photo(), {FileType::kPdf, 10, {}}, "file");
  ASSERT_EQ(Rules(v), std::vector<std::string>{"material.type"});
  EXPECT_EQ(v[0].field, "file");
  EXPECT_NE(v[0].message.find("application/pdf"), std::string::npos) << v[0].message;
}

TEST(FileLimitRefusals, RefusesOneByteOverTheLimit) {
  EXPECT_EQ(Rules(FileLimitRefusals(Photo(), {FileType::kPng, 1001, ImageSize{300, 200}}, "f")),
            std::vector<std::string>{"material.too-large"});
}

TEST(FileLimitRefusals, RefusesImagesTooSmallOrTooLargeInEitherDimension) {
  EXPECT_EQ(Rules(FileLimitRefusals(Photo(), {FileType::kPng, 5, ImageSize{299, 200}}, "f")),
            std::vector<std::string>{"material.too-small-image"});
  EXPECT_EQ(Rules(FileLimitRefusals(Photo(), {FileType::kPng, 5, ImageSize{300, 199}}, "f")),
            std::vector<std::string>{"material.too-small-image"});
  EXPECT_EQ(Rules(FileLimitRefusals(Photo(), {FileType::kPng, 5, ImageSize{4001, 200}}, "f")),
            std::vector<std::string>{"material.too-large-image"});
  EXPECT_EQ(Rules(FileLimitRefusals(Photo(), {FileType::kPng, 5, ImageSize{300, 3001}}, "f")),
            std::vector<std::string>{"material.too-large-image"});
}

TEST(FileLimitRefusals, ReportsEveryProblemAtOnce) {
  EXPECT_EQ(Rules(FileLimitRefusals(Photo(), {FileType::kPdf, 5000, ImageSize{1, 1}}, "f")),
            (std::vector<std::string>{"material.type", "material.too-large",
                                      "material.too-small-image"}));
}

TEST(FileType, MimeNamesRoundTrip) {
  for (FileType t : AllFileTypes()) EXPECT_EQ(FileTypeFromMime(FileTypeMime(t)), t);
  EXPECT_FALSE(FileTypeFromMime("image/gif").has_value());
}

}  // namespace
}  // namespace icp
