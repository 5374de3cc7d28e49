#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace icp {

// The identity an outbox dispatcher leases messages under (DispatcherOptions::worker):
// "<program>-<host>-<pid>-<8 hex digits>". The host and the process id tell an operator
// where a lease is held (`icpctl outbox list`); the random part keeps two processes apart
// even when a process id is reused after a restart or hosts share a name (containers).
std::string NewWorkerIdentity(std::string_view program);

// The same from given parts (what NewWorkerIdentity reads from the system).
std::string WorkerIdentity(std::string_view program, std::string_view host, std::int64_t pid,
                           std::uint32_t random);

// Who runs a command, for the audit log: "operator:<login>@<host>".
std::string OperatorName();

}  // namespace icp
