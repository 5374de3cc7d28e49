#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/error.h"
#include "base/result.h"

namespace icp::codec {

// Reads a JSON document strictly, collecting every problem with its field path instead of
// stopping at the first (STYLE.md §3.2): request bodies of the API, the application
// document, the facts object. A key the caller does not read is refused at its path
// (OnlyKeys), a value of the wrong type is refused at its path, and Finish() returns them
// all as one kInvalidArgument. Each reader returns nullopt when the field is unusable, so
// the caller goes on reading the rest.
class JsonReader {
 public:
  // A problem at `path` with a rule id and the English and Chinese messages.
  void Problem(const std::string& path, std::string rule, std::string message, std::string zh = {});
  // Every violation of `error`, re-rooted at `path` (Error::AtField).
  void Problem(const std::string& path, const Error& error);
  std::vector<FieldViolation>& problems() { return problems_; }
  bool ok() const { return problems_.empty(); }
  // kInvalidArgument ("the request has N problems") with every problem, or success.
  Result<void> Finish() const;

  // Refuses every key of `o` not in `known` (rule "document.unknown-field"), suggesting the
  // nearest known key for a near miss ("did you mean subject.name?").
  void OnlyKeys(const boost::json::object& o, const std::string& path,
                std::initializer_list<std::string_view> known);
  void OnlyKeys(const boost::json::object& o, const std::string& path,
                std::span<const std::string_view> known);

  // `v` as an object; nullptr when absent or null (a problem if `required`) or another type.
  const boost::json::object* Object(const boost::json::value* v, const std::string& path,
                                    bool required);
  // o[key] as a list; nullptr when absent, null or another type (a problem).
  const boost::json::array* Array(const boost::json::object& o, std::string_view key,
                                  const std::string& path);
  // o[key] as UTF-8 text of at most 4096 bytes; "" when absent and not required; nullopt
  // (with a problem) when required and absent or blank, or when it is not text.
  std::optional<std::string> Text(const boost::json::object& o, std::string_view key,
                                  const std::string& path, bool required);
  // o[key] as a list of texts (absent: empty).
  std::vector<std::string> Texts(const boost::json::object& o, std::string_view key,
                                 const std::string& path);
  // o[key] as true/false; `fallback` when absent or null; nullopt for another type.
  std::optional<bool> Bool(const boost::json::object& o, std::string_view key,
                           const std::string& path, bool fallback);
  // o[key] as a whole number in [min, max]: the inner optional is empty when absent or
  // null; the outer one is empty (with a problem) for another type or a number out of range.
  std::optional<std::optional<std::int64_t>> Int(const boost::json::object& o, std::string_view key,
                                                 const std::string& path, std::int64_t min,
                                                 std::int64_t max);

  // A name from a closed list: `found` when the text named one, else a problem under `rule`
  // listing the accepted names.
  template <class T>
  std::optional<T> Name(const std::optional<std::string>& text, const std::string& path,
                        std::string rule, std::optional<T> found,
                        const std::vector<std::string_view>& accepted) {
    if (!text) return std::nullopt;
    if (!found) UnknownName(*text, path, std::move(rule), accepted);
    return found;
  }

  void TypeError(const std::string& path, const std::string& what, const std::string& what_zh);

  // "a.b" from "a" and "b"; "b" from "" and "b".
  static std::string Join(const std::string& parent, std::string_view key);

 private:
  void UnknownName(const std::string& text, const std::string& path, std::string rule,
                   const std::vector<std::string_view>& accepted);

  std::vector<FieldViolation> problems_;
};

}  // namespace icp::codec
