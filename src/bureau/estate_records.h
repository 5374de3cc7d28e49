#pragma once

#include <cstdint>

#include "base/date.h"
#include "base/result.h"
#include "domain/application.h"
#include "miit/code_tables.h"
#include "miit/messages.h"
#include "ports/bureau_estate.h"

namespace icp::bureau {

// The bureau's filed records (BASJ/Baxx, SJTB/ICP/Baxx: BUREAU-PROTOCOL §5.1, §5.4) read back
// into the platform's words: the inverse of application_messages.h's mapping (§7.2), through
// the same code tables (data/miit/code_tables.tsv).

// The bureau's ids of `record` (§5.1): Ztid and the subject's number; per website Wzid, its
// number, Ymid per domain and, for the access `isp_id` gives (Ispid), Jrid and Ipid per IP.
BureauIds BureauIdsOf(const miit::FiledRecord& record, std::int64_t isp_id);

// `record` as an EstateRecord: the subject (type and certificate from Zjlx, province and region
// from Txdz, its leader from Fzr with the certificate from Fzr_zjlx/Fzr_zjhm), the websites this
// provider serves (an access whose Ispid is `isp_id`; all of them when no access names a
// provider) with their numbers, and the ids. kInvalidArgument listing every problem, each at
// the wire path of what is wrong ("Zt_xx/Zj/Zjlx", "Wz_xx[0]/Ym_xx[1]/Ym") with rule
// "bureau.estate.*": a code no table row has, a value the platform's type refuses, a number
// missing or malformed, a leader without a certificate.
Result<EstateRecord> EstateRecordOf(const miit::FiledRecord& record, std::int64_t isp_id,
                                    Date today,
                                    const miit::CodeTables& tables = miit::CodeTables::Builtin());

}  // namespace icp::bureau
