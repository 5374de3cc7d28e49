#pragma once

#include <cstdint>
#include <vector>

#include <boost/json/value.hpp>

#include "base/date.h"
#include "base/result.h"
#include "domain/application.h"
#include "domain/filing_number.h"

namespace icp::codec {

// Filed records a provider brings from its previous system (POST /v1/admin/records:import,
// icpctl records import; docs/api.md "Filed records"):
//   {"subjects": [{"account": 12, "province": "44", "number": "粤ICP备2020000001号",
//                  "subject": {...}, "websites": [{"number": "粤ICP备2020000001号-1",
//                                                  "website": {...}}]}]}
// "subject" and "website" are spelled as in the application document
// (docs/application-json.md). Strict: unknown fields and wrong types are refused at their
// path ("subjects[3].websites[0].website.domains[0]"), numbers are parsed by FilingNumber and
// checked against the subject's province and number (CheckSubjectNumber,
// CheckWebsiteNumber), and every problem is reported at once.

struct ImportedWebsite {
  FilingNumber number;  // 网站备案号
  Website website;
};

struct ImportedSubject {
  std::int64_t account = 0;  // the account the subject is filed in
  FilingNumber number;       // 主体备案号
  Subject subject;
  std::vector<ImportedWebsite> websites;
};

// At most this many subjects per import.
inline constexpr std::size_t kMaxImportedSubjects = 10'000;

// `today` bounds birth dates in certificate numbers.
Result<std::vector<ImportedSubject>> RecordImportFromJson(const boost::json::value& document,
                                                          Date today);

}  // namespace icp::codec
