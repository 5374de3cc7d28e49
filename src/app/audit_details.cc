#include "app/audit_details.h"

#include <cstdio>

namespace icp {
namespace {

// JSON string escaping (RFC 8259 §7): quotes, backslashes and control characters.
void AppendQuoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

void AuditDetails::Key(std::string_view key) {
  if (!body_.empty()) body_ += ',';
  AppendQuoted(body_, key);
  body_ += ':';
}

AuditDetails& AuditDetails::Add(std::string_view key, std::string_view value) {
  Key(key);
  AppendQuoted(body_, value);
  return *this;
}

AuditDetails& AuditDetails::Add(std::string_view key, std::int64_t value) {
  Key(key);
  body_ += std::to_string(value);
  return *this;
}

AuditDetails& AuditDetails::Add(std::string_view key, bool value) {
  Key(key);
  body_ += value ? "true" : "false";
  return *this;
}

std::string AccountActor(std::int64_t account) { return "account:" + std::to_string(account); }

}  // namespace icp
