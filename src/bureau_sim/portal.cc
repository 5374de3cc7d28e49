#include "bureau_sim/portal.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <charconv>
#include <limits>
#include <set>
#include <string_view>
#include <vector>

#include "codec/json_reader.h"
#include "http/api_support.h"
#include "http/responses.h"
#include "miit/code_tables.h"

namespace icp::bureau_sim {
namespace {

namespace json = boost::json;

std::int64_t Seconds(Clock& clock) { return clock.Now().time_since_epoch().count(); }

// The body as a JSON object, or the problem that says why not.
Result<json::object> BodyObject(const http::Request& request) {
  Result<json::value> body = http::ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  if (!body->is_object()) {
    return Refusal(ErrorCode::kInvalidArgument, "", "request.json",
                   "the body must be a JSON object", "请求体须为JSON对象");
  }
  return std::move(body->as_object());
}

std::string_view KindName(SmsEntryOutcome::Kind kind) {
  switch (kind) {
    case SmsEntryOutcome::Kind::kVerifiedOthersPending:
      return "verified_others_pending";
    case SmsEntryOutcome::Kind::kAllVerified:
      return "all_verified";
    case SmsEntryOutcome::Kind::kAlreadyVerified:
      return "already_verified";
    case SmsEntryOutcome::Kind::kWrong:
      return "wrong";
    case SmsEntryOutcome::Kind::kFailed:
      return "failed";
  }
  return "wrong";
}

constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>ICP/IP地址/域名信息备案管理系统（模拟）</title>
<style>
body { font-family: sans-serif; max-width: 46em; margin: 2em auto; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; border-bottom: 1px solid #ccc; }
label { display: block; margin: .4em 0; } input { margin-left: .5em; }
.note { color: #a00; font-size: .9em; } output { display: block; margin: .5em 0; color: #036; }
</style>
</head>
<body>
<h1>ICP/IP地址/域名信息备案管理系统（模拟）</h1>
<p class="note">本页面为 Beian 的管局模拟服务（icp-bureau）提供的工信部门户替身，仅用于测试与演示，
不属于《企业系统接口规范（3.0版）》。</p>

<p><a href="/portal/query">公共查询：备案信息查询</a></p>

<section id="sms">
<h2>备案短信核验</h2>
<form id="sms-verify">
<label>手机号码<input name="mobile" inputmode="numeric" maxlength="11" required></label>
<label>短信核验码<input name="code" inputmode="numeric" maxlength="6" required></label>
<label>证件号码后六位<input name="certificate_tail" maxlength="6" required></label>
<button type="submit">提交</button>
</form>
<output id="sms-verify-result"></output>
<h2>短信重发</h2>
<form id="sms-resend">
<label>手机号码<input name="mobile" inputmode="numeric" maxlength="11" required></label>
<button type="submit">重新发送短信核验码</button>
</form>
<output id="sms-resend-result"></output>
</section>

<section id="password">
<h2>找回备案密码</h2>
<form id="password-recover">
<label>备案/许可证号（不含网站序号，如 -1）<input name="number" required></label>
<label>证件类型<select name="certificate_type">
@CERTIFICATE_OPTIONS@</select></label>
<label>证件号码<input name="certificate_number" required></label>
<label>手机号码<input name="mobile" inputmode="numeric" maxlength="11" required></label>
<button type="submit">找回</button>
</form>
<output id="password-recover-result"></output>
</section>

<script>
async function post(path, form, out, show) {
  const body = Object.fromEntries(new FormData(form).entries());
  const r = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                               body: JSON.stringify(body)});
  const data = await r.json();
  if (r.ok) { out.textContent = show(data); return; }
  const v = (data.violations || []).map(x => x.message_zh || x.message).join("；");
  out.textContent = v || data.detail || data.title;
}
document.getElementById("sms-verify").addEventListener("submit", e => {
  e.preventDefault();
  post("/portal/api/sms/verify", e.target, document.getElementById("sms-verify-result"),
       d => d.message_zh);
});
document.getElementById("password-recover").addEventListener("submit", e => {
  e.preventDefault();
  const form = e.target;
  const body = Object.fromEntries(new FormData(form).entries());
  body.certificate_type = Number(body.certificate_type);
  fetch("/portal/api/password/recover", {method: "POST",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
    .then(r => r.json().then(d => ({ok: r.ok, d})))
    .then(({ok, d}) => {
      document.getElementById("password-recover-result").textContent = ok ? d.message_zh :
          ((d.violations || []).map(x => x.message_zh || x.message).join("；") || d.detail);
    });
});
document.getElementById("sms-resend").addEventListener("submit", e => {
  e.preventDefault();
  post("/portal/api/sms/resend", e.target, document.getElementById("sms-resend-result"),
       d => d.message_zh);
});
</script>
</body>
</html>
)html";

}  // namespace

// The page with the certificate types of the code tables (BUREAU-PROTOCOL.md §5.5) as options.
const std::string& Page() {
  static const std::string page = [] {
    std::string options;
    std::set<std::int64_t> seen;
    for (const miit::CodeTables::Row* row : miit::CodeTables::Builtin().Rows("certificate")) {
      if (!seen.insert(row->id).second) continue;
      options += fmt::format("<option value=\"{}\">{}</option>\n", row->id, row->label);
    }
    std::string text(kPage);
    const std::string_view marker = "@CERTIFICATE_OPTIONS@";
    text.replace(text.find(marker), marker.size(), options);
    return text;
  }();
  return page;
}

http::Response PortalPage(const http::Request&) {
  http::Response response = http::TextResponse(Page(), "text/html; charset=utf-8");
  response.Set("Cache-Control", "no-store");
  return response;
}

http::Response VerifySms(const http::Request& request, SmsStore& sms, Clock& clock) {
  Result<json::object> body = BodyObject(request);
  if (!body) return http::ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"mobile", "code", "certificate_tail"});
  std::optional<std::string> mobile = r.Text(*body, "mobile", "mobile", true);
  std::optional<std::string> code = r.Text(*body, "code", "code", true);
  std::optional<std::string> tail = r.Text(*body, "certificate_tail", "certificate_tail", true);
  if (Result<void> ok = r.Finish(); !ok) return http::ProblemResponse(request, ok.error());
  Result<SmsEntryOutcome> outcome = sms.Enter(*mobile, *code, *tail, Seconds(clock));
  if (!outcome) return http::ProblemResponse(request, outcome.error());
  json::object out{{"outcome", KindName(outcome->kind)},
                   {"message", outcome->message},
                   {"message_zh", outcome->message_zh}};
  if (outcome->kind == SmsEntryOutcome::Kind::kWrong)
    out["remaining_attempts"] = outcome->remaining;
  return http::JsonResponse(out);
}

http::Response ResendSms(const http::Request& request, SmsStore& sms, Clock& clock) {
  Result<json::object> body = BodyObject(request);
  if (!body) return http::ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"mobile"});
  std::optional<std::string> mobile = r.Text(*body, "mobile", "mobile", true);
  if (Result<void> ok = r.Finish(); !ok) return http::ProblemResponse(request, ok.error());
  Result<int> sent = sms.Resend(*mobile, Seconds(clock));
  if (!sent) return http::ProblemResponse(request, sent.error());
  return http::JsonResponse(json::object{{"sent", *sent},
                                         {"message", "A new code was sent; the old one is void"},
                                         {"message_zh", "短信核验码已重新发送，原核验码失效"}});
}

http::Response TestMessages(const http::Request& request, SmsStore& sms) {
  const std::map<std::string, std::string> query = http::QueryParameters(request);
  const auto to = query.find("to");
  if (to == query.end() || to->second.empty()) {
    return http::ProblemResponse(
        request, Refusal(ErrorCode::kInvalidArgument, "to", "test.messages.to",
                         "name the mobile or address: ?to=...", "请指定手机号码或邮箱地址")
                     .error());
  }
  Result<std::vector<SinkMessage>> messages = sms.MessagesTo(to->second);
  if (!messages) return http::ProblemResponse(request, messages.error());
  json::array list;
  for (const SinkMessage& m : *messages) {
    list.push_back(json::object{{"id", m.id},
                                {"channel", m.channel},
                                {"to", m.to},
                                {"text", m.text},
                                {"created_at", m.created_at}});
  }
  return http::JsonResponse(json::object{{"messages", std::move(list)}});
}

http::Response TestClock(const http::Request&, OffsetClock& clock) {
  return http::JsonResponse(
      json::object{{"now", Seconds(clock)}, {"offset_seconds", clock.offset_seconds()}});
}

http::Response AdvanceTestClock(const http::Request& request, OffsetClock& clock) {
  Result<json::object> body = BodyObject(request);
  if (!body) return http::ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"advance_seconds"});
  std::optional<std::optional<std::int64_t>> step =
      r.Int(*body, "advance_seconds", "advance_seconds", 0, OffsetClock::kMaxStepSeconds);
  if (step && !step->has_value()) {
    r.Problem("advance_seconds", "request.required", "advance_seconds is required",
              "缺少 advance_seconds");
  }
  if (Result<void> ok = r.Finish(); !ok) return http::ProblemResponse(request, ok.error());
  Result<std::chrono::sys_seconds> now = clock.Advance(**step);
  if (!now) return http::ProblemResponse(request, now.error());
  return TestClock(request, clock);
}

http::Response StartTestSms(const http::Request& request, SmsStore& sms, Clock& clock) {
  Result<json::object> body = BodyObject(request);
  if (!body) return http::ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"filing_id", "recipients"});
  std::optional<std::optional<std::int64_t>> filing_id =
      r.Int(*body, "filing_id", "filing_id", 1, std::numeric_limits<std::int64_t>::max());
  if (filing_id && !filing_id->has_value()) {
    r.Problem("filing_id", "request.required", "filing_id is required", "缺少 filing_id");
  }
  std::vector<SmsRecipient> recipients;
  if (const json::array* list = r.Array(*body, "recipients", "recipients")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = "recipients[" + std::to_string(i) + "]";
      const json::object* o = r.Object(&(*list)[i], at, true);
      if (o == nullptr) continue;
      r.OnlyKeys(*o, at, {"role", "name", "mobile", "certificate_number"});
      SmsRecipient recipient;
      recipient.role = r.Text(*o, "role", at + ".role", false).value_or("");
      recipient.name = r.Text(*o, "name", at + ".name", false).value_or("");
      recipient.mobile = r.Text(*o, "mobile", at + ".mobile", true).value_or("");
      recipient.certificate_number =
          r.Text(*o, "certificate_number", at + ".certificate_number", true).value_or("");
      recipients.push_back(std::move(recipient));
    }
  }
  if (Result<void> ok = r.Finish(); !ok) return http::ProblemResponse(request, ok.error());
  if (Result<void> started = sms.Start(**filing_id, recipients, Seconds(clock)); !started) {
    return http::ProblemResponse(request, started.error());
  }
  return TestSmsState(request, sms, clock, **filing_id);
}

http::Response TestSmsState(const http::Request& request, SmsStore& sms, Clock& clock,
                            std::int64_t filing_id) {
  Result<SmsState> state = sms.StateOf(filing_id, Seconds(clock));
  if (!state) return http::ProblemResponse(request, state.error());
  std::string_view name = "pending";
  if (*state == SmsState::kVerified) name = "verified";
  if (*state == SmsState::kTimedOut) name = "timed_out";
  if (*state == SmsState::kFailed) name = "failed";
  return http::JsonResponse(json::object{{"filing_id", filing_id}, {"state", name}});
}

void AddPortalRoutes(http::Router& router, SmsStore& sms, Clock& clock) {
  router.Add("GET", "/portal/", http::Access::kPublic, &PortalPage);
  router.Add("POST", "/portal/api/sms/verify", http::Access::kPublic,
             [&sms, &clock](const http::Request& r) { return VerifySms(r, sms, clock); });
  router.Add("POST", "/portal/api/sms/resend", http::Access::kPublic,
             [&sms, &clock](const http::Request& r) { return ResendSms(r, sms, clock); });
}

void AddTestHookRoutes(http::Router& router, SmsStore& sms, OffsetClock& clock) {
  router.Add("GET", "/test/messages", http::Access::kPublic,
             [&sms](const http::Request& r) { return TestMessages(r, sms); });
  router.Add("GET", "/test/clock", http::Access::kPublic,
             [&clock](const http::Request& r) { return TestClock(r, clock); });
  router.Add("POST", "/test/clock", http::Access::kPublic,
             [&clock](const http::Request& r) { return AdvanceTestClock(r, clock); });
  router.Add("POST", "/test/sms", http::Access::kPublic,
             [&sms, &clock](const http::Request& r) { return StartTestSms(r, sms, clock); });
  router.Add("GET", "/test/sms/{filing_id}", http::Access::kPublic,
             [&sms, &clock](const http::Request& r) {
               std::int64_t id = 0;
               const std::string_view text = r.param("filing_id");
               const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
               if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
                 return http::ProblemResponse(
                     r, Refusal(ErrorCode::kInvalidArgument, "filing_id", "test.sms.filing_id",
                                "the filing id is a positive number", "备案申请编号须为正整数")
                            .error());
               }
               return TestSmsState(r, sms, clock, id);
             });
}

}  // namespace icp::bureau_sim
