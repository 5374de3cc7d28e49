#pragma once

#include <string_view>

// Reference data compiled into the binary from data/reference/ by icp_embed_file()
// (see src/domain/CMakeLists.txt). Each returns the file's bytes; nothing is read at run time.
namespace icp::embedded {

std::string_view admin_division_codes();  // cn_admin_division_codes.loc.dat (GB/T 2260)
std::string_view public_suffix_list();    // public_suffix_list.dat (Mozilla PSL)
std::string_view filing_suffixes();       // filing_suffixes.tsv (TLD standing for filing)
std::string_view mobile_segments();       // mobile_segments.tsv (mainland number blocks)
std::string_view holiday_calendar();      // calendar/cn_public_holidays.tsv (days off, 调休)

}  // namespace icp::embedded
