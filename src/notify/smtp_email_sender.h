#pragma once

#include <chrono>
#include <string>

#include "base/result.h"
#include "ports/notification_channels.h"

namespace icp::notify {

struct SmtpOptions {
  std::string url{};       // smtp://host:port or smtps://host:port
  std::string from{};      // the envelope and From: address, "noreply@example.com"
  std::string username{};  // empty: no login
  std::string password{};
  std::chrono::milliseconds timeout{10'000};
};

// Sends e-mail over SMTP with libcurl: a plain-text UTF-8 message (base64 body, RFC 2047
// encoded subject and display name), its Message-ID made from the idempotency key. A reply
// 4xx or a broken connection is kUnavailable (try later), 5xx kFailedPrecondition (refused),
// no answer within the timeout kDeadlineExceeded.
class SmtpEmailSender final : public EmailSender {
 public:
  // kInvalidArgument (rule "notify.smtp-url") unless the URL is smtp:// or smtps://, (rule
  // "notify.smtp-from") unless `from` is one plain address.
  static Result<SmtpEmailSender> Create(SmtpOptions options);

  // kInvalidArgument (rule "notify.email-address") for a recipient address with characters
  // that would break the message's headers.
  Result<void> Send(const EmailMessage& message) override;

 private:
  explicit SmtpEmailSender(SmtpOptions options) : options_(std::move(options)) {}

  SmtpOptions options_;
};

// The message as sent (headers and base64 body, CRLF line ends). Exposed for tests.
std::string FormatEmail(const EmailMessage& message, std::string_view from);

}  // namespace icp::notify
