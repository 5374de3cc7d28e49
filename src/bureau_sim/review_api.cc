#include "bureau_sim/review_api.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <utility>

#include "http/responses.h"
#include "miit/result_code.h"

namespace icp::bureau_sim {
namespace {

void Problem(Error& e, std::string field, std::string rule, std::string message,
             std::string zh = {}) {
  e.violations.push_back({std::move(field), std::move(rule), std::move(message), std::move(zh)});
}

Result<void> Finish(Error e) {
  if (e.violations.empty()) return {};
  e.code = ErrorCode::kInvalidArgument;
  e.message = fmt::format("the request has {} problem(s)", e.violations.size());
  return std::unexpected(std::move(e));
}

std::optional<std::int64_t> Number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The value of query parameter `name` in `target` ("" when absent).
std::string QueryParam(std::string_view target, std::string_view name) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

// Constant-time comparison of the bearer token.
bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void ReadReviewer(const boost::json::object& o, std::string& reviewer, Error& e) {
  if (const boost::json::value* v = o.if_contains("reviewer")) {
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > 64) {
      Problem(e, "reviewer", "bureau.review.reviewer", "reviewer must be a text of 1 to 64 bytes",
              "审核人须为1至64字节的文本");
    } else {
      reviewer = std::string(v->as_string());
    }
  }
}

Result<boost::json::object> ParseObject(std::string_view body, bool may_be_empty) {
  if (body.empty() && may_be_empty) return boost::json::object();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    Error e{ErrorCode::kInvalidArgument, "the body must be a JSON object", {}};
    Problem(e, "", "request.json", "the body must be a JSON object", "请求体须为JSON对象");
    return std::unexpected(std::move(e));
  }
  return std::move(v.as_object());
}

void OnlyKeys(const boost::json::object& o, const std::string& path,
              std::initializer_list<std::string_view> known, Error& e) {
  for (const auto& [key, value] : o) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
      Problem(e, path.empty() ? std::string(key) : path + "." + std::string(key),
              "document.unknown-field", "unknown field", "未知字段");
    }
  }
}

http::Response Problem(const http::Request& request, const Error& error) {
  return http::ProblemResponse(request, error);
}

}  // namespace

boost::json::object FilingJson(const Filing& f, bool with_record) {
  boost::json::object o;
  o["id"] = f.id;
  o["isp_id"] = f.isp_id;
  o["data_sequence"] = f.data_sequence;
  o["position"] = f.position;
  o["operation"] = f.operation;
  o["operation_name"] = miit::kOperations.Name(static_cast<miit::Operation>(f.operation));
  if (f.key) o["key"] = *f.key;
  o["state"] = kFilingStates.Name(f.state);
  if (f.decision) o["decision"] = *f.decision;
  boost::json::array reasons;
  for (const Reason& r : f.reasons) {
    boost::json::object reason{{"jgdm", r.jgdm}, {"text", r.text}};
    if (r.path) reason["path"] = *r.path;
    reasons.push_back(std::move(reason));
  }
  o["reasons"] = std::move(reasons);
  if (f.reviewer) o["reviewer"] = *f.reviewer;
  if (f.due_at) o["due_at"] = *f.due_at;
  o["created_at"] = f.created_at;
  o["updated_at"] = f.updated_at;
  if (f.decided_at) o["decided_at"] = *f.decided_at;
  if (Result<miit::IcpUpload> u = DecodeRecord(f.record); u) {
    boost::json::object summary;
    boost::json::array websites;
    auto add_websites = [&](const std::vector<miit::WebsiteBlock>& list) {
      for (const miit::WebsiteBlock& w : list) {
        boost::json::array domains;
        for (const miit::DomainBlock& d : w.domains) domains.push_back(boost::json::string(d.name));
        websites.push_back(boost::json::object{{"name", w.name}, {"domains", std::move(domains)}});
      }
    };
    for (const miit::FirstFiling& x : u->first_filings) {
      summary["subject"] = x.subject.name;
      add_websites(x.websites);
    }
    for (const miit::NewWebsites& x : u->new_websites) add_websites(x.websites);
    for (const miit::Change& x : u->changes) {
      summary["subject"] = x.subject.name;
      add_websites(x.websites);
    }
    for (const miit::NewAccess& x : u->new_accesses) {
      summary["website"] =
          x.website_number ? *x.website_number : std::to_string(x.website_id.value_or(0));
    }
    for (const miit::Cancellation& x : u->cancellations) {
      summary["cancel"] = miit::kCancelKinds.Name(x.kind);
      summary["record_id"] = x.record_id;
    }
    if (!websites.empty()) summary["websites"] = std::move(websites);
    o["summary"] = std::move(summary);
  }
  if (with_record) o["record"] = f.record;
  return o;
}

Result<ReturnBody> DecodeReturnBody(std::string_view body) {
  Result<boost::json::object> o = ParseObject(body, false);
  if (!o) return std::unexpected(o.error());
  Error e{ErrorCode::kInvalidArgument, "", {}};
  ReturnBody out;
  OnlyKeys(*o, "", {"reasons", "reviewer"}, e);
  ReadReviewer(*o, out.reviewer, e);
  const boost::json::value* reasons = o->if_contains("reasons");
  if (reasons == nullptr || !reasons->is_array() || reasons->as_array().empty()) {
    Problem(e, "reasons", "bureau.review.reasons", "reasons must be a non-empty list",
            "退回须说明理由");
  } else {
    const boost::json::array& list = reasons->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = fmt::format("reasons[{}]", i);
      const boost::json::object* r = list[i].if_object();
      if (r == nullptr) {
        Problem(e, path, "bureau.review.reason", "a reason must be an object");
        continue;
      }
      OnlyKeys(*r, path, {"jgdm", "path", "text"}, e);
      Reason reason;
      const boost::json::value* jgdm = r->if_contains("jgdm");
      if (jgdm == nullptr || !jgdm->is_int64() ||
          !miit::ResultCodeFromNumber(jgdm->as_int64()).has_value()) {
        Problem(e, path + ".jgdm", "bureau.review.jgdm",
                "jgdm must be a result code of BUREAU-PROTOCOL §3.2", "结果代码无效");
      } else {
        reason.jgdm = jgdm->as_int64();
      }
      const boost::json::value* text = r->if_contains("text");
      if (text == nullptr || !text->is_string() || text->as_string().empty() ||
          text->as_string().size() > 255) {
        Problem(e, path + ".text", "bureau.review.text", "text must be a text of 1 to 255 bytes",
                "理由须为1至255字节的文本");
      } else {
        reason.text = std::string(text->as_string());
      }
      if (const boost::json::value* p = r->if_contains("path")) {
        if (!p->is_string() || p->as_string().empty() || p->as_string().size() > 255) {
          Problem(e, path + ".path", "bureau.review.path", "path must be a text of 1 to 255 bytes");
        } else {
          reason.path = std::string(p->as_string());
        }
      }
      out.reasons.push_back(std::move(reason));
    }
  }
  if (Result<void> done = Finish(std::move(e)); !done) return std::unexpected(done.error());
  return out;
}

Result<Reason> ParseReasonArgument(std::string_view text) {
  const std::size_t colon = text.find(':');
  Reason reason;
  std::string_view head = text.substr(0, colon);
  const std::size_t at = head.find('@');
  const std::optional<std::int64_t> jgdm = Number(head.substr(0, at));
  if (colon == std::string_view::npos || !jgdm || !miit::ResultCodeFromNumber(*jgdm) ||
      text.size() == colon + 1) {
    Error e{ErrorCode::kInvalidArgument,
            fmt::format("reason '{}' is not JGDM[@PATH]:TEXT with a result code of §3.2", text),
            {}};
    Problem(e, "--reason", "bureau.review.reason", e.message);
    return std::unexpected(std::move(e));
  }
  reason.jgdm = *jgdm;
  if (at != std::string_view::npos) reason.path = std::string(head.substr(at + 1));
  reason.text = std::string(text.substr(colon + 1));
  return reason;
}

void AddReviewRoutes(http::Router& router, Store& store, Pipeline& pipeline, Clock& clock,
                     std::string token) {
  // Every handler starts here: the bearer token, then the filing id when the route has one.
  auto guard = [token](const http::Request& r) -> std::optional<http::Response> {
    if (token.empty()) {
      return http::ProblemResponse(
          r, Error{ErrorCode::kPermissionDenied,
                   "the reviewer API is off: start icp-bureau with ICP_BUREAU_REVIEW_TOKEN set",
                   {}});
    }
    const std::string_view auth = r.header("authorization").value_or("");
    if (!auth.starts_with("Bearer ") || !SameToken(auth.substr(7), token)) {
      return http::ProblemResponse(
          r, Error{ErrorCode::kUnauthenticated, "a reviewer's bearer token is required", {}});
    }
    return std::nullopt;
  };
  auto id_of = [](const http::Request& r) -> Result<std::int64_t> {
    const std::optional<std::int64_t> id = Number(r.param("id"));
    if (!id || *id <= 0) {
      Error e{ErrorCode::kInvalidArgument, "the filing id must be a positive number", {}};
      Problem(e, "id", "bureau.review.id", e.message);
      return std::unexpected(std::move(e));
    }
    return *id;
  };
  auto now = [&clock] { return clock.Now().time_since_epoch().count(); };

  router.Add("GET", "/bureau/api/filings", http::Access::kPublic,
             [guard, &store](const http::Request& r) {
               if (auto refused = guard(r)) return *refused;
               Error e{ErrorCode::kInvalidArgument, "", {}};
               const std::string state_name = QueryParam(r.target, "state");
               const std::optional<FilingState> state =
                   kFilingStates.FromName(state_name.empty() ? "review" : state_name);
               if (!state) Problem(e, "state", "bureau.review.state", "unknown state");
               const std::string after_text = QueryParam(r.target, "after");
               const std::string limit_text = QueryParam(r.target, "limit");
               const std::optional<std::int64_t> after =
                   after_text.empty() ? std::optional<std::int64_t>(0) : Number(after_text);
               const std::optional<std::int64_t> limit =
                   limit_text.empty() ? std::optional<std::int64_t>(50) : Number(limit_text);
               if (!after || *after < 0) Problem(e, "after", "bureau.review.after", "not an id");
               if (!limit || *limit < 1 || *limit > 500) {
                 Problem(e, "limit", "bureau.review.limit", "limit must be 1..500");
               }
               if (Result<void> ok = Finish(std::move(e)); !ok) return Problem(r, ok.error());
               Result<std::vector<Filing>> list = store.Transact([&](Registry& reg) {
                 return reg.FilingsIn(*state, *after, static_cast<std::size_t>(*limit));
               });
               if (!list) return Problem(r, list.error());
               boost::json::array items;
               for (const Filing& f : *list) items.push_back(FilingJson(f, false));
               boost::json::object body{{"filings", std::move(items)}};
               if (!list->empty() && list->size() == static_cast<std::size_t>(*limit)) {
                 body["next_after"] = list->back().id;
               }
               return http::JsonResponse(body);
             });
  router.Add(
      "GET", "/bureau/api/filings/{id}", http::Access::kPublic,
      [guard, id_of, &store](const http::Request& r) {
        if (auto refused = guard(r)) return *refused;
        Result<std::int64_t> id = id_of(r);
        if (!id) return Problem(r, id.error());
        Result<std::optional<Filing>> f =
            store.Transact([&](Registry& reg) { return reg.FilingById(*id); });
        if (!f) return Problem(r, f.error());
        if (!f->has_value()) {
          return Problem(r, Error{ErrorCode::kNotFound, fmt::format("no filing {}", *id), {}});
        }
        return http::JsonResponse(FilingJson(**f, true));
      });
  router.Add("POST", "/bureau/api/filings/{id}:approve", http::Access::kPublic,
             [guard, id_of, now, &pipeline](const http::Request& r) {
               if (auto refused = guard(r)) return *refused;
               Result<std::int64_t> id = id_of(r);
               if (!id) return Problem(r, id.error());
               Result<boost::json::object> o = ParseObject(r.body, true);
               if (!o) return Problem(r, o.error());
               Error e{ErrorCode::kInvalidArgument, "", {}};
               std::string reviewer = "管局审核员";
               OnlyKeys(*o, "", {"reviewer"}, e);
               ReadReviewer(*o, reviewer, e);
               if (Result<void> ok = Finish(std::move(e)); !ok) return Problem(r, ok.error());
               Result<Filing> f = pipeline.Decide(*id, true, {}, reviewer, now());
               if (!f) return Problem(r, f.error());
               return http::JsonResponse(FilingJson(*f, false));
             });
  router.Add("POST", "/bureau/api/filings/{id}:return", http::Access::kPublic,
             [guard, id_of, now, &pipeline](const http::Request& r) {
               if (auto refused = guard(r)) return *refused;
               Result<std::int64_t> id = id_of(r);
               if (!id) return Problem(r, id.error());
               Result<ReturnBody> body = DecodeReturnBody(r.body);
               if (!body) return Problem(r, body.error());
               Result<Filing> f =
                   pipeline.Decide(*id, false, body->reasons,
                                   body->reviewer.empty() ? "管局审核员" : body->reviewer, now());
               if (!f) return Problem(r, f.error());
               return http::JsonResponse(FilingJson(*f, false));
             });
}

}  // namespace icp::bureau_sim
