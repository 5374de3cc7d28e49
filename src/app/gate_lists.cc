#include "app/gate_lists.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "app/audit_details.h"
#include "domain/gate_host.h"

namespace icp {

Result<GateListReport> ApplyGateLists(Database& db, const GateListUpdate& update,
                                      std::string_view actor, std::chrono::sys_seconds now) {
  Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<GateListReport> report = ApplyGateListsIn(**uow, update, actor, now);
  if (!report) return report;
  if (Result<void> c = (*uow)->Commit(); !c) return std::unexpected(c.error());
  return report;
}

Result<GateListReport> ApplyGateListsIn(UnitOfWork& uow, const GateListUpdate& update,
                                        std::string_view actor, std::chrono::sys_seconds now) {
  GateListReport report;
  // Normalised first, so that a bad item writes nothing and is reported at its index.
  std::vector<std::pair<GateListItem, std::string>> items;
  for (std::size_t i = 0; i < update.items.size(); ++i) {
    const GateListItem& item = update.items[i];
    const std::string field = "items[" + std::to_string(i) + "].domain";
    Result<GateHost> host = ParseGateHost(item.domain);
    if (!host) {
      FieldViolation v = host.error().violations.at(0);
      v.field = field;
      report.skipped.push_back(std::move(v));
      continue;
    }
    if (host->kind == GateHost::Kind::kIpLiteral) {
      report.skipped.push_back({field, "gate.host-ip-literal",
                                "an IP address is not a domain: the gate denies it anyway",
                                "IP 地址不是域名"});
      continue;
    }
    items.emplace_back(item, std::move(host->text));
  }

  GateRepository& gate = uow.gate();
  std::set<std::pair<GateList, std::string>> kept;
  for (const auto& [item, domain] : items) {
    if (item.remove) {
      Result<bool> removed = gate.RemoveEntry(item.list, domain);
      if (!removed) return std::unexpected(removed.error());
      ++(*removed ? report.removed : report.unchanged);
      continue;
    }
    kept.emplace(item.list, domain);
    Result<bool> put =
        gate.PutEntry({item.list, domain, item.source, now.time_since_epoch().count()});
    if (!put) return std::unexpected(put.error());
    ++(*put ? report.added : report.unchanged);
  }
  if (!update.replace.empty()) {
    Result<std::vector<GateListEntry>> all = gate.ListEntries();
    if (!all) return std::unexpected(all.error());
    for (const GateListEntry& e : *all) {
      const bool replaced =
          std::find(update.replace.begin(), update.replace.end(), e.list) != update.replace.end();
      if (!replaced || kept.contains({e.list, e.domain})) continue;
      Result<bool> removed = gate.RemoveEntry(e.list, e.domain);
      if (!removed) return std::unexpected(removed.error());
      if (*removed) ++report.removed;
    }
  }
  if (report.added + report.removed > 0) {
    AuditDetails details;
    details.Add("added", static_cast<std::int64_t>(report.added))
        .Add("removed", static_cast<std::int64_t>(report.removed))
        .Add("unchanged", static_cast<std::int64_t>(report.unchanged))
        .Add("skipped", static_cast<std::int64_t>(report.skipped.size()));
    Result<void> audited =
        uow.audit().Append({now, std::string(actor), "gate.lists", "gate", details.str()});
    if (!audited) return std::unexpected(audited.error());
  }
  return report;
}

Result<GateListReport> GateLists::Apply(const GateListUpdate& update) {
  return ApplyGateLists(db_, update, actor_, clock_.Now());
}

}  // namespace icp
