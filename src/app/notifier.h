#pragma once

#include "app/notification.h"
#include "base/result.h"
#include "ports/clock.h"
#include "ports/message_sink.h"
#include "ports/notification_channels.h"
#include "ports/recipient_directory.h"

namespace icp {

// Delivers the outbox's "notify" messages to people: reads the notification from the
// payload, renders its template (NotificationTemplates), looks the recipient's contacts up
// and hands the text to each channel it has: SMS first, then e-mail. The order matters on a
// retry: the SMS gateway receives the idempotency key and sends each message once, while an
// e-mail sent cannot be taken back, so e-mail goes last and a delivery that failed before it
// sends none. A channel left null is not used.
class Notifier final : public MessageSink {
 public:
  // `templates`, `directory`, the senders and `clock` are borrowed and outlive the notifier.
  Notifier(const NotificationTemplates& templates, RecipientDirectory& directory, Clock& clock,
           SmsSender* sms, EmailSender* email)
      : templates_(templates), directory_(directory), clock_(clock), sms_(sms), email_(email) {}

  // kInvalidArgument for a message of another topic or a payload that is not a notification
  // (it stays in the outbox and becomes a dead letter); kFailedPrecondition (rule
  // "notify.no-contact") when the recipient has no contact for any channel in use; the
  // directory's and the channels' errors as they come.
  Result<void> Deliver(const ClaimedMessage& message) override;

 private:
  const NotificationTemplates& templates_;
  RecipientDirectory& directory_;
  Clock& clock_;
  SmsSender* sms_;
  EmailSender* email_;
};

}  // namespace icp
