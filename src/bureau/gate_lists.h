#pragma once

#include "miit/messages.h"
#include "ports/gate_repository.h"

namespace icp::bureau {

// The bureau's lists in a downloaded file, as the access gate takes them
// (ports/GateListWriter; docs/storage.md, "The access gate"):
//   HMDLB/Wzhmdxxs  each domain of a blacklisted website -> blacklist; Czlx 0 (add) and
//                   1 (modify) put the entry, 2 (delete) removes it;
//   FFJRHMD         each site accessed illegally -> illegal_access;
//   WBAWZLB         each unfiled site found on this provider's network -> unfiled.
// HMDLB/Zthmdxxs (blacklisted subjects) names no domain: the gate has nothing to refuse by
// host for it (the type check and the review refuse such a subject instead).
// The domains are passed as the bureau wrote them; the writer normalises them and reports
// any it cannot take.
GateListUpdate GateListsOf(const miit::IcpDownload& download);

}  // namespace icp::bureau
