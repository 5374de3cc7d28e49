#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "domain/resource.h"
#include "miit/code_tables.h"
#include "miit/messages.h"

namespace icp::bureau {

// Our Application as the bureau's upload message (BUREAU-PROTOCOL.md §7.1 types, §7.2 fields):
// first_filing -> XZBA, new_website(_filed_elsewhere) -> XZWZ, new/continue_access -> XZJR,
// change_* -> BGBA, cancel_* -> ZXBA. Pure: what the Application does not hold comes in the
// MessageContext, resolved by the caller.

// One server a website is served from, resolved from Website::resources.
struct AccessPoint {
  std::string region;  // the cloud region, "ap-guangzhou" (table cloud_region)
  ResourceKind kind = ResourceKind::kCvm;
  std::string public_ip;  // dotted IPv4; V3.0 carries no IPv6
};

// The bureau's ids of the record an application refers to (§5.1): the domain's BureauIds,
// kept on the filed record (Application::original->bureau).
using FiledIds = BureauIds;

struct MessageContext {
  std::int64_t requester = 0;                 // Qqdwid = ispId
  std::function<std::int64_t()> next_isp_id;  // a fresh Isp* id per call (§4.0, §5.3)
  // Per Application::websites (same index): where its servers are.
  std::vector<std::vector<AccessPoint>> access_points;
  // Per Application::materials (same index): the file's bytes (JPEG or PNG).
  std::vector<std::string> material_files;
  // The filing password as the customer typed it; sent as lower-case MD5 hex (ICPmm, §4.3).
  std::optional<std::string> icp_password;
  // The filed record's ids when the application has none on record: a subject filed at
  // another provider (new_website_filed_elsewhere) is named by its number from the type
  // check. Ids on Application::original->bureau take precedence.
  std::optional<FiledIds> filed;
  std::string cancellation_reason = "other";  // key of table cancellation_reason
  std::optional<std::string> cancellation_text;
  bool strict = false;  // --protocol v3.0-strict: no beian-ext code rows (§7.4)
  const miit::CodeTables* tables = &miit::CodeTables::Builtin();
};

// The upload file's content for `application`, one operation. kInvalidArgument listing every
// problem, each with the application's field path ("websites[0].service_content[1]") and a
// rule: "miit.code.unknown" (no code-table row), "miit.code.strict" (a beian-ext row in strict
// mode), "miit.gbk.unmappable" (text GBK cannot hold), "bureau.map.missing" (something the
// message needs that neither the application nor the context has: a city, a filed id, the
// password, a server), "bureau.map.ip" (no IPv4), "bureau.map.attachment" (not JPEG/PNG).
// kFailedPrecondition when the application's type is unset.
Result<miit::IcpUpload> ToUpload(const Application& application, const MessageContext& context);

}  // namespace icp::bureau
