#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace icp {

// May websites under a suffix be filed? (FACTS.md §7.10; data/reference/filing_suffixes.tsv)
enum class SuffixStatus { kApproved, kNotApproved, kUnknown };

std::string_view SuffixStatusName(SuffixStatus status);  // "approved", "not_approved", "unknown"

// The versioned table of suffix standings. The longest listed suffix of a name decides.
class FilingSuffixes {
 public:
  struct Entry {
    std::string suffix;  // A-label form: "cn", "gov.cn", "xn--fiqs8s"
    SuffixStatus status = SuffixStatus::kUnknown;
    std::string source;
    std::string note;
  };

  // Parses filing_suffixes.tsv text. kInvalidArgument naming the line on bad input.
  static Result<FilingSuffixes> Parse(std::string_view text);
  static const FilingSuffixes& Builtin();

  // The deciding entry for an A-label domain, or nullptr when none is listed.
  const Entry* Find(std::string_view ascii_domain) const;
  const std::string& version() const { return version_; }

 private:
  FilingSuffixes() = default;

  std::string version_;
  std::vector<Entry> entries_;
};

// A host name that can be filed: a domain under a public suffix, in IDNA 2008 form.
// Holding one proves: well-formed labels (LDH after IDNA mapping), at most 253 octets,
// not an IP address, not a wildcard, and not itself a public suffix (so it has a
// registrable domain). Unicode names are accepted and kept in both forms.
class DomainName {
 public:
  // Accepts "Example.COM", "www.例子.中国", "xn--fiqs8s", full-width dots (。．｡), one
  // trailing dot. kInvalidArgument: rules domain.{empty, encoding, length, url, wildcard,
  // ip-address, label, idna, single-label, public-suffix}.
  static Result<DomainName> Parse(std::string_view text);

  const std::string& ascii() const { return ascii_; }      // "www.xn--fsqu00a.xn--fiqs8s"
  const std::string& unicode() const { return unicode_; }  // "www.例子.中国"
  // The part one registers with a registrar ("例子.中国"): what a filing lists.
  const std::string& registrable_ascii() const { return registrable_ascii_; }
  std::string registrable_unicode() const;
  // The public suffix under which it is registered ("com.cn", "xn--fiqs8s").
  std::string public_suffix_ascii() const;
  bool is_registrable() const { return ascii_ == registrable_ascii_; }
  bool is_idn() const { return ascii_ != unicode_; }

  SuffixStatus suffix_status() const;
  // The row of filing_suffixes.tsv that decided suffix_status(), or nullptr.
  const FilingSuffixes::Entry* suffix_entry() const;

  friend bool operator==(const DomainName& a, const DomainName& b) { return a.ascii_ == b.ascii_; }

 private:
  DomainName() = default;

  std::string ascii_;
  std::string unicode_;
  std::string registrable_ascii_;
};

// Validates and converts a host name to A-labels without any Public Suffix List test:
// the host part of an e-mail address. Same rules as DomainName::Parse, prefixed `rule_prefix`.
Result<std::string> HostNameToAscii(std::string_view text, std::string_view rule_prefix);

}  // namespace icp
