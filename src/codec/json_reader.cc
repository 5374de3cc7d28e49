#include "codec/json_reader.h"

#include <boost/json.hpp>

#include <algorithm>

#include "base/strings.h"

namespace icp::codec {
namespace {

namespace json = boost::json;

// Levenshtein distance, for "did you mean" on a mistyped key.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known key nearest to `key`, when it is a near miss; "" otherwise.
std::string_view Nearest(std::string_view key, std::span<const std::string_view> known) {
  std::string_view nearest;
  std::size_t best = 3;
  for (std::string_view k : known) {
    const std::size_t d = EditDistance(key, k);
    if (d < best && d < std::max<std::size_t>(k.size() / 2, 1)) {
      best = d;
      nearest = k;
    }
  }
  return nearest;
}

}  // namespace

std::string JsonReader::Join(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

void JsonReader::Problem(const std::string& path, std::string rule, std::string message,
                         std::string zh) {
  problems_.push_back({path, std::move(rule), std::move(message), std::move(zh)});
}

void JsonReader::Problem(const std::string& path, const Error& error) {
  for (const FieldViolation& v : error.AtField(path).violations) problems_.push_back(v);
}

Result<void> JsonReader::Finish() const {
  if (problems_.empty()) return {};
  return InvalidFields(problems_);
}

void JsonReader::OnlyKeys(const json::object& o, const std::string& path,
                          std::initializer_list<std::string_view> known) {
  OnlyKeys(o, path, std::span<const std::string_view>(known.begin(), known.size()));
}

void JsonReader::OnlyKeys(const json::object& o, const std::string& path,
                          std::span<const std::string_view> known) {
  for (const auto& [key, value] : o) {
    if (std::ranges::find(known, std::string_view(key)) != known.end()) continue;
    const std::string_view nearest = Nearest(key, known);
    std::string message = "unknown field";
    std::string zh = "未知字段";
    if (!nearest.empty()) {
      message += "; did you mean " + Join(path, nearest) + "?";
      zh += "，是否应为 " + Join(path, nearest) + "？";
    } else {
      message += "; " + (path.empty() ? std::string("the document") : path) + " has " +
                 JoinNames(known, " or ");
      zh += "；可用字段：" + JoinNames(known, " or ");
    }
    Problem(Join(path, key), "document.unknown-field", std::move(message), std::move(zh));
  }
}

std::optional<bool> JsonReader::Bool(const json::object& o, std::string_view key,
                                     const std::string& path, bool fallback) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool()) {
    TypeError(path, "true or false", "true 或 false");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::optional<std::int64_t>> JsonReader::Int(const json::object& o,
                                                           std::string_view key,
                                                           const std::string& path,
                                                           std::int64_t min, std::int64_t max) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (!v->is_int64()) {
    TypeError(path, "a whole number", "整数");
    return std::nullopt;
  }
  if (v->as_int64() < min || v->as_int64() > max) {
    Problem(path, "document.range",
            path + " must be from " + std::to_string(min) + " to " + std::to_string(max),
            path + " 应在 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间");
    return std::nullopt;
  }
  return std::optional<std::int64_t>(v->as_int64());
}

void JsonReader::TypeError(const std::string& path, const std::string& what,
                           const std::string& what_zh) {
  Problem(path, "document.type", path + " must be " + what, path + " 应为" + what_zh);
}

void JsonReader::UnknownName(const std::string& text, const std::string& path, std::string rule,
                             const std::vector<std::string_view>& accepted) {
  Problem(path, std::move(rule),
          "unknown value " + Quote(text) + "; accepted: " + JoinNames(accepted, " or "),
          "无效的取值 " + Quote(text) + "，可选：" + JoinNames(accepted, " or "));
}

const json::object* JsonReader::Object(const json::value* v, const std::string& path,
                                       bool required) {
  if (v == nullptr || v->is_null()) {
    if (required) Problem(path, "document.required", path + " is required", "缺少 " + path);
    return nullptr;
  }
  if (!v->is_object()) {
    TypeError(path, "an object", "对象");
    return nullptr;
  }
  return &v->as_object();
}

const json::array* JsonReader::Array(const json::object& o, std::string_view key,
                                     const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_array()) {
    Problem(path, "document.type", path + " must be a list", path + " 应为列表");
    return nullptr;
  }
  return &v->as_array();
}

std::optional<std::string> JsonReader::Text(const json::object& o, std::string_view key,
                                            const std::string& path, bool required) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) Problem(path, "document.required", path + " is required", "请填写 " + path);
    return required ? std::nullopt : std::optional<std::string>("");
  }
  if (!v->is_string()) {
    Problem(path, "document.type", path + " must be text", path + " 应为文本");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (!IsValidUtf8(s)) {
    Problem(path, "document.encoding", path + " is not valid UTF-8", path + " 含有无法识别的字符");
    return std::nullopt;
  }
  if (s.size() > 4096) {
    Problem(path, "document.length", path + " is longer than 4096 bytes", path + " 过长");
    return std::nullopt;
  }
  if (required && FoldWidthAndTrim(s).empty()) {
    Problem(path, "document.required", path + " is required", "请填写 " + path);
    return std::nullopt;
  }
  return s;
}

std::vector<std::string> JsonReader::Texts(const json::object& o, std::string_view key,
                                           const std::string& path) {
  std::vector<std::string> out;
  const json::array* a = Array(o, key, path);
  if (a == nullptr) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string item = path + "[" + std::to_string(i) + "]";
    if (!(*a)[i].is_string()) {
      Problem(item, "document.type", item + " must be text", item + " 应为文本");
      continue;
    }
    out.emplace_back((*a)[i].as_string());
  }
  return out;
}

}  // namespace icp::codec
