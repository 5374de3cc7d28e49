#include "http/api_support.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <charconv>

#include "base/check.h"
#include "http/responses.h"

namespace icp::http {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Sha256Hex(std::string_view a, std::string_view b, std::string_view c) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (std::string_view part : {a, b, c}) {
    const std::uint64_t n = part.size();  // length-prefixed: no two requests run together
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, out);
  char hex[2 * sizeof out + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A kept answer: status, the headers a client acts on, and the body.
std::string Keep(const Response& r) {
  boost::json::object headers;
  for (const char* name : {"Content-Type", "Location", "ETag"}) {
    if (r.Has(name)) headers[name] = r.Get(name);
  }
  return boost::json::serialize(boost::json::object{{"headers", headers}, {"body", r.body}});
}

Response Replay(int status, const std::string& kept) {
  Response r;
  r.status = status;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(kept, ec);
  if (ec || !v.is_object()) return r;
  for (const auto& [name, value] : v.at("headers").as_object()) {
    if (value.is_string()) r.Set(std::string(name), std::string(value.as_string()));
  }
  r.body = std::string(v.at("body").as_string());
  r.Set("Idempotent-Replayed", "true");
  return r;
}

}  // namespace

std::string EtagOf(std::int64_t revision) { return "\"r" + std::to_string(revision) + "\""; }

Result<std::int64_t> IfMatchRevision(const Request& request) {
  std::optional<std::string_view> sent = request.header("if-match");
  if (!sent) {
    return std::unexpected(Refusal(ErrorCode::kFailedPrecondition, "If-Match", "request.if-match",
                                   "an update needs If-Match with the ETag you last read",
                                   "修改前请先读取最新内容，并在 If-Match 请求头中带上其 ETag")
                               .error());
  }
  std::string_view v = *sent;
  std::int64_t revision = 0;
  if (v.size() >= 4 && v.front() == '"' && v.back() == '"' && v[1] == 'r') {
    const std::string_view digits = v.substr(2, v.size() - 3);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), revision);
    if (ec == std::errc() && end == digits.data() + digits.size() && revision > 0) return revision;
  }
  return std::unexpected(Refusal(ErrorCode::kInvalidArgument, "If-Match", "request.if-match",
                                 "If-Match must be one ETag as this API sent it, like \"r3\"",
                                 "If-Match 应为本接口返回的 ETag，例如 \"r3\"")
                             .error());
}

Response ErrorAnswer(const Request& request, const Error& error) {
  if (error.rule() == "storage.revision" && request.header("if-match")) {
    return ProblemResponse(request, error, 412);
  }
  if (error.rule() == "request.if-match" && error.code == ErrorCode::kFailedPrecondition) {
    return ProblemResponse(request, error, 428);
  }
  return ProblemResponse(request, error);
}

std::string EncodeCursor(std::string_view plain) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : plain) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

Result<std::string> DecodeCursor(std::string_view cursor) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : cursor) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos || cursor.size() > 200) {
      return std::unexpected(Refusal(ErrorCode::kInvalidArgument, "cursor", "request.cursor",
                                     "cursor is not one this API gave out",
                                     "cursor 无效，请使用上一页返回的 next_cursor")
                                 .error());
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::map<std::string, std::string> QueryParameters(const Request& request) {
  std::map<std::string, std::string> out;
  const std::size_t q = request.target.find('?');
  if (q == std::string::npos) return out;
  std::string_view rest = std::string_view(request.target).substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      out[PercentDecode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

Result<void> IdempotencyTicket::Keep(UnitOfWork& uow, const Response& answer) {
  ICP_CHECK(answer.status >= 200 && answer.status < 300);
  if (Result<void> done =
          uow.idempotency().Complete(account_, key_, answer.status, ::icp::http::Keep(answer));
      !done) {
    return done;
  }
  kept_ = true;
  return {};
}

Response Idempotent(const Request& request, Database& db, Clock& clock,
                    const std::function<Response()>& handler, std::chrono::seconds stale_after) {
  return Idempotent(
      request, db, clock, [&](IdempotencyTicket*) { return handler(); }, stale_after);
}

Response Idempotent(const Request& request, Database& db, Clock& clock,
                    const std::function<Response(IdempotencyTicket*)>& handler,
                    std::chrono::seconds stale_after) {
  const std::optional<std::string_view> sent = request.header("idempotency-key");
  if (!sent || !request.caller) return handler(nullptr);
  const std::string key(*sent);
  if (key.empty() || key.size() > 255) {
    return ProblemResponse(
        request,
        Refusal(ErrorCode::kInvalidArgument, "Idempotency-Key", "idempotency.key",
                "Idempotency-Key must be 1-255 characters", "Idempotency-Key 应为 1 到 255 个字符")
            .error());
  }
  const AccountId account = request.caller->account;
  const std::string hash = Sha256Hex(request.method, request.path(), request.body);
  const std::chrono::sys_seconds now = clock.Now();
  {
    Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
    if (!uow) return ProblemResponse(request, uow.error());
    IdempotencyStore& keys = (*uow)->idempotency();
    Result<bool> reserved = keys.Reserve({account, key, hash, false, 0, "", now});
    if (!reserved) return ProblemResponse(request, reserved.error());
    if (!*reserved) {
      Result<std::optional<IdempotencyRecord>> found = keys.Find(account, key);
      if (!found) return ProblemResponse(request, found.error());
      if (!*found) return ProblemResponse(request, Aborted("the key was released; retry").error());
      const IdempotencyRecord& first = **found;
      if (first.request_hash != hash) {
        return ProblemResponse(
            request,
            Refusal(ErrorCode::kInvalidArgument, "Idempotency-Key", "idempotency.key-reused",
                    "this Idempotency-Key was used for another request; use a new key",
                    "该 Idempotency-Key 已用于另一个请求，请使用新的 Key")
                .error(),
            409);
      }
      if (first.done) return Replay(first.status, first.response);
      Result<bool> taken = keys.TakeOver(account, key, now - stale_after, now);
      if (!taken) return ProblemResponse(request, taken.error());
      if (!*taken) {
        Response busy = ProblemResponse(
            request, Refusal(ErrorCode::kAborted, "Idempotency-Key", "idempotency.in-progress",
                             "the first request with this Idempotency-Key is still running",
                             "相同 Idempotency-Key 的请求仍在处理中，请稍后重试")
                         .error());
        busy.Set("Retry-After", "1");
        return busy;
      }
    }
    if (Result<void> c = (*uow)->Commit(); !c) return ProblemResponse(request, c.error());
  }
  IdempotencyTicket ticket(account, key);
  Response response = handler(&ticket);
  // Kept with its effect: final already (a 2xx is only answered once its unit of work
  // committed).
  if (ticket.kept() && response.status >= 200 && response.status < 300) return response;
  Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
  if (uow) {
    Result<void> kept =
        response.status >= 200 && response.status < 500
            ? (*uow)->idempotency().Complete(account, key, response.status, Keep(response))
            : (*uow)->idempotency().Release(account, key);
    if (kept) {
      (void)(*uow)->Commit();
    } else if (kept.error().code == ErrorCode::kNotFound) {
      // Another attempt with this key took it over (this one had run past `stale_after`) and
      // finished first, its answer kept with its effect; this attempt's effect, if any,
      // rolled back with the Keep that failed. Its answer is the one.
      (*uow).reset();
      Result<std::unique_ptr<UnitOfWork>> again = db.Begin();
      if (again) {
        Result<std::optional<IdempotencyRecord>> first = (*again)->idempotency().Find(account, key);
        if (first && *first && (*first)->done && (*first)->request_hash == hash) {
          return Replay((*first)->status, (*first)->response);
        }
      }
    }
  }
  return response;
}

}  // namespace icp::http
