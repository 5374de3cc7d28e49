#include "domain/domain_name.h"

#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "base/check.h"
#include "base/strings.h"
#include "domain/embedded_data.h"

namespace icp {
namespace {

constexpr std::size_t kMaxInputBytes = 1024;

struct FreeDeleter {
  void operator()(char* p) const { idn2_free(p); }
};
using IdnString = std::unique_ptr<char, FreeDeleter>;

// The Public Suffix List compiled into the binary, loaded once. psl_load_fp reads from a
// FILE*, so the embedded bytes are handed over through fmemopen: memory, not the disk.
const psl_ctx_t& SuffixList() {
  static const psl_ctx_t* ctx = [] {
    std::string_view data = embedded::public_suffix_list();
    FILE* f = fmemopen(const_cast<char*>(data.data()), data.size(), "r");
    ICP_CHECK(f != nullptr) << "fmemopen failed";
    psl_ctx_t* loaded = psl_load_fp(f);
    std::fclose(f);
    ICP_CHECK(loaded != nullptr) << "the compiled-in Public Suffix List does not load";
    return loaded;
  }();
  return *ctx;
}

std::unexpected<Error> Fail(std::string_view prefix, std::string rule, std::string en,
                            std::string zh) {
  return InvalidValue(std::string(prefix) + "." + rule, std::move(en), std::move(zh));
}

bool IsLdhLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  // "ab--cd" is reserved for encodings; only the xn-- prefix (IDNA) is in use.
  return !(label.size() >= 4 && label.substr(2, 2) == "--" && !label.starts_with("xn--"));
}

// Replaces the ideographic and full-width full stops with '.', and full-width ASCII with ASCII.
std::string FoldDots(std::string_view text) {
  std::string out;
  std::optional<std::vector<char32_t>> cps = DecodeUtf8(text);
  for (char32_t cp : *cps) {
    if (cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61) cp = '.';
    AppendUtf8(cp, out);
  }
  return FoldWidthAndTrim(out);
}

std::string ToUnicode(const std::string& ascii) {
  char* out = nullptr;
  if (idn2_to_unicode_8z8z(ascii.c_str(), &out, 0) != IDN2_OK || out == nullptr) return ascii;
  IdnString holder(out);
  return std::string(out);
}

std::string LastLabels(std::string_view name, std::size_t count) {
  std::vector<std::string_view> labels = Split(name, '.');
  std::string out;
  for (std::size_t i = labels.size() - std::min(count, labels.size()); i < labels.size(); ++i) {
    if (!out.empty()) out += '.';
    out.append(labels[i]);
  }
  return out;
}

std::size_t LabelCount(std::string_view name) { return Split(name, '.').size(); }

// Length, label syntax, not an IP address, at least two labels: on the A-label form.
Result<void> CheckLdh(std::string_view ascii, std::string_view text, std::string_view prefix) {
  if (ascii.size() > 253) {
    return Fail(prefix, "length",
                "a domain name has at most 253 characters in its ASCII form, this one has " +
                    std::to_string(ascii.size()),
                "域名（ASCII 形式）不能超过 253 个字符");
  }
  std::vector<std::string_view> labels = Split(ascii, '.');
  if (IsAsciiDigits(labels.back())) {
    return Fail(prefix, "ip-address", "an IP address is not a domain name: " + Quote(text),
                "IP 地址不是域名");
  }
  for (std::string_view label : labels) {
    if (!IsLdhLabel(label)) {
      return Fail(
          prefix, "label",
          "the label " + Quote(label) +
              " is not allowed: labels have 1 to 63 letters, digits or inner hyphens",
          "域名标签 " + Quote(label) + " 不合规：只能包含字母、数字和中间的连字符，长度 1-63");
    }
  }
  if (labels.size() < 2) {
    return Fail(prefix, "single-label",
                "a domain name has at least two labels, as in example.com: " + Quote(text),
                "域名至少包含两级，例如 example.com");
  }
  return {};
}

}  // namespace

std::string_view SuffixStatusName(SuffixStatus status) {
  switch (status) {
    case SuffixStatus::kApproved:
      return "approved";
    case SuffixStatus::kNotApproved:
      return "not_approved";
    case SuffixStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Result<std::string> HostNameToAscii(std::string_view text, std::string_view prefix) {
  if (text.size() > kMaxInputBytes) {
    return Fail(prefix, "length", "a domain name has at most 253 characters",
                "域名长度不能超过 253 个字符");
  }
  if (!IsValidUtf8(text)) {
    return Fail(prefix, "encoding", "the domain name is not valid UTF-8 text",
                "域名含有无法识别的字符");
  }
  std::string name = FoldDots(text);
  if (name.empty()) return Fail(prefix, "empty", "the domain name is empty", "域名不能为空");
  if (name.find("://") != std::string::npos || name.find('/') != std::string::npos ||
      name.find(':') != std::string::npos) {
    return Fail(prefix, "url",
                "give the domain name alone, without http://, a port or a path: " + Quote(text),
                "请只填写域名，不要包含 http://、端口或路径");
  }
  if (name.starts_with("*")) {
    return Fail(prefix, "wildcard", "a wildcard (*.) is not a domain name that can be filed",
                "泛域名（*.）不能备案");
  }
  if (name.ends_with('.')) name.pop_back();  // the root label of a fully qualified name
  if (name.find(' ') != std::string::npos) {
    return Fail(prefix, "label", "a domain name has no spaces: " + Quote(text), "域名中不能有空格");
  }
  if (name.empty() || name.starts_with('.') || name.find("..") != std::string::npos ||
      name.ends_with('.')) {
    return Fail(prefix, "label",
                "a domain name has no empty labels (no leading or double dots): " + Quote(text),
                "域名不能以点开头或包含连续的点");
  }
  // An all-ASCII name gets the plain LDH checks first: their messages say more than
  // libidn2's. Unicode names go through IDNA 2008 first, and the same checks after.
  const bool ascii_input = std::all_of(
      name.begin(), name.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
  if (ascii_input) {
    name = ToLowerAscii(name);
    if (Result<void> ok = CheckLdh(name, text, prefix); !ok) return std::unexpected(ok.error());
  }
  char* out = nullptr;
  const int rc = idn2_to_ascii_8z(name.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  IdnString holder(out);
  if (rc != IDN2_OK || out == nullptr) {
    return Fail(prefix, "idna",
                "the domain name is not valid under IDNA 2008 (" + std::string(idn2_strerror(rc)) +
                    "): " + Quote(text),
                "域名不符合国际化域名规范（IDNA 2008）");
  }
  std::string ascii = ToLowerAscii(out);
  if (Result<void> ok = CheckLdh(ascii, text, prefix); !ok) return std::unexpected(ok.error());
  return ascii;
}

Result<DomainName> DomainName::Parse(std::string_view text) {
  Result<std::string> ascii = HostNameToAscii(text, "domain");
  if (!ascii) return std::unexpected(ascii.error());
  DomainName name;
  name.ascii_ = std::move(*ascii);
  name.unicode_ = ToUnicode(name.ascii_);
  // libpsl matches the list's U-labels against lower-case UTF-8 input.
  const char* registrable = psl_registrable_domain(&SuffixList(), name.unicode_.c_str());
  if (registrable == nullptr) {
    return Fail("domain", "public-suffix",
                Quote(name.unicode_) +
                    " is a public suffix, under which others register names; it cannot be filed",
                Quote(name.unicode_) + " 是公共后缀，不能作为备案域名");
  }
  name.registrable_ascii_ = LastLabels(name.ascii_, LabelCount(registrable));
  return name;
}

std::string DomainName::registrable_unicode() const { return ToUnicode(registrable_ascii_); }

std::string DomainName::public_suffix_ascii() const {
  return LastLabels(registrable_ascii_, LabelCount(registrable_ascii_) - 1);
}

const FilingSuffixes::Entry* DomainName::suffix_entry() const {
  return FilingSuffixes::Builtin().Find(registrable_ascii_);
}

SuffixStatus DomainName::suffix_status() const {
  const FilingSuffixes::Entry* entry = suffix_entry();
  return entry ? entry->status : SuffixStatus::kUnknown;
}

Result<FilingSuffixes> FilingSuffixes::Parse(std::string_view text) {
  FilingSuffixes table;
  int line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (line.starts_with("# version:"))
      table.version_ = std::string(TrimAsciiSpaces(line.substr(10)));
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f = Split(line, '\t');
    auto bad = [&](std::string why) {
      return InvalidArgument("filing suffixes line " + std::to_string(line_number) + ": " + why);
    };
    if (f.size() < 3) return bad("expected suffix, status and source");
    Entry e;
    if (f[1] == "approved") {
      e.status = SuffixStatus::kApproved;
    } else if (f[1] == "not_approved") {
      e.status = SuffixStatus::kNotApproved;
    } else {
      return bad("status must be approved or not_approved, not " + Quote(f[1]));
    }
    // A suffix is written like a domain; a one-label one gets a dummy label to pass as one.
    Result<std::string> ascii = HostNameToAscii("x." + std::string(f[0]), "suffix");
    if (!ascii) return bad(ascii.error().message);
    e.suffix = ascii->substr(2);
    e.source = std::string(f[2]);
    e.note = f.size() > 3 ? std::string(f[3]) : "";
    table.entries_.push_back(std::move(e));
  }
  if (table.version_.empty()) return InvalidArgument("filing suffixes: no '# version:' line");
  return table;
}

const FilingSuffixes& FilingSuffixes::Builtin() {
  static const FilingSuffixes table = [] {
    Result<FilingSuffixes> parsed = Parse(embedded::filing_suffixes());
    ICP_CHECK(parsed.has_value()) << parsed.error().message;
    return std::move(*parsed);
  }();
  return table;
}

const FilingSuffixes::Entry* FilingSuffixes::Find(std::string_view ascii_domain) const {
  const Entry* best = nullptr;
  for (const Entry& e : entries_) {
    const bool matches =
        ascii_domain == e.suffix ||
        (ascii_domain.size() > e.suffix.size() && ascii_domain.ends_with(e.suffix) &&
         ascii_domain[ascii_domain.size() - e.suffix.size() - 1] == '.');
    if (matches && (best == nullptr || e.suffix.size() > best->suffix.size())) best = &e;
  }
  return best;
}

}  // namespace icp
