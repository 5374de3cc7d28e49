#include "codec/record_import.h"

#include <boost/json.hpp>

#include <limits>
#include <optional>
#include <string>

#include "codec/application_json.h"
#include "codec/json_reader.h"

namespace icp::codec {
namespace {

namespace json = boost::json;

// o[key] parsed as a filing number at `path`.
std::optional<FilingNumber> ReadNumber(JsonReader& r, const json::object& o,
                                       const std::string& path) {
  std::optional<std::string> text = r.Text(o, "number", path, true);
  if (!text) return std::nullopt;
  Result<FilingNumber> number = FilingNumber::Parse(*text);
  if (!number) {
    r.Problem(path, number.error());
    return std::nullopt;
  }
  return *number;
}

std::optional<ImportedWebsite> ReadImportedWebsite(JsonReader& r, const json::value& v,
                                                   const std::string& path,
                                                   const std::optional<FilingNumber>& subject,
                                                   Date today) {
  const json::object* o = r.Object(&v, path, true);
  if (o == nullptr) return std::nullopt;
  r.OnlyKeys(*o, path, {"number", "website"});
  std::optional<FilingNumber> number = ReadNumber(r, *o, path + ".number");
  if (number && subject) {
    if (Result<void> ok = CheckWebsiteNumber(*number, *subject); !ok) {
      r.Problem(path + ".number", ok.error());
      number.reset();
    }
  }
  const json::value* site = o->if_contains("website");
  if (site == nullptr) {
    r.Problem(path + ".website", "document.required", "required", "必填");
    return std::nullopt;
  }
  std::optional<Website> website = ReadWebsiteAt(r, *site, path + ".website", today);
  if (!number || !website) return std::nullopt;
  return ImportedWebsite{*number, std::move(*website)};
}

std::optional<ImportedSubject> ReadImportedSubject(JsonReader& r, const json::value& v,
                                                   const std::string& path, Date today) {
  const json::object* o = r.Object(&v, path, true);
  if (o == nullptr) return std::nullopt;
  r.OnlyKeys(*o, path, {"account", "province", "number", "subject", "websites"});
  auto account =
      r.Int(*o, "account", path + ".account", 1, std::numeric_limits<std::int64_t>::max());
  if (account && !*account) {
    r.Problem(path + ".account", "document.required", "the account the subject is filed in",
              "请填写主体所属账号");
  }
  std::optional<Province> province = ReadProvinceAt(r, *o, path + ".province");
  std::optional<FilingNumber> number = ReadNumber(r, *o, path + ".number");
  if (number && province) {
    // A number that does not fit is reported; its websites are still checked against it.
    if (Result<void> ok = CheckSubjectNumber(*number, *province); !ok) {
      r.Problem(path + ".number", ok.error());
    }
  }
  std::optional<Subject> subject =
      ReadSubjectAt(r, o->if_contains("subject"), path + ".subject", province, today);
  std::vector<ImportedWebsite> websites;
  bool websites_ok = true;
  if (const json::array* list = r.Array(*o, "websites", path + ".websites")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::optional<ImportedWebsite> w = ReadImportedWebsite(
          r, (*list)[i], path + ".websites[" + std::to_string(i) + "]", number, today);
      websites_ok = websites_ok && w.has_value();
      if (w) websites.push_back(std::move(*w));
    }
  }
  if (!account || !*account || !number || !subject || !websites_ok) return std::nullopt;
  return ImportedSubject{**account, *number, std::move(*subject), std::move(websites)};
}

}  // namespace

Result<std::vector<ImportedSubject>> RecordImportFromJson(const json::value& document, Date today) {
  JsonReader r;
  const json::object* root = r.Object(&document, "", true);
  if (root == nullptr) return InvalidFields(std::move(r.problems()));
  r.OnlyKeys(*root, "", {"subjects"});
  const json::array* list = r.Array(*root, "subjects", "subjects");
  if (list == nullptr && r.ok()) {
    r.Problem("subjects", "document.required", "the body is {\"subjects\": [...]}",
              "请求体须为 {\"subjects\": [...]}");
  }
  if (list != nullptr && list->size() > kMaxImportedSubjects) {
    return InvalidValue("record-import.size",
                        "at most " + std::to_string(kMaxImportedSubjects) + " subjects per import",
                        "每次最多导入 " + std::to_string(kMaxImportedSubjects) + " 个主体");
  }
  std::vector<ImportedSubject> out;
  if (list != nullptr) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::optional<ImportedSubject> s =
          ReadImportedSubject(r, (*list)[i], "subjects[" + std::to_string(i) + "]", today);
      if (s) out.push_back(std::move(*s));
    }
  }
  if (Result<void> ok = r.Finish(); !ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace icp::codec
