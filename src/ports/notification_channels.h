#pragma once

#include <chrono>
#include <string>

#include "base/result.h"

namespace icp {

// One e-mail to one recipient, in UTF-8.
struct EmailMessage {
  std::string to;       // the address
  std::string to_name;  // display name, may be empty
  std::string subject;
  std::string body;  // plain text
  // Unique per notification (the outbox key); becomes the Message-ID, so a retried delivery
  // carries the same id.
  std::string idempotency_key;
  std::chrono::sys_seconds date{};  // the Date header
};

// Sends e-mail (notify/smtp_email_sender.h over SMTP). Errors: kUnavailable or
// kDeadlineExceeded when a later try may succeed (server down, timeout, 4xx reply);
// kFailedPrecondition when it will not (5xx reply: the server refuses the message or the
// recipient), although the dispatcher still retries it until it becomes a dead letter.
class EmailSender {
 public:
  virtual ~EmailSender() = default;

  virtual Result<void> Send(const EmailMessage& message) = 0;
};

// One text message.
struct SmsMessage {
  std::string mobile;
  std::string text;
  std::string idempotency_key;  // sent along, so the gateway sends each message once
};

// Sends text messages (notify/webhook_sms_sender.h, an HTTP gateway). Errors as EmailSender's:
// kUnavailable / kDeadlineExceeded for a later try, kFailedPrecondition for a refusal.
class SmsSender {
 public:
  virtual ~SmsSender() = default;

  virtual Result<void> Send(const SmsMessage& message) = 0;
};

}  // namespace icp
