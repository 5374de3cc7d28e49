#include "domain/credit_code.h"

#include <array>

#include "base/strings.h"

namespace icp {
namespace {

// The 31 characters a code may contain: digits and capitals without I, O, S, V, Z.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// The weight of position i is 3^i mod 31.
constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::size_t kMaxInputBytes = 256;

struct EntityType {
  char authority;
  std::string_view authority_name;
  char type;
  std::string_view type_name;
};

// Registration authorities and entity types (GB 32100-2015 appendix, with the later
// additions A and N; FACTS.md §9.3). G, J, M, Q, S from one secondary table are left out:
// S is not even in the alphabet.
constexpr std::array<EntityType, 36> kEntityTypes = {{
    {'1', "机构编制", '1', "机关"},
    {'1', "机构编制", '2', "事业单位"},
    {'1', "机构编制", '3', "中央编办直接管理机构编制的群众团体"},
    {'1', "机构编制", '9', "其他"},
    {'2', "外交", '1', "外国常住新闻机构"},
    {'2', "外交", '9', "其他"},
    {'3', "司法行政", '1', "律师执业机构"},
    {'3', "司法行政", '2', "公证处"},
    {'3', "司法行政", '3', "基层法律服务所"},
    {'3', "司法行政", '4', "司法鉴定机构"},
    {'3', "司法行政", '5', "仲裁委员会"},
    {'3', "司法行政", '9', "其他"},
    {'4', "文化", '1', "外国在华文化中心"},
    {'4', "文化", '9', "其他"},
    {'5', "民政", '1', "社会团体"},
    {'5', "民政", '2', "民办非企业单位"},
    {'5', "民政", '3', "基金会"},
    {'5', "民政", '9', "其他"},
    {'6', "旅游", '1', "外国旅游部门常驻代表机构"},
    {'6', "旅游", '2', "港澳台地区旅游部门常驻内地（大陆）代表机构"},
    {'6', "旅游", '9', "其他"},
    {'7', "宗教", '1', "宗教活动场所"},
    {'7', "宗教", '2', "宗教院校"},
    {'7', "宗教", '9', "其他"},
    {'8', "工会", '1', "基层工会"},
    {'8', "工会", '9', "其他"},
    {'9', "工商", '1', "企业"},
    {'9', "工商", '2', "个体工商户"},
    {'9', "工商", '3', "农民专业合作社"},
    {'A', "中央军委改革和编制办公室", '1', "军队事业单位"},
    {'A', "中央军委改革和编制办公室", '9', "其他"},
    {'N', "农业", '1', "组级集体经济组织"},
    {'N', "农业", '2', "村级集体经济组织"},
    {'N', "农业", '3', "乡镇级集体经济组织"},
    {'N', "农业", '9', "其他"},
    {'Y', "其他", '1', "其他"},
}};

const EntityType* FindType(char authority, char type) {
  for (const EntityType& t : kEntityTypes) {
    if (t.authority == authority && t.type == type) return &t;
  }
  return nullptr;
}

bool KnownAuthority(char authority) {
  for (const EntityType& t : kEntityTypes) {
    if (t.authority == authority) return true;
  }
  return false;
}

std::unexpected<Error> Fail(std::string rule, std::string en, std::string zh) {
  return InvalidValue("credit-code." + rule, std::move(en), std::move(zh));
}

}  // namespace

char CreditCodeCheckCharacter(std::string_view code) {
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) {
    const std::size_t v = kAlphabet.find(code[i]);
    if (v == std::string_view::npos) return '\0';
    sum += static_cast<int>(v) * kWeights[i];
  }
  return kAlphabet[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

Result<CreditCode> CreditCode::Parse(std::string_view text) {
  if (text.size() > kMaxInputBytes) {
    return Fail("length", "a credit code has 18 characters", "统一社会信用代码应为 18 位");
  }
  if (!IsValidUtf8(text)) {
    return Fail("encoding", "the credit code is not valid UTF-8 text",
                "统一社会信用代码含有无法识别的字符");
  }
  std::string code = ToUpperAscii(FoldWidthRemoveSpaces(text));
  if (code.empty()) return Fail("empty", "the credit code is empty", "统一社会信用代码不能为空");
  if (code.size() != 18) {
    return Fail("length",
                "a credit code has 18 characters, not " + std::to_string(DecodeUtf8(code)->size()),
                "统一社会信用代码应为 18 位");
  }
  if (const std::size_t bad = code.find_first_not_of(kAlphabet); bad != std::string::npos) {
    return Fail(
        "format",
        "a credit code uses digits and capital letters other than I, O, S, V and Z; "
        "character " +
            std::to_string(bad + 1) + " is " + Quote(code.substr(bad, 1)),
        "统一社会信用代码第 " + std::to_string(bad + 1) + " 位字符无效（不含 I、O、S、V、Z）");
  }
  if (!KnownAuthority(code[0])) {
    return Fail("authority",
                std::string("the first character names the registration authority; ") + code[0] +
                    " is not one (1-9, A, N or Y)",
                "第 1 位登记管理部门代码无效");
  }
  if (FindType(code[0], code[1]) == nullptr) {
    return Fail("entity-type",
                std::string("registration authority ") + code[0] + " has no entity type " + code[1],
                "第 2 位机构类别代码与登记管理部门不符");
  }
  if (!IsAsciiDigits(std::string_view(code).substr(2, 6))) {
    return Fail("format", "characters 3 to 8 are a division code and must be digits",
                "第 3 至 8 位行政区划码应为数字");
  }
  if (const char expected = CreditCodeCheckCharacter(code); expected != code[17]) {
    return Fail("checksum",
                std::string("the check character should be ") + expected + ", not " + code[17] +
                    ": a character is probably mistyped",
                std::string("校验码应为 ") + expected + "，代码可能输入有误");
  }
  return CreditCode(std::move(code));
}

std::string_view CreditCode::registration_authority_name() const {
  const EntityType* t = FindType(value_[0], value_[1]);  // never null: Parse() checked
  return t != nullptr ? t->authority_name : std::string_view();
}

std::string_view CreditCode::entity_type_name() const {
  const EntityType* t = FindType(value_[0], value_[1]);
  return t != nullptr ? t->type_name : std::string_view();
}

std::optional<OrganizationCode> CreditCode::organization_code() const {
  Result<OrganizationCode> code = OrganizationCode::Parse(std::string_view(value_).substr(8, 9));
  if (!code) return std::nullopt;
  return *code;
}

}  // namespace icp
