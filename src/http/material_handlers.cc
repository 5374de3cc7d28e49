#include "http/material_handlers.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "base/date.h"
#include "base/strings.h"
#include "codec/json_reader.h"
#include "codec/resource_import.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace json = boost::json;

// ---- request parts ----

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value; nullopt for a bad escape.
std::optional<std::string> Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The query parameters, strictly: only `known` names, each once, every problem at once.
Result<std::map<std::string, std::string>> Query(const Request& request,
                                                 std::initializer_list<std::string_view> known) {
  std::map<std::string, std::string> out;
  std::vector<FieldViolation> problems;
  const std::string_view target = request.target;
  const std::size_t q = target.find('?');
  std::string_view rest = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::optional<std::string> name = Unescape(pair.substr(0, eq));
    std::optional<std::string> value =
        Unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) {
      problems.push_back(
          {"query", "request.query", "a query parameter is badly escaped", "查询参数编码错误"});
    } else if (std::ranges::find(known, std::string_view(*name)) == known.end()) {
      problems.push_back({*name, "request.query",
                          "unknown query parameter; this route takes " + JoinNames(known, " or "),
                          "未知的查询参数"});
    } else if (!out.emplace(*name, *value).second) {
      problems.push_back({*name, "request.query", "given twice", "重复的查询参数"});
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return out;
}

// A store id in the path ("12"): kNotFound for anything else, as for an id nobody has.
template <class IdType>
Result<IdType> PathId(const Request& request, std::string_view what) {
  const std::string_view text = request.param("id");
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n <= 0 || text.starts_with('0')) {
    return NotFound(std::string(what) + " " + std::string(text.substr(0, 40)) + " does not exist");
  }
  return IdType(n);
}

std::string MediaType(const Request& request) {
  const std::string_view type = request.header("content-type").value_or("");
  std::string media(TrimAsciiSpaces(type.substr(0, type.find(';'))));
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media;
}

std::string Rfc3339(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms(t - day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", FormatIsoDate(Date(day)).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buffer;
}

json::value OptionalTime(const std::optional<std::chrono::sys_seconds>& t) {
  return t ? json::value(Rfc3339(*t)) : json::value(nullptr);
}

const Caller& CallerOf(const Request& request) { return *request.caller; }

// ---- response bodies ----

json::array Violations(const std::vector<FieldViolation>& list) {
  json::array out;
  for (const FieldViolation& v : list) {
    out.push_back(json::object{{"field", v.field},
                               {"rule", v.rule},
                               {"message", v.message},
                               {"message_zh", v.message_zh}});
  }
  return out;
}

json::object MaterialJson(const MaterialRecord& m) {
  return {{"id", m.id.value()},
          {"application_id", m.application.value()},
          {"kind", MaterialKindName(m.kind)},
          {"owner", m.owner},
          {"file_name", m.file_name},
          {"content_type", m.content_type},
          {"size", m.size},
          {"sha256", m.sha256},
          {"uploaded_at", Rfc3339(m.uploaded_at)},
          {"certificate_number",
           m.certificate_number ? json::value(*m.certificate_number) : json::value(nullptr)}};
}

json::object VerificationJson(const VerificationRecord& v) {
  return {
      {"id", v.id.value()},
      {"application_id", v.application.value()},
      {"method", VerificationMethodName(v.method)},
      {"evidence", v.evidence},
      {"state", VerificationStateName(v.state)},
      {"reason", v.reason},
      {"submitted_at", Rfc3339(v.submitted_at)},
      {"reviewed_by", v.reviewed_by ? json::value(v.reviewed_by->value()) : json::value(nullptr)},
      {"reviewed_at", OptionalTime(v.reviewed_at)}};
}

json::object ResourceJson(const Resource& r) {
  json::array backends;
  for (const Resource& b : r.backends) backends.push_back(ResourceJson(b));
  return {{"id", r.id},
          {"kind", ResourceKindName(r.kind)},
          {"region", r.region.id},
          {"mainland", r.region.mainland},
          {"billing", BillingModeName(r.billing)},
          {"trial", r.trial},
          {"purchased",
           json::object{{"count", r.purchased.count},
                        {"unit", r.purchased.unit == TermUnit::kMonths ? "months" : "days"}}},
          {"expires_at", OptionalTime(r.expires_at)},
          {"public_ip", r.public_ip ? json::value(*r.public_ip) : json::value(nullptr)},
          {"backends", std::move(backends)}};
}

json::object CodeJson(const AuthorizationCode& c) {
  return {{"code", c.code},
          {"server_id", c.server_id},
          {"ip", c.ip},
          {"state", AuthorizationCodeStateName(c.state)},
          {"generated_by", c.generated_by},
          {"created_at", Rfc3339(c.created_at)},
          {"closed_by", c.closed_by ? json::value(*c.closed_by) : json::value(nullptr)},
          {"closed_at", OptionalTime(c.closed_at)}};
}

// Content-Disposition for `name`: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187).
std::string Attachment(std::string_view name) {
  std::string ascii;
  std::string encoded;
  for (unsigned char c : name) {
    const bool plain = std::isalnum(c) || c == '.' || c == '-' || c == '_';
    ascii += plain ? static_cast<char>(c) : '_';
    if (plain) {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

// ---- materials ----

Response UploadMaterial(const Request& request, MaterialApi& api) {
  Result<ApplicationId> id = PathId<ApplicationId>(request, "application");
  if (!id) return ProblemResponse(request, id.error());
  Result<std::map<std::string, std::string>> query =
      Query(request, {"kind", "owner", "file_name", "certificate_number"});
  if (!query) return ProblemResponse(request, query.error());
  std::vector<FieldViolation> missing;
  for (const char* name : {"kind", "owner", "file_name"}) {
    if (!query->contains(name)) {
      missing.push_back({name, "request.query", std::string(name) + " is required",
                         std::string(name) + " 为必填查询参数"});
    }
  }
  if (!missing.empty()) return ProblemResponse(request, InvalidFields(std::move(missing)).error());
  MaterialUpload upload{*id,          (*query)["kind"], (*query)["owner"], (*query)["file_name"],
                        std::nullopt, request.body};
  if (auto it = query->find("certificate_number"); it != query->end()) {
    upload.certificate_number = it->second;
  }
  Result<MaterialRecord> m = api.materials.Upload(CallerOf(request), upload);
  if (!m) return ProblemResponse(request, m.error());
  Response response = JsonResponse(MaterialJson(*m), 201);
  response.Set("Location", "/v1/materials/" + std::to_string(m->id.value()));
  return response;
}

Response ListMaterials(const Request& request, MaterialApi& api) {
  Result<ApplicationId> id = PathId<ApplicationId>(request, "application");
  if (!id) return ProblemResponse(request, id.error());
  Result<std::vector<MaterialRecord>> list = api.materials.List(CallerOf(request), *id);
  if (!list) return ProblemResponse(request, list.error());
  json::array out;
  for (const MaterialRecord& m : *list) out.push_back(MaterialJson(m));
  return JsonResponse(json::object{{"materials", std::move(out)}});
}

Response GetMaterialContent(const Request& request, MaterialApi& api) {
  Result<MaterialId> id = PathId<MaterialId>(request, "material");
  if (!id) return ProblemResponse(request, id.error());
  Result<MaterialDownload> d = api.materials.Download(CallerOf(request), *id);
  if (!d) return ProblemResponse(request, d.error());
  Response response = TextResponse(std::move(d->bytes), d->record.content_type);
  // Personal data: never kept by a cache, always saved rather than shown inline, and the
  // browser takes the stored type as it is (the Dispatcher adds nosniff too).
  response.Set("Cache-Control", "private, no-store");
  response.Set("Content-Disposition", Attachment(d->record.file_name));
  response.Set("X-Content-Type-Options", "nosniff");
  response.Set("ETag", "\"" + d->record.sha256 + "\"");
  return response;
}

Response DeleteMaterial(const Request& request, MaterialApi& api) {
  Result<MaterialId> id = PathId<MaterialId>(request, "material");
  if (!id) return ProblemResponse(request, id.error());
  if (Result<void> r = api.materials.Delete(CallerOf(request), *id); !r) {
    return ProblemResponse(request, r.error());
  }
  Response response;
  response.status = 204;
  return response;
}

// ---- verification ----

Response SubmitVerification(const Request& request, MaterialApi& api) {
  Result<ApplicationId> id = PathId<ApplicationId>(request, "application");
  if (!id) return ProblemResponse(request, id.error());
  VerificationSubmission s{*id, VerificationMethod::kCurtainPhoto, {}, {}};
  if (MediaType(request) == "application/json") {
    if (Result<std::map<std::string, std::string>> q = Query(request, {}); !q) {
      return ProblemResponse(request, q.error());
    }
    Result<json::value> body = ParseJsonBody(request);
    if (!body) return ProblemResponse(request, body.error());
    codec::JsonReader r;
    const json::object* o = r.Object(&*body, "", true);
    if (o != nullptr) {
      r.OnlyKeys(*o, "", {"method", "evidence"});
      std::optional<std::string> method = r.Text(*o, "method", "method", true);
      std::optional<VerificationMethod> m = r.Name(
          method, "method", "verification.method",
          method ? VerificationMethodFromName(*method) : std::nullopt, {"video", "app_code"});
      if (m == VerificationMethod::kCurtainPhoto) {
        r.Problem("method", "verification.method",
                  "a curtain photo is sent as the image itself, with ?method=curtain_photo",
                  "幕布照片请直接以图片作为请求体发送，并带 ?method=curtain_photo");
      }
      if (m) s.method = *m;
      s.evidence = r.Text(*o, "evidence", "evidence", true).value_or("");
    }
    if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  } else {
    Result<std::map<std::string, std::string>> q = Query(request, {"method"});
    if (!q) return ProblemResponse(request, q.error());
    if ((*q)["method"] != "curtain_photo") {
      return ProblemResponse(
          request, InvalidValue("verification.method",
                                "a file body is a curtain photo: send ?method=curtain_photo; "
                                "video and app_code are sent as JSON",
                                "文件请求体仅用于幕布照片（?method=curtain_photo）；视频核验和 "
                                "App 核验码请以 JSON 发送")
                       .error()
                       .AtField("method"));
    }
    s.photo = request.body;
  }
  Result<VerificationRecord> v = api.verifications.Submit(CallerOf(request), s);
  if (!v) return ProblemResponse(request, v.error());
  return JsonResponse(VerificationJson(*v), 201);
}

Response ListVerifications(const Request& request, MaterialApi& api) {
  Result<ApplicationId> id = PathId<ApplicationId>(request, "application");
  if (!id) return ProblemResponse(request, id.error());
  Result<std::vector<VerificationRecord>> list = api.verifications.List(CallerOf(request), *id);
  if (!list) return ProblemResponse(request, list.error());
  json::array out;
  bool complete = false;
  for (const VerificationRecord& v : *list) {
    complete = complete || v.state == VerificationState::kPassed;
    out.push_back(VerificationJson(v));
  }
  return JsonResponse(json::object{{"verifications", std::move(out)}, {"complete", complete}});
}

Response ReviewVerification(const Request& request, MaterialApi& api) {
  Result<VerificationId> id = PathId<VerificationId>(request, "verification");
  if (!id) return ProblemResponse(request, id.error());
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  bool passed = false;
  std::string reason;
  if (const json::object* o = r.Object(&*body, "", true)) {
    r.OnlyKeys(*o, "", {"passed", "reason"});
    if (!o->contains("passed")) r.Problem("passed", "request.required", "required", "必填");
    passed = r.Bool(*o, "passed", "passed", false).value_or(false);
    reason = r.Text(*o, "reason", "reason", false).value_or("");
  }
  if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  Result<VerificationRecord> v = api.verifications.Review(CallerOf(request), *id, passed, reason);
  if (!v) return ProblemResponse(request, v.error());
  return JsonResponse(VerificationJson(*v));
}

// ---- resources ----

Response ImportResources(const Request& request, MaterialApi& api) {
  const std::string media = MediaType(request);
  Result<std::vector<Resource>> parsed =
      media == "text/csv"           ? codec::ParseResourcesCsv(request.body)
      : media == "application/json" ? codec::ParseResourcesJson(request.body)
                                    : Result<std::vector<Resource>>(InvalidFields(
                                          {{"body", "request.content-type",
                                            "the inventory is sent as text/csv or "
                                            "application/json, not '" +
                                                media + "'",
                                            "资源清单须以 text/csv 或 application/json 发送"}}));
  if (!parsed) {
    const bool type = parsed.error().rule() == "request.content-type";
    return ProblemResponse(request, parsed.error(), type ? 415 : 0);
  }
  Result<std::size_t> n = api.resources.Import(CallerOf(request), *parsed);
  if (!n) return ProblemResponse(request, n.error());
  return JsonResponse(json::object{{"imported", *n}});
}

Response ListResources(const Request& request, MaterialApi& api) {
  Result<std::vector<ResourceView>> list = api.resources.ListMine(CallerOf(request));
  if (!list) return ProblemResponse(request, list.error());
  json::array out;
  for (const ResourceView& v : *list) {
    json::object o = ResourceJson(v.resource);
    o["eligible"] = v.eligible();
    o["refusals"] = Violations(v.refusals);
    out.push_back(std::move(o));
  }
  return JsonResponse(json::object{{"resources", std::move(out)}});
}

// ---- authorization codes ----

Response CreateAuthorizationCode(const Request& request, MaterialApi& api) {
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  std::string server;
  if (const json::object* o = r.Object(&*body, "", true)) {
    r.OnlyKeys(*o, "", {"server_id"});
    server = r.Text(*o, "server_id", "server_id", true).value_or("");
  }
  if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  Result<AuthorizationCode> code = api.codes.Create(CallerOf(request), server);
  if (!code) return ProblemResponse(request, code.error());
  Response response = JsonResponse(CodeJson(*code), 201);
  response.Set("Location", "/v1/authorization-codes/" + code->code);
  return response;
}

Response ListAuthorizationCodes(const Request& request, MaterialApi& api) {
  Result<std::vector<AuthorizationCode>> list = api.codes.List(CallerOf(request));
  if (!list) return ProblemResponse(request, list.error());
  json::array out;
  for (const AuthorizationCode& c : *list) out.push_back(CodeJson(c));
  return JsonResponse(json::object{{"authorization_codes", std::move(out)}});
}

Response RevokeAuthorizationCode(const Request& request, MaterialApi& api) {
  Result<AuthorizationCode> code = api.codes.Revoke(CallerOf(request), request.param("code"));
  if (!code) return ProblemResponse(request, code.error());
  return JsonResponse(CodeJson(*code));
}

Response RedeemAuthorizationCode(const Request& request, MaterialApi& api) {
  Result<AuthorizationCode> code = api.codes.Redeem(CallerOf(request), request.param("code"));
  if (!code) return ProblemResponse(request, code.error());
  return JsonResponse(CodeJson(*code));
}

}  // namespace icp::http
