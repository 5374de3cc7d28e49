#include "bureau_sim/lists.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "miit/messages.h"

namespace icp::bureau_sim {
namespace {

std::unexpected<Error> Invalid(std::string field, std::string rule, std::string message) {
  Error e{ErrorCode::kInvalidArgument, message, {}};
  e.violations.push_back({std::move(field), std::move(rule), std::move(message), ""});
  return std::unexpected(std::move(e));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool PlausibleDomain(std::string_view d) {
  return d.size() >= 4 && d.size() <= 128 && d.find('.') != std::string_view::npos &&
         d.front() != '.' && d.back() != '.' && d.find("..") == std::string_view::npos &&
         std::all_of(d.begin(), d.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '.' || c >= 0x80;
         });
}

// Queues `file` for every provider.
Result<std::vector<std::string>> ToEveryone(Registry& r, std::string_view prefix,
                                            const miit::IcpDownload& file, std::int64_t now) {
  Result<std::vector<std::int64_t>> providers = r.ProviderIds();
  if (!providers) return std::unexpected(providers.error());
  std::vector<std::string> names;
  const std::string xml = miit::EncodeDownload(file);
  for (std::int64_t isp : *providers) {
    Result<std::string> name = r.QueueFile(isp, prefix, xml, now);
    if (!name) return std::unexpected(name.error());
    names.push_back(*name);
  }
  return names;
}

std::string Date(std::int64_t seconds) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{seconds + 8 * 3600}});
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace

std::optional<std::int64_t> Ipv4Number(std::string_view dotted) {
  std::int64_t value = 0;
  for (int part = 0; part < 4; ++part) {
    const std::size_t end = part < 3 ? dotted.find('.') : dotted.size();
    if (end == std::string_view::npos || end == 0 || end > 3) return std::nullopt;
    int octet = 0;
    const auto [ptr, ec] = std::from_chars(dotted.data(), dotted.data() + end, octet);
    if (ec != std::errc{} || ptr != dotted.data() + end || octet > 255) return std::nullopt;
    value = value * 256 + octet;
    dotted.remove_prefix(part < 3 ? end + 1 : end);
  }
  return dotted.empty() ? std::optional<std::int64_t>(value) : std::nullopt;
}

Result<std::vector<std::string>> BlacklistDomain(Store& store, std::string_view domain,
                                                 std::string_view reason, std::int64_t now) {
  const std::string name = Lower(domain);
  if (!PlausibleDomain(name)) return Invalid("domain", "bureau.list.domain", "not a domain name");
  return store.Transact([&](Registry& r) -> Result<std::vector<std::string>> {
    Result<bool> added = r.BlacklistDomain(name, reason, now);
    if (!added) return std::unexpected(added.error());
    if (!*added) return std::vector<std::string>();
    miit::IcpDownload file;
    file.blacklisted_websites.push_back({name, {name}, std::nullopt, miit::ListAction::kAdd});
    return ToEveryone(r, "HMDLB", file, now);
  });
}

Result<std::vector<std::string>> BlacklistSubject(Store& store, std::int64_t certificate_type,
                                                  std::string_view certificate_number,
                                                  std::string_view name, std::int64_t now) {
  if (certificate_type < 1 || certificate_type > 999 || certificate_number.empty() ||
      certificate_number.size() > 255) {
    return Invalid("certificate", "bureau.list.certificate",
                   "a certificate type 1..999 and a number of 1 to 255 bytes");
  }
  return store.Transact([&](Registry& r) -> Result<std::vector<std::string>> {
    Result<bool> added = r.BlacklistSubject(certificate_type, certificate_number, name, now);
    if (!added) return std::unexpected(added.error());
    if (!*added) return std::vector<std::string>();
    miit::IcpDownload file;
    miit::SubjectBlacklistEntry entry;
    if (!name.empty()) entry.name = std::string(name);
    entry.certificate =
        miit::CertificateBlock{certificate_type, std::string(certificate_number), std::nullopt};
    file.blacklisted_subjects.push_back(std::move(entry));
    return ToEveryone(r, "HMDLB", file, now);
  });
}

Result<std::vector<std::string>> ReportUnfiledSite(Store& store, std::string_view domain,
                                                   std::string_view ip,
                                                   std::optional<std::int64_t> isp_id,
                                                   std::int64_t now) {
  const std::string name = Lower(domain);
  if (!PlausibleDomain(name)) return Invalid("domain", "bureau.list.domain", "not a domain name");
  const std::optional<std::int64_t> address = Ipv4Number(ip);
  if (!address) return Invalid("ip", "bureau.list.ip", "not a dotted IPv4 address");
  return store.Transact([&](Registry& r) -> Result<std::vector<std::string>> {
    Result<std::int64_t> id = r.AddUnfiledSite(name, *address, isp_id, now);
    if (!id) return std::unexpected(id.error());
    miit::IcpDownload file;
    miit::UnfiledSite site;
    site.id = *id;
    site.domain = name;
    site.ip = *address;
    site.detected_at = Date(now);
    site.times_detected = 1;
    site.provider = isp_id;
    site.carrier = isp_id.value_or(0);
    file.unfiled_sites.push_back(std::move(site));
    if (!isp_id) return ToEveryone(r, "WBAWZLB", file, now);
    Result<std::string> queued = r.QueueFile(*isp_id, "WBAWZLB", miit::EncodeDownload(file), now);
    if (!queued) return std::unexpected(queued.error());
    return std::vector<std::string>{*queued};
  });
}

namespace {

// The estate's files, `kind` BASJ or SJTB.
Result<std::vector<std::string>> QueueEstate(Store& store, std::int64_t isp_id, std::int64_t now,
                                             std::size_t per_file, std::string_view kind) {
  std::vector<std::string> names;
  std::int64_t after = 0;
  while (true) {
    // One transaction per file, so a large estate never holds the store for long.
    Result<bool> more = store.Transact([&](Registry& r) -> Result<bool> {
      Result<std::vector<std::int64_t>> wzids = r.WebsitesServedBy(isp_id, after, per_file);
      if (!wzids) return std::unexpected(wzids.error());
      if (wzids->empty()) return false;
      after = wzids->back();
      // One Baxx per subject, holding the websites this provider serves.
      std::map<std::int64_t, miit::FiledRecord> records;
      for (std::int64_t wzid : *wzids) {
        Result<std::optional<Website>> w = r.WebsiteById(wzid);
        if (!w) return std::unexpected(w.error());
        auto [it, fresh] = records.try_emplace((*w)->ztid);
        if (fresh) {
          Result<std::optional<Subject>> s = r.SubjectById((*w)->ztid);
          if (!s) return std::unexpected(s.error());
          it->second.subject = (*s)->block;
          it->second.subject.filed_by = 1;
        }
        it->second.websites.push_back((*w)->block);
      }
      miit::IcpDownload file;
      std::vector<miit::FiledRecord>& into =
          kind == "SJTB" ? file.synced_records : file.filed_records;
      for (auto& [ztid, record] : records) into.push_back(std::move(record));
      Result<std::string> name = r.QueueFile(isp_id, kind, miit::EncodeDownload(file), now);
      if (!name) return std::unexpected(name.error());
      names.push_back(*name);
      return wzids->size() == per_file;
    });
    if (!more) return std::unexpected(more.error());
    if (!*more) return names;
  }
}

}  // namespace

Result<std::vector<std::string>> SendEstate(Store& store, std::int64_t isp_id, std::int64_t now,
                                            std::size_t per_file) {
  return QueueEstate(store, isp_id, now, per_file, "BASJ");
}

Result<std::vector<std::string>> SyncEstate(Store& store, std::int64_t isp_id, std::int64_t now,
                                            std::size_t per_file) {
  return QueueEstate(store, isp_id, now, per_file, "SJTB");
}

}  // namespace icp::bureau_sim
