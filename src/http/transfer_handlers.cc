#include "http/transfer_handlers.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cstdio>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "base/base64.h"
#include "base/date.h"
#include "base/strings.h"
#include "codec/json_reader.h"
#include "http/api_support.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace json = boost::json;

constexpr std::size_t kDefaultLimit = 20;
constexpr std::size_t kMaxEvidence = 16;

std::string Timestamp(std::chrono::sys_seconds t) { return fmt::format("{:%FT%TZ}", t); }

json::value OptionalTimestamp(const std::optional<std::chrono::sys_seconds>& t) {
  return t ? json::value(Timestamp(*t)) : json::value(nullptr);
}

// A positive whole number in the path, as written by us: anything else is as missing as an
// id nobody has.
Result<std::int64_t> PathNumber(const Request& request, std::string_view name, bool positive) {
  const std::string_view text = request.param(name);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < (positive ? 1 : 0) ||
      (text.size() > 1 && text.starts_with('0'))) {
    return Refusal(ErrorCode::kNotFound, std::string(name), "transfer.not-found",
                   "no transfer " + Quote(text), "备案转移申请不存在");
  }
  return n;
}

// Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266).
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

json::object ToJson(const TransferView& v, const Caller& caller) {
  const TransferRecord& t = v.record;
  json::array evidence;
  // The old account reads the request, never the requester's papers (not even their names).
  if (caller.is_staff() || caller.account == t.to_account) {
    for (std::size_t i = 0; i < t.evidence.size(); ++i) {
      const TransferEvidence& e = t.evidence[i];
      evidence.push_back(json::object{{"index", i},
                                      {"kind", TransferEvidenceKindName(e.kind)},
                                      {"kind_label", TransferEvidenceKindLabel(e.kind)},
                                      {"file_name", e.file_name},
                                      {"content_type", e.content_type},
                                      {"size", e.size},
                                      {"sha256", e.sha256}});
    }
  }
  json::object o{{"id", t.id.value()},
                 {"subject_id", t.subject.value()},
                 {"from_account", t.from_account.value()},
                 {"to_account", t.to_account.value()},
                 {"reason", t.reason},
                 {"state", TransferStateName(t.state)},
                 {"state_label", TransferStateLabel(t.state)},
                 {"created_at", Timestamp(t.created_at)},
                 {"objection_until", Timestamp(t.objection_until)},
                 {"decided_at", OptionalTimestamp(t.decided_at)},
                 {"decision_reason", t.decision_reason},
                 {"revision", t.revision},
                 {"evidence", std::move(evidence)}};
  o["subject_number"] =
      v.subject_number ? json::value(v.subject_number->canonical()) : json::value(nullptr);
  o["decided_by"] = t.decided_by ? json::value(t.decided_by->value()) : json::value(nullptr);
  return o;
}

Response ViewResponse(const TransferView& v, const Caller& caller, int status = 200) {
  Response r = JsonResponse(ToJson(v, caller), status);
  r.Set("ETag", EtagOf(v.record.revision));
  return r;
}

// The body of POST /v1/transfers, strictly: every problem at once, each at its path.
Result<TransferRequest> RequestOf(const Request& request, Date today) {
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  codec::JsonReader r;
  const json::object* o = r.Object(&*body, "", true);
  TransferRequest out;
  if (o == nullptr) {
    if (Result<void> ok = r.Finish(); !ok) return std::unexpected(ok.error());
    return out;
  }
  r.OnlyKeys(*o, "", {"subject_number", "certificate", "reason", "evidence"});
  if (std::optional<std::string> n = r.Text(*o, "subject_number", "subject_number", false);
      n && !n->empty()) {
    Result<FilingNumber> number = FilingNumber::Parse(*n);
    if (!number) {
      r.Problem("subject_number", number.error());
    } else if (number->is_service()) {
      r.Problem("subject_number", "transfer.subject-number",
                "a subject's number (主体备案号), without the website's -N", "请填写主体备案号");
    } else {
      out.subject_number = *number;
    }
  }
  if (const json::object* c = r.Object(o->if_contains("certificate"), "certificate", false)) {
    r.OnlyKeys(*c, "certificate", {"type", "number"});
    std::optional<std::string> type = r.Text(*c, "type", "certificate.type", true);
    std::optional<std::string> number = r.Text(*c, "number", "certificate.number", true);
    std::optional<CertificateType> t = r.Name<CertificateType>(
        type, "certificate.type", "certificate.type",
        type ? CertificateTypeFromName(*type) : std::nullopt, CertificateTypeNames());
    if (t && number) {
      Result<Certificate> cert = Certificate::Parse(*t, *number, today);
      if (!cert) {
        r.Problem("certificate.number", cert.error());
      } else {
        out.certificate = *cert;
      }
    }
  }
  out.reason = r.Text(*o, "reason", "reason", true).value_or("");
  if (const json::array* list = r.Array(*o, "evidence", "evidence")) {
    for (std::size_t i = 0; i < list->size() && i <= kMaxEvidence; ++i) {
      const std::string at = "evidence[" + std::to_string(i) + "]";
      const json::object* e = r.Object(&(*list)[i], at, true);
      if (e == nullptr) continue;
      r.OnlyKeys(*e, at, {"kind", "file_name", "content_base64"});
      TransferEvidenceUpload up;
      up.kind = r.Text(*e, "kind", at + ".kind", true).value_or("");
      up.file_name = r.Text(*e, "file_name", at + ".file_name", true).value_or("");
      const json::value* content = e->if_contains("content_base64");
      if (content == nullptr || !content->is_string()) {
        r.Problem(at + ".content_base64", "request.type", "content_base64 is the file in base64",
                  "content_base64 应为文件的 base64 编码");
      } else {
        const json::string& text = content->get_string();
        std::expected<std::string, Base64Fault> bytes =
            Base64Decode(std::string_view(text.data(), text.size()));
        if (!bytes) {
          const std::string offset = std::to_string(bytes.error().offset);
          r.Problem(at + ".content_base64", "request.base64",
                    "content_base64 is not base64 (RFC 4648, with padding, no line breaks) at "
                    "offset " +
                        offset + ": " + bytes.error().what,
                    "content_base64 不是有效的 base64 编码（第 " + offset + " 个字符处）");
        } else {
          up.bytes = std::move(*bytes);
        }
      }
      out.evidence.push_back(std::move(up));
    }
  }
  if (Result<void> ok = r.Finish(); !ok) return std::unexpected(ok.error());
  return out;
}

// {"reason": "..."} of a decision or an objection.
Result<std::string> ReasonOf(const Request& request) {
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  codec::JsonReader r;
  const json::object* o = r.Object(&*body, "", true);
  std::string reason;
  if (o != nullptr) {
    r.OnlyKeys(*o, "", {"reason"});
    reason = r.Text(*o, "reason", "reason", false).value_or("");
  }
  if (Result<void> ok = r.Finish(); !ok) return std::unexpected(ok.error());
  return reason;
}

// {"confirm": true} for an irreversible act; {} or no body is no confirmation.
Result<bool> ConfirmOf(const Request& request) {
  if (request.body.empty()) return false;
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  codec::JsonReader r;
  const json::object* o = r.Object(&*body, "", true);
  std::optional<bool> confirm;
  if (o != nullptr) {
    r.OnlyKeys(*o, "", {"confirm"});
    confirm = r.Bool(*o, "confirm", "confirm", false);
  }
  if (Result<void> ok = r.Finish(); !ok) return std::unexpected(ok.error());
  return confirm.value_or(false);
}

// The shape of every act on one transfer: id, If-Match, the use case, the view.
template <class F>
Response Act(const Request& request, F&& act) {
  Result<std::int64_t> id = PathNumber(request, "id", true);
  if (!id) return ProblemResponse(request, id.error());
  Result<std::int64_t> revision = IfMatchRevision(request);
  if (!revision) return ErrorAnswer(request, revision.error());
  Result<TransferView> view = act(TransferId(*id), *revision);
  if (!view) return ErrorAnswer(request, view.error());
  return ViewResponse(*view, *request.caller);
}

}  // namespace

Response RequestTransfer(const Request& request, TransferApi& api) {
  auto created = [&](const TransferView& view) {
    Response r = ViewResponse(view, *request.caller, 201);
    r.Set("Location", "/v1/transfers/" + std::to_string(view.record.id.value()));
    return r;
  };
  return Idempotent(request, api.db, api.clock, [&](IdempotencyTicket* ticket) -> Response {
    Result<TransferRequest> asked = RequestOf(request, ChinaDate(api.clock.Now()));
    if (!asked) return ProblemResponse(request, asked.error());
    // The key's answer commits with the request (IdempotencyTicket): a process that dies
    // after the commit leaves a retry the answer, never a second request.
    Result<TransferView> view = api.transfers.Request(
        *request.caller, *asked, [&](UnitOfWork& uow, const TransferView& v) -> Result<void> {
          return ticket == nullptr ? Result<void>{} : ticket->Keep(uow, created(v));
        });
    if (!view) return ErrorAnswer(request, view.error());
    return created(*view);
  });
}

Response ListTransfers(const Request& request, TransferApi& api) {
  std::optional<TransferState> state;
  TransferId after;
  std::size_t limit = kDefaultLimit;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "state") {
      state = TransferStateFromName(value);
      if (!state)
        problems.push_back({"state", "request.state", "unknown state " + Quote(value), "未知状态"});
    } else if (name == "limit") {
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 100) {
        problems.push_back({"limit", "request.limit", "limit is a number from 1 to 100",
                            "limit 应为 1 到 100 的整数"});
      }
    } else if (name == "cursor") {
      Result<std::string> plain = DecodeCursor(value);
      std::int64_t a = 0;
      if (!plain || std::sscanf(plain->c_str(), "t:%ld", &a) != 1 || a < 0) {
        problems.push_back(
            {"cursor", "request.cursor", "cursor is not one this API gave out", "cursor 无效"});
      }
      after = TransferId(a);
    } else {
      problems.push_back({name, "request.unknown-parameter", "unknown query parameter " + name,
                          "未知的查询参数 " + name});
    }
  }
  if (!problems.empty())
    return ProblemResponse(request, InvalidFields(std::move(problems)).error());
  Result<TransferPage> page = api.transfers.List(*request.caller, state, after, limit);
  if (!page) return ErrorAnswer(request, page.error());
  json::array items;
  for (const TransferView& v : page->items) items.push_back(ToJson(v, *request.caller));
  return JsonResponse(json::object{
      {"items", std::move(items)},
      {"next_cursor", page->next
                          ? json::value(EncodeCursor("t:" + std::to_string(page->next->value())))
                          : json::value(nullptr)}});
}

Response GetTransfer(const Request& request, TransferApi& api) {
  Result<std::int64_t> id = PathNumber(request, "id", true);
  if (!id) return ProblemResponse(request, id.error());
  Result<TransferView> view = api.transfers.Get(*request.caller, TransferId(*id));
  if (!view) return ErrorAnswer(request, view.error());
  return ViewResponse(*view, *request.caller);
}

Response GetTransferEvidence(const Request& request, TransferApi& api) {
  Result<std::int64_t> id = PathNumber(request, "id", true);
  if (!id) return ProblemResponse(request, id.error());
  Result<std::int64_t> index = PathNumber(request, "index", false);
  if (!index) return ProblemResponse(request, index.error());
  Result<std::pair<TransferEvidence, std::string>> file =
      api.transfers.Evidence(*request.caller, TransferId(*id), static_cast<std::size_t>(*index));
  if (!file) return ErrorAnswer(request, file.error());
  Response response = TextResponse(std::move(file->second), file->first.content_type);
  // Personal data (an identity document): never cached, always saved rather than shown.
  response.Set("Cache-Control", "private, no-store");
  response.Set("Content-Disposition", Attachment(file->first.file_name));
  response.Set("X-Content-Type-Options", "nosniff");
  response.Set("ETag", "\"" + file->first.sha256 + "\"");
  return response;
}

Response WithdrawTransfer(const Request& request, TransferApi& api) {
  return Act(request, [&](TransferId id, std::int64_t revision) -> Result<TransferView> {
    Result<bool> confirmed = ConfirmOf(request);
    if (!confirmed) return std::unexpected(confirmed.error());
    return api.transfers.Withdraw(*request.caller, id, revision, *confirmed);
  });
}

Response ObjectToTransfer(const Request& request, TransferApi& api) {
  return Act(request, [&](TransferId id, std::int64_t revision) -> Result<TransferView> {
    Result<std::string> reason = ReasonOf(request);
    if (!reason) return std::unexpected(reason.error());
    return api.transfers.Object(*request.caller, id, revision, *reason);
  });
}

Response ApproveTransfer(const Request& request, TransferApi& api) {
  return Act(request, [&](TransferId id, std::int64_t revision) -> Result<TransferView> {
    Result<std::string> reason = ReasonOf(request);
    if (!reason) return std::unexpected(reason.error());
    return api.transfers.Approve(*request.caller, id, revision, *reason);
  });
}

Response RejectTransfer(const Request& request, TransferApi& api) {
  return Act(request, [&](TransferId id, std::int64_t revision) -> Result<TransferView> {
    Result<std::string> reason = ReasonOf(request);
    if (!reason) return std::unexpected(reason.error());
    return api.transfers.Reject(*request.caller, id, revision, *reason);
  });
}

}  // namespace icp::http
