#include "bureau/gate_lists.h"

#include <string>

namespace icp::bureau {

GateListUpdate GateListsOf(const miit::IcpDownload& download) {
  GateListUpdate update;
  for (const miit::WebsiteBlacklistEntry& w : download.blacklisted_websites) {
    for (const std::string& domain : w.domains) {
      update.items.push_back(
          {GateList::kBlacklist, domain, "HMDLB " + w.name, w.action == miit::ListAction::kDelete});
    }
  }
  for (const miit::IllegalAccess& a : download.illegal_accesses) {
    update.items.push_back(
        {GateList::kIllegalAccess, a.domain, "FFJRHMD " + std::to_string(a.id), false});
  }
  for (const miit::UnfiledSite& u : download.unfiled_sites) {
    update.items.push_back(
        {GateList::kUnfiled, u.domain, "WBAWZLB " + std::to_string(u.id), false});
  }
  return update;
}

}  // namespace icp::bureau
