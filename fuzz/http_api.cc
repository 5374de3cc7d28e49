// icpd's HTTP API (src/http/): requests from outside, through the real dispatcher and route
// table, every handler's own decoding of paths, queries, headers and bodies, over the memory
// store with the services icpd wires (exe/icpd.cc), minus the network and the bureau. Each
// input is a short conversation, requests separated by a line "---":
//   customer POST /v1/applications?x=1
//   {"type": "first_filing", ...}
//   ---
//   reviewer GET /v1/review/queue
// The first word names the caller (anonymous, customer, reviewer or admin, each signed in
// with a session, CSRF token included), then the method and the target; lines "Name: value"
// after it are headers (If-Match: "r1", Idempotency-Key: k1), and the rest is the body. Every input
// starts from a new store, so a finding replays alone. Properties: no answer is a 500 (a handler
// that threw or a case nobody handled); every answer's status is a real one; every JSON answer
// parses; a problem names its type.

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/account_real_names.h"
#include "app/application_service.h"
#include "app/auth_service.h"
#include "app/authorization_code_service.h"
#include "app/gate.h"
#include "app/material_service.h"
#include "app/record_service.h"
#include "app/resource_service.h"
#include "app/review_service.h"
#include "app/transfer_service.h"
#include "app/verification_service.h"
#include "cli/rules_command.h"
#include "codec/material_limits_json.h"
#include "fuzz/fuzz.h"
#include "http/dispatcher.h"
#include "http/routes.h"
#include "http/session_authenticator.h"
#include "media/magic_sniffer.h"
#include "ports/code_source.h"
#include "ports/testing/fake_clock.h"
#include "ports/testing/fake_password_hasher.h"
#include "rules/evaluate.h"
#include "storage/files/blob_store.h"
#include "storage/memory/database.h"

namespace {

using icp::fuzz::Require;
namespace http = icp::http;
namespace json = boost::json;

constexpr std::chrono::sys_seconds kT0{std::chrono::seconds(1'795'000'000)};
constexpr std::size_t kMaxRequests = 8;

// What every input shares and no request changes: the rules, the limits, libmagic, the blob
// directory (content-addressed, so earlier inputs' blobs change nothing).
struct Fixed {
  std::shared_ptr<const icp::RuleSet> rules;
  std::optional<icp::MaterialLimits> limits;
  std::unique_ptr<icp::media::MagicSniffer> sniffer;
  std::unique_ptr<icp::files::BlobStore> blobs;
  icp::EligibilityPolicy policy;
};

const Fixed& TheFixed() {
  static const Fixed fixed = [] {
    spdlog::set_level(spdlog::level::off);  // the access log of every request
    Fixed f;
    icp::Result<icp::RuleSet> rules =
        icp::cli::LoadRuleSet(std::string(ICP_SOURCE_DIR) + "/data/rules");
    Require(rules.has_value(), "the rules load");
    f.rules = std::make_shared<const icp::RuleSet>(std::move(*rules));
    icp::Result<icp::MaterialLimits> limits = icp::codec::BuiltinMaterialLimits();
    Require(limits.has_value(), "the material limits load");
    f.limits = std::move(*limits);
    auto sniffer = icp::media::MagicSniffer::Open();
    Require(sniffer.has_value(), "libmagic opens");
    f.sniffer = std::move(*sniffer);
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("icp-fuzz-http-" + std::to_string(getpid()));
    auto blobs = icp::files::BlobStore::Open(dir);
    Require(blobs.has_value(), "the blob directory opens");
    f.blobs = std::move(*blobs);
    f.policy = icp::PolicyOf(f.rules->For(icp::Province::All().front()).parameters);
    return f;
  }();
  return fixed;
}

// Codes for authorization codes, counted so that a conversation replays the same.
class CountingCodes final : public icp::CodeSource {
 public:
  std::string NewCode() override {
    const std::string digits = std::to_string(1000000000000000 + n_++);
    return digits.substr(0, 4) + "-" + digits.substr(4, 4) + "-" + digits.substr(8, 4) + "-" +
           digits.substr(12, 4);
  }

 private:
  int n_ = 0;
};

// One store and icpd's services over it, with three signed-in accounts.
class World {
 public:
  World() {
    const Fixed& f = TheFixed();
    auth_ = std::move(*icp::AuthService::Create(*db_, hasher_, tokens_, clock_));
    Require(auth_->CreateFirstAdmin({"root", icp::Role::kAdmin, "Root", "root-password"}, "fuzz")
                .has_value(),
            "the first admin is made");
    materials_ =
        std::make_unique<icp::MaterialService>(*db_, *f.blobs, *f.sniffer, *f.limits, clock_);
    verifications_ =
        std::make_unique<icp::VerificationService>(*db_, *f.blobs, *f.sniffer, *f.limits, clock_);
    resources_ = std::make_unique<icp::ResourceService>(*db_, f.policy, clock_);
    codes_ = std::make_unique<icp::AuthorizationCodeService>(*db_, f.policy, real_names_,
                                                             code_source_, clock_);
    material_api_ = std::make_unique<http::MaterialApi>(
        http::MaterialApi{*materials_, *verifications_, *resources_, *codes_});
    applications_ = std::make_unique<icp::ApplicationService>(*db_, f.rules, calendar_, clock_);
    reviews_ = std::make_unique<icp::ReviewService>(*db_, f.rules, calendar_, clock_);
    application_api_ = std::make_unique<http::ApplicationApi>(
        http::ApplicationApi{*applications_, *reviews_, *db_, clock_});
    transfers_ =
        std::make_unique<icp::TransferService>(*db_, *f.blobs, *f.sniffer, *f.limits, clock_);
    transfer_api_ =
        std::make_unique<http::TransferApi>(http::TransferApi{*transfers_, *db_, clock_});
    records_ = std::make_unique<icp::RecordService>(*db_, clock_);
    record_api_ = std::make_unique<http::RecordApi>(http::RecordApi{*records_, clock_});
    gate_ = std::make_unique<icp::Gate>(*db_);
    Require(gate_->Load().has_value(), "the gate's index loads");

    services_ =
        std::make_unique<http::Services>(http::Services{{*db_, [] { return icp::Result<void>(); }},
                                                        metrics_,
                                                        auth_.get(),
                                                        cookie_,
                                                        application_api_.get()});
    services_->materials = material_api_.get();
    services_->transfers = transfer_api_.get();
    services_->records = record_api_.get();
    services_->gate = gate_.get();
    router_ = std::make_unique<http::Router>(http::BuildRouter(*services_));
    authenticator_ = std::make_unique<http::SessionAuthenticator>(*auth_, cookie_);
    dispatcher_ = std::make_unique<http::Dispatcher>(*router_, metrics_, authenticator_.get());

    sessions_["admin"] = SignIn("root", "root-password");
    for (const char* role : {"customer", "reviewer"}) {
      const std::string login = std::string(role) + "1";
      const http::Response made =
          Send("admin", "POST", "/v1/accounts",
               json::serialize(json::object{{"login", login},
                                            {"role", role},
                                            {"display_name", role},
                                            {"password", login + "-password"}}));
      Require(made.status == 201, "the fuzz accounts are made");
      sessions_[role] = SignIn(login, login + "-password");
    }
  }

  http::Response Send(const std::string& caller, std::string method, std::string target,
                      std::string body, std::map<std::string, std::string> headers = {}) {
    http::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    if (const auto s = sessions_.find(caller); s != sessions_.end()) {
      r.headers["cookie"] = s->second.first;
      r.headers["x-csrf-token"] = s->second.second;
    }
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = std::move(body);
    r.remote_address = "192.0.2.1";
    return dispatcher_->Dispatch(std::move(r));
  }

 private:
  std::pair<std::string, std::string> SignIn(const std::string& login,
                                             const std::string& password) {
    const http::Response r =
        Send("anonymous", "POST", "/v1/sessions",
             json::serialize(json::object{{"login", login}, {"password", password}}));
    Require(r.status == 201, "the fuzz accounts sign in");
    const std::string cookie = r.Get("set-cookie");
    const std::string token = cookie.substr(0, cookie.find(';'));
    return {token, std::string(json::parse(r.body).at("csrf_token").as_string())};
  }

  std::unique_ptr<icp::memory::Database> db_ = icp::memory::Database::Create();
  icp::FakePasswordHasher hasher_;
  icp::FakeTokenSource tokens_;
  icp::FakeClock clock_{kT0};
  const icp::HolidayCalendar& calendar_ = icp::HolidayCalendar::Builtin();
  icp::AccountRealNames real_names_;
  CountingCodes code_source_;
  http::CookieSettings cookie_{"icp_session", true};
  http::Metrics metrics_;
  std::unique_ptr<icp::AuthService> auth_;
  std::unique_ptr<icp::MaterialService> materials_;
  std::unique_ptr<icp::VerificationService> verifications_;
  std::unique_ptr<icp::ResourceService> resources_;
  std::unique_ptr<icp::AuthorizationCodeService> codes_;
  std::unique_ptr<http::MaterialApi> material_api_;
  std::unique_ptr<icp::ApplicationService> applications_;
  std::unique_ptr<icp::ReviewService> reviews_;
  std::unique_ptr<http::ApplicationApi> application_api_;
  std::unique_ptr<icp::TransferService> transfers_;
  std::unique_ptr<http::TransferApi> transfer_api_;
  std::unique_ptr<icp::RecordService> records_;
  std::unique_ptr<http::RecordApi> record_api_;
  std::unique_ptr<icp::Gate> gate_;
  std::unique_ptr<http::Services> services_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::SessionAuthenticator> authenticator_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  std::map<std::string, std::pair<std::string, std::string>> sessions_;
};

struct Call {
  std::string caller, method, target, body;
  std::map<std::string, std::string> headers;
};

// "Name: value" with a name of letters, digits and dashes, as HTTP's field names are here.
bool TakeHeader(std::string_view line, std::map<std::string, std::string>& headers) {
  const std::size_t colon = line.find(": ");
  if (colon == 0 || colon == std::string_view::npos || !std::isalpha(line[0])) return false;
  std::string name;
  for (const char c : line.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  headers[name] = line.substr(colon + 2);
  return true;
}

// "caller METHOD target\nbody", split on lines "---".
std::vector<Call> Conversation(std::string_view text) {
  std::vector<Call> calls;
  while (!text.empty() && calls.size() < kMaxRequests) {
    const std::size_t end = text.find("\n---\n");
    std::string_view part = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 5);
    std::size_t eol = part.find('\n');
    const std::string_view head = part.substr(0, eol);
    Call call;
    std::string_view rest = eol == std::string_view::npos ? "" : part.substr(eol + 1);
    while (!rest.empty()) {
      eol = rest.find('\n');
      if (!TakeHeader(rest.substr(0, eol), call.headers)) break;
      rest = eol == std::string_view::npos ? "" : rest.substr(eol + 1);
    }
    call.body = rest;
    const std::size_t a = head.find(' ');
    const std::size_t b = a == std::string_view::npos ? a : head.find(' ', a + 1);
    if (b == std::string_view::npos) continue;
    call.caller = head.substr(0, a);
    call.method = head.substr(a + 1, b - a - 1);
    call.target = head.substr(b + 1);
    calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<Call> calls = Conversation(icp::fuzz::Text(data, size));
  if (calls.empty()) return 0;
  World world;
  for (const Call& call : calls) {
    const http::Response r =
        world.Send(call.caller, call.method, call.target, call.body, call.headers);
    if (r.status == 500) {
      std::fprintf(stderr, "fuzz: %s %s -> 500 %s\n", call.method.c_str(), call.target.c_str(),
                   r.body.c_str());
    }
    Require(r.status != 500, "no request makes a 500");
    Require(r.status >= 200 && r.status <= 599, "every answer has a real status");
    const std::string type = r.Get("content-type");
    if (type.find("json") != std::string::npos) {
      boost::system::error_code ec;
      const json::value body = json::parse(r.body, ec);
      Require(!ec, "every JSON answer parses");
      if (type.starts_with("application/problem+json")) {
        Require(body.is_object() && body.as_object().contains("type") &&
                    body.as_object().contains("status"),
                "a problem names its type and status");
      }
    }
  }
  return 0;
}
