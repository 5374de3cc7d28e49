#include "cli/resources_command.h"

#include <fstream>
#include <iterator>
#include <ostream>

#include "app/resource_service.h"
#include "cli/db_command.h"
#include "codec/resource_import.h"

namespace icp::cli {
namespace {

// ResourceService needs a clock only for API imports; this one stands still at `now`.
class StillClock final : public Clock {
 public:
  explicit StillClock(std::chrono::sys_seconds now) : now_(now) {}
  std::chrono::sys_seconds Now() override { return now_; }

 private:
  std::chrono::sys_seconds now_;
};

}  // namespace

int RunResourcesImport(Database& db, const ResourcesImportRequest& request,
                       std::chrono::sys_seconds now, std::ostream& out, std::ostream& err) {
  std::string format = request.format;
  if (format.empty()) {
    const std::string ext = request.file.extension().string();
    format = ext == ".csv" ? "csv" : ext == ".json" ? "json" : "";
  }
  if (format != "csv" && format != "json") {
    err << "icpctl resources import: say --format csv or --format json (the file's extension is "
           "neither .csv nor .json)\n";
    return 2;
  }
  std::ifstream in(request.file, std::ios::binary);
  if (!in) {
    err << "icpctl resources import: cannot read " << request.file.string() << "\n";
    return 2;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Result<std::vector<Resource>> parsed =
      format == "csv" ? codec::ParseResourcesCsv(text) : codec::ParseResourcesJson(text);
  if (!parsed) {
    err << request.file.string() << ": nothing imported\n";
    PrintError(parsed.error(), err);
    return 1;
  }
  StillClock clock(now);
  EligibilityPolicy policy;
  ResourceService service(db, policy, clock);
  Result<std::size_t> n = service.ImportAs(request.actor, *parsed, now);
  if (!n) {
    PrintError(n.error(), err);
    return 1;
  }
  out << "imported " << *n << " resources from " << request.file.string() << "\n";
  return 0;
}

}  // namespace icp::cli
