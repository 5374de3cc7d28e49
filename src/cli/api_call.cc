#include "cli/api_call.h"

#include "cli/db_command.h"

#include <boost/json.hpp>

#include <ostream>

namespace icp::cli {

namespace json = boost::json;

// Problem details as the CLI prints every error: detail, then each violation with its rule.
int PrintProblem(const HttpReply& reply, std::ostream& err) {
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) {
    err << "icpctl: icpd answered " << reply.status << "\n";
    return 1;
  }
  const json::object& o = v.as_object();
  const json::value* detail = o.if_contains("detail");
  err << "icpctl: " << reply.status << " "
      << (detail != nullptr && detail->is_string() ? std::string(detail->as_string()) : "") << "\n";
  if (const json::value* vs = o.if_contains("violations"); vs != nullptr && vs->is_array()) {
    for (const json::value& item : vs->as_array()) {
      if (!item.is_object()) continue;
      const json::object& x = item.as_object();
      auto text = [&](std::string_view k) {
        const json::value* f = x.if_contains(k);
        return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
      };
      err << "  " << (text("field").empty() ? "-" : text("field")) << " [" << text("rule") << "] "
          << text("message") << "\n";
    }
  }
  if (std::string after = reply.Header("retry-after"); !after.empty()) {
    err << "  try again in " << after << " s\n";
  }
  return 1;
}

// One API call with the stored session: the cookie, and the CSRF token for unsafe methods.
Result<HttpReply> Call(HttpClient& http, const StoredToken& token, std::string method,
                       std::string_view path, std::string body,
                       const std::map<std::string, std::string>& headers) {
  HttpCall call{std::move(method), token.url + std::string(path), {}, std::move(body)};
  call.headers["Cookie"] = "icp_session=" + token.session;
  call.headers["X-CSRF-Token"] = token.csrf_token;
  if (!call.body.empty()) call.headers["Content-Type"] = "application/json";
  for (const auto& [name, value] : headers) call.headers[name] = value;
  return http.Send(call);
}

std::optional<json::value> CallJson(HttpClient& http, const StoredToken& token, std::string method,
                                    std::string_view path, std::ostream& err, std::string body,
                                    const std::map<std::string, std::string>& headers) {
  Result<HttpReply> reply = Call(http, token, std::move(method), path, std::move(body), headers);
  if (!reply) {
    PrintError(reply.error(), err);
    return std::nullopt;
  }
  if (reply->status >= 300) {
    PrintProblem(*reply, err);
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::value v = reply->body.empty() ? json::value() : json::parse(reply->body, ec);
  if (ec) {
    err << "icpctl: icpd answered " << reply->status << " with a body that is not JSON\n";
    return std::nullopt;
  }
  if (std::string etag = reply->Header("etag"); !etag.empty() && v.is_object()) {
    v.as_object()["_etag"] = etag;
  }
  return v;
}

std::string TextOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
}

}  // namespace icp::cli
