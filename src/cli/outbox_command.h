#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "ports/database.h"

namespace CLI {
class App;
}

namespace icp::cli {

// `icpctl outbox list [--dead]`: the messages not delivered yet (or only the dead letters),
// oldest first, then the counts. Exit 0, or 1 when the store says no.
struct OutboxListRequest {
  bool dead_only = false;
  bool json = false;
  std::size_t limit = 100;
};
int RunOutboxList(Database& db, const OutboxListRequest& request, std::ostream& out,
                  std::ostream& err);

// `icpctl outbox retry ID|--all-dead`: turns dead letters back into pending messages,
// available at once with their attempts counted afresh. Each retry is a compare-and-set
// (a message that is not dead is refused: rule outbox.not-dead) and is audited
// ("outbox.retry" by `actor`) in the same unit of work. Exit 0 when every named message
// was retried, 1 otherwise, 2 when the request names no message (or both an id and
// --all-dead).
struct OutboxRetryRequest {
  std::optional<std::int64_t> id{};
  bool all_dead = false;
  std::string actor{};  // who asks: "operator:alice@host"
};
int RunOutboxRetry(Database& db, const OutboxRetryRequest& request, std::chrono::sys_seconds now,
                   std::ostream& out, std::ostream& err);

// The `outbox` command group, registered on icpctl's parser in one call.
class OutboxCommands {
 public:
  // Adds `outbox list` and `outbox retry` to `app`; `add_store_options` adds the flags that
  // say which store to open (--database, --data-dir, --pii-key) to each.
  static std::unique_ptr<OutboxCommands> Register(
      CLI::App& app, const std::function<void(CLI::App*)>& add_store_options);

  // True when the command line named this group.
  bool parsed() const;
  // Runs the parsed command. `actor` names the operator for the audit log.
  int Run(Database& db, std::chrono::sys_seconds now, std::string actor, std::ostream& out,
          std::ostream& err);

 private:
  OutboxCommands() = default;

  CLI::App* group_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* retry_ = nullptr;
  OutboxListRequest list_request_;
  OutboxRetryRequest retry_request_;
  std::string retry_id_;
};

}  // namespace icp::cli
