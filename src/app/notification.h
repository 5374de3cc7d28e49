#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ports/database.h"
#include "ports/ids.h"
#include "ports/outbox.h"

namespace icp {

// The outbox topic every notification travels under; the notify dispatcher claims it.
inline constexpr std::string_view kNotifyTopic = "notify";

// The template ids the code sends. The one table of templates is
// data/notifications/templates.json (compiled in): each id here must be there, or
// NotificationTemplates::Builtin() fails and icpd does not start.
namespace notification_template {
inline constexpr std::string_view kReturned = "application.returned";                // reasons
inline constexpr std::string_view kPassedReview = "application.passed_review";       // -
inline constexpr std::string_view kReadyForBureau = "application.ready_for_bureau";  // -
inline constexpr std::string_view kReminder = "application.reminder";  // days, state, expires_on
inline constexpr std::string_view kExpired = "application.expired";    // state
inline constexpr std::string_view kApproved = "application.approved";  // -
inline constexpr std::string_view kBureauReturned = "application.bureau_returned";  // reasons
inline constexpr std::string_view kSecondCall = "contact.second_call";              // -
inline constexpr std::string_view kTransferDecided = "transfer.decided";  // transfer, outcome
// transfer, subject_number, objection_until: to the old account, which may object
inline constexpr std::string_view kTransferRequested = "transfer.requested";
inline constexpr std::string_view kTransferMoved = "transfer.moved";  // transfer, subject_number
inline constexpr std::string_view kCodeRedeemed = "authorization_code.redeemed";  // code
// The bureau's outcomes (app/bureau_outcome_service.h).
inline constexpr std::string_view kSentToBureau = "application.sent_to_bureau";         // -
inline constexpr std::string_view kSmsVerified = "application.sms_verified";            // -
inline constexpr std::string_view kSmsReturned = "application.sms_returned";            // reason
inline constexpr std::string_view kBureauRefused = "application.bureau_refused";        // -
inline constexpr std::string_view kBureauConflict = "application.bureau_conflict";      // reasons
inline constexpr std::string_view kCancellationDone = "application.cancellation_done";  // -
inline constexpr std::string_view kAll[] = {
    kReturned,      kPassedReview,   kReadyForBureau,  kReminder,        kExpired,
    kApproved,      kBureauReturned, kSecondCall,      kTransferDecided, kTransferRequested,
    kTransferMoved, kCodeRedeemed,   kSentToBureau,    kSmsVerified,     kSmsReturned,
    kBureauRefused, kBureauConflict, kCancellationDone};
}  // namespace notification_template

// A message to the customer who owns `account`, by template. `application` is set exactly
// when the template is about an application (its "application": true), and fills the
// template's {application}. `params` are exactly the template's parameters. No personal
// data anywhere in it: names, mobiles, certificates are looked up by the sink at delivery
// (RecipientDirectory) and never enter the outbox, which refuses them (rule
// "outbox.personal-data").
struct Notification {
  std::string template_id;
  AccountId account;
  std::optional<ApplicationId> application;
  std::map<std::string, std::string> params;

  friend bool operator==(const Notification&, const Notification&) = default;
};

// The outbox message for `n`, on topic "notify", available at `now`, carrying
// `idempotency_key` (unique per notification: "application:42:reminder:15:1700000000"), with
// the JSON payload {"template", "account", "application" (number or null), "params"}.
// kInvalidArgument (rule "notification.template") for a template id not in the table, (rule
// "notification.application") for an application given to a template not about one or missing
// for one that is, (rule "notification.params") for a missing or unknown parameter, (rule
// "notification.account") for an account id that is not valid, (rule "notification.key") for
// an empty key. kInternal when the compiled-in templates do not load.
Result<OutboxMessage> NotificationMessage(const Notification& n, std::string idempotency_key,
                                          std::chrono::sys_seconds now);

// Tells the customer: puts `n` in the outbox (NotificationMessage: the SMS and the e-mail)
// and keeps it for the console (站内消息: NotificationRepository::Add, with the subject and
// body the SMS and e-mail carry), both in `uow` under `idempotency_key`, so they commit
// together or not at all. False (and nothing written) when the outbox has the key already: a
// retried act tells once. The notifications table's own unique key on it holds the same
// against racing writers.
// Errors as NotificationMessage's, and the store's (which end the unit of work).
Result<bool> EnqueueNotification(UnitOfWork& uow, const Notification& n,
                                 std::string idempotency_key, std::chrono::sys_seconds now);

// The notification an outbox payload carries, checked as NotificationMessage checks it.
// kInvalidArgument (rule "notification.payload") naming what is wrong for a payload that is
// not one.
Result<Notification> ParseNotificationPayload(std::string_view payload);

// A template as the file declares it.
struct NotificationTemplate {
  std::string id;
  bool about_application = false;
  std::vector<std::string> params;
  std::string subject;  // with {param} placeholders
  std::string body;
};

struct RenderedNotification {
  std::string subject;
  std::string body;
};

// The templates table (data/notifications/templates.json). Immutable once parsed.
class NotificationTemplates {
 public:
  // Parses and checks a templates file: the shape (unknown keys and wrong types refused with
  // their path), unique ids, every placeholder declared, every id of
  // notification_template::kAll present. kInvalidArgument listing every problem, each with
  // its path (field "templates[3].body", rule "notification.placeholder", ...).
  static Result<NotificationTemplates> Parse(std::string_view json);
  // The compiled-in table, parsed once. icpd calls it at start and refuses to start on an
  // error; afterwards it cannot fail.
  static Result<const NotificationTemplates*> Builtin();

  // nullptr when no template has this id.
  const NotificationTemplate* Find(std::string_view id) const;
  const std::vector<NotificationTemplate>& all() const { return templates_; }
  const std::string& version() const { return version_; }

  // Checks `n` against its template (the rules of NotificationMessage).
  Result<void> Check(const Notification& n) const;
  // The subject and body with every placeholder filled. Errors as Check().
  Result<RenderedNotification> Render(const Notification& n) const;

 private:
  NotificationTemplates() = default;

  std::string version_;
  std::vector<NotificationTemplate> templates_;
};

}  // namespace icp
