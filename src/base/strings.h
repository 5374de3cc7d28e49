#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace icp {

// Small text helpers shared by every layer. All work on UTF-8 and never throw.

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Decodes well-formed UTF-8 into code points; std::nullopt when it is not well-formed.
std::optional<std::vector<char32_t>> DecodeUtf8(std::string_view text);

// Appends the UTF-8 encoding of `cp` to `out`.
void AppendUtf8(char32_t cp, std::string& out);

// True for ASCII whitespace and the Unicode spaces people paste from documents:
// U+00A0 no-break space, U+3000 ideographic (全角) space, U+2000..U+200B, U+FEFF.
bool IsSpaceCodePoint(char32_t cp);

// What people type on a Chinese keyboard, folded to what the standards print:
// full-width forms U+FF01..U+FF5E become ASCII, every Unicode space becomes ' ',
// surrounding spaces are removed. Precondition: `text` is valid UTF-8.
std::string FoldWidthAndTrim(std::string_view text);

// FoldWidthAndTrim, then every space removed (for numbers printed in groups).
std::string FoldWidthRemoveSpaces(std::string_view text);

// Removes ASCII whitespace at both ends.
std::string_view TrimAsciiSpaces(std::string_view text);

std::string ToUpperAscii(std::string_view text);
std::string ToLowerAscii(std::string_view text);

bool IsAsciiDigits(std::string_view text);

// "a, b, c" (or "a, b or c" with last = " or "): the values a refused one could have been,
// for the message that refuses it.
template <class Names>
std::string JoinNames(const Names& names, std::string_view last = ", ") {
  std::string out;
  std::size_t i = 0;
  const std::size_t n = std::size(names);
  for (const auto& name : names) {
    if (i > 0) out += i + 1 == n ? last : std::string_view(", ");
    out += std::string_view(name);
    ++i;
  }
  return out;
}

// The name of each of `values`, in order: NamesOf(AllSubjectTypes(), SubjectTypeName).
template <class Values, class NameOf>
std::vector<std::string_view> NamesOf(const Values& values, NameOf name_of) {
  std::vector<std::string_view> out;
  for (const auto& v : values) out.push_back(name_of(v));
  return out;
}

// A short, printable rendering of untrusted input for error messages: at most
// `max_chars` code points, control characters and invalid bytes shown as \xNN.
std::string Quote(std::string_view text, std::size_t max_chars = 40);

// Splits on `sep`, keeping empty fields.
std::vector<std::string_view> Split(std::string_view text, char sep);

}  // namespace icp
