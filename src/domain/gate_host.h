#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace icp {

// A host as the access gate sees it (docs/api.md, "The access gate"): what a client put in
// the Host header (or nginx passed on), normalised so that the gate compares bytes.
struct GateHost {
  enum class Kind { kName, kIpLiteral };
  Kind kind = Kind::kName;
  // kName: A-label form, lower case, no trailing dot, no port ("www.xn--fsqu00a.xn--fiqs8s").
  // kIpLiteral: the literal as given, without brackets or port.
  std::string text;

  friend bool operator==(const GateHost&, const GateHost&) = default;
};

// The longest input taken: a Host header longer than this is refused before any work.
inline constexpr std::size_t kMaxGateHostInput = 1024;

// Normalises a Host value: ASCII case, one trailing dot, a port (":8080"), IPv6 brackets;
// IDN hosts in U-label form to A-labels (IDNA 2008, libidn2: only for hosts that are not
// ASCII; an ASCII host is checked here, label by label, without libidn2 or libpsl). An IPv4
// or IPv6 literal (or a name whose last label is all digits, which resolvers read as one)
// is kIpLiteral: the gate denies it, since only domains are filed.
// kInvalidArgument with field "host" and rule gate.host-{empty, length, port, label, idna,
// encoding}.
Result<GateHost> ParseGateHost(std::string_view text);

}  // namespace icp
