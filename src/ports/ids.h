#pragma once

#include "base/id.h"

namespace icp {

// The ids a store assigns (STYLE.md §3.3).
using AccountId = Id<struct AccountTag>;
using SubjectId = Id<struct SubjectTag>;
using WebsiteId = Id<struct WebsiteTag>;
using ApplicationId = Id<struct ApplicationTag>;
using MaterialId = Id<struct MaterialTag>;
using VerificationId = Id<struct VerificationTag>;
using TransferId = Id<struct TransferTag>;
using OutboxMessageId = Id<struct OutboxMessageTag>;
using SessionId = Id<struct SessionTag>;
using ApiKeyId = Id<struct ApiKeyTag>;
using NotificationId = Id<struct NotificationTag>;

}  // namespace icp
