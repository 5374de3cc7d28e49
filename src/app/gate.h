#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/gate_table.h"
#include "base/result.h"
#include "domain/gate_host.h"
#include "ports/database.h"

namespace icp {

// The access gate's answer for one host (docs/api.md, "The access gate").
struct GateDecision {
  enum class Reason {
    kFiled,          // allowed: the host's domain is filed here with an approved website
    kNotFiled,       // denied: no domain of the host is filed here
    kBlacklist,      // denied: on the bureau's blacklist (HMDLB)
    kIllegalAccess,  // denied: on the bureau's list of illegal access (FFJRHMD)
    kUnfiled,        // denied: on the bureau's list of unfiled sites (WBAWZLB)
    kIpLiteral,      // denied: an IP address, never filed
  };
  bool allowed = false;
  Reason reason = Reason::kNotFiled;
  std::string host;     // normalised (A-label form)
  std::string matched;  // the filed or listed domain that decided; "" when none did
  std::string number;   // the website's filing number when allowed

  friend bool operator==(const GateDecision&, const GateDecision&) = default;
};

// "filed", "not_filed", "blacklist", "illegal_access", "unfiled", "ip_literal".
std::string_view GateReasonName(GateDecision::Reason reason);

struct GateOptions {
  std::size_t page = 10000;  // rows per read of the listing and of the change sequence
  // Changes kept beside the table before it is rebuilt (at least this many, or an eighth
  // of the table).
  std::size_t overlay_limit = 65536;
};

struct GateRefresh {
  std::size_t changes = 0;  // change rows applied
  bool rebuilt = false;     // the table was built again from the full listing
  std::int64_t position = 0;
};

// The in-memory index of one icpd: built from the store at start (Load), then kept current
// from the store's change sequence (Refresh, on a background thread). Lookups (Check) never
// wait: they read an immutable snapshot (a compact GateTable plus a small overlay of the
// domains changed since it was built), which Refresh replaces whole with an atomic swap.
// A filed domain covers its subdomains: a host is looked up as itself and as each of its
// parent domains, longest first; a listed domain denies even where a record allows.
class Gate {
 public:
  // `db` is the store, or a read-only copy of it (a streaming replica): the gate only reads.
  explicit Gate(ReadStore& db, GateOptions options = {});

  // Builds the table from the full listing, in one read transaction (a consistent moment).
  Result<GateRefresh> Load();
  // Applies the changes committed since the last Load or Refresh; rebuilds when the
  // sequence has a gap after its position (pruned) or the overlay grew past its limit.
  Result<GateRefresh> Refresh();

  // The answer for a Host value; kInvalidArgument (field "host", gate.host-*) for bad input.
  Result<GateDecision> Check(std::string_view host) const;
  GateDecision Decide(const GateHost& host) const;

  struct Stats {
    std::int64_t position = 0;  // the last change applied
    std::size_t table_entries = 0;
    std::size_t overlay_entries = 0;
    std::size_t table_bytes = 0;
  };
  Stats stats() const;

 private:
  struct Snapshot {
    std::shared_ptr<const GateTable> table;
    // Domains changed since the table was built, with their standing now (empty: none).
    std::unordered_map<std::string, GateStanding> overlay;
    std::int64_t position = 0;
  };

  ReadStore& db_;
  GateOptions options_;
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace icp
