#include "domain/gate_host.h"

#include <algorithm>
#include <charconv>

#include "domain/domain_name.h"

namespace icp {
namespace {

std::unexpected<Error> Bad(std::string rule, std::string en, std::string zh) {
  return Refusal(ErrorCode::kInvalidArgument, "host", "gate.host-" + rule, std::move(en),
                 std::move(zh));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A port: 1 to 65535 in decimal.
bool IsPort(std::string_view p) {
  if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), IsDigit)) return false;
  unsigned value = 0;
  std::from_chars(p.data(), p.data() + p.size(), value);
  return value >= 1 && value <= 65535;
}

// The characters of an IPv6 literal (with an embedded IPv4 tail).
bool IsIpv6Text(std::string_view s) {
  return !s.empty() && s.find(':') != std::string_view::npos &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsHex(c) || c == ':' || c == '.'; });
}

// A label of a host name in A-label form: LDH, 1-63 octets, no hyphen at either end.
bool IsLdhLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-'; });
}

// A last label that is all digits, or 0x… hex: what URL parsers and resolvers take for IPv4.
bool LooksNumeric(std::string_view label) {
  if (label.empty()) return false;
  if (std::all_of(label.begin(), label.end(), IsDigit)) return true;
  return label.size() > 2 && label[0] == '0' && label[1] == 'x' &&
         std::all_of(label.begin() + 2, label.end(), IsHex);
}

}  // namespace

Result<GateHost> ParseGateHost(std::string_view text) {
  if (text.empty()) return Bad("empty", "the host is empty", "主机名不能为空");
  if (text.size() > kMaxGateHostInput) {
    return Bad("length", "a host has at most 253 characters", "主机名不能超过 253 个字符");
  }
  std::string_view host = text;
  // [v6]:port and bare v6 literals.
  if (host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos || !IsIpv6Text(host.substr(1, close - 1))) {
      return Bad("label", "an IPv6 literal is [hex:digits] in brackets", "IPv6 地址格式不正确");
    }
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && IsPort(rest.substr(1)))) {
      return Bad("port", "the port after the IPv6 literal is not 1 to 65535", "端口号无效");
    }
    return GateHost{GateHost::Kind::kIpLiteral, std::string(host.substr(1, close - 1))};
  }
  const std::size_t colons = std::count(host.begin(), host.end(), ':');
  if (colons > 1) {
    if (IsIpv6Text(host)) return GateHost{GateHost::Kind::kIpLiteral, std::string(host)};
    return Bad("label", "a host name has no ':' but before its port", "主机名格式不正确");
  }
  if (colons == 1) {
    const std::size_t colon = host.find(':');
    if (!IsPort(host.substr(colon + 1))) {
      return Bad("port", "the port after the host is not 1 to 65535", "端口号无效");
    }
    host = host.substr(0, colon);
    if (host.empty()) return Bad("empty", "the host is empty", "主机名不能为空");
  }
  const bool ascii = std::all_of(host.begin(), host.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  std::string name;
  if (ascii) {
    name.assign(host);
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    if (name.ends_with('.')) name.pop_back();
  } else {
    // U-labels (and full-width dots) to A-labels: IDNA 2008 through libidn2.
    Result<std::string> converted = HostNameToAscii(host, "gate.host");
    if (!converted) {
      const std::string_view rule = converted.error().rule();
      const bool length = rule.ends_with(".length");
      const bool encoding = rule.ends_with(".encoding");
      return Bad(
          length     ? "length"
          : encoding ? "encoding"
                     : "idna",
          "the host is not a valid internationalised domain name: " + converted.error().message,
          "主机名不是有效的国际化域名");
    }
    name = std::move(*converted);
  }
  if (name.size() > 253) {
    return Bad("length", "a host has at most 253 characters in A-label form",
               "主机名（ASCII 形式）不能超过 253 个字符");
  }
  if (name.empty()) return Bad("empty", "the host is empty", "主机名不能为空");
  std::size_t start = 0;
  std::string_view last;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    std::string_view label = std::string_view(name).substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    last = label;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (LooksNumeric(last)) return GateHost{GateHost::Kind::kIpLiteral, name};
  start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    std::string_view label = std::string_view(name).substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!IsLdhLabel(label)) {
      return Bad("label",
                 "each label of a host is 1 to 63 letters, digits or hyphens, without a hyphen "
                 "at either end",
                 "主机名的每一段须为 1 到 63 个字母、数字或连字符，且不以连字符开头或结尾");
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return GateHost{GateHost::Kind::kName, std::move(name)};
}

}  // namespace icp
