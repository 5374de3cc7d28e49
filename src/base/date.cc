#include "base/date.h"

#include <cstdio>

#include "base/strings.h"

namespace icp {
namespace {

int ToInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

Result<Date> Make(int y, int m, int d, std::string_view text) {
  const Date date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                  std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return InvalidArgument("no such day: " + Quote(text));
  return date;
}

}  // namespace

Result<Date> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !IsAsciiDigits(text.substr(0, 4)) ||
      !IsAsciiDigits(text.substr(5, 2)) || !IsAsciiDigits(text.substr(8, 2))) {
    return InvalidArgument("a date is written YYYY-MM-DD, not " + Quote(text));
  }
  return Make(ToInt(text.substr(0, 4)), ToInt(text.substr(5, 2)), ToInt(text.substr(8, 2)), text);
}

Result<Date> ParseCompactDate(std::string_view digits) {
  if (digits.size() != 8 || !IsAsciiDigits(digits)) {
    return InvalidArgument("a compact date is 8 digits YYYYMMDD, not " + Quote(digits));
  }
  return Make(ToInt(digits.substr(0, 4)), ToInt(digits.substr(4, 2)), ToInt(digits.substr(6, 2)),
              digits);
}

Date ChinaDate(std::chrono::sys_seconds t) {
  return Date(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
}

std::string FormatIsoDate(Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

}  // namespace icp
