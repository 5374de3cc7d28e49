#pragma once

#include "base/result.h"
#include "ports/audit_log.h"
#include "ports/outbox.h"

namespace icp {

// The stores' guard on text that outlives its unit of work and is read by people who may not
// see personal data (PIPL art. 51; docs/storage.md "Personal data at rest"): audit entries and
// outbox messages must hold personal identifiers masked (domain/personal_data.h). Every
// store's AuditLog::Append and Outbox::Enqueue call these first, so a careless caller cannot
// leave a resident ID or a mobile number in clear in the audit log or a queued message.
//
// kInvalidArgument with one violation per unmasked identifier found
// (domain/personal_data_scan.h): the field ("details", "payload", ...), rule
// "audit.personal-data" / "outbox.personal-data", and a message naming the kind of
// identifier, the character it starts at and its masked form, never the value itself.
Result<void> RefuseUnmaskedPersonalData(const AuditEntry& entry);
Result<void> RefuseUnmaskedPersonalData(const OutboxMessage& message);

}  // namespace icp
