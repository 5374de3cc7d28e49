#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/gate.h"
#include "base/result.h"
#include "bureau/gateway.h"
#include "exe/config.h"
#include "http/metrics.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/database.h"
#include "ports/recipient_directory.h"
#include "rules/rule_set.h"

namespace icp {

// The recipients of notifications, read from the accounts in the store.
class AccountRecipientDirectory final : public RecipientDirectory {
 public:
  explicit AccountRecipientDirectory(Database& db) : db_(db) {}

  Result<Recipient> Find(AccountId account) override;

 private:
  Database& db_;
};

// What icpd runs beside the HTTP server: the deadline sweeper, every sweep_interval, and the
// outbox dispatcher that delivers "notify" messages through the configured sink (log, SMTP,
// SMS webhook). Each on its own thread until Stop() or destruction.
class BackgroundWork {
 public:
  // `clock` is borrowed and outlives the work. kInvalidArgument when a sink's settings do not make
  // a sender (a bad URL or address); kInternal when the notification templates compiled in do not
  // load.
  static Result<std::unique_ptr<BackgroundWork>> Start(Database& db, const RuleSet& rules,
                                                       const NotifySettings& settings,
                                                       http::Metrics& metrics, std::string worker,
                                                       Clock& clock);
  ~BackgroundWork();
  BackgroundWork(const BackgroundWork&) = delete;
  BackgroundWork& operator=(const BackgroundWork&) = delete;

  // Asks both threads to finish what they are doing and waits for them.
  void Stop();

  // The sink the settings name, for the startup line ("log", "smtp", "webhook", ...).
  const std::string& description() const;

 private:
  struct State;
  explicit BackgroundWork(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

// Keeps the access gate's index current (app/gate.h): Refresh() every `interval` on a thread
// of its own, so lookups never wait for the store; an approval reaches the gate within an
// interval and a read. Publishes icp_gate_position, icp_gate_entries and icp_gate_bytes.
// A failed refresh is logged and tried again next interval: the gate answers from the last
// snapshot meanwhile.
class GateRefresher {
 public:
  GateRefresher(Gate& gate, std::chrono::milliseconds interval, http::Metrics& metrics);
  ~GateRefresher();
  GateRefresher(const GateRefresher&) = delete;
  GateRefresher& operator=(const GateRefresher&) = delete;

  void Stop();

 private:
  void Run();

  Gate& gate_;
  std::chrono::milliseconds interval_;
  http::Metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The gateway's settings for the bureau `settings` name, with `holder` as the upload lease's
// holder. kInvalidArgument for an AES key or IV that does not parse.
Result<bureau::GatewaySettings> GatewaySettingsOf(const BureauSettings& settings,
                                                  std::string holder);

// What `icpctl bureau resync` did (docs/bureau-protocol.md "Adoption").
struct ResyncReport {
  int passes = 0;            // download passes run
  bureau::PassReport total;  // their reports added up
};

// Adoption: downloads and applies the bureau's files until a pass finds none (at most
// `max_passes`), with the estate adopted (app/EstateService with `estate_account`): the BASJ
// and SJTB of the provider's estate, and whatever else waits (results, lists), processed as the
// download loop processes them. Run again, it changes nothing that is on record. The first
// error ends it (kUnavailable: the bureau could not be reached); files processed before it
// stay processed.
Result<ResyncReport> ResyncEstate(Database& db, BlobStore& blobs,
                                  std::shared_ptr<const RuleSet> rules,
                                  const bureau::GatewaySettings& settings,
                                  bureau::SoapTransport& transport,
                                  const std::string& estate_account, Clock& clock,
                                  int max_passes = 100);

// `icpctl bureau replay`: applies the parked download file `file_name` as the download loop
// would (the estate adopted with `estate_account`), once an operator fixed what stopped it
// (docs/bureau-protocol.md "Parked files"). Gateway::Replay's errors.
Result<bureau::PassReport> ReplayParked(Database& db, BlobStore& blobs,
                                        std::shared_ptr<const RuleSet> rules,
                                        const bureau::GatewaySettings& settings,
                                        bureau::SoapTransport& transport,
                                        const std::string& estate_account, Clock& clock,
                                        std::string_view file_name);

// When a bureau loop's next pass comes: `interval` after a pass that ended, or that another
// process's lease turned away; sooner after one that the moment's trouble broke off
// (bureau::IsTransient: a Fault, a lost connection, a timeout), since each pass stops at its
// first failed call: 100 ms, doubling with each such pass in a row up to `interval`. A flaky
// bureau then costs the files little time, and one that is down is not flooded.
class PassPacing {
 public:
  static constexpr std::chrono::milliseconds kFirstRetry{100};

  explicit PassPacing(std::chrono::milliseconds interval) : interval_(interval) {}
  std::chrono::milliseconds After(const Result<bureau::PassReport>& pass);

 private:
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds retry_{0};  // the last retry's wait; 0 after a pass that ended
};

// The bureau gateway's two loops (docs/bureau-protocol.md "The gateway"): uploads every
// upload_interval, downloads every download_interval (sooner after a failed pass:
// PassPacing), each on its own thread until Stop() or destruction. Started only when the bureau
// settings name a bureau.
class BureauWork {
 public:
  // Everything is borrowed and outlives the work. kInvalidArgument for an AES key or IV that
  // does not parse.
  static Result<std::unique_ptr<BureauWork>> Start(Database& db, BlobStore& blobs,
                                                   std::shared_ptr<const RuleSet> rules,
                                                   const BureauSettings& settings,
                                                   std::string worker, Clock& clock);
  ~BureauWork();
  BureauWork(const BureauWork&) = delete;
  BureauWork& operator=(const BureauWork&) = delete;

  void Stop();

 private:
  struct State;
  explicit BureauWork(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace icp
