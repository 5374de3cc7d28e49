// icp_bench_seed: makes N customers, each signed in with one draft ready to submit, by cloning
// a template application that was prepared through the HTTP API (created, materials uploaded)
// in the store icpd uses. Signing N accounts in over HTTP would spend most of the benchmark in
// argon2id, which is slow on purpose; the clones are what those calls would have stored.
//
// Usage: icp_bench_seed DATA_DIR TEMPLATE_APPLICATION_ID N OUT_FILE
// (the store icpd uses: SQLite in DATA_DIR, or ICP_DATABASE and ICP_PII_KEY as icpd reads them)
// Writes one line per draft to OUT_FILE: "<application id> <session token> <csrf token>".
// bench/http_bench.py runs it; wrk then submits every draft once (bench/submit.lua).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "base/date.h"
#include "exe/storage_config.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

template <class T>
T Must(Result<T> r, std::string_view what) {
  if (!r) {
    std::cerr << "icp_bench_seed: " << what << ": " << r.error().message << "\n";
    std::exit(1);
  }
  return std::move(*r);
}

void Must(Result<void> r, std::string_view what) {
  if (!r) {
    std::cerr << "icp_bench_seed: " << what << ": " << r.error().message << "\n";
    std::exit(1);
  }
}

// Serial i's own subject: certificate, mobile and domain, with the template's other fields.
Application CloneFor(const Application& templ, int i, Date today) {
  Application doc = templ;
  const Certificate cert =
      Must(Certificate::Parse(CertificateType::kResidentId,
                              storage_testing::ResidentIdNumber(100'000 + i), today),
           "certificate");
  char mobile_text[16];
  std::snprintf(mobile_text, sizeof mobile_text, "139%08d", i);
  const MobileNumber mobile = Must(MobileNumber::Parse(mobile_text), "mobile");
  doc.subject.certificate = cert;
  doc.subject.principal.certificate = cert;
  doc.subject.principal.mobile = mobile;
  const std::string domain = "bench-" + std::to_string(i) + ".cn";
  for (Website& w : doc.websites) {
    w.principal.certificate = cert;
    w.principal.mobile = mobile;
    w.domains = {Must(DomainName::Parse(domain), "domain")};
    w.home_url = "http://www." + domain;
  }
  return doc;
}

int Main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: icp_bench_seed DATA_DIR TEMPLATE_APPLICATION_ID N OUT_FILE\n";
    return 2;
  }
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  StorageConfig config;
  config.data_dir = argv[1];
  config.ApplyEnvironment();  // ICP_DATABASE, ICP_PII_KEY: the PostgreSQL store icpd uses
  const ApplicationId template_id(std::stoll(argv[2]));
  const int n = std::stoi(argv[3]);
  std::ofstream out(argv[4]);

  OpenedStore store = Must(OpenStore(config, now, sql::SchemaPolicy::kRequire), "open");
  Database& db = *store.database;
  auto read = Must(db.BeginRead(), "read");
  const ApplicationRecord templ = Must(read->applications().Get(template_id), "template");
  const Account owner = Must(read->accounts().Get(templ.account), "template account");
  const std::vector<MaterialRecord> materials =
      Must(read->materials().List(template_id), "template materials");
  read.reset();
  const Date today = ChinaDate(now);
  constexpr int kBatch = 500;
  for (int start = 0; start < n; start += kBatch) {
    auto uow = Must(db.Begin(), "begin");
    for (int i = start; i < std::min(n, start + kBatch); ++i) {
      const Application doc = CloneFor(templ.application, i, today);
      Account account = owner;
      account.login = "bench-" + std::to_string(i);
      account.mobile = doc.subject.principal.mobile;
      account.real_name = VerifiedRealName{
          Must(RealName::Make(RealNameKind::kPerson, doc.subject.name, doc.subject.certificate),
               "real name"),
          now};
      account.id = Must(uow->accounts().Insert(account), "account");
      const std::string token = "bench-session-token-" + std::to_string(i) + "-0123456789abcdef";
      const std::string csrf = "bench-csrf-token-" + std::to_string(i) + "-0123456789abcdef";
      Must(uow->sessions().Insert(
               {SessionId(), account.id, csrf, now, now, now + std::chrono::hours(8)}, token),
           "session");
      // Each clone files on a server of its own, as a customer files on its own servers.
      ApplicationRecord record = templ;
      record.account = account.id;
      record.application = doc;
      for (Website& w : record.application.websites) {
        for (std::string& r : w.resources) {
          Resource server = Must(uow->resources().Get(r), "template resource");
          server.id = r + "-b" + std::to_string(i);
          server.account = account.login;
          Must(uow->resources().Upsert(server), "resource");
          r = server.id;
        }
      }
      const ApplicationId id = Must(uow->applications().Insert(record), "application");
      for (MaterialRecord m : materials) {
        m.application = id;
        if (m.certificate_number) m.certificate_number = doc.subject.certificate.number();
        Must(uow->materials().Insert(m), "material");
      }
      out << id.value() << ' ' << token << ' ' << csrf << '\n';
    }
    Must(uow->Commit(), "commit");
  }
  return 0;
}

}  // namespace
}  // namespace icp

int main(int argc, char** argv) { return icp::Main(argc, argv); }
