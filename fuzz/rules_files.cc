// The data files icpd reads at start (data/rules, data/reference): a rules file, the region
// table, the holiday calendar, the filing suffixes, the mobile segments. The first byte picks
// the parser. A rules file that parses builds a rule set with no province files, or says why.

#include <string>
#include <vector>

#include "domain/domain_name.h"
#include "domain/holiday_calendar.h"
#include "domain/mobile_number.h"
#include "domain/region_table.h"
#include "fuzz/fuzz.h"
#include "rules/parse.h"
#include "rules/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = icp::fuzz::Text(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto file = icp::ParseRuleFile(text, "national.json");
      if (file) (void)icp::RuleSet::Build(std::move(*file), {});
      break;
    }
    case 1:
      (void)icp::RegionTable::Parse(text);
      break;
    case 2:
      (void)icp::HolidayCalendar::Parse(text);
      break;
    case 3:
      (void)icp::FilingSuffixes::Parse(text);
      break;
    case 4:
      (void)icp::MobileSegments::Parse(text);
      break;
  }
  return 0;
}
