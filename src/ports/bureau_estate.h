#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "domain/filing_number.h"
#include "ports/database.h"

namespace icp {

// A provider's filed estate as the bureau holds it (BUREAU-PROTOCOL §5.1 BASJ, §5.4 SJTB), in
// the platform's words: what adoption (`icpctl bureau resync`, docs/bureau-protocol.md
// "Adoption") writes on record so that customers find their subjects, websites and numbers.
struct EstateWebsite {
  FilingNumber number;  // 网站备案号 (…-N)
  Website website;

  friend bool operator==(const EstateWebsite&, const EstateWebsite&) = default;
};

struct EstateRecord {
  FilingNumber number;  // 主体备案号
  Subject subject;
  std::vector<EstateWebsite> websites;  // the live websites this provider serves
  BureauIds ids;                        // Ztid, Wzid, Ymid, Jrid/Ispid, Ipid, both numbers

  friend bool operator==(const EstateRecord&, const EstateRecord&) = default;
};

// What adopting a batch of records did.
struct AdoptionReport {
  int subjects_created = 0;
  int websites_created = 0;
  int unchanged = 0;    // subjects and websites on record already, as the bureau has them
  int ids_updated = 0;  // subjects whose bureau ids were learned or changed
  // Records not adopted, each with why (no account to hold it, a domain held by another
  // subject here, a number issued to another record); no personal data.
  std::vector<FieldViolation> skipped;
};

// Writes records of the estate on record (app/EstateService). In the caller's unit of work.
class BureauEstateRecorder {
 public:
  virtual ~BureauEstateRecorder() = default;
  // Adopts `records` (`isp_id` is the provider's ispId at the bureau), each on its own: one
  // that cannot be adopted is reported in `skipped` (field "records[i]…") and the rest written.
  // Only a store failure is an error (and the caller's unit of work is then not committed).
  virtual Result<AdoptionReport> Adopt(UnitOfWork& uow, std::int64_t isp_id,
                                       const std::vector<EstateRecord>& records,
                                       std::chrono::sys_seconds now) = 0;
};

}  // namespace icp
