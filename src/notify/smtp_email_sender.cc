#include "notify/smtp_email_sender.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "notify/curl_easy.h"

namespace icp::notify {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kBase64[v & 63] : '=';
  }
  return out;
}

// RFC 2047: non-ASCII header text as one encoded word per chunk of whole characters.
std::string EncodedWords(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    // 45 bytes make 60 base64 characters; back off to a UTF-8 character boundary.
    std::size_t n = std::min<std::size_t>(45, text.size());
    while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

// A Message-ID's left part: the key with every character outside RFC 5322 atext as '.'.
std::string MessageIdOf(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    const bool atext = std::isalnum(static_cast<unsigned char>(c)) ||
                       std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
    if (!atext || c == '\0') c = '.';
  }
  return out;
}

bool PlainAddress(std::string_view a) {
  return !a.empty() && a.find('@') != std::string_view::npos &&
         a.find_first_of("\r\n<>\", ") == std::string_view::npos;
}

// Feeds the message to libcurl.
struct Upload {
  std::string_view rest;
  static std::size_t Read(char* into, std::size_t size, std::size_t n, void* self) {
    Upload& u = *static_cast<Upload*>(self);
    const std::size_t k = std::min(size * n, u.rest.size());
    std::memcpy(into, u.rest.data(), k);
    u.rest.remove_prefix(k);
    return k;
  }
};

struct Recipients {
  ~Recipients() { curl_slist_free_all(list); }
  curl_slist* list = nullptr;
};

}  // namespace

std::string FormatEmail(const EmailMessage& m, std::string_view from) {
  // China Standard Time, the customers' own.
  const auto local = m.date + std::chrono::hours(8);
  std::string out;
  out += fmt::format("Date: {:%a, %d %b %Y %H:%M:%S} +0800\r\n", std::chrono::sys_seconds(local));
  out += fmt::format("From: <{}>\r\n", from);
  out += "To: " + (m.to_name.empty() ? "" : EncodedWords(m.to_name) + " ") + "<" + m.to + ">\r\n";
  out += "Subject: " + EncodedWords(m.subject) + "\r\n";
  const std::string domain(from.substr(from.find('@') + 1));
  out += "Message-ID: <" + MessageIdOf(m.idempotency_key) + "@" + domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::string body = Base64(m.body);
  for (std::size_t i = 0; i < body.size(); i += 76) out += body.substr(i, 76) + "\r\n";
  return out;
}

Result<SmtpEmailSender> SmtpEmailSender::Create(SmtpOptions options) {
  if (!options.url.starts_with("smtp://") && !options.url.starts_with("smtps://")) {
    return InvalidValue("notify.smtp-url", "the SMTP URL must start with smtp:// or smtps://");
  }
  if (!PlainAddress(options.from)) {
    return InvalidValue("notify.smtp-from", "the From address must be one plain address");
  }
  return SmtpEmailSender(std::move(options));
}

Result<void> SmtpEmailSender::Send(const EmailMessage& message) {
  if (!PlainAddress(message.to)) {
    return InvalidValue("notify.email-address", "not a plain e-mail address");
  }
  Result<CurlEasy> easy = CurlEasy::Create(options_.timeout);
  if (!easy) return std::unexpected(easy.error());
  const std::string text = FormatEmail(message, options_.from);
  Upload upload{text};
  Recipients rcpt;
  rcpt.list = curl_slist_append(rcpt.list, ("<" + message.to + ">").c_str());
  const std::string mail_from = "<" + options_.from + ">";
  CURL* c = easy->get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.list);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &Upload::Read);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  Result<void> done = easy->Perform("SMTP");
  const long reply = easy->ResponseCode();
  if (!done && reply >= 500) {
    return FailedPrecondition("SMTP server refused the message (" + std::to_string(reply) +
                              "): " + done.error().message);
  }
  return done;
}

}  // namespace icp::notify
