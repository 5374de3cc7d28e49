#include "codec/material_limits_json.h"

#include <gtest/gtest.h>

#include "domain/material.h"

namespace icp::codec {
namespace {

std::vector<std::string> Fields(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.field);
  return out;
}

TEST(MaterialLimits, TheBuiltinFileParsesAndCoversEveryKind) {
  Result<MaterialLimits> limits = BuiltinMaterialLimits();
  ASSERT_TRUE(limits.has_value()) << limits.error().message;
  for (MaterialKind k : AllMaterialKinds()) {
    EXPECT_NE(limits->For(MaterialKindName(k)), nullptr) << MaterialKindName(k);
  }
  const FileLimit* photo = limits->For("handheld_id_photo");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->types, (std::vector<FileType>{FileType::kJpeg, FileType::kPng}));
  EXPECT_EQ(photo->max_bytes, 4194304) << "inherited from the default";
  EXPECT_NE(limits->For("curtain_photo"), nullptr);
  EXPECT_NE(limits->For("transfer_letter"), nullptr);
  EXPECT_EQ(limits->For("selfie"), nullptr);
}

TEST(MaterialLimits, AKindOverridesOnlyWhatItNames) {
  Result<MaterialLimits> limits = ParseMaterialLimits(R"({
    "version": "1", "source": "test",
    "default": {"types": ["image/png"], "max_bytes": 10, "min_width": 1, "min_height": 2,
                "max_width": 30, "max_height": 40},
    "kinds": {"website_plan": {"types": ["application/pdf"], "max_bytes": 99}}})");
  ASSERT_TRUE(limits.has_value()) << limits.error().message;
  EXPECT_EQ(*limits->For("website_plan"), (FileLimit{{FileType::kPdf}, 99, 1, 2, 30, 40}));
  EXPECT_EQ(*limits->For("identity_document"), (FileLimit{{FileType::kPng}, 10, 1, 2, 30, 40}));
}

TEST(MaterialLimits, ListsEveryProblemWithItsPath) {
  Result<MaterialLimits> limits = ParseMaterialLimits(R"({
    "version": "1", "source": "test", "extra": 1,
    "default": {"types": ["image/gif"], "max_bytes": 0, "min_width": 50, "min_height": 2,
                "max_width": 30},
    "kinds": {"selfie": {}, "website_plan": {"max_bytes": "big"}}})");
  ASSERT_FALSE(limits.has_value());
  EXPECT_EQ(Fields(limits.error()),
            (std::vector<std::string>{"extra", "default.types[0]", "default.max_bytes",
                                      "default.max_height", "kinds.selfie",
                                      "kinds.website_plan.max_bytes"}));
}

TEST(MaterialLimits, AMinimumAboveItsMaximumIsRefused) {
  Result<MaterialLimits> limits = ParseMaterialLimits(R"({
    "version": "1", "source": "test",
    "default": {"types": ["image/png"], "max_bytes": 10, "min_width": 1, "min_height": 2,
                "max_width": 30, "max_height": 40},
    "kinds": {"handheld_id_photo": {"min_width": 31}}})");
  ASSERT_FALSE(limits.has_value());
  EXPECT_EQ(Fields(limits.error()), std::vector<std::string>{"kinds.handheld_id_photo.min_width"});
}

TEST(MaterialLimits, RefusesWhatIsNotJson) {
  EXPECT_EQ(ParseMaterialLimits("{").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseMaterialLimits("[]").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace icp::codec
