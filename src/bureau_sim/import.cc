#include "bureau_sim/import.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <utility>

#include "bureau_sim/lists.h"
#include "bureau_sim/pipeline.h"
#include "miit/digest.h"
#include "storage/sql/connection.h"

namespace icp::bureau_sim {
namespace {

constexpr std::size_t kMaxProblems = 1000;

// What one line holds, decoded.
struct Line {
  std::int64_t number = 0;  // the line's number in the file
  Subject subject;
  std::optional<std::int64_t> serial_year;
  std::optional<std::int64_t> serial;
  std::vector<std::pair<std::int64_t, miit::WebsiteBlock>> websites;  // (index, block)
  std::optional<std::string> password;
  std::optional<std::string> password_hash;
};

// A strict reader of one line's JSON: every problem with its path.
class Reader {
 public:
  std::vector<std::pair<std::string, std::string>> problems;  // (path, message)

  void Problem(std::string path, std::string message) {
    problems.emplace_back(std::move(path), std::move(message));
  }

  void OnlyKeys(const boost::json::object& o, const std::string& path,
                std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : o) {
      if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
        Problem(Join(path, key), "unknown field");
      }
    }
  }

  const boost::json::object* Object(const boost::json::object& o, std::string_view key,
                                    const std::string& path, bool required) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) Problem(Join(path, key), "required");
      return nullptr;
    }
    if (!v->is_object()) Problem(Join(path, key), "must be an object");
    return v->if_object();
  }

  const boost::json::array* Array(const boost::json::object& o, std::string_view key,
                                  const std::string& path, bool required) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) Problem(Join(path, key), "required");
      return nullptr;
    }
    if (!v->is_array()) Problem(Join(path, key), "must be a list");
    return v->if_array();
  }

  std::optional<std::string> Text(const boost::json::object& o, std::string_view key,
                                  const std::string& path, bool required, std::size_t max = 1024) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) Problem(Join(path, key), "required");
      return std::nullopt;
    }
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max) {
      Problem(Join(path, key), fmt::format("must be a text of 1 to {} bytes", max));
      return std::nullopt;
    }
    return std::string(v->as_string());
  }

  std::optional<std::int64_t> Int(const boost::json::object& o, std::string_view key,
                                  const std::string& path, bool required, std::int64_t min,
                                  std::int64_t max) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      if (required) Problem(Join(path, key), "required");
      return std::nullopt;
    }
    if (!v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
      Problem(Join(path, key), fmt::format("must be a whole number in {}..{}", min, max));
      return std::nullopt;
    }
    return v->as_int64();
  }

  std::vector<std::int64_t> Ids(const boost::json::object& o, std::string_view key,
                                const std::string& path) {
    std::vector<std::int64_t> out;
    const boost::json::array* list = Array(o, key, path, false);
    if (list == nullptr) return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const boost::json::value& v = (*list)[i];
      if (!v.is_int64() || v.as_int64() < 1 || v.as_int64() > 999) {
        Problem(fmt::format("{}[{}]", Join(path, key), i), "must be a code id 1..999");
      } else {
        out.push_back(v.as_int64());
      }
    }
    return out;
  }

  // A leader: name, mobiles and e-mails are required, as BASJ carries them (§5.1).
  miit::Leader Leader(const boost::json::object* o, const std::string& path) {
    miit::Leader l;
    if (o == nullptr) return l;
    OnlyKeys(
        *o, path,
        {"name", "mobiles", "emails", "office_phones", "certificate_type", "certificate_number"});
    l.name = Text(*o, "name", path, true, 128);
    l.mobiles = Text(*o, "mobiles", path, true, 128);
    l.emails = Text(*o, "emails", path, true, 128);
    l.office_phones = Text(*o, "office_phones", path, false, 128);
    l.certificate_type = Int(*o, "certificate_type", path, false, 1, 999);
    l.certificate_number = Text(*o, "certificate_number", path, false, 255);
    return l;
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
};

// The serial of a number "<prefix>ICP备<digits>号": (year, serial) for the 10-digit form.
std::optional<std::pair<std::int64_t, std::int64_t>> SerialOf(std::string_view number) {
  constexpr std::string_view kMark = "ICP备";
  const std::size_t at = number.find(kMark);
  if (at == std::string_view::npos || !number.ends_with("号")) return std::nullopt;
  const std::string_view digits = number.substr(
      at + kMark.size(), number.size() - at - kMark.size() - std::string_view("号").size());
  if (digits.size() != 10 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  std::int64_t year = 0;
  std::int64_t serial = 0;
  std::from_chars(digits.data(), digits.data() + 4, year);
  std::from_chars(digits.data() + 4, digits.data() + 10, serial);
  return std::pair{year, serial};
}

bool ValidNumber(std::string_view number) {
  constexpr std::string_view kMark = "ICP备";
  const std::size_t at = number.find(kMark);
  if (at == std::string_view::npos || !number.ends_with("号") || number.size() > 64) return false;
  const std::string_view digits = number.substr(
      at + kMark.size(), number.size() - at - kMark.size() - std::string_view("号").size());
  return (digits.size() == 8 || digits.size() == 10) &&
         std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<Line> Decode(std::string_view text, std::int64_t line_number, std::int64_t now,
                           Reader& in) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    in.Problem("", "not a JSON object");
    return std::nullopt;
  }
  const boost::json::object& root = v.as_object();
  in.OnlyKeys(root, "", {"subject", "websites"});
  Line line;
  line.number = line_number;
  const boost::json::object* s = in.Object(root, "subject", "", true);
  if (s != nullptr) {
    in.OnlyKeys(*s, "subject",
                {"number", "name", "nature", "certificate", "region", "investor", "leader",
                 "remark", "filed_at", "password"});
    miit::SubjectBlock& b = line.subject.block;
    b.number = in.Text(*s, "number", "subject", true, 64);
    if (b.number) {
      const std::optional<std::int64_t> province = ProvinceOfNumber(*b.number);
      if (!province || !ValidNumber(*b.number)) {
        in.Problem("subject.number", "not a subject number <prefix>ICP备<8 or 10 digits>号");
      } else {
        line.subject.province = *province;
        if (auto serial = SerialOf(*b.number)) {
          line.serial_year = serial->first;
          line.serial = serial->second;
        }
      }
    }
    b.name = in.Text(*s, "name", "subject", true, 255).value_or("");
    b.nature = in.Int(*s, "nature", "subject", false, 1, 999);
    b.investor = in.Text(*s, "investor", "subject", false, 255);
    b.remark = in.Text(*s, "remark", "subject", false, 1024);
    line.password = in.Text(*s, "password", "subject", false, 64);
    const std::int64_t filed_at =
        in.Int(*s, "filed_at", "subject", false, 0, 253402300799).value_or(now);
    line.subject.filed_at = line.subject.modified_at = filed_at;
    if (const boost::json::object* c = in.Object(*s, "certificate", "subject", true)) {
      in.OnlyKeys(*c, "subject.certificate", {"type", "number", "address"});
      b.certificate.type = in.Int(*c, "type", "subject.certificate", true, 1, 999).value_or(0);
      b.certificate.number = in.Text(*c, "number", "subject.certificate", true, 255).value_or("");
      b.certificate.address = in.Text(*c, "address", "subject.certificate", false, 1024);
    }
    if (const boost::json::object* r = in.Object(*s, "region", "subject", true)) {
      in.OnlyKeys(*r, "subject.region", {"province", "city", "county", "address"});
      b.address.province = in.Int(*r, "province", "subject.region", true, 100000, 999999);
      b.address.city = in.Int(*r, "city", "subject.region", false, 100000, 999999);
      b.address.county = in.Int(*r, "county", "subject.region", false, 100000, 999999);
      b.address.detail = in.Text(*r, "address", "subject.region", false, 1024);
      if (b.address.province && line.subject.province != 0 &&
          *b.address.province != line.subject.province) {
        in.Problem("subject.region.province", "the number's prefix names another province");
      }
    }
    b.leader = in.Leader(in.Object(*s, "leader", "subject", true), "subject.leader");
    b.filed_by = 1;
  }
  const boost::json::array* websites = in.Array(root, "websites", "", true);
  if (websites != nullptr) {
    for (std::size_t i = 0; i < websites->size(); ++i) {
      const std::string path = fmt::format("websites[{}]", i);
      const boost::json::object* w = (*websites)[i].if_object();
      if (w == nullptr) {
        in.Problem(path, "must be an object");
        continue;
      }
      in.OnlyKeys(*w, path,
                  {"number", "name", "home_url", "domains", "service_content", "languages",
                   "leader", "accesses"});
      miit::WebsiteBlock block;
      block.number = in.Text(*w, "number", path, true, 64);
      std::int64_t index = 0;
      const std::string prefix = line.subject.block.number.value_or("") + "-";
      if (block.number) {
        const std::string_view n = *block.number;
        const auto [end, err] =
            n.starts_with(prefix)
                ? std::from_chars(n.data() + prefix.size(), n.data() + n.size(), index)
                : std::from_chars_result{n.data(), std::errc::invalid_argument};
        if (err != std::errc{} || end != n.data() + n.size() || index < 1) {
          in.Problem(path + ".number", "must be the subject's number followed by -N");
        }
      }
      block.name = in.Text(*w, "name", path, true, 512).value_or("");
      block.home_url = in.Text(*w, "home_url", path, false, 512);
      block.service_content = in.Ids(*w, "service_content", path);
      block.languages = in.Ids(*w, "languages", path);
      if (block.languages.empty()) in.Problem(path + ".languages", "at least one language id");
      block.leader = in.Leader(in.Object(*w, "leader", path, true), path + ".leader");
      if (const boost::json::array* domains = in.Array(*w, "domains", path, true)) {
        for (std::size_t j = 0; j < domains->size(); ++j) {
          const boost::json::value& d = (*domains)[j];
          std::string name = d.is_string() ? std::string(d.as_string()) : std::string();
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          if (name.size() < 4 || name.size() > 128 || name.find('.') == std::string::npos) {
            in.Problem(fmt::format("{}.domains[{}]", path, j), "must be a domain name");
          } else {
            block.domains.push_back({std::nullopt, std::nullopt, std::move(name)});
          }
        }
      }
      if (const boost::json::array* accesses = in.Array(*w, "accesses", path, false)) {
        for (std::size_t j = 0; j < accesses->size(); ++j) {
          const std::string apath = fmt::format("{}.accesses[{}]", path, j);
          const boost::json::object* a = (*accesses)[j].if_object();
          if (a == nullptr) {
            in.Problem(apath, "must be an object");
            continue;
          }
          in.OnlyKeys(*a, apath, {"isp_id", "ips", "locations", "methods"});
          miit::AccessBlock access;
          access.provider = in.Int(*a, "isp_id", apath, true, 1, INT64_MAX);
          access.locations = in.Ids(*a, "locations", apath);
          access.methods = in.Ids(*a, "methods", apath);
          if (access.locations.empty())
            in.Problem(apath + ".locations", "at least one location id");
          if (access.methods.empty())
            in.Problem(apath + ".methods", "at least one access method id");
          if (const boost::json::array* ips = in.Array(*a, "ips", apath, false)) {
            for (std::size_t k = 0; k < ips->size(); ++k) {
              const boost::json::value& ip = (*ips)[k];
              const std::string_view range =
                  ip.is_string() ? std::string_view(ip.as_string()) : std::string_view();
              const std::size_t dash = range.find('-');
              const std::optional<std::int64_t> first = Ipv4Number(range.substr(0, dash));
              const std::optional<std::int64_t> last =
                  dash == std::string_view::npos ? first : Ipv4Number(range.substr(dash + 1));
              if (!first || !last || *first < 1 || *last < *first) {
                in.Problem(fmt::format("{}.ips[{}]", apath, k),
                           "must be a.b.c.d or a.b.c.d-e.f.g.h");
              } else {
                access.ips.push_back({std::nullopt, std::nullopt, *first, *last});
              }
            }
          }
          block.accesses.push_back(std::move(access));
        }
      }
      line.websites.emplace_back(index, std::move(block));
    }
  }
  if (!in.problems.empty()) return std::nullopt;
  return line;
}

// Writes one decoded line: kAlreadyExists (rule "import.conflict") for a number filed with
// other data; false when it was there already.
Result<bool> Write(Registry& r, const Line& line) {
  Result<std::optional<Subject>> existing = r.SubjectByNumber(*line.subject.block.number);
  if (!existing) return std::unexpected(existing.error());
  if (existing->has_value()) {
    const Subject& s = **existing;
    if (s.block.name == line.subject.block.name &&
        s.block.certificate.type == line.subject.block.certificate.type &&
        s.block.certificate.number == line.subject.block.certificate.number) {
      return false;
    }
    Error e{ErrorCode::kAlreadyExists, "the number is filed with other data", {}};
    e.violations.push_back({"subject.number", "import.conflict", e.message, ""});
    return std::unexpected(std::move(e));
  }
  if (line.serial) {
    if (Result<void> reserved =
            r.ReserveSerial(line.subject.province, *line.serial_year, *line.serial);
        !reserved) {
      return std::unexpected(reserved.error());
    }
  }
  Result<std::int64_t> ztid = r.InsertSubject(line.subject, line.password_hash);
  if (!ztid) return std::unexpected(ztid.error());
  for (const auto& [index, block] : line.websites) {
    Result<std::int64_t> wzid =
        r.InsertWebsite(*ztid, index, block, std::nullopt, line.subject.filed_at);
    if (!wzid) return std::unexpected(wzid.error());
  }
  return true;
}

std::string Describe(const Error& e) {
  std::string_view constraint = sql::ConstraintOf(e);
  if (constraint == "domains.name") return "a domain is filed already on another website";
  if (constraint == "subjects.certificate_type, subjects.certificate_number") {
    return "the certificate belongs to another filed subject";
  }
  if (constraint == "websites.number") return "a website number is filed already";
  if (!constraint.empty()) return std::string(constraint);
  return e.message;
}

}  // namespace

namespace {

Result<ImportReport> Load(Store& store, std::istream& in, PasswordHasher& hasher, std::int64_t now,
                          std::size_t batch) {
  ImportReport report;
  std::vector<Line> pending;
  auto problem = [&](std::int64_t line, std::string_view path, std::string_view message) {
    if (report.problems.size() < kMaxProblems) {
      report.problems.push_back(path.empty() ? fmt::format("line {}: {}", line, message)
                                             : fmt::format("line {}: {}: {}", line, path, message));
    }
  };
  // Writes the pending lines in one transaction. A line the registry refuses (a conflict)
  // is reported and the batch is written again without it, so one bad line costs its batch
  // a retry and nothing else.
  auto flush = [&]() -> Result<void> {
    while (!pending.empty()) {
      std::optional<std::size_t> bad;
      Error why;
      Result<std::pair<std::int64_t, std::int64_t>> written =
          store.Transact([&](Registry& r) -> Result<std::pair<std::int64_t, std::int64_t>> {
            std::int64_t imported = 0;
            std::int64_t unchanged = 0;
            for (std::size_t i = 0; i < pending.size(); ++i) {
              Result<bool> done = Write(r, pending[i]);
              if (!done) {
                const ErrorCode code = done.error().code;
                if (code == ErrorCode::kAlreadyExists || code == ErrorCode::kFailedPrecondition) {
                  bad = i;
                  why = done.error();
                }
                return std::unexpected(done.error());
              }
              (*done ? imported : unchanged) += 1;
            }
            return std::pair{imported, unchanged};
          });
      if (written) {
        report.imported += written->first;
        report.unchanged += written->second;
        pending.clear();
        return {};
      }
      if (!bad) return std::unexpected(written.error());
      problem(pending[*bad].number, why.rule() == "import.conflict" ? "subject.number" : "",
              Describe(why));
      ++report.refused;
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(*bad));
    }
    return {};
  };

  std::string text;
  std::int64_t line_number = 0;
  while (std::getline(in, text)) {
    ++line_number;
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) {
      continue;
    }
    ++report.lines;
    Reader reader;
    std::optional<Line> line = Decode(text, line_number, now, reader);
    if (!line) {
      ++report.refused;
      for (const auto& [path, message] : reader.problems) problem(line_number, path, message);
      continue;
    }
    if (line->password) {
      Result<std::string> hash = hasher.Hash(miit::Md5Hex(*line->password));
      if (!hash) return std::unexpected(hash.error());
      line->password_hash = std::move(*hash);
    }
    pending.push_back(std::move(*line));
    if (pending.size() >= batch) {
      if (Result<void> done = flush(); !done) return std::unexpected(done.error());
    }
  }
  if (Result<void> done = flush(); !done) return std::unexpected(done.error());
  return report;
}

}  // namespace

Result<ImportReport> ImportRecords(Store& store, std::istream& in, PasswordHasher& hasher,
                                   std::int64_t now, std::size_t batch, std::int64_t cache_mib) {
  if (Result<void> bulk = store.BulkLoad(true, cache_mib); !bulk) {
    return std::unexpected(bulk.error());
  }
  Result<ImportReport> report = Load(store, in, hasher, now, batch);
  Result<void> durable = store.BulkLoad(false);
  if (!report) return report;
  if (!durable) return std::unexpected(durable.error());
  return report;
}

}  // namespace icp::bureau_sim
