#include "http/auth_handlers.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <charconv>
#include <cstdio>

#include "base/strings.h"
#include "codec/json_reader.h"
#include "http/api_support.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace json = boost::json;

std::string Rfc3339(std::chrono::sys_seconds t) { return fmt::format("{:%FT%TZ}", t); }

json::value OptionalTime(const std::optional<std::chrono::sys_seconds>& t) {
  return t ? json::value(Rfc3339(*t)) : json::value(nullptr);
}

// An account as the API shows it; personal data as `disclosure` allows.
json::object AccountJson(const Account& a, Disclosure disclosure) {
  json::object o{{"id", a.id.value()},
                 {"login", a.login},
                 {"role", RoleName(a.role)},
                 {"display_name", a.display_name},
                 {"status", AccountStatusName(a.status())},
                 {"created_at", Rfc3339(a.created_at)},
                 {"disabled_at", OptionalTime(a.disabled_at)}};
  o["email"] =
      a.email ? json::value(Disclose(a.email->str(), disclosure, MaskEmail)) : json::value(nullptr);
  o["mobile"] = a.mobile ? json::value(Disclose(a.mobile->str(), disclosure, MaskMobile))
                         : json::value(nullptr);
  if (a.real_name) {
    const RealName& r = a.real_name->value;
    o["real_name"] = json::object{
        {"kind", RealNameKindName(r.kind())},
        // An organisation's name is public (it is on its licence); a person's is not.
        {"name",
         r.kind() == RealNameKind::kPerson ? Disclose(r.name(), disclosure, MaskName) : r.name()},
        {"certificate", json::object{{"type", CertificateTypeName(r.certificate().type())},
                                     {"number", Disclose(r.certificate().number(), disclosure,
                                                         MaskCertificateNumber)}}},
        {"verified_at", Rfc3339(a.real_name->verified_at)}};
  } else {
    o["real_name"] = nullptr;
  }
  return o;
}

json::object ApiKeyJson(const ApiKeyRecord& k) {
  return {{"id", k.id.value()},
          {"name", k.name},
          {"prefix", k.prefix},
          {"created_at", Rfc3339(k.created_at)},
          {"last_used_at", OptionalTime(k.last_used_at)},
          {"revoked_at", OptionalTime(k.revoked_at)}};
}

// The body as one JSON object; a problem response otherwise.
Result<json::object> BodyObject(const Request& request) {
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  if (!body->is_object()) {
    return InvalidFields(
        {{"body", "request.json", "the body must be a JSON object", "请求体须为 JSON 对象"}});
  }
  return std::move(body->as_object());
}

// A positive decimal id from the path; nullopt (answered 404) otherwise.
template <class IdType>
std::optional<IdType> PathId(const Request& request, std::string_view what) {
  std::string_view text = request.param("id");
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  (void)what;
  return IdType(value);
}

Response NoSuch(const Request& request, std::string_view what) {
  return ProblemResponse(
      request, NotFound(fmt::format("{} {} does not exist", what, request.param("id"))).error());
}

const Caller& CallerOf(const Request& request) {
  // The dispatcher sets it before any non-public route's handler runs.
  return *request.caller;
}

}  // namespace

// ---- sessions ----

Response SignIn(const Request& request, AuthService& auth, const CookieSettings& cookie) {
  Result<json::object> body = BodyObject(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"login", "password"});
  std::optional<std::string> login = r.Text(*body, "login", "login", true);
  std::optional<std::string> password = r.Text(*body, "password", "password", true);
  if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  Result<SignedIn> s = auth.SignIn(*login, *password, request.remote_address);
  if (!s) return ProblemResponse(request, s.error());
  Response response =
      JsonResponse(json::object{{"account", AccountJson(s->account, Disclosure::kMasked)},
                                {"role", RoleName(s->account.role)},
                                {"csrf_token", s->csrf_token},
                                {"expires_at", Rfc3339(s->expires_at)}},
                   201);
  response.Set("Set-Cookie", SessionCookie(cookie, s->token, auth.settings().session_absolute));
  response.Set("Cache-Control", "no-store");
  return response;
}

Response SignOut(const Request& request, AuthService& auth, const CookieSettings& cookie) {
  const std::optional<std::string> token = CookieValue(request, cookie.name);
  if (!token) {
    Error e{ErrorCode::kFailedPrecondition,
            "this request carries no session cookie; an API key is revoked with "
            "DELETE /v1/api-keys/{id}",
            {}};
    e.violations.push_back({"", "session.none", e.message, "请求未携带会话"});
    return ProblemResponse(request, e);
  }
  if (Result<void> done = auth.SignOut(*token); !done) {
    return ProblemResponse(request, done.error());
  }
  Response response;
  response.status = 204;
  response.Set("Set-Cookie", ClearedSessionCookie(cookie));
  return response;
}

Response Me(const Request& request, AuthService& auth, const CookieSettings& cookie) {
  const Caller& caller = CallerOf(request);
  Result<Account> account = auth.GetAccount(caller, caller.account);
  if (!account) return ProblemResponse(request, account.error());
  json::object out{{"account", AccountJson(*account, Disclosure::kMasked)},
                   {"role", RoleName(caller.role)},
                   {"csrf_token", nullptr}};
  if (!request.header("authorization")) {
    if (const std::optional<std::string> token = CookieValue(request, cookie.name)) {
      Result<Authenticated> who = auth.AuthenticateSession(*token);
      if (who && who->by_session) out["csrf_token"] = who->csrf_token;
    }
  }
  Response response = JsonResponse(out);
  response.Set("Cache-Control", "no-store");
  return response;
}

// ---- API keys ----

Response CreateApiKey(const Request& request, AuthService& auth) {
  Result<json::object> body = BodyObject(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"name"});
  std::optional<std::string> name = r.Text(*body, "name", "name", true);
  if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  Result<NewApiKey> key = auth.CreateApiKey(CallerOf(request), *name);
  if (!key) return ProblemResponse(request, key.error());
  json::object out = ApiKeyJson(key->key);
  out["secret"] = key->secret;
  Response response = JsonResponse(out, 201);
  response.Set("Location", "/v1/api-keys/" + std::to_string(key->key.id.value()));
  response.Set("Cache-Control", "no-store");
  return response;
}

Response ListApiKeys(const Request& request, AuthService& auth) {
  Result<std::vector<ApiKeyRecord>> keys = auth.ListApiKeys(CallerOf(request));
  if (!keys) return ProblemResponse(request, keys.error());
  json::array items;
  for (const ApiKeyRecord& k : *keys) items.push_back(ApiKeyJson(k));
  return JsonResponse(json::object{{"items", std::move(items)}});
}

Response RevokeApiKey(const Request& request, AuthService& auth) {
  std::optional<ApiKeyId> id = PathId<ApiKeyId>(request, "API key");
  if (!id) return NoSuch(request, "API key");
  Result<ApiKeyRecord> key = auth.RevokeApiKey(CallerOf(request), *id);
  if (!key) return ProblemResponse(request, key.error());
  return JsonResponse(ApiKeyJson(*key));
}

// ---- accounts (admin) ----

Response CreateAccount(const Request& request, AuthService& auth) {
  Result<json::object> body = BodyObject(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"login", "role", "display_name", "password", "email", "mobile"});
  NewAccount in;
  std::optional<std::string> login = r.Text(*body, "login", "login", true);
  std::optional<std::string> role_name = r.Text(*body, "role", "role", true);
  std::optional<Role> role =
      r.Name(role_name, "role", "account.role", role_name ? RoleFromName(*role_name) : std::nullopt,
             {"customer", "reviewer", "admin"});
  std::optional<std::string> display = r.Text(*body, "display_name", "display_name", true);
  std::optional<std::string> password = r.Text(*body, "password", "password", true);
  std::optional<std::string> email = r.Text(*body, "email", "email", false);
  std::optional<std::string> mobile = r.Text(*body, "mobile", "mobile", false);
  if (email && !email->empty()) {
    Result<Email> parsed = Email::Parse(*email);
    if (parsed) {
      in.email = *parsed;
    } else {
      r.Problem("email", parsed.error());
    }
  }
  if (mobile && !mobile->empty()) {
    Result<MobileNumber> parsed = MobileNumber::Parse(*mobile);
    if (parsed) {
      in.mobile = *parsed;
    } else {
      r.Problem("mobile", parsed.error());
    }
  }
  if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  in.login = *login;
  in.role = *role;
  in.display_name = *display;
  in.password = *password;
  Result<Account> account = auth.CreateAccount(CallerOf(request), in);
  if (!account) return ProblemResponse(request, account.error());
  Response response = JsonResponse(AccountJson(*account, Disclosure::kFull), 201);
  response.Set("Location", "/v1/accounts/" + std::to_string(account->id.value()));
  return response;
}

Response ListAccounts(const Request& request, AuthService& auth) {
  std::int64_t limit = 20;
  AccountId after;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "limit") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 100) {
        problems.push_back({"limit", "paging.limit", "limit must be a whole number from 1 to 100",
                            "limit 须为 1 至 100 的整数"});
      }
    } else if (name == "cursor") {
      // The opaque cursor (http/api_support.h) of "acct:<last id of the page>".
      Result<std::string> plain = DecodeCursor(value);
      std::int64_t id = 0;
      if (!plain || std::sscanf(plain->c_str(), "acct:%ld", &id) != 1 || id < 1) {
        problems.push_back(
            {"cursor", "request.cursor", "cursor is not one this API gave out", "cursor 无效"});
      }
      after = AccountId(id);
    } else {
      problems.push_back({name, "request.unknown-parameter", "unknown query parameter " + name,
                          "未知的查询参数 " + name});
    }
  }
  if (!problems.empty()) return ProblemResponse(request, InvalidFields(problems).error());
  Result<AccountPage> page =
      auth.ListAccounts(CallerOf(request), after, static_cast<std::size_t>(limit));
  if (!page) return ProblemResponse(request, page.error());
  json::array items;
  for (const Account& a : page->accounts) items.push_back(AccountJson(a, Disclosure::kFull));
  json::object out{{"items", std::move(items)}};
  out["next_cursor"] =
      page->next_after
          ? json::value(EncodeCursor("acct:" + std::to_string(page->next_after->value())))
          : json::value(nullptr);
  Response response = JsonResponse(out);
  response.Set("Cache-Control", "no-store");
  return response;
}

Response GetAccount(const Request& request, AuthService& auth) {
  std::optional<AccountId> id = PathId<AccountId>(request, "account");
  if (!id) return NoSuch(request, "account");
  Result<Account> account = auth.GetAccount(CallerOf(request), *id);
  if (!account) return ProblemResponse(request, account.error());
  Response response = JsonResponse(AccountJson(*account, Disclosure::kFull));
  response.Set("Cache-Control", "no-store");
  return response;
}

Response SetRealName(const Request& request, AuthService& auth) {
  std::optional<AccountId> id = PathId<AccountId>(request, "account");
  if (!id) return NoSuch(request, "account");
  Result<json::object> body = BodyObject(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"kind", "name", "certificate"});
  std::optional<std::string> kind_name = r.Text(*body, "kind", "kind", true);
  std::optional<RealNameKind> kind = r.Name(
      kind_name, "kind", "realname.kind",
      kind_name ? RealNameKindFromName(*kind_name) : std::nullopt, {"person", "organisation"});
  std::optional<std::string> name = r.Text(*body, "name", "name", true);
  const json::object* cert = r.Object(body->if_contains("certificate"), "certificate", true);
  std::optional<Certificate> certificate;
  if (cert != nullptr) {
    r.OnlyKeys(*cert, "certificate", {"type", "number"});
    std::optional<std::string> type_name = r.Text(*cert, "type", "certificate.type", true);
    std::optional<CertificateType> type = r.Name(
        type_name, "certificate.type", "certificate.type",
        type_name ? CertificateTypeFromName(*type_name) : std::nullopt, CertificateTypeNames());
    std::optional<std::string> number = r.Text(*cert, "number", "certificate.number", true);
    if (type && number) {
      Result<Certificate> parsed = Certificate::Parse(*type, *number, auth.Today());
      if (parsed) {
        certificate = std::move(*parsed);
      } else {
        r.Problem("certificate", parsed.error());
      }
    }
  }
  if (kind && name && certificate) {
    Result<RealName> made = RealName::Make(*kind, *name, *certificate);
    if (made) {
      if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
      Result<Account> account = auth.SetRealName(CallerOf(request), *id, std::move(*made));
      if (!account) return ProblemResponse(request, account.error());
      return JsonResponse(AccountJson(*account, Disclosure::kFull));
    }
    r.Problem("", made.error());
  }
  Result<void> ok = r.Finish();
  return ProblemResponse(request,
                         ok ? InvalidArgument("incomplete real name").error() : ok.error());
}

Response SetBoundMobile(const Request& request, AuthService& auth) {
  std::optional<AccountId> id = PathId<AccountId>(request, "account");
  if (!id) return NoSuch(request, "account");
  Result<json::object> body = BodyObject(request);
  if (!body) return ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"mobile"});
  std::optional<std::string> text = r.Text(*body, "mobile", "mobile", true);
  std::optional<MobileNumber> mobile;
  if (text) {
    Result<MobileNumber> parsed = MobileNumber::Parse(*text);
    if (parsed) {
      mobile = *parsed;
    } else {
      r.Problem("mobile", parsed.error());
    }
  }
  if (Result<void> ok = r.Finish(); !ok) return ProblemResponse(request, ok.error());
  Result<Account> account = auth.SetBoundMobile(CallerOf(request), *id, *mobile);
  if (!account) return ProblemResponse(request, account.error());
  return JsonResponse(AccountJson(*account, Disclosure::kFull));
}

Response DisableAccount(const Request& request, AuthService& auth) {
  std::optional<AccountId> id = PathId<AccountId>(request, "account");
  if (!id) return NoSuch(request, "account");
  Result<Account> account = auth.DisableAccount(CallerOf(request), *id);
  if (!account) return ProblemResponse(request, account.error());
  return JsonResponse(AccountJson(*account, Disclosure::kFull));
}

}  // namespace icp::http
