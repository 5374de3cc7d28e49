#include "http/application_handlers.h"

#include <boost/json.hpp>
#include <charconv>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "codec/application_json.h"
#include "codec/json_reader.h"
#include "http/api_support.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace json = boost::json;

std::string Timestamp(std::chrono::sys_seconds t) { return fmt::format("{:%FT%TZ}", t); }

json::value OptionalTimestamp(const std::optional<std::chrono::sys_seconds>& t) {
  return t ? json::value(Timestamp(*t)) : json::value(nullptr);
}

Result<ApplicationId> IdParam(const Request& request) {
  const std::string_view text = request.param("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    // An id that cannot exist is as missing as one that does not.
    Error e{ErrorCode::kNotFound, "no application " + std::string(text), {}};
    e.violations.push_back({"id", "application.not-found", e.message, "申请不存在"});
    return std::unexpected(std::move(e));
  }
  return ApplicationId(id);
}

json::object NoteToJson(const ReviewNote& n) {
  json::object o{{"kind", ReviewNoteKindName(n.kind)},
                 {"round", n.round},
                 {"field", n.field},
                 {"rule", n.rule},
                 {"message", n.message},
                 {"suggestion", n.suggestion},
                 {"at", Timestamp(n.at)}};
  o["outcome"] = n.contact
                     ? json::value(*n.contact == ContactOutcome::kReached ? "reached" : "missed")
                     : json::value(nullptr);
  o["author"] = n.author ? json::value(n.author->value()) : json::value(nullptr);
  return o;
}

json::object SummaryToJson(const ApplicationRecord& r) {
  const ApplicationLifecycle& l = r.lifecycle;
  json::object o{{"id", r.id.value()},
                 {"account", r.account.value()},
                 {"type", ApplicationTypeName(l.type())},
                 {"type_label", ApplicationTypeLabel(l.type())},
                 {"state", ApplicationStateName(l.state())},
                 {"state_label", ApplicationStateLabel(l.state())},
                 {"province", r.application.subject.province.code()},
                 {"subject_name", r.application.subject.name},
                 {"revision", r.revision},
                 {"created_at", Timestamp(r.created_at)},
                 {"updated_at", Timestamp(r.updated_at)}};
  if (const std::optional<Deadline>& d = l.deadline()) {
    json::object deadline{{"kind", DeadlineKindName(d->kind)},
                          {"due", Timestamp(d->due)},
                          {"provisional", d->provisional}};
    deadline["on_expiry"] =
        d->on_expiry ? json::value(ApplicationEventName(*d->on_expiry)) : json::value(nullptr);
    o["deadline"] = std::move(deadline);
  } else {
    o["deadline"] = nullptr;
  }
  o["next_call_at"] = OptionalTimestamp(l.next_call_at());
  o["missed_calls"] = l.missed_calls();
  return o;
}

json::object ViewToJson(const ApplicationView& v, const Caller& caller) {
  json::object o = SummaryToJson(v.record);
  o["round"] = v.round;
  o["subject_id"] =
      v.record.subject ? json::value(v.record.subject->value()) : json::value(nullptr);
  const Disclosure disclosure = DisclosureFor(caller.role, caller.account == v.record.account);
  o["document"] = codec::ApplicationToJson(v.record.application, disclosure);
  json::array history;
  for (const TransitionRecord& t : v.record.lifecycle.history()) {
    history.push_back(json::object{{"from", ApplicationStateName(t.from)},
                                   {"event", ApplicationEventName(t.event)},
                                   {"to", ApplicationStateName(t.to)},
                                   {"at", Timestamp(t.at)}});
  }
  o["history"] = std::move(history);
  // What the customer fixes now: the reasons of the latest return, field by field.
  json::array feedback;
  int latest = 0;
  for (const ReviewNote& n : v.notes) {
    if (n.kind == ReviewNoteKind::kReturnReason) latest = std::max(latest, n.round);
  }
  const bool returned = v.record.lifecycle.state() == ApplicationState::kProviderReturned ||
                        v.record.lifecycle.state() == ApplicationState::kBureauReturned;
  json::array notes;
  for (const ReviewNote& n : v.notes) {
    notes.push_back(NoteToJson(n));
    if (returned && n.kind == ReviewNoteKind::kReturnReason && n.round == latest) {
      feedback.push_back(
          json::object{{"field", n.field}, {"message", n.message}, {"suggestion", n.suggestion}});
    }
  }
  // The bureau's reasons (docs/bureau-protocol.md "The gateway"): those of the latest return
  // are what the customer fixes now; a conflict is settled offline, not by editing.
  json::array bureau;
  for (const BureauReason& r : v.bureau_reasons) {
    json::object reason{{"field", r.field},
                        {"code", r.code},
                        {"message", r.message},
                        {"conflict", r.conflict},
                        {"at", Timestamp(r.at)}};
    bureau.push_back(reason);
    if (v.record.lifecycle.state() == ApplicationState::kBureauReturned &&
        r.at == v.record.lifecycle.entered_state_at()) {
      feedback.push_back(json::object{
          {"field", r.field},
          {"message", r.message},
          {"suggestion", r.conflict ? "与已备案信息冲突，需先线下处理：联系原接入商取消接入、"
                                      "注销原备案或办理备案转移后再提交"
                                    : ""}});
    }
  }
  o["feedback"] = std::move(feedback);
  o["notes"] = std::move(notes);
  o["bureau_reasons"] = std::move(bureau);
  return o;
}

// The materials checklist (the type check's and GET /v1/applications/{id}'s).
json::array MaterialsToJson(const std::vector<MaterialRequirement>& list) {
  json::array materials;
  for (const MaterialRequirement& m : list) {
    materials.push_back(json::object{{"kind", MaterialKindName(m.kind)},
                                     {"label", MaterialKindLabel(m.kind)},
                                     {"owner", m.owner},
                                     {"condition", m.condition},
                                     {"rule", m.rule},
                                     {"severity", SeverityName(m.severity)}});
  }
  return materials;
}

Response ViewResponse(const ApplicationView& v, const Caller& caller, int status = 200) {
  Response r = JsonResponse(ViewToJson(v, caller), status);
  r.Set("ETag", EtagOf(v.record.revision));
  return r;
}

// The application document of the request body (docs/application-json.md), strict.
Result<Application> DocumentOf(const Request& request, ApplicationApi& api) {
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  return codec::ApplicationFromJson(*body, ChinaDate(api.clock.Now()));
}

// {"confirm": true} or {} for an irreversible act.
Result<bool> ConfirmOf(const Request& request) {
  if (request.body.empty()) return false;
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  codec::JsonReader reader;
  const json::object* o = reader.Object(&*body, "", true);
  std::optional<bool> confirm;
  if (o != nullptr) {
    reader.OnlyKeys(*o, "", {"confirm"});
    confirm = reader.Bool(*o, "confirm", "confirm", false);
  }
  if (Result<void> ok = reader.Finish(); !ok) return std::unexpected(ok.error());
  return confirm.value_or(false);
}

// {"filing_password": "..."} or {} / no body: the submit of a filing that needs the filing
// password (app/application_service.h NeedsFilingPassword) carries it.
Result<std::optional<std::string>> FilingPasswordOf(const Request& request) {
  if (request.body.empty()) return std::optional<std::string>();
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  codec::JsonReader reader;
  const json::object* o = reader.Object(&*body, "", true);
  std::optional<std::string> password;
  if (o != nullptr) {
    reader.OnlyKeys(*o, "", {"filing_password"});
    password = reader.Text(*o, "filing_password", "filing_password", false);
  }
  if (Result<void> ok = reader.Finish(); !ok) return std::unexpected(ok.error());
  return password;
}

// Filters of a list from the query string; every bad parameter named at once.
Result<ApplicationQuery> QueryOf(const Request& request, bool by_due) {
  ApplicationQuery q;
  q.limit = 20;
  std::vector<FieldViolation> problems;
  for (const auto& [name, value] : QueryParameters(request)) {
    if (name == "state") {
      std::optional<ApplicationState> s = ApplicationStateFromName(value);
      if (!s) {
        problems.push_back({"state", "request.state", "unknown state " + value, "未知状态"});
      } else {
        q.states.push_back(*s);
      }
    } else if (name == "province") {
      Result<Province> p = Province::FromCode(value);
      if (!p) problems.push_back({"province", "request.province", "unknown province", "未知省份"});
      if (p) q.province = *p;
    } else if (name == "type") {
      q.type = ApplicationTypeFromName(value);
      if (!q.type) problems.push_back({"type", "request.type", "unknown type", "未知申请类型"});
    } else if (name == "limit") {
      std::size_t limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 100) {
        problems.push_back({"limit", "request.limit", "limit is a number from 1 to 100",
                            "limit 应为 1 到 100 的整数"});
      }
      q.limit = limit;
    } else if (name == "due_before" && by_due) {
      std::int64_t t = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
      if (ec != std::errc() || end != value.data() + value.size()) {
        problems.push_back({"due_before", "request.due-before",
                            "due_before is a Unix time in seconds", "due_before 应为 Unix 秒数"});
      }
      q.due_before = std::chrono::sys_seconds(std::chrono::seconds(t));
    } else if (name == "cursor") {
      Result<std::string> plain = DecodeCursor(value);
      std::int64_t a = 0;
      std::int64_t b = 0;
      const bool parsed = plain && (by_due ? std::sscanf(plain->c_str(), "q:%ld:%ld", &a, &b) == 2
                                           : std::sscanf(plain->c_str(), "a:%ld", &a) == 1);
      if (!parsed) {
        problems.push_back(
            {"cursor", "request.cursor", "cursor is not one this API gave out", "cursor 无效"});
      } else if (by_due) {
        q.by_due_after =
            DueCursor{std::chrono::sys_seconds(std::chrono::seconds(a)), ApplicationId(b)};
      } else {
        q.after = ApplicationId(a);
      }
    } else {
      problems.push_back({name, "request.unknown-parameter", "unknown query parameter " + name,
                          "未知的查询参数 " + name});
    }
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));
  return q;
}

template <class T, class C, class F>
json::object PageToJson(const Page<T, C>& page, std::string next_cursor, F&& item) {
  json::array items;
  for (const T& t : page.items) items.push_back(item(t));
  return json::object{
      {"items", std::move(items)},
      {"next_cursor", page.next ? json::value(EncodeCursor(next_cursor)) : json::value(nullptr)}};
}

// The shape of every act on one application: id, If-Match, the use case, the view.
template <class F>
Response Act(const Request& request, F&& act) {
  Result<ApplicationId> id = IdParam(request);
  if (!id) return ProblemResponse(request, id.error());
  Result<std::int64_t> revision = IfMatchRevision(request);
  if (!revision) return ErrorAnswer(request, revision.error());
  Result<ApplicationView> view = act(*id, *revision);
  if (!view) return ErrorAnswer(request, view.error());
  return ViewResponse(*view, *request.caller);
}

json::object RegistryStatusToJson(const RegistryStatus& s) {
  json::object o{{"filed", s.filed}};
  if (!s.filed) return o;
  o["subject_number"] = s.subject_number;
  if (!s.website_number.empty()) {
    o["website_name"] = s.website_name;
    o["website_number"] = s.website_number;
  }
  return o;
}

// What the bureau's registry said, for the type check's answer (docs/api.md "Type check").
json::object BureauViewToJson(const BureauView& b) {
  json::object o{{"asked", BureauAskedName(b.asked)}};
  if (b.asked == BureauAsked::kUnavailable) {
    o["message"] = b.message;
    o["message_zh"] = "无法向管局查询，已按本平台记录判断";
  }
  o["subject"] = b.subject ? json::value(RegistryStatusToJson(*b.subject)) : json::value(nullptr);
  json::array domains;
  for (const DomainRegistryStatus& d : b.domains) {
    json::object one = RegistryStatusToJson(d.status);
    one["field"] = d.field;
    one["domain"] = d.domain.ascii();
    domains.push_back(std::move(one));
  }
  o["domains"] = std::move(domains);
  return o;
}

}  // namespace

Response CheckType(const Request& request, ApplicationApi& api) {
  Result<Application> doc = DocumentOf(request, api);
  if (!doc) return ProblemResponse(request, doc.error());
  Result<TypeCheck> check = api.applications.CheckType(*request.caller, *doc);
  if (!check) return ErrorAnswer(request, check.error());
  json::object o;
  o["type"] = check->type ? json::value(ApplicationTypeName(*check->type)) : json::value(nullptr);
  o["type_label"] =
      check->type ? json::value(ApplicationTypeLabel(*check->type)) : json::value(nullptr);
  o["subject_id"] = check->subject ? json::value(check->subject->value()) : json::value(nullptr);
  json::array conflicts;
  for (const FieldViolation& v : check->conflicts) {
    conflicts.push_back(json::object{{"field", v.field},
                                     {"rule", v.rule},
                                     {"message", v.message},
                                     {"message_zh", v.message_zh}});
  }
  o["conflicts"] = std::move(conflicts);
  o["materials"] = MaterialsToJson(check->materials);
  o["bureau"] = BureauViewToJson(check->bureau);
  return JsonResponse(o);
}

// A create keeps its key's answer with the application (IdempotencyTicket), so taking over a
// reservation whose request still runs is harmless (one of the two commits, the other gets its
// answer): a retry after a crash waits this long, not a minute.
constexpr std::chrono::seconds kCreateTakeOverAfter{10};

Response CreateApplication(const Request& request, ApplicationApi& api) {
  auto created = [&](const ApplicationView& view) {
    Response r = ViewResponse(view, *request.caller, 201);
    r.Set("Location", "/v1/applications/" + std::to_string(view.record.id.value()));
    return r;
  };
  return Idempotent(
      request, api.db, api.clock,
      [&](IdempotencyTicket* ticket) -> Response {
        Result<Application> doc = DocumentOf(request, api);
        if (!doc) return ProblemResponse(request, doc.error());
        // The key's answer commits with the application (IdempotencyTicket).
        Result<ApplicationView> view = api.applications.Create(
            *request.caller, std::move(*doc),
            [&](UnitOfWork& uow, const ApplicationView& v) -> Result<void> {
              return ticket == nullptr ? Result<void>{} : ticket->Keep(uow, created(v));
            });
        if (!view) return ErrorAnswer(request, view.error());
        return created(*view);
      },
      kCreateTakeOverAfter);
}

Response ListApplications(const Request& request, ApplicationApi& api) {
  Result<ApplicationQuery> q = QueryOf(request, false);
  if (!q) return ProblemResponse(request, q.error());
  Result<Page<ApplicationRecord, ApplicationId>> page =
      api.applications.List(*request.caller, std::move(*q));
  if (!page) return ErrorAnswer(request, page.error());
  const std::string next = page->next ? "a:" + std::to_string(page->next->value()) : "";
  return JsonResponse(PageToJson(*page, next, SummaryToJson));
}

Response GetApplication(const Request& request, ApplicationApi& api) {
  Result<ApplicationId> id = IdParam(request);
  if (!id) return ProblemResponse(request, id.error());
  Result<ApplicationView> view = api.applications.Get(*request.caller, *id);
  if (!view) return ErrorAnswer(request, view.error());
  json::object o = ViewToJson(*view, *request.caller);
  o["materials"] = MaterialsToJson(view->materials);
  Response r = JsonResponse(o);
  r.Set("ETag", EtagOf(view->record.revision));
  return r;
}

Response EditApplication(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) -> Result<ApplicationView> {
    Result<Application> doc = DocumentOf(request, api);
    if (!doc) return std::unexpected(doc.error());
    return api.applications.Edit(*request.caller, id, revision, std::move(*doc));
  });
}

Response SubmitApplication(const Request& request, ApplicationApi& api) {
  Result<ApplicationId> id = IdParam(request);
  if (!id) return ProblemResponse(request, id.error());
  Result<std::int64_t> revision = IfMatchRevision(request);
  if (!revision) return ErrorAnswer(request, revision.error());
  Result<std::optional<std::string>> password = FilingPasswordOf(request);
  if (!password) return ProblemResponse(request, password.error());
  Result<Submission> done =
      api.applications.Submit(*request.caller, *id, *revision, std::move(*password));
  if (!done) return ErrorAnswer(request, done.error());
  json::object o = ViewToJson(done->view, *request.caller);
  o["warnings"] = codec::ViolationsToJson(done->warnings);
  Response r = JsonResponse(o);
  r.Set("ETag", EtagOf(done->view.record.revision));
  return r;
}

Response WithdrawApplication(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) -> Result<ApplicationView> {
    Result<bool> confirm = ConfirmOf(request);
    if (!confirm) return std::unexpected(confirm.error());
    return api.applications.Withdraw(*request.caller, id, revision, *confirm);
  });
}

Response AbandonApplication(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) -> Result<ApplicationView> {
    Result<bool> confirm = ConfirmOf(request);
    if (!confirm) return std::unexpected(confirm.error());
    return api.applications.Abandon(*request.caller, id, revision, *confirm);
  });
}

Response ReviewQueue(const Request& request, ApplicationApi& api) {
  Result<ApplicationQuery> q = QueryOf(request, true);
  if (!q) return ProblemResponse(request, q.error());
  Result<Page<ApplicationRecord, DueCursor>> page =
      api.reviews.Queue(*request.caller, std::move(*q));
  if (!page) return ErrorAnswer(request, page.error());
  const std::string next = page->next
                               ? fmt::format("q:{}:{}", page->next->due.time_since_epoch().count(),
                                             page->next->id.value())
                               : "";
  return JsonResponse(PageToJson(*page, next, SummaryToJson));
}

Response ClaimApplication(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) {
    return api.reviews.Claim(*request.caller, id, revision);
  });
}

Response RecordContact(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) -> Result<ApplicationView> {
    Result<json::value> body = ParseJsonBody(request);
    if (!body) return std::unexpected(body.error());
    codec::JsonReader reader;
    const json::object* o = reader.Object(&*body, "", true);
    std::optional<ContactOutcome> outcome;
    if (o != nullptr) {
      reader.OnlyKeys(*o, "", {"outcome"});
      std::optional<std::string> text = reader.Text(*o, "outcome", "outcome", true);
      std::optional<ContactOutcome> found;
      if (text == "reached") found = ContactOutcome::kReached;
      if (text == "missed") found = ContactOutcome::kMissed;
      outcome = reader.Name(text, "outcome", "review.outcome", found, {"reached", "missed"});
    }
    if (Result<void> ok = reader.Finish(); !ok) return std::unexpected(ok.error());
    return api.reviews.RecordContact(*request.caller, id, revision, *outcome);
  });
}

Response ReturnApplication(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) -> Result<ApplicationView> {
    Result<json::value> body = ParseJsonBody(request);
    if (!body) return std::unexpected(body.error());
    codec::JsonReader reader;
    std::vector<ReturnReason> reasons;
    if (const json::object* o = reader.Object(&*body, "", true)) {
      reader.OnlyKeys(*o, "", {"reasons"});
      const json::array* list = reader.Array(*o, "reasons", "reasons");
      for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
        const std::string at = "reasons[" + std::to_string(i) + "]";
        const json::object* r = reader.Object(&(*list)[i], at, true);
        if (r == nullptr) continue;
        reader.OnlyKeys(*r, at, {"field", "message", "suggestion"});
        reasons.push_back({reader.Text(*r, "field", at + ".field", true).value_or(""),
                           reader.Text(*r, "message", at + ".message", true).value_or(""),
                           reader.Text(*r, "suggestion", at + ".suggestion", false).value_or("")});
      }
    }
    if (Result<void> ok = reader.Finish(); !ok) return std::unexpected(ok.error());
    return api.reviews.Return(*request.caller, id, revision, reasons);
  });
}

Response PassApplication(const Request& request, ApplicationApi& api) {
  return Act(request, [&](ApplicationId id, std::int64_t revision) {
    return api.reviews.Pass(*request.caller, id, revision);
  });
}

}  // namespace icp::http
