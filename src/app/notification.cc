// The notification contract: the outbox payload and the templates table. Boost.JSON is used
// here and in no other file of app/ (tools/check_layers.py): a payload and the templates file
// are JSON, and nothing else in the use cases is.
#include "app/notification.h"

#include <algorithm>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "base/strings.h"

namespace icp::embedded {
std::string_view notification_templates();  // data/notifications/templates.json
}  // namespace icp::embedded

namespace icp {
namespace {

namespace json = boost::json;

constexpr std::string_view kPlaceholderRule = "notification.placeholder";

FieldViolation Violation(std::string field, std::string_view rule, std::string message) {
  return {std::move(field), std::string(rule), std::move(message), {}};
}

// The placeholder names in `text`, in order; a brace that does not open or close a
// placeholder of [a-z_] is a violation at `field`.
std::vector<std::string> Placeholders(std::string_view text, const std::string& field,
                                      std::vector<FieldViolation>& out) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') {
      out.push_back(Violation(field, kPlaceholderRule, "a '}' closes no placeholder"));
      return names;
    }
    if (text[i] != '{') continue;
    const std::size_t close = text.find('}', i + 1);
    const std::string_view name =
        close == std::string_view::npos ? std::string_view() : text.substr(i + 1, close - i - 1);
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != name.npos) {
      out.push_back(Violation(field, kPlaceholderRule,
                              "a '{' opens no placeholder {name} of lower-case letters and _"));
      return names;
    }
    names.emplace_back(name);
    i = close;
  }
  return names;
}

// Reads one template object at `path`; every problem goes to `out`.
NotificationTemplate ReadTemplate(const json::value& v, const std::string& path,
                                  std::vector<FieldViolation>& out) {
  NotificationTemplate t;
  const json::object* o = v.if_object();
  if (o == nullptr) {
    out.push_back(Violation(path, "notification.type", "a template is an object"));
    return t;
  }
  static const std::set<std::string_view> kKeys = {"id", "application", "params", "subject",
                                                   "body"};
  for (const auto& [key, value] : *o) {
    if (!kKeys.contains(key)) {
      out.push_back(Violation(path + "." + std::string(key), "notification.unknown-key",
                              "unknown key; a template has id, application, params, subject, "
                              "body"));
    }
  }
  auto text = [&](std::string_view key, std::string& into) {
    const json::value* f = o->if_contains(key);
    if (f == nullptr || !f->is_string() || f->as_string().empty()) {
      out.push_back(Violation(path + "." + std::string(key), "notification.type",
                              "required, a non-empty string"));
      return;
    }
    into = std::string(f->as_string());
  };
  text("id", t.id);
  text("subject", t.subject);
  text("body", t.body);
  if (const json::value* a = o->if_contains("application"); a != nullptr && a->is_bool()) {
    t.about_application = a->as_bool();
  } else {
    out.push_back(Violation(path + ".application", "notification.type", "required, a boolean"));
  }
  const json::value* p = o->if_contains("params");
  if (p == nullptr || !p->is_array()) {
    out.push_back(
        Violation(path + ".params", "notification.type", "required, an array of parameter names"));
    return t;
  }
  for (std::size_t i = 0; i < p->as_array().size(); ++i) {
    const json::value& name = p->as_array()[i];
    const std::string at = path + ".params[" + std::to_string(i) + "]";
    if (!name.is_string() || name.as_string().empty() || name.as_string() == "application" ||
        std::ranges::find(t.params, std::string(name.as_string())) != t.params.end()) {
      out.push_back(Violation(at, "notification.params",
                              "a parameter is a name, given once, and not \"application\""));
      continue;
    }
    t.params.emplace_back(name.as_string());
  }
  for (const char* key : {"subject", "body"}) {
    const std::string field = path + "." + key;
    for (const std::string& name : Placeholders(key[0] == 's' ? t.subject : t.body, field, out)) {
      const bool known = std::ranges::find(t.params, name) != t.params.end() ||
                         (name == "application" && t.about_application);
      if (!known) {
        out.push_back(Violation(field, kPlaceholderRule,
                                "{" + name + "} is not a parameter of this template"));
      }
    }
  }
  return t;
}

std::unexpected<Error> PayloadError(std::string message) {
  return InvalidValue("notification.payload", "not a notification payload: " + message);
}

}  // namespace

Result<NotificationTemplates> NotificationTemplates::Parse(std::string_view text) {
  boost::system::error_code ec;
  const json::value root = json::parse(text, ec);
  if (ec) return InvalidValue("notification.json", "templates file: " + ec.message());
  const json::object* o = root.if_object();
  if (o == nullptr) return InvalidValue("notification.type", "templates file: not an object");
  std::vector<FieldViolation> out;
  NotificationTemplates table;
  for (const auto& [key, value] : *o) {
    if (key != "version" && key != "description" && key != "templates") {
      out.push_back(Violation(std::string(key), "notification.unknown-key",
                              "unknown key; the file has version, description, templates"));
    }
  }
  if (const json::value* v = o->if_contains("version"); v != nullptr && v->is_string()) {
    table.version_ = std::string(v->as_string());
  } else {
    out.push_back(Violation("version", "notification.type", "required, a string"));
  }
  const json::value* list = o->if_contains("templates");
  if (list == nullptr || !list->is_array()) {
    out.push_back(Violation("templates", "notification.type", "required, an array"));
    return InvalidFields(std::move(out));
  }
  for (std::size_t i = 0; i < list->as_array().size(); ++i) {
    const std::string path = "templates[" + std::to_string(i) + "]";
    NotificationTemplate t = ReadTemplate(list->as_array()[i], path, out);
    if (!t.id.empty() && table.Find(t.id) != nullptr) {
      out.push_back(Violation(path + ".id", "notification.duplicate", t.id + " is given twice"));
    }
    table.templates_.push_back(std::move(t));
  }
  for (std::string_view id : notification_template::kAll) {
    if (table.Find(id) == nullptr) {
      out.push_back(Violation("templates", "notification.missing",
                              "no template " + std::string(id) + ", which the code sends"));
    }
  }
  if (!out.empty()) return InvalidFields(std::move(out));
  return table;
}

Result<const NotificationTemplates*> NotificationTemplates::Builtin() {
  static const Result<NotificationTemplates> table = Parse(embedded::notification_templates());
  if (!table) {
    Error e = table.error();
    e.message = "data/notifications/templates.json: " + e.message;
    return std::unexpected(std::move(e));
  }
  return &*table;
}

const NotificationTemplate* NotificationTemplates::Find(std::string_view id) const {
  auto it = std::ranges::find(templates_, id, &NotificationTemplate::id);
  return it == templates_.end() ? nullptr : &*it;
}

Result<void> NotificationTemplates::Check(const Notification& n) const {
  const NotificationTemplate* t = Find(n.template_id);
  if (t == nullptr) {
    return InvalidValue(
        "notification.template",
        "no notification template \"" + n.template_id + "\"; the templates are " +
            JoinNames(NamesOf(templates_, [](auto& x) { return std::string_view(x.id); })));
  }
  if (!n.account.valid()) return InvalidValue("notification.account", "no recipient account");
  if (t->about_application != n.application.has_value()) {
    return InvalidValue("notification.application",
                        t->about_application ? t->id + " is about an application: name it"
                                             : t->id + " is not about an application");
  }
  if (n.application && !n.application->valid()) {
    return InvalidValue("notification.application", "not a valid application id");
  }
  std::vector<std::string> missing;
  for (const std::string& p : t->params) {
    if (!n.params.contains(p)) missing.push_back(p);
  }
  std::vector<std::string> unknown;
  for (const auto& [key, value] : n.params) {
    if (std::ranges::find(t->params, key) == t->params.end()) unknown.push_back(key);
  }
  if (!missing.empty() || !unknown.empty()) {
    return InvalidValue("notification.params",
                        t->id + " takes the parameters [" + JoinNames(t->params) + "]; missing [" +
                            JoinNames(missing) + "], unknown [" + JoinNames(unknown) + "]");
  }
  return {};
}

Result<RenderedNotification> NotificationTemplates::Render(const Notification& n) const {
  if (Result<void> ok = Check(n); !ok) return std::unexpected(ok.error());
  const NotificationTemplate& t = *Find(n.template_id);
  auto fill = [&](std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '{') {
        out += text[i];
        continue;
      }
      // Parse() checked every placeholder: it is closed and names a parameter.
      const std::size_t close = text.find('}', i);
      const std::string name(text.substr(i + 1, close - i - 1));
      out += name == "application" ? std::to_string(n.application->value()) : n.params.at(name);
      i = close;
    }
    return out;
  };
  return RenderedNotification{fill(t.subject), fill(t.body)};
}

Result<OutboxMessage> NotificationMessage(const Notification& n, std::string idempotency_key,
                                          std::chrono::sys_seconds now) {
  Result<const NotificationTemplates*> table = NotificationTemplates::Builtin();
  if (!table) return Internal(table.error().message);
  if (Result<void> ok = (*table)->Check(n); !ok) return std::unexpected(ok.error());
  if (idempotency_key.empty()) {
    return InvalidValue("notification.key", "a notification needs an idempotency key");
  }
  json::object params;
  for (const auto& [key, value] : n.params) params[key] = value;
  json::object payload;
  payload["template"] = n.template_id;
  payload["account"] = n.account.value();
  payload["application"] =
      n.application ? json::value(n.application->value()) : json::value(nullptr);
  payload["params"] = std::move(params);
  return OutboxMessage{std::string(kNotifyTopic), std::move(idempotency_key),
                       json::serialize(payload), now};
}

Result<bool> EnqueueNotification(UnitOfWork& uow, const Notification& n,
                                 std::string idempotency_key, std::chrono::sys_seconds now) {
  Result<const NotificationTemplates*> table = NotificationTemplates::Builtin();
  if (!table) return Internal(table.error().message);
  Result<RenderedNotification> text = (*table)->Render(n);
  if (!text) return std::unexpected(text.error());
  Result<OutboxMessage> message = NotificationMessage(n, idempotency_key, now);
  if (!message) return std::unexpected(message.error());
  Result<bool> queued = uow.outbox().Enqueue(*message);
  if (!queued) return std::unexpected(queued.error());
  // The outbox key decides: a message already there was kept with its notification then.
  if (!*queued) return false;
  Result<bool> kept = uow.notifications().Add(
      {NotificationId(), n.account, std::move(idempotency_key), n.template_id, n.application,
       std::move(text->subject), std::move(text->body), now, std::nullopt});
  if (!kept) return std::unexpected(kept.error());
  return true;
}

Result<Notification> ParseNotificationPayload(std::string_view payload) {
  boost::system::error_code ec;
  const json::value root = json::parse(payload, ec);
  if (ec) return PayloadError(ec.message());
  const json::object* o = root.if_object();
  if (o == nullptr) return PayloadError("not an object");
  for (const auto& [key, value] : *o) {
    if (key != "template" && key != "account" && key != "application" && key != "params") {
      return PayloadError("unknown key " + std::string(key));
    }
  }
  Notification n;
  const json::value* t = o->if_contains("template");
  if (t == nullptr || !t->is_string()) return PayloadError("template: a string");
  n.template_id = std::string(t->as_string());
  const json::value* a = o->if_contains("account");
  if (a == nullptr || !a->is_int64()) return PayloadError("account: a number");
  n.account = AccountId(a->as_int64());
  const json::value* app = o->if_contains("application");
  if (app == nullptr || !(app->is_null() || app->is_int64())) {
    return PayloadError("application: a number or null");
  }
  if (app->is_int64()) n.application = ApplicationId(app->as_int64());
  const json::value* p = o->if_contains("params");
  if (p == nullptr || !p->is_object()) return PayloadError("params: an object");
  for (const auto& [key, value] : p->as_object()) {
    if (!value.is_string()) return PayloadError("params." + std::string(key) + ": a string");
    n.params[std::string(key)] = std::string(value.as_string());
  }
  Result<const NotificationTemplates*> table = NotificationTemplates::Builtin();
  if (!table) return Internal(table.error().message);
  if (Result<void> ok = (*table)->Check(n); !ok) return std::unexpected(ok.error());
  return n;
}

}  // namespace icp
