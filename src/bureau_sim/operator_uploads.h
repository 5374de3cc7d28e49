#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "bureau_sim/pipeline.h"
#include "bureau_sim/registry.h"
#include "bureau_sim/store.h"
#include "miit/messages.h"

namespace icp::bureau_sim {

// The bureau's decisions on the operator uploads, which have no ApplicationType and no review
// (BUREAU-PROTOCOL.md §4.7-§4.9, §7.1; docs/bureau-protocol.md, "Operator uploads"). They are
// decided when the upload is accepted, in its transaction, and answered through the download
// queue like everything else:
//   XZHYD    each Fjxx names a filed subject or website (Jlid | Baxh) this provider serves, with
//            a known format and purpose fitting its owner and content of that format within
//            §1.6's size: stored, 1060; else 1058/1059, 1049/1050, 1048, 1056, 1057, 1061 or
//            5010. Jg_xx Czlx 35, Bs the Jlid or Baxh sent (both protocols).
//   HSJG     each Hsjgxx answers the HSRW tasks this provider was sent about the websites of
//            its Baxx (Bbdw = ispId, else 5003; Ztid/Wzid known and live, else 1058/1059,
//            1049/1050; a task sent, else 5009; not answered yet, else 5006): the answer is
//            recorded on each task; a refusal (Hsjg 1) queues an XGTZ rectification notice
//            about each website (V3.0, both protocols). Jg_xx Czlx 9008, 9021 or the codes.
//   WBACLJG  each Clxx answers a WBAWZLB entry sent to this provider (Ym and IP of a site
//            sent to it, Jrs = ispId, else 5005; Cljg a row of unfiled_site_state, and 2
//            "filed since" only for a domain now filed, else 5007; handled already, 5006):
//            recorded; 1 and 2 take the site off this provider's next WBAWZLB. Jg_xx Czlx
//            9009, 9022 or the codes.
// V3.0 gives HSJG and WBACLJG answers no Czlx: their Jg_xx are Beian's extension (§7.4),
// marked with Bz "beian-ext", and never sent in v3.0-strict, where the same decisions are
// recorded (and the XGTZ sent) without an answer.

// Decides the operator records of `upload` from `provider`; what to queue for it (results
// and notices; empty parts when there is nothing). Errors are the store's only.
Result<miit::IcpDownload> DecideOperatorUploads(Registry& registry, const Provider& provider,
                                                Protocol protocol, const miit::IcpUpload& upload,
                                                std::int64_t now);

// 1045 (只能到所在省报备, §1.1): every record of an ICP upload from an account of MIIT's own
// system, each with its Czlx and Bs and the Qqdwid as the error data. HSJG and WBACLJG records
// are answered only in the extended protocol (they have no Czlx in V3.0).
miit::FilingResults OwnProvinceOnly(const miit::IcpUpload& upload, Protocol protocol);

// HSRW (§5.4): a verification task about live website `wzid` to each provider serving it, or
// to `isp_id` only (kFailedPrecondition "bureau.verification.provider" when it does not serve
// it); one file per provider holding the subject and that website. kNotFound for a website
// not live; kAlreadyExists when the provider has an open task about it. The files' names.
Result<std::vector<std::string>> SendVerificationTask(Store& store, std::int64_t wzid,
                                                      std::optional<std::int64_t> isp_id,
                                                      std::int64_t now);

// WBAWZLB (§5.2): the unfiled sites sent to `isp_id` (or to every provider) that it has not
// reported handled, in one file; nothing when there are none. The file's name, if any.
Result<std::vector<std::string>> SendUnfiledList(Store& store, std::int64_t isp_id,
                                                 std::int64_t now);

// JCDM (§5.5): the code tables to `isp_id`, from data/miit/code_tables.tsv (miit/jcdm.h): one
// file, with Beian's extensions (Bz "beian-ext") unless `protocol` is strict. kNotFound for
// an account the bureau does not have. The file's name.
Result<std::vector<std::string>> SendCodeTables(Store& store, std::int64_t isp_id,
                                                Protocol protocol, std::int64_t now);

}  // namespace icp::bureau_sim
