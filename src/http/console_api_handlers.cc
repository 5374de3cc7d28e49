#include "http/console_api_handlers.h"

#include <boost/json.hpp>

#include <charconv>
#include <cstdio>
#include <map>
#include <string>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "base/date.h"
#include "domain/certificate.h"
#include "http/api_support.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace json = boost::json;

std::string Timestamp(std::chrono::sys_seconds t) { return fmt::format("{:%FT%TZ}", t); }

FieldViolation UnknownParameter(const std::string& name) {
  return {name, "request.unknown-parameter", "unknown query parameter " + name,
          "未知的查询参数 " + name};
}

// A limit from 1 to `max`, or a violation at "limit".
std::optional<FieldViolation> ParseLimit(const std::string& value, std::size_t max,
                                         std::size_t& out) {
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
  if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > max) {
    return FieldViolation{"limit", "request.limit",
                          "limit is a number from 1 to " + std::to_string(max),
                          "limit 应为 1 到 " + std::to_string(max) + " 的整数"};
  }
  out = limit;
  return std::nullopt;
}

// A cursor this API wrote as "<tag>:<n>" with n >= 0, or a violation at "cursor".
std::optional<FieldViolation> ParseCursor(const std::string& value, char tag, std::int64_t& out) {
  Result<std::string> plain = DecodeCursor(value);
  std::int64_t n = -1;
  if (plain && plain->size() > 2 && (*plain)[0] == tag && (*plain)[1] == ':') {
    const char* begin = plain->data() + 2;
    const char* stop = plain->data() + plain->size();
    const auto [end, ec] = std::from_chars(begin, stop, n);
    if (ec != std::errc() || end != stop) n = -1;
  }
  if (n < 0) {
    return FieldViolation{"cursor", "request.cursor", "cursor is not one this API gave out",
                          "cursor 无效，请使用上一页返回的 next_cursor"};
  }
  out = n;
  return std::nullopt;
}

// A route that takes no query parameters: the first one given is refused.
Result<void> NoParameters(const Request& request) {
  const std::map<std::string, std::string> params = QueryParameters(request);
  if (params.empty()) return {};
  return InvalidFields({UnknownParameter(params.begin()->first)});
}

json::value Cursor(char tag, std::optional<std::int64_t> next) {
  if (!next) return nullptr;
  return json::value(EncodeCursor(std::string(1, tag) + ":" + std::to_string(*next)));
}

json::object PublicRecordJson(const PublicRecord& r) {
  json::array domains;
  for (const DomainName& d : r.domains) domains.push_back(json::value(d.unicode()));
  return json::object{{"subject_number", r.subject_number.str()},
                      {"subject_name", r.subject_name},
                      {"subject_type", SubjectTypeName(r.subject_type)},
                      {"province", r.province.code()},
                      {"website_number", r.website_number.str()},
                      {"website_name", r.website_name},
                      {"domains", std::move(domains)},
                      {"home_url", r.home_url}};
}

json::object AuditEntryJson(const StoredAuditEntry& e) {
  return json::object{{"seq", e.seq},
                      {"at", Timestamp(e.entry.at)},
                      {"actor", e.entry.actor},
                      {"action", e.entry.action},
                      {"entity", e.entry.entity},
                      {"details", e.entry.details},
                      {"hash", e.hash}};
}

json::object OutboxEntryJson(const OutboxEntry& e) {
  json::object o{{"id", e.id.value()},
                 {"topic", e.message.topic},
                 {"idempotency_key", e.message.idempotency_key},
                 {"state", OutboxStateName(e.state)},
                 {"attempts", e.attempts},
                 {"available_at", Timestamp(e.message.available_at)},
                 {"last_error", e.last_error}};
  o["finished_at"] = e.finished_at ? json::value(Timestamp(*e.finished_at)) : json::value(nullptr);
  return o;
}

std::string_view ApplicabilityText(const Applicability& a) {
  if (!a.individual) return "all";
  return *a.individual ? "individual" : "unit";
}

json::object RulesSummaryJson(const ProvinceRules& r) {
  return json::object{{"province", r.province.code()},
                      {"name", r.province.short_name()},
                      {"version", r.version},
                      {"check_count", r.checks.size()}};
}

json::object ProvinceRulesJson(const ProvinceRules& r) {
  json::object o = RulesSummaryJson(r);
  json::array checks;
  for (const Check& c : r.checks) {
    json::array types;
    for (ApplicationType t : c.when.application_types)
      types.push_back(json::value(ApplicationTypeName(t)));
    json::object one{{"id", c.id},
                     {"kind", CheckKindName(c.params)},
                     {"severity", SeverityName(c.severity)},
                     {"subject", ApplicabilityText(c.when)},
                     {"application_types", std::move(types)},
                     {"source", c.source},
                     {"replaces", c.replaces},
                     {"message_zh", c.message_zh}};
    one["effective_from"] =
        c.effective_from ? json::value(FormatIsoDate(*c.effective_from)) : json::value(nullptr);
    checks.push_back(std::move(one));
  }
  o["checks"] = std::move(checks);
  const RuleParameters& p = r.parameters;
  o["parameters"] =
      json::object{{"provider_review_working_days", p.provider_review_working_days},
                   {"bureau_review_working_days", p.bureau_review_working_days},
                   {"customer_window_days", p.customer_window_days},
                   {"sms_window_hours", p.sms_window_hours},
                   {"contact_retry_minutes", p.contact_retry_minutes},
                   {"authorization_codes_per_server", p.authorization_codes_per_server}};
  return o;
}

json::object NotificationJson(const StoredNotification& n) {
  json::object o{{"id", n.id.value()},
                 {"template", n.template_id},
                 {"title", n.title},
                 {"body", n.body},
                 {"created_at", Timestamp(n.created_at)}};
  o["application_id"] = n.application ? json::value(n.application->value()) : json::value(nullptr);
  o["read_at"] = n.read_at ? json::value(Timestamp(*n.read_at)) : json::value(nullptr);
  return o;
}

}  // namespace

Response QueryPublicRecords(const Request& request, PublicRecordService& service) {
  PublicRecordQuery q;
  std::vector<FieldViolation> problems;
  int given = 0;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "domain" || name == "number" || name == "unit_name") {
      ++given;
      q.by = name == "domain"   ? PublicQueryBy::kDomain
             : name == "number" ? PublicQueryBy::kNumber
                                : PublicQueryBy::kUnitName;
      q.value = value;
    } else if (name == "limit") {
      if (auto v = ParseLimit(value, kMaxPublicPage, q.limit)) problems.push_back(*v);
    } else if (name == "cursor") {
      std::int64_t after = 0;
      if (auto v = ParseCursor(value, 'p', after)) {
        problems.push_back(*v);
      } else {
        q.after = SubjectId(after);
      }
    } else {
      problems.push_back(UnknownParameter(name));
    }
  }
  if (given != 1) {
    problems.insert(problems.begin(),
                    FieldViolation{"", "public-query.one-key",
                                   "give exactly one of domain, number and unit_name",
                                   "请只填写域名、备案号、单位名称中的一项"});
  }
  if (!problems.empty())
    return ProblemResponse(request, InvalidFields(std::move(problems)).error());
  Result<PublicRecordPage> page = service.Query(q);
  if (!page) return ProblemResponse(request, page.error());
  json::array items;
  for (const PublicRecord& r : page->items) items.push_back(PublicRecordJson(r));
  std::optional<std::int64_t> next;
  if (page->next) next = page->next->value();
  Response response = JsonResponse(json::object{{"by", PublicQueryByName(q.by)},
                                                {"items", std::move(items)},
                                                {"next_cursor", Cursor('p', next)}});
  // What is filed is public and changes only with filings: an edge may keep an answer.
  response.Set("Cache-Control", "public, max-age=60");
  return response;
}

Response ListAudit(const Request& request, OperatorApi& api) {
  std::int64_t after = 0;
  std::size_t limit = 50;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "limit") {
      if (auto v = ParseLimit(value, kMaxOperatorPage, limit)) problems.push_back(*v);
    } else if (name == "cursor") {
      if (auto v = ParseCursor(value, 'u', after)) problems.push_back(*v);
    } else {
      problems.push_back(UnknownParameter(name));
    }
  }
  if (!problems.empty())
    return ProblemResponse(request, InvalidFields(std::move(problems)).error());
  Result<AuditPage> page = api.operators.ReadAudit(*request.caller, after, limit);
  if (!page) return ProblemResponse(request, page.error());
  json::array items;
  for (const StoredAuditEntry& e : page->entries) items.push_back(AuditEntryJson(e));
  return JsonResponse(
      json::object{{"items", std::move(items)}, {"next_cursor", Cursor('u', page->next)}});
}

Response VerifyAudit(const Request& request, OperatorApi& api) {
  if (Result<void> none = NoParameters(request); !none) {
    return ProblemResponse(request, none.error());
  }
  Result<AuditVerification> v = api.operators.VerifyAudit(*request.caller);
  if (!v) return ProblemResponse(request, v.error());
  json::object o{{"intact", v->ok()},
                 {"entries", v->entries},
                 {"reason", v->reason},
                 {"head_hash", v->head_hash}};
  o["first_broken"] = v->first_broken ? json::value(*v->first_broken) : json::value(nullptr);
  return JsonResponse(o);
}

Response ListOutbox(const Request& request, OperatorApi& api) {
  bool dead_only = true;
  std::int64_t after = 0;
  std::size_t limit = 50;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "state") {
      if (value == "dead") {
        dead_only = true;
      } else if (value == "undelivered") {
        dead_only = false;
      } else {
        problems.push_back({"state", "request.outbox-state", "state is dead or undelivered",
                            "state 应为 dead 或 undelivered"});
      }
    } else if (name == "limit") {
      if (auto v = ParseLimit(value, kMaxOperatorPage, limit)) problems.push_back(*v);
    } else if (name == "cursor") {
      if (auto v = ParseCursor(value, 'o', after)) problems.push_back(*v);
    } else {
      problems.push_back(UnknownParameter(name));
    }
  }
  if (!problems.empty())
    return ProblemResponse(request, InvalidFields(std::move(problems)).error());
  Result<OutboxPage> page =
      api.operators.ListOutbox(*request.caller, dead_only, OutboxMessageId(after), limit);
  if (!page) return ProblemResponse(request, page.error());
  json::array items;
  for (const OutboxEntry& e : page->entries) items.push_back(OutboxEntryJson(e));
  std::optional<std::int64_t> next;
  if (page->next) next = page->next->value();
  return JsonResponse(json::object{{"items", std::move(items)},
                                   {"next_cursor", Cursor('o', next)},
                                   {"counts", json::object{{"pending", page->stats.pending},
                                                           {"delivered", page->stats.delivered},
                                                           {"dead", page->stats.dead}}}});
}

Response RetryOutboxMessage(const Request& request, OperatorApi& api) {
  const std::string_view text = request.param("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return ProblemResponse(request, Refusal(ErrorCode::kNotFound, "id", "outbox.not-found",
                                            "no outbox message " + std::string(text), "没有该消息")
                                        .error());
  }
  if (Result<void> r = api.operators.RetryDeadLetter(*request.caller, OutboxMessageId(id)); !r) {
    return ProblemResponse(request, r.error());
  }
  return JsonResponse(json::object{{"id", id}, {"state", "pending"}});
}

Response ListRules(const Request& request, OperatorApi& api) {
  if (Result<void> none = NoParameters(request); !none) {
    return ProblemResponse(request, none.error());
  }
  Result<std::vector<ProvinceRules>> all = api.operators.AllRules(*request.caller);
  if (!all) return ProblemResponse(request, all.error());
  Result<std::vector<ReferenceFile>> reference = api.operators.ReferenceData(*request.caller);
  if (!reference) return ProblemResponse(request, reference.error());
  json::array provinces;
  for (const ProvinceRules& r : *all) provinces.push_back(RulesSummaryJson(r));
  json::array files;
  for (const ReferenceFile& f : *reference) {
    files.push_back(json::object{{"file", f.file},
                                 {"what", f.what},
                                 {"source", f.source},
                                 {"version", f.version},
                                 {"bytes", f.bytes}});
  }
  return JsonResponse(
      json::object{{"provinces", std::move(provinces)}, {"reference", std::move(files)}});
}

Response GetProvinceRules(const Request& request, OperatorApi& api) {
  if (Result<void> none = NoParameters(request); !none) {
    return ProblemResponse(request, none.error());
  }
  Result<Province> province = Province::FromCode(request.param("province"));
  if (!province) {
    return ProblemResponse(
        request, Refusal(ErrorCode::kNotFound, "province", "province.code",
                         "no province " + std::string(request.param("province")), "没有该省份")
                     .error());
  }
  Result<ProvinceRules> rules = api.operators.RulesInForce(*request.caller, *province);
  if (!rules) return ProblemResponse(request, rules.error());
  return JsonResponse(ProvinceRulesJson(*rules));
}

Response ListNotifications(const Request& request, NotificationService& service) {
  std::optional<NotificationId> before;
  std::size_t limit = 20;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "limit") {
      if (auto v = ParseLimit(value, kMaxNotificationPage, limit)) problems.push_back(*v);
    } else if (name == "cursor") {
      std::int64_t below = 0;
      if (auto v = ParseCursor(value, 'n', below)) {
        problems.push_back(*v);
      } else {
        before = NotificationId(below);
      }
    } else {
      problems.push_back(UnknownParameter(name));
    }
  }
  if (!problems.empty())
    return ProblemResponse(request, InvalidFields(std::move(problems)).error());
  Result<NotificationPage> page = service.List(*request.caller, before, limit);
  if (!page) return ProblemResponse(request, page.error());
  json::array items;
  for (const StoredNotification& n : page->items) items.push_back(NotificationJson(n));
  std::optional<std::int64_t> next;
  if (page->next) next = page->next->value();
  return JsonResponse(
      json::object{{"items", std::move(items)}, {"next_cursor", Cursor('n', next)}});
}

Response CountUnreadNotifications(const Request& request, NotificationService& service) {
  if (Result<void> none = NoParameters(request); !none) {
    return ProblemResponse(request, none.error());
  }
  Result<std::int64_t> unread = service.UnreadCount(*request.caller);
  if (!unread) return ProblemResponse(request, unread.error());
  return JsonResponse(json::object{{"unread", *unread}});
}

Response MarkNotificationRead(const Request& request, NotificationService& service) {
  if (Result<void> none = NoParameters(request); !none) {
    return ProblemResponse(request, none.error());
  }
  const std::string_view text = request.param("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return ProblemResponse(request, Refusal(ErrorCode::kNotFound, "id", "notification.not-found",
                                            "no notification " + std::string(text), "没有该消息")
                                        .error());
  }
  Result<StoredNotification> n = service.MarkRead(*request.caller, NotificationId(id));
  if (!n) return ProblemResponse(request, n.error());
  return JsonResponse(NotificationJson(*n));
}

Response MarkAllNotificationsRead(const Request& request, NotificationService& service) {
  if (Result<void> none = NoParameters(request); !none) {
    return ProblemResponse(request, none.error());
  }
  Result<std::int64_t> marked = service.MarkAllRead(*request.caller);
  if (!marked) return ProblemResponse(request, marked.error());
  return JsonResponse(json::object{{"marked", *marked}});
}

}  // namespace icp::http
