#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ports/database.h"

namespace icp::storage_testing {

// What a store looked like after a writer was killed mid-write.
struct CrashReport {
  int acknowledged = 0;            // commits the writer reported before it was killed
  std::int64_t applications = 0;   // found after reopening
  std::int64_t audit_entries = 0;  // found after reopening
  std::int64_t outbox_messages = 0;
  bool every_acknowledged_present = false;
  AuditVerification audit;
  std::string error;  // set when the test itself could not run
};

// Forks a writer that opens the store with `open` and commits units of work in a loop, each
// an application, its audit entry and its outbox message, reporting every commit on a pipe.
// After `acknowledgements` commits (the writer is in the middle of the next one) the
// writer is killed with SIGKILL; the store is then reopened and counted. A store that keeps
// its promises shows every acknowledged commit, the three counts equal (no half change),
// and a whole audit chain.
CrashReport KillWriterMidWrite(const std::function<std::unique_ptr<Database>()>& open,
                               int acknowledgements);

}  // namespace icp::storage_testing
