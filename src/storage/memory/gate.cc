// The access gate's view in memory: the answers the SQL stores' gate_filed view and lists
// give, and a change sequence appended at commit (migrations/0009_gate.sql).
#include <algorithm>
#include <bitset>
#include <set>

#include "ports/storage_errors.h"
#include "storage/memory/repositories.h"

namespace icp::memory {
namespace {

// The rows of the gate_filed view.
std::map<std::string, std::string> Filed(const State& st) {
  std::map<std::string, std::string> out;
  for (const auto& [id, w] : st.websites) {
    if (w.cancelled || !w.number) continue;
    auto subject = st.subjects.find(w.subject.value());
    if (subject == st.subjects.end() || subject->second.cancelled) continue;
    auto issued = st.numbers.find(w.number->canonical());
    if (issued == st.numbers.end() || issued->second.cancelled_at ||
        issued->second.website != w.id) {
      continue;
    }
    for (const DomainName& d : w.website.domains) out.emplace(d.ascii(), w.number->canonical());
  }
  return out;
}

// A domain's answer: its filed number ("" when none) and the lists it is on.
using Standing = std::pair<std::string, std::bitset<3>>;

std::map<std::string, Standing> Standings(const State& st) {
  std::map<std::string, Standing> out;
  for (auto& [domain, number] : Filed(st)) out[domain].first = number;
  for (const auto& [key, e] : st.gate_lists) {
    out[e.domain].second.set(static_cast<std::size_t>(e.list));
  }
  return out;
}

// The SQL schema's CHECK "gate.list-domain".
bool IsALabelDomain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.') return false;
  if (d.find("..") != std::string_view::npos) return false;
  return std::all_of(d.begin(), d.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

}  // namespace

void NoteGateChanges(const State& before, State& after) {
  const std::map<std::string, Standing> was = Standings(before);
  const std::map<std::string, Standing> now = Standings(after);
  std::set<std::string> changed;
  for (const auto& [domain, standing] : was) {
    auto it = now.find(domain);
    if (it == now.end() || it->second != standing) changed.insert(domain);
  }
  for (const auto& [domain, standing] : now) {
    if (!was.contains(domain)) changed.insert(domain);
  }
  std::int64_t seq = after.gate_changes.empty() ? 0 : after.gate_changes.back().seq;
  for (const std::string& domain : changed) after.gate_changes.push_back({++seq, domain});
}

Result<std::int64_t> GateRepository::LastChange() {
  return s_.Read([&]() -> Result<std::int64_t> {
    const auto& changes = s_.state().gate_changes;
    return changes.empty() ? 0 : changes.back().seq;
  });
}

Result<std::vector<GateChange>> GateRepository::ChangesAfter(std::int64_t after,
                                                             std::size_t limit) {
  return s_.Read([&]() -> Result<std::vector<GateChange>> {
    std::vector<GateChange> out;
    for (const GateChange& c : s_.state().gate_changes) {
      if (out.size() >= limit) break;
      if (c.seq > after) out.push_back(c);
    }
    return out;
  });
}

Result<std::vector<FiledDomain>> GateRepository::ListFiled(std::string_view after,
                                                           std::size_t limit) {
  return s_.Read([&]() -> Result<std::vector<FiledDomain>> {
    std::vector<FiledDomain> out;
    const std::map<std::string, std::string> filed = Filed(s_.state());
    for (auto it = filed.upper_bound(std::string(after)); it != filed.end(); ++it) {
      if (out.size() >= limit) break;
      out.push_back({it->first, it->second});
    }
    return out;
  });
}

Result<std::optional<FiledDomain>> GateRepository::FindFiled(std::string_view domain) {
  return s_.Read([&]() -> Result<std::optional<FiledDomain>> {
    const std::map<std::string, std::string> filed = Filed(s_.state());
    auto it = filed.find(std::string(domain));
    if (it == filed.end()) return std::optional<FiledDomain>();
    return std::optional<FiledDomain>(FiledDomain{it->first, it->second});
  });
}

Result<std::vector<GateListEntry>> GateRepository::ListEntries() {
  return s_.Read([&]() -> Result<std::vector<GateListEntry>> {
    std::vector<GateListEntry> out;
    for (const auto& [key, e] : s_.state().gate_lists) out.push_back(e);
    return out;
  });
}

Result<std::vector<GateListEntry>> GateRepository::FindEntries(std::string_view domain) {
  return s_.Read([&]() -> Result<std::vector<GateListEntry>> {
    std::vector<GateListEntry> out;
    for (const auto& [key, e] : s_.state().gate_lists) {
      if (e.domain == domain) out.push_back(e);
    }
    return out;
  });
}

Result<bool> GateRepository::PutEntry(const GateListEntry& e) {
  return s_.Write([&]() -> Result<bool> {
    if (!IsALabelDomain(e.domain)) return storage_errors::GateListDomain(e.domain);
    auto& lists = s_.state().gate_lists;
    auto [it, inserted] = lists.try_emplace({e.list, e.domain}, e);
    if (inserted) return true;
    if (it->second == e) return false;
    it->second = e;
    return true;
  });
}

Result<bool> GateRepository::RemoveEntry(GateList list, std::string_view domain) {
  return s_.Write([&]() -> Result<bool> {
    return s_.state().gate_lists.erase({list, std::string(domain)}) > 0;
  });
}

}  // namespace icp::memory
