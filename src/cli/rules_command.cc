#include "cli/rules_command.h"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

#include "base/strings.h"
#include "codec/application_json.h"
#include "domain/resolve_application_type.h"
#include "rules/evaluate.h"
#include "rules/parse.h"

namespace icp::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<json::value> ReadJson(const fs::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return std::unexpected(text.error());
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) return InvalidArgument(path.string() + ": not valid JSON: " + ec.message());
  return v;
}

void PrintError(std::ostream& err, const Error& e) {
  if (e.violations.empty()) {
    err << "  " << e.message << "\n";
    return;
  }
  for (const FieldViolation& v : e.violations) {
    err << "  " << (v.field.empty() ? "" : v.field + ": ");
    if (!v.message_zh.empty()) err << v.message_zh << " / ";
    err << v.message;
    if (!v.rule.empty() && v.rule != "rules.parse" && v.rule != "rules.build") {
      err << " [" << v.rule << "]";
    }
    err << "\n";
  }
}

// The application type. When the facts say where the subject and its domains stand, the
// decision table decides (and a type given in the document is checked against it, as the
// customer's choice); otherwise the document's type is taken as given.
Result<ApplicationType> ResolveType(const Application& app, const json::value& facts_json) {
  const bool has_standing = facts_json.is_object() && facts_json.as_object().contains("subject");
  if (!has_standing) {
    if (app.type) return *app.type;
    return InvalidValue("type.unresolved",
                        "the document gives no \"type\" and the facts do not say where the subject "
                        "and its domains stand; give one or the other",
                        "未指定备案类型，也未提供主体和域名的备案情况，无法确定备案类型");
  }
  Result<ApplicationTypeFacts> facts = codec::TypeFactsFromJson(facts_json);
  if (!facts) return std::unexpected(facts.error());
  if (app.type && IsChangeFiling(*app.type)) return *app.type;  // chosen on a record, not resolved
  if (app.type && IsCancellation(*app.type)) return *app.type;
  if (!facts->chosen) facts->chosen = app.type;
  // Websites the facts do not describe are taken as not filed anywhere.
  facts->websites.resize(std::max(facts->websites.size(), app.websites.size()));
  for (std::size_t i = 0; i < app.websites.size(); ++i) {
    facts->websites[i].domains.resize(
        std::max(facts->websites[i].domains.size(), app.websites[i].domains.size()));
  }
  return ResolveApplicationType(*facts);
}

std::set<std::string> Ids(const std::vector<Violation>& vs, Severity severity) {
  std::set<std::string> out;
  for (const Violation& v : vs) {
    if (v.severity == severity) out.insert(v.rule);
  }
  return out;
}

std::set<std::string> StringSet(const json::object& o, std::string_view key) {
  std::set<std::string> out;
  if (const json::value* v = o.if_contains(key); v != nullptr && v->is_array()) {
    for (const json::value& s : v->as_array()) {
      if (s.is_string()) out.insert(std::string(s.as_string()));
    }
  }
  return out;
}

// The keys a rule case may have.
constexpr std::string_view kCaseKeys[] = {"name",          "province",       "today",
                                          "facts",         "application",    "expect_type",
                                          "expect_errors", "expect_warnings"};

// Every violation of `e`, one per line, with its field.
std::string Lines(const Error& e) {
  if (e.violations.empty()) return " " + e.message;
  std::string out;
  for (const FieldViolation& v : e.violations) {
    out += "\n      " + (v.field.empty() ? "" : v.field + ": ") + v.message;
  }
  return out;
}

// A day stands for its noon, China time (UTC+8): far from either midnight.
std::chrono::sys_seconds NoonInChina(Date day) {
  return std::chrono::sys_days(day) + std::chrono::hours(4);
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "(none)" : out;
}

}  // namespace

Result<RuleSet> LoadRuleSet(const fs::path& dir) {
  std::vector<FieldViolation> problems;
  auto load = [&](const fs::path& path) -> std::optional<RuleFile> {
    Result<std::string> text = ReadFile(path);
    if (!text) {
      problems.push_back({path.string(), "rules.read", text.error().message, ""});
      return std::nullopt;
    }
    Result<RuleFile> file = ParseRuleFile(*text, path.filename().string());
    if (!file) {
      for (const FieldViolation& v : file.error().violations) problems.push_back(v);
      if (file.error().violations.empty())
        problems.push_back({path.string(), "rules.parse", file.error().message, ""});
      return std::nullopt;
    }
    return std::move(*file);
  };
  std::optional<RuleFile> national = load(dir / "national.json");
  std::vector<RuleFile> provinces;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir / "provinces", ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec)
    problems.push_back(
        {(dir / "provinces").string(), "rules.read", "cannot list: " + ec.message(), ""});
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    if (std::optional<RuleFile> file = load(f)) {
      if (file->province != f.stem().string()) {
        problems.push_back(
            {f.filename().string(), "rules.parse",
             "the file is named " + f.filename().string() + " but says province " + file->province,
             ""});
      }
      provinces.push_back(std::move(*file));
    }
  }
  if (!problems.empty() || !national) return InvalidFields(std::move(problems));
  return RuleSet::Build(std::move(*national), std::move(provinces));
}

std::vector<fs::path> CaseFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "cases", ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

CaseResult RunCase(const fs::path& file, const RuleSet& rules) {
  CaseResult r{file.filename().string(), "", false, ""};
  Result<json::value> doc = ReadJson(file);
  if (!doc || !doc->is_object()) {
    r.detail = doc ? "a case is a JSON object" : doc.error().message;
    return r;
  }
  const json::object& o = doc->as_object();
  for (const auto& [key, value] : o) {
    if (std::ranges::find(kCaseKeys, std::string_view(key)) == std::end(kCaseKeys)) {
      r.detail = "unknown key \"" + std::string(key) + "\"; a case has " + JoinNames(kCaseKeys);
      return r;
    }
  }
  if (const json::value* n = o.if_contains("name"); n && n->is_string())
    r.name = std::string(n->as_string());
  // Every case is dated: its expectations hold on its day, not on the day the suite runs.
  const json::value* day = o.if_contains("today");
  if (day == nullptr || !day->is_string()) {
    r.detail = "\"today\" (YYYY-MM-DD) is required: the day the case's expectations hold";
    return r;
  }
  Result<Date> today = ParseIsoDate(day->as_string());
  if (!today) {
    r.detail = "\"today\": " + today.error().message;
    return r;
  }
  const json::value* app_json = o.if_contains("application");
  if (app_json == nullptr) {
    r.detail = "the case has no \"application\"";
    return r;
  }
  Result<Application> app = codec::ApplicationFromJson(*app_json, *today);
  if (!app) {
    r.detail = "the application does not parse:" + Lines(app.error());
    return r;
  }
  const json::value facts_json = o.contains("facts") ? o.at("facts") : json::value();
  Result<EvaluationFacts> facts = codec::FactsFromJson(facts_json);
  if (!facts) {
    r.detail = "the facts do not parse:" + Lines(facts.error());
    return r;
  }
  // A type that cannot be resolved is the case's outcome: its conflicts are the errors.
  Result<ApplicationType> type = ResolveType(*app, facts_json);
  std::vector<Violation> found;
  if (type) {
    found = Evaluate(*app, *type, rules.For(app->subject.province), *facts, NoonInChina(*today));
  } else {
    for (const FieldViolation& v : type.error().violations) {
      found.push_back(
          {v.rule, v.field, v.message, v.message_zh, "FACTS.md §3.3", Severity::kError});
    }
  }
  if (const json::value* want = o.if_contains("expect_type");
      want != nullptr && want->is_string()) {
    const std::string got = type ? std::string(ApplicationTypeName(*type)) : "(unresolved)";
    if (got != want->as_string()) {
      r.detail = "type expected " + std::string(want->as_string()) + " got " + got;
      return r;
    }
  }
  const std::set<std::string> errors = Ids(found, Severity::kError);
  const std::set<std::string> warnings = Ids(found, Severity::kWarning);
  const std::set<std::string> want_errors = StringSet(o, "expect_errors");
  const std::set<std::string> want_warnings = StringSet(o, "expect_warnings");
  std::set<std::string> missing_warnings;
  for (const std::string& w : want_warnings) {
    if (!warnings.contains(w)) missing_warnings.insert(w);
  }
  r.passed = errors == want_errors && missing_warnings.empty();
  if (!r.passed) {
    r.detail = "errors expected {" + Join(want_errors) + "} got {" + Join(errors) + "}";
    if (!missing_warnings.empty())
      r.detail += "; warnings missing {" + Join(missing_warnings) + "}";
    for (const Violation& v : found) {
      if (v.severity == Severity::kError && !want_errors.contains(v.rule)) {
        r.detail += "\n      unexpected " + v.rule + " at " + v.field + ": " + v.message;
      }
    }
  }
  return r;
}

int RunRulesCheck(const fs::path& dir, std::ostream& out, std::ostream& err) {
  Result<RuleSet> rules = LoadRuleSet(dir);
  if (!rules) {
    err << "rules in " << dir.string() << " are invalid:\n";
    PrintError(err, rules.error());
    return 1;
  }
  out << "rules: " << dir.string() << ": national + 31 provinces, " << rules->check_count()
      << " checks in force across provinces\n";
  int passed = 0;
  int failed = 0;
  const std::vector<fs::path> cases = CaseFiles(dir);
  if (cases.empty()) {
    err << "no rule cases in " << (dir / "cases").string()
        << ": every rules directory carries cases that exercise it (docs/rules.md)\n";
    return 1;
  }
  for (const fs::path& file : cases) {
    CaseResult r = RunCase(file, *rules);
    if (r.passed) {
      ++passed;
    } else {
      ++failed;
      out << "FAIL " << r.file << " (" << r.name << "): " << r.detail << "\n";
    }
  }
  out << "cases: " << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

int RunPrecheck(const PrecheckRequest& request, std::chrono::sys_seconds now, std::ostream& out,
                std::ostream& err) {
  Result<RuleSet> rules = LoadRuleSet(request.rules_dir);
  if (!rules) {
    err << "icpctl precheck: the rules in " << request.rules_dir.string() << " are invalid:\n";
    PrintError(err, rules.error());
    return 2;
  }
  Result<json::value> doc = ReadJson(request.file);
  if (!doc) {
    err << "icpctl precheck: " << doc.error().message << "\n";
    return 2;
  }
  // Either the application itself, or {"application": ..., "facts": ...} as in the cases.
  const json::value* app_json = &*doc;
  json::value facts_json;
  std::optional<Date> case_day;
  if (doc->is_object() && doc->as_object().contains("application")) {
    const json::object& o = doc->as_object();
    for (const auto& [key, value] : o) {
      if (std::ranges::find(kCaseKeys, std::string_view(key)) != std::end(kCaseKeys)) continue;
      out << "the document is invalid:\n  " << std::string_view(key) << ": unknown key beside "
          << "\"application\"; accepted: " << JoinNames(kCaseKeys) << "\n";
      return 1;
    }
    app_json = &o.at("application");
    if (o.contains("facts")) facts_json = o.at("facts");
    if (const json::value* d = o.if_contains("today"); d != nullptr && !request.today) {
      Result<Date> parsed = d->is_string() ? ParseIsoDate(d->as_string()) : ParseIsoDate("");
      if (!parsed) {
        err << "icpctl precheck: \"today\" in " << request.file.string()
            << " is not a date YYYY-MM-DD\n";
        return 2;
      }
      case_day = *parsed;
    }
  }
  if (request.today) {
    now = NoonInChina(*request.today);
  } else if (case_day) {
    now = NoonInChina(*case_day);
  }
  const Date today = ChinaDate(now);
  Result<Application> app = codec::ApplicationFromJson(*app_json, today);
  Result<EvaluationFacts> facts = codec::FactsFromJson(facts_json);
  Result<ApplicationType> type =
      app ? ResolveType(*app, facts_json) : Result<ApplicationType>(ApplicationType::kFirstFiling);
  const Error* problem = !app     ? &app.error()
                         : !facts ? &facts.error()
                         : !type  ? &type.error()
                                  : nullptr;
  if (problem != nullptr) {
    if (request.json) {
      json::array fields;
      for (const FieldViolation& v : problem->violations) {
        fields.push_back(json::object{{"field", v.field},
                                      {"rule", v.rule},
                                      {"message", v.message},
                                      {"message_zh", v.message_zh}});
      }
      out << json::serialize(json::object{
                 {"valid", false}, {app && facts ? "type_conflicts" : "document_errors", fields}})
          << "\n";
    } else {
      out << (app && facts ? "the application type cannot be determined (验证备案类型未通过):\n"
                           : "the application document is invalid:\n");
      PrintError(out, *problem);
    }
    return 1;
  }
  const ProvinceRules& province = rules->For(app->subject.province);
  std::vector<Violation> found = Evaluate(*app, *type, province, *facts, now);
  std::vector<MaterialRequirement> materials =
      MaterialsChecklist(*app, *type, province, *facts, today);
  const bool ok = std::none_of(found.begin(), found.end(),
                               [](const Violation& v) { return v.severity == Severity::kError; });
  if (request.json) {
    json::array m;
    for (const MaterialRequirement& r : materials) {
      m.push_back(json::object{{"kind", MaterialKindName(r.kind)},
                               {"label", MaterialKindLabel(r.kind)},
                               {"owner", r.owner},
                               {"present", r.present},
                               {"rule", r.rule},
                               {"severity", SeverityName(r.severity)}});
    }
    out << json::serialize(json::object{{"valid", ok},
                                        {"today", FormatIsoDate(today)},
                                        {"type", ApplicationTypeName(*type)},
                                        {"province", province.province.code()},
                                        {"rules_version", province.version},
                                        {"violations", codec::ViolationsToJson(found)},
                                        {"materials", m}})
        << "\n";
    return ok ? 0 : 1;
  }
  out << "today: " << FormatIsoDate(today) << "\n"
      << "type: " << ApplicationTypeName(*type) << " (" << ApplicationTypeLabel(*type) << ")\n"
      << "province: " << province.province.name() << " (rules " << province.version << ")\n";
  for (Severity s : {Severity::kError, Severity::kWarning}) {
    for (const Violation& v : found) {
      if (v.severity != s) continue;
      out << (s == Severity::kError ? "error   " : "warning ") << v.rule << " " << v.field << ": "
          << v.message_zh << " / " << v.message << "\n";
    }
  }
  out << "materials:\n";
  for (const MaterialRequirement& r : materials) {
    out << "  [" << (r.present ? "x" : " ") << "] " << MaterialKindLabel(r.kind) << " ("
        << MaterialKindName(r.kind) << ") for " << r.owner << "\n";
  }
  out << (ok ? "precheck passed" : "precheck found errors") << "\n";
  return ok ? 0 : 1;
}

int RunMaterials(const MaterialsRequest& request, Date today, std::ostream& out,
                 std::ostream& err) {
  Result<Province> province = Province::FromCode(request.province);
  if (!province) province = Province::FromName(request.province);
  std::optional<SubjectType> subject = SubjectTypeFromName(request.subject_type);
  std::optional<ApplicationType> type = ApplicationTypeFromName(request.application_type);
  if (!province || !subject || !type) {
    if (!province) {
      std::vector<std::string> codes;
      for (const Province& p : Province::All()) codes.push_back(std::string(p.code()));
      err << "icpctl materials: unknown province '" << request.province
          << "'; give a code or a name (44 or 广东); codes: " << JoinNames(codes) << "\n";
    }
    if (!subject) {
      std::vector<std::string_view> names;
      for (SubjectType t : AllSubjectTypes()) names.push_back(SubjectTypeName(t));
      err << "icpctl materials: unknown subject type '" << request.subject_type
          << "'; accepted: " << JoinNames(names) << "\n";
    }
    if (!type) {
      std::vector<std::string_view> names;
      for (ApplicationType t : AllApplicationTypes()) names.push_back(ApplicationTypeName(t));
      err << "icpctl materials: unknown application type '" << request.application_type
          << "'; accepted: " << JoinNames(names) << "\n";
    }
    return 2;
  }
  Result<RuleSet> rules = LoadRuleSet(request.rules_dir);
  if (!rules) {
    err << "icpctl materials: the rules in " << request.rules_dir.string() << " are invalid:\n";
    PrintError(err, rules.error());
    return 2;
  }
  std::vector<MaterialRequirement> list =
      MaterialsFor(rules->For(*province), *subject, *type, today);
  if (request.json) {
    json::array a;
    for (const MaterialRequirement& r : list) {
      a.push_back(json::object{{"kind", MaterialKindName(r.kind)},
                               {"label", MaterialKindLabel(r.kind)},
                               {"owner", r.owner},
                               {"condition", r.condition},
                               {"rule", r.rule},
                               {"severity", SeverityName(r.severity)},
                               {"source", r.source}});
    }
    out << json::serialize(json::object{{"province", province->code()},
                                        {"subject_type", SubjectTypeName(*subject)},
                                        {"application_type", ApplicationTypeName(*type)},
                                        {"materials", a}})
        << "\n";
    return 0;
  }
  out << province->name() << " · " << SubjectTypeLabel(*subject) << " · "
      << ApplicationTypeLabel(*type) << "\n";
  for (const MaterialRequirement& r : list) {
    out << "  " << (r.severity == Severity::kError ? "必需 " : "建议 ") << MaterialKindLabel(r.kind)
        << " (" << MaterialKindName(r.kind) << ") — " << r.owner;
    if (!r.condition.empty()) out << "，条件：" << r.condition;
    out << "  [" << r.rule << "]\n";
  }
  return 0;
}

}  // namespace icp::cli
