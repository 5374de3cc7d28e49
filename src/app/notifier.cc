#include "app/notifier.h"

#include <string>

namespace icp {

Result<void> Notifier::Deliver(const ClaimedMessage& message) {
  const OutboxMessage& m = message.message;
  if (m.topic != kNotifyTopic) {
    return InvalidValue("notify.topic", "the notifier delivers topic \"notify\", not \"" + m.topic +
                                            "\" (" + m.idempotency_key + ")");
  }
  Result<Notification> n = ParseNotificationPayload(m.payload);
  if (!n) return std::unexpected(n.error());
  Result<RenderedNotification> text = templates_.Render(*n);
  if (!text) return std::unexpected(text.error());
  Result<Recipient> to = directory_.Find(n->account);
  if (!to) return std::unexpected(to.error());
  const bool by_sms = sms_ != nullptr && to->mobile.has_value();
  const bool by_email = email_ != nullptr && to->email.has_value();
  if (!by_sms && !by_email) {
    return std::unexpected(
        Error{ErrorCode::kFailedPrecondition,
              "account " + std::to_string(n->account.value()) + " has no " +
                  (sms_ != nullptr && email_ != nullptr ? "mobile or e-mail"
                   : sms_ != nullptr                    ? "mobile"
                                                        : "e-mail") +
                  " to send " + n->template_id + " to",
              {{"account", "notify.no-contact", "no contact for the notification channels in use",
                "账号没有可用于通知的联系方式"}}});
  }
  if (by_sms) {
    if (Result<void> sent = sms_->Send({*to->mobile, text->body, m.idempotency_key}); !sent) {
      return sent;
    }
  }
  if (by_email) {
    return email_->Send(
        {*to->email, to->display_name, text->subject, text->body, m.idempotency_key, clock_.Now()});
  }
  return {};
}

}  // namespace icp
