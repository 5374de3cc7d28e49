#include "app/gate.h"

#include <set>
#include <utility>

namespace icp {
namespace {

// The standing the store gives `domain` now, read in `read`.
Result<GateStanding> StandingInStore(GateReader& read, std::string_view domain) {
  GateStanding s;
  Result<std::optional<FiledDomain>> filed = read.FindFiled(domain);
  if (!filed) return std::unexpected(filed.error());
  if (*filed) s.number = (*filed)->number;
  Result<std::vector<GateListEntry>> entries = read.FindEntries(domain);
  if (!entries) return std::unexpected(entries.error());
  for (const GateListEntry& e : *entries) s.lists |= 1U << static_cast<unsigned>(e.list);
  return s;
}

}  // namespace

std::string_view GateReasonName(GateDecision::Reason reason) {
  switch (reason) {
    case GateDecision::Reason::kFiled:
      return "filed";
    case GateDecision::Reason::kNotFiled:
      return "not_filed";
    case GateDecision::Reason::kBlacklist:
      return "blacklist";
    case GateDecision::Reason::kIllegalAccess:
      return "illegal_access";
    case GateDecision::Reason::kUnfiled:
      return "unfiled";
    case GateDecision::Reason::kIpLiteral:
      return "ip_literal";
  }
  return "not_filed";
}

Gate::Gate(ReadStore& db, GateOptions options)
    : db_(db),
      options_(options),
      current_(
          std::make_shared<const Snapshot>(Snapshot{std::make_shared<const GateTable>(), {}, 0})) {}

Result<GateRefresh> Gate::Load() {
  Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
  if (!read) return std::unexpected(read.error());
  GateReader& gate = (*read)->gate();
  Result<std::int64_t> position = gate.LastChange();
  if (!position) return std::unexpected(position.error());
  Result<std::vector<GateListEntry>> entries = gate.ListEntries();
  if (!entries) return std::unexpected(entries.error());
  std::unordered_map<std::string, std::uint8_t> listed;
  for (const GateListEntry& e : *entries) {
    listed[e.domain] |= static_cast<std::uint8_t>(1U << static_cast<unsigned>(e.list));
  }
  GateTable::Builder builder;
  std::string after;
  for (;;) {
    Result<std::vector<FiledDomain>> page = gate.ListFiled(after, options_.page);
    if (!page) return std::unexpected(page.error());
    for (const FiledDomain& f : *page) {
      GateStanding s{f.number, 0};
      if (auto it = listed.find(f.domain); it != listed.end()) {
        s.lists = it->second;
        listed.erase(it);
      }
      builder.Add(f.domain, s);
    }
    if (page->size() < options_.page) break;
    after = page->back().domain;
  }
  for (const auto& [domain, lists] : listed) builder.Add(domain, GateStanding{"", lists});
  auto next = std::make_shared<Snapshot>();
  next->table = std::make_shared<const GateTable>(std::move(builder).Build());
  next->position = *position;
  current_.store(std::move(next));
  return GateRefresh{0, true, *position};
}

Result<GateRefresh> Gate::Refresh() {
  GateRefresh done;
  for (;;) {
    std::shared_ptr<const Snapshot> now = current_.load();
    done.position = now->position;
    Result<std::unique_ptr<ReadTransaction>> read = db_.BeginRead();
    if (!read) return std::unexpected(read.error());
    GateReader& gate = (*read)->gate();
    Result<std::vector<GateChange>> changes = gate.ChangesAfter(now->position, options_.page);
    if (!changes) return std::unexpected(changes.error());
    if (changes->empty()) return done;
    const std::size_t limit = std::max(options_.overlay_limit, now->table->size() / 8);
    if (changes->front().seq != now->position + 1 ||
        now->overlay.size() + changes->size() > limit) {
      read->reset();  // Load takes a snapshot of its own
      Result<GateRefresh> rebuilt = Load();
      if (!rebuilt) return rebuilt;
      rebuilt->changes = done.changes + changes->size();
      return rebuilt;
    }
    auto next = std::make_shared<Snapshot>(*now);
    std::set<std::string_view> seen;
    for (const GateChange& c : *changes) {
      if (!seen.insert(c.domain).second) continue;
      Result<GateStanding> s = StandingInStore(gate, c.domain);
      if (!s) return std::unexpected(s.error());
      next->overlay[c.domain] = std::move(*s);
    }
    next->position = changes->back().seq;
    done.changes += changes->size();
    done.position = next->position;
    current_.store(std::move(next));
    if (changes->size() < options_.page) return done;
  }
}

GateDecision Gate::Decide(const GateHost& host) const {
  GateDecision d;
  d.host = host.text;
  if (host.kind == GateHost::Kind::kIpLiteral) {
    d.reason = GateDecision::Reason::kIpLiteral;
    return d;
  }
  std::shared_ptr<const Snapshot> s = current_.load();
  // The longest filed suffix, and its number when the overlay had it (else read once below).
  std::optional<std::string_view> filed;
  std::optional<std::string> filed_number;
  for (std::string_view suffix = host.text;;) {
    bool is_filed = false;
    std::uint8_t lists = 0;
    const GateStanding* changed = nullptr;
    if (!s->overlay.empty()) {
      if (auto it = s->overlay.find(std::string(suffix)); it != s->overlay.end()) {
        changed = &it->second;
      }
    }
    if (changed != nullptr) {
      is_filed = changed->filed();
      lists = changed->lists;
    } else if (std::optional<GateTable::Peek> peek = s->table->Look(suffix)) {
      is_filed = peek->filed;
      lists = peek->lists;
    }
    if (lists != 0) {
      const GateStanding listed{"", lists};
      d.matched = std::string(suffix);
      d.reason = listed.listed(GateList::kBlacklist)       ? GateDecision::Reason::kBlacklist
                 : listed.listed(GateList::kIllegalAccess) ? GateDecision::Reason::kIllegalAccess
                                                           : GateDecision::Reason::kUnfiled;
      return d;
    }
    if (is_filed && !filed) {
      filed = suffix;
      if (changed != nullptr) filed_number = changed->number;
    }
    const std::size_t dot = suffix.find('.');
    if (dot == std::string_view::npos) break;
    suffix.remove_prefix(dot + 1);
  }
  if (filed) {
    d.allowed = true;
    d.reason = GateDecision::Reason::kFiled;
    d.matched = std::string(*filed);
    d.number = filed_number ? std::move(*filed_number) : s->table->Find(*filed)->number;
  }
  return d;
}

Result<GateDecision> Gate::Check(std::string_view host) const {
  Result<GateHost> parsed = ParseGateHost(host);
  if (!parsed) return std::unexpected(parsed.error());
  return Decide(*parsed);
}

Gate::Stats Gate::stats() const {
  std::shared_ptr<const Snapshot> s = current_.load();
  return {s->position, s->table->size(), s->overlay.size(), s->table->bytes()};
}

}  // namespace icp
