#pragma once

#include <string_view>

#include "ports/database.h"

namespace icp::storage_testing {

// Raw SQL a careless or hostile writer might run on the outbox table, and the constraint
// or trigger of the migrations that refuses it (its name appears in the engine's error).
// Each statement breaks exactly one rule, so removing that one guard lets it through.
// The rows they aim at are made by PrepareOutboxRows().
struct OutboxBypass {
  std::string_view statement;
  std::string_view guard;
};

inline constexpr OutboxBypass kOutboxBypasses[] = {
    // Row 1 is delivered: final.
    {"UPDATE outbox SET delivered_at = NULL WHERE id = 1", "outbox.delivered-final"},
    {"INSERT INTO outbox (topic, idempotency_key, payload, available_at, delivered_at, dead_at, "
     "last_error) VALUES ('t', 'both', '{}', 0, 1, 1, 'x')",
     "outbox_delivered_or_dead"},
    // Row 2 is leased to "a".
    {"UPDATE outbox SET lease_until = NULL WHERE id = 2", "outbox_lease_whole"},
    {"UPDATE outbox SET dead_at = 9, last_error = 'x' WHERE id = 2", "outbox_finished_unleased"},
    // Row 3 is pending, never tried.
    {"UPDATE outbox SET lease_owner = 'b' WHERE id = 3", "outbox_lease_whole"},
    {"UPDATE outbox SET lease_owner = '', lease_until = 9 WHERE id = 3", "outbox_owner_named"},
    {"UPDATE outbox SET dead_at = 9 WHERE id = 3", "outbox_dead_says_why"},
    {"UPDATE outbox SET attempts = -1 WHERE id = 3", "outbox_attempts_counted"},
    {"INSERT INTO outbox (topic, idempotency_key, payload, available_at) VALUES ('t', '', '{}', 0)",
     "outbox_key_given"},
    {"INSERT INTO outbox (topic, idempotency_key, payload, available_at) VALUES ('', 'k', '{}', 0)",
     "outbox_topic_given"},
    {"INSERT INTO inbox (idempotency_key, received_at) VALUES ('', 0)", "inbox_key_given"},
};

// Through the store: row 1 delivered, row 2 leased to "a", row 3 pending and never tried.
void PrepareOutboxRows(Database& db);

// Whether the error a bypass was refused with names `guard`.
bool NamesGuard(const Error& error, std::string_view guard);

}  // namespace icp::storage_testing
