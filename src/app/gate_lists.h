#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "ports/gate_repository.h"

namespace icp {

// Applies `update` in one unit of work, with one audit entry ("gate.lists", actor
// `actor`, the counts) when anything changed. Each write appends to the gate's change
// sequence (the store's triggers), so every icpd's gate follows within its refresh interval.
Result<GateListReport> ApplyGateLists(Database& db, const GateListUpdate& update,
                                      std::string_view actor, std::chrono::sys_seconds now);
// The same in the caller's unit of work (the caller commits): the gateway applies a
// downloaded file's lists with the rest of the file.
Result<GateListReport> ApplyGateListsIn(UnitOfWork& uow, const GateListUpdate& update,
                                        std::string_view actor, std::chrono::sys_seconds now);

// The port the gateway's download loop writes the bureau's lists through
// (ports/gate_repository.h): ApplyGateLists with the clock's time, as `actor`.
class GateLists final : public GateListWriter {
 public:
  GateLists(Database& db, Clock& clock, std::string actor = "system:bureau")
      : db_(db), clock_(clock), actor_(std::move(actor)) {}

  Result<GateListReport> Apply(const GateListUpdate& update) override;

 private:
  Database& db_;
  Clock& clock_;
  std::string actor_;
};

}  // namespace icp
