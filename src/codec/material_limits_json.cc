#include "codec/material_limits_json.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "base/strings.h"
#include "domain/material.h"

namespace icp::embedded {
std::string_view material_limits();
}  // namespace icp::embedded

namespace icp::codec {
namespace {

namespace json = boost::json;

constexpr std::string_view kCurtainPhoto = "curtain_photo";
// The letter of a transfer request (备案转移申请函, ports/transfer_repository.h); its other
// evidence kinds are material kinds.
constexpr std::string_view kTransferLetter = "transfer_letter";
constexpr std::array<std::string_view, 6> kLimitKeys = {"types",      "max_bytes", "min_width",
                                                        "min_height", "max_width", "max_height"};

class Reader {
 public:
  void Problem(const std::string& path, std::string message, std::string zh = {}) {
    problems_.push_back({path, "limits.invalid", std::move(message), std::move(zh)});
  }
  std::vector<FieldViolation>& problems() { return problems_; }

  void OnlyKeys(const json::object& o, const std::string& path,
                std::span<const std::string_view> known) {
    for (const auto& [key, value] : o) {
      if (std::ranges::find(known, std::string_view(key)) != known.end()) continue;
      Problem(Join(path, key), "unknown field; " + (path.empty() ? std::string("the file") : path) +
                                   " has " + JoinNames(known, " or "));
    }
  }

  // Reads the fields of one limit present in `o` over `limit`.
  void Limit(const json::object& o, const std::string& path, bool complete, FileLimit& limit) {
    OnlyKeys(o, path, kLimitKeys);
    if (const json::value* v = o.if_contains("types")) {
      Types(*v, Join(path, "types"), limit.types);
    } else if (complete) {
      Problem(Join(path, "types"), "required");
    }
    Bound(o, path, "max_bytes", complete, limit.max_bytes);
    std::int64_t min_w = limit.min_width, min_h = limit.min_height;
    std::int64_t max_w = limit.max_width, max_h = limit.max_height;
    Bound(o, path, "min_width", complete, min_w);
    Bound(o, path, "min_height", complete, min_h);
    Bound(o, path, "max_width", complete, max_w);
    Bound(o, path, "max_height", complete, max_h);
    limit.min_width = static_cast<std::uint32_t>(min_w);
    limit.min_height = static_cast<std::uint32_t>(min_h);
    limit.max_width = static_cast<std::uint32_t>(max_w);
    limit.max_height = static_cast<std::uint32_t>(max_h);
  }

 private:
  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  void Types(const json::value& v, const std::string& path, std::vector<FileType>& out) {
    const json::array* list = v.if_array();
    if (list == nullptr || list->empty()) {
      Problem(path, "a non-empty list of MIME types");
      return;
    }
    out.clear();
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      const json::string* s = (*list)[i].if_string();
      std::optional<FileType> t = s ? FileTypeFromMime(std::string_view(*s)) : std::nullopt;
      if (!t) {
        std::vector<std::string_view> names;
        for (FileType f : AllFileTypes()) names.push_back(FileTypeMime(f));
        Problem(at, "one of " + JoinNames(names, " or "));
      } else if (std::ranges::find(out, *t) != out.end()) {
        Problem(at, "listed twice");
      } else {
        out.push_back(*t);
      }
    }
  }

  void Bound(const json::object& o, const std::string& path, std::string_view key, bool complete,
             std::int64_t& out) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (complete) Problem(Join(path, key), "required");
      return;
    }
    const std::int64_t* n = v->if_int64();
    if (n == nullptr || *n < 1 || *n > (std::int64_t{1} << 31)) {
      Problem(Join(path, key), "a whole number from 1 to 2^31");
      return;
    }
    out = *n;
  }

  std::vector<FieldViolation> problems_;
};

bool IsKindName(std::string_view name) {
  return name == kCurtainPhoto || name == kTransferLetter || MaterialKindFromName(name).has_value();
}

void CheckOrder(const FileLimit& l, const std::string& path, Reader& r) {
  if (l.min_width > l.max_width) r.Problem(path + ".min_width", "above max_width");
  if (l.min_height > l.max_height) r.Problem(path + ".min_height", "above max_height");
}

}  // namespace

Result<MaterialLimits> ParseMaterialLimits(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return InvalidValue("limits.invalid", "material limits: not JSON: " + ec.message());
  Reader r;
  const json::object* root = doc.if_object();
  if (root == nullptr) return InvalidValue("limits.invalid", "material limits: not an object");
  constexpr std::array<std::string_view, 4> kRootKeys = {"version", "source", "default", "kinds"};
  r.OnlyKeys(*root, "", kRootKeys);
  for (std::string_view key : {"version", "source"}) {
    const json::value* v = root->if_contains(key);
    if (v == nullptr || !v->is_string() || v->get_string().empty())
      r.Problem(std::string(key), "required text");
  }
  FileLimit base;
  const json::value* d = root->if_contains("default");
  if (d == nullptr || !d->is_object()) {
    r.Problem("default", "required object");
  } else {
    const std::size_t before = r.problems().size();
    r.Limit(d->get_object(), "default", true, base);
    if (r.problems().size() == before) CheckOrder(base, "default", r);
  }
  std::map<std::string, FileLimit, std::less<>> limits;
  for (MaterialKind k : AllMaterialKinds()) limits.emplace(std::string(MaterialKindName(k)), base);
  limits.emplace(std::string(kCurtainPhoto), base);
  limits.emplace(std::string(kTransferLetter), base);
  const json::value* kinds = root->if_contains("kinds");
  if (kinds == nullptr || !kinds->is_object()) {
    r.Problem("kinds", "required object");
  } else {
    for (const auto& [key, value] : kinds->get_object()) {
      const std::string path = "kinds." + std::string(key);
      if (!IsKindName(key)) {
        r.Problem(path, "not a kind of material (material.h), curtain_photo nor transfer_letter");
      } else if (!value.is_object()) {
        r.Problem(path, "an object");
      } else {
        FileLimit& l = limits.find(std::string_view(key))->second;
        const std::size_t before = r.problems().size();
        r.Limit(value.get_object(), path, false, l);
        if (r.problems().size() == before) CheckOrder(l, path, r);
      }
    }
  }
  if (!r.problems().empty()) return InvalidFields(std::move(r.problems()));
  return MaterialLimits(std::move(limits));
}

Result<MaterialLimits> BuiltinMaterialLimits() {
  return ParseMaterialLimits(embedded::material_limits());
}

}  // namespace icp::codec
