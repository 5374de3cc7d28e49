#include "cli/records_command.h"

#include <boost/json.hpp>

#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/api_call.h"
#include "cli/db_command.h"

namespace icp::cli {

namespace json = boost::json;

int RunRecordsImport(HttpClient& http, const StoredToken& token, const std::filesystem::path& file,
                     std::ostream& out, std::ostream& err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    err << "icpctl records import: cannot read " << file.string() << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  Result<HttpReply> reply = Call(http, token, "POST", "/v1/admin/records:import", text.str());
  if (!reply) {
    PrintError(reply.error(), err);
    return 1;
  }
  if (reply->status >= 300) {
    err << file.string() << ": nothing imported\n";
    return PrintProblem(*reply, err);
  }
  boost::system::error_code ec;
  json::value v = json::parse(reply->body, ec);
  if (ec || !v.is_object()) {
    err << "icpctl: icpd answered " << reply->status << " with a body that is not JSON\n";
    return 1;
  }
  const json::object& report = v.as_object();
  if (const json::value* subjects = report.if_contains("subjects");
      subjects != nullptr && subjects->is_array()) {
    for (const json::value& s : subjects->as_array()) {
      if (!s.is_object()) continue;
      const json::object& o = s.as_object();
      out << "subject " << TextOf(o, "id") << "\t" << TextOf(o, "number") << "\t"
          << TextOf(o, "outcome") << "\n";
      const json::value* sites = o.if_contains("websites");
      if (sites == nullptr || !sites->is_array()) continue;
      for (const json::value& w : sites->as_array()) {
        if (!w.is_object()) continue;
        out << "  website " << TextOf(w.as_object(), "id") << "\t"
            << TextOf(w.as_object(), "number") << "\t" << TextOf(w.as_object(), "outcome") << "\n";
      }
    }
  }
  out << "imported " << file.string() << ": " << TextOf(report, "created") << " created, "
      << TextOf(report, "unchanged") << " unchanged\n";
  return 0;
}

}  // namespace icp::cli
