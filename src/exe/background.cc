#include "exe/background.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "app/bureau_outcome_service.h"
#include "app/deadline_sweeper.h"
#include "app/estate_service.h"
#include "app/notification.h"
#include "app/notifier.h"
#include "app/outbox_dispatcher.h"
#include "bureau/curl_transport.h"
#include "bureau/gateway.h"
#include "exe/clock.h"
#include "notify/log_sink.h"
#include "notify/smtp_email_sender.h"
#include "notify/webhook_sms_sender.h"

namespace icp {
namespace {

// How long the dispatcher waits after a round that found nothing to send.
constexpr std::chrono::seconds kIdlePoll{2};

// Routes a claimed message by topic. The outbox's Claim takes every topic, so a message of a
// topic this process has no sink for is handed back as unavailable: retried later (and, if no
// process ever takes it, a dead letter an operator can retry once one does).
class TopicRouter final : public MessageSink {
 public:
  explicit TopicRouter(MessageSink& notify) : notify_(notify) {}

  Result<void> Deliver(const ClaimedMessage& m) override {
    if (m.message.topic == kNotifyTopic) return notify_.Deliver(m);
    return Unavailable("icpd has no sink for topic \"" + m.message.topic + "\"");
  }

 private:
  MessageSink& notify_;
};

}  // namespace

Result<Recipient> AccountRecipientDirectory::Find(AccountId account) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<Account> a = (*uow)->accounts().Get(account);
  if (!a) return std::unexpected(a.error());
  // The account's e-mail and bound mobile (accounts, set by an admin); a channel whose
  // contact the account lacks answers notify.no-contact in the Notifier.
  Recipient out{a->display_name, std::nullopt, std::nullopt};
  if (a->email) out.email = a->email->str();
  if (a->mobile) out.mobile = a->mobile->str();
  return out;
}

struct BackgroundWork::State {
  Database* db = nullptr;
  Clock* clock = nullptr;
  std::unique_ptr<AccountRecipientDirectory> directory;
  std::optional<notify::SmtpEmailSender> email;
  std::optional<notify::WebhookSmsSender> sms;
  std::unique_ptr<MessageSink> notify;  // LogSink or Notifier
  std::unique_ptr<TopicRouter> router;
  std::optional<OutboxDispatcher> dispatcher;
  std::optional<DeadlineSweeper> sweeper;
  std::chrono::seconds sweep_interval{60};
  std::string description;
  http::Metrics* metrics = nullptr;

  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread sweep_thread;
  std::thread dispatch_thread;

  // Waits `d` or until Stop(); false when stopping.
  bool Wait(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [&] { return stopping; });
  }

  void Sweep() {
    do {
      Result<SweepReport> r = sweeper->RunOnce(clock->Now());
      if (!r) {
        spdlog::warn("sweeper: {}", r.error().message);
        continue;
      }
      for (const Error& e : r->errors) spdlog::warn("sweeper: {}", e.message);
      if (r->reminders + r->expired + r->sms_timed_out + r->second_calls + r->conflicts > 0) {
        spdlog::info(
            "sweeper: {} examined, {} reminders ({} skipped), {} expired, {} SMS timeouts, {} "
            "second-call notices, {} overdue, {} left to another sweeper",
            r->examined, r->reminders, r->skipped_reminders, r->expired, r->sms_timed_out,
            r->second_calls, r->overdue, r->conflicts);
      }
      metrics->SetGauge("icp_sweeper_lag_seconds",
                        "How long after its due time the sweeper's last pass acted on the oldest "
                        "item it found due.",
                        static_cast<double>(r->lag.count()));
      metrics->SetGauge("icp_sweeper_overdue",
                        "Open applications past the provider's or the bureau's review target at "
                        "the last pass.",
                        r->overdue);
    } while (Wait(sweep_interval));
  }

  void Dispatch() {
    do {
      for (;;) {
        Result<OutboxDispatcher::Round> round = dispatcher->RunOnce();
        if (!round) {
          spdlog::warn("notify dispatcher: {}", round.error().message);
          break;
        }
        if (round->dead > 0) spdlog::warn("notify dispatcher: {} dead letter(s)", round->dead);
        if (round->delivered + round->retried + round->dead + round->handed_back == 0) break;
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
    } while (Wait(kIdlePoll));
  }
};

BackgroundWork::BackgroundWork(std::unique_ptr<State> state) : state_(std::move(state)) {}

Result<std::unique_ptr<BackgroundWork>> BackgroundWork::Start(Database& db, const RuleSet& rules,
                                                              const NotifySettings& settings,
                                                              http::Metrics& metrics,
                                                              std::string worker, Clock& clock) {
  auto s = std::make_unique<State>();
  s->clock = &clock;
  s->db = &db;
  s->metrics = &metrics;
  s->sweep_interval = settings.sweep_interval;
  Result<const NotificationTemplates*> templates = NotificationTemplates::Builtin();
  if (!templates) return std::unexpected(templates.error());
  if (settings.email) {
    Result<notify::SmtpEmailSender> e =
        notify::SmtpEmailSender::Create({.url = settings.smtp_url, .from = settings.smtp_from});
    if (!e) return std::unexpected(e.error());
    s->email.emplace(std::move(*e));
  }
  if (settings.sms) {
    Result<notify::WebhookSmsSender> w =
        notify::WebhookSmsSender::Create({.url = settings.sms_webhook_url});
    if (!w) return std::unexpected(w.error());
    s->sms.emplace(std::move(*w));
  }
  if (s->email || s->sms) {
    s->directory = std::make_unique<AccountRecipientDirectory>(db);
    s->notify =
        std::make_unique<Notifier>(**templates, *s->directory, *s->clock,
                                   s->sms ? &*s->sms : nullptr, s->email ? &*s->email : nullptr);
    s->description = s->email && s->sms ? "smtp+webhook" : s->email ? "smtp" : "webhook";
  } else {
    s->notify = std::make_unique<notify::LogSink>();
    s->description = "log";
  }
  s->router = std::make_unique<TopicRouter>(*s->notify);
  Result<OutboxDispatcher> d =
      OutboxDispatcher::Create(db, *s->router, *s->clock, {.worker = std::move(worker)});
  if (!d) return std::unexpected(d.error());
  s->dispatcher.emplace(std::move(*d));
  s->sweeper.emplace(db, HolidayCalendar::Builtin(), PoliciesOf(rules));
  State* raw = s.get();
  s->sweep_thread = std::thread([raw] { raw->Sweep(); });
  s->dispatch_thread = std::thread([raw] { raw->Dispatch(); });
  return std::unique_ptr<BackgroundWork>(new BackgroundWork(std::move(s)));
}

void BackgroundWork::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  if (state_->sweep_thread.joinable()) state_->sweep_thread.join();
  if (state_->dispatch_thread.joinable()) state_->dispatch_thread.join();
}

BackgroundWork::~BackgroundWork() { Stop(); }

const std::string& BackgroundWork::description() const { return state_->description; }

GateRefresher::GateRefresher(Gate& gate, std::chrono::milliseconds interval, http::Metrics& metrics)
    : gate_(gate), interval_(interval), metrics_(metrics), thread_([this] { Run(); }) {}

GateRefresher::~GateRefresher() { Stop(); }

void GateRefresher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GateRefresher::Run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, interval_, [&] { return stopping_; })) return;
    }
    Result<GateRefresh> r = gate_.Refresh();
    if (!r) {
      spdlog::warn("gate: refresh failed, answering from the last snapshot: {}", r.error().message);
      continue;
    }
    if (r->rebuilt) spdlog::info("gate: rebuilt at change {}", r->position);
    const Gate::Stats stats = gate_.stats();
    metrics_.SetGauge("icp_gate_position", "The last change of the store the gate has applied.",
                      static_cast<double>(stats.position));
    metrics_.SetGauge("icp_gate_entries", "Domains in the gate's index (table and overlay).",
                      static_cast<double>(stats.table_entries + stats.overlay_entries));
    metrics_.SetGauge("icp_gate_bytes", "Bytes held by the gate's compact table.",
                      static_cast<double>(stats.table_bytes));
  }
}
// ---- the bureau gateway ----

Result<bureau::GatewaySettings> GatewaySettingsOf(const BureauSettings& settings,
                                                  std::string holder) {
  bureau::GatewaySettings g{.base_url = settings.url,
                            .isp_id = settings.isp_id,
                            .user_name = settings.user_name,
                            .password = settings.password,
                            .aes_key = std::nullopt,
                            .strict = settings.strict,
                            .holder = std::move(holder)};
  if (!settings.aes_key.empty()) {
    Result<miit::AesKey> key = miit::AesKey::Parse(settings.aes_key, settings.aes_iv);
    if (!key) return std::unexpected(key.error());
    g.aes_key = *key;
  }
  return g;
}

Result<ResyncReport> ResyncEstate(Database& db, BlobStore& blobs,
                                  std::shared_ptr<const RuleSet> rules,
                                  const bureau::GatewaySettings& settings,
                                  bureau::SoapTransport& transport,
                                  const std::string& estate_account, Clock& clock, int max_passes) {
  BureauOutcomeService recorder(std::move(rules), HolidayCalendar::Builtin());
  EstateService estate(estate_account);
  bureau::Gateway gateway(settings, db, blobs, transport, recorder, clock, &estate);
  ResyncReport report;
  while (report.passes < max_passes) {
    Result<bureau::PassReport> pass = gateway.DownloadOnce();
    if (!pass) return std::unexpected(pass.error());
    ++report.passes;
    bureau::Add(report.total, *pass);
    if (pass->acknowledged == 0 && pass->downloaded == 0) break;
  }
  return report;
}

Result<bureau::PassReport> ReplayParked(Database& db, BlobStore& blobs,
                                        std::shared_ptr<const RuleSet> rules,
                                        const bureau::GatewaySettings& settings,
                                        bureau::SoapTransport& transport,
                                        const std::string& estate_account, Clock& clock,
                                        std::string_view file_name) {
  BureauOutcomeService recorder(std::move(rules), HolidayCalendar::Builtin());
  EstateService estate(estate_account);
  bureau::Gateway gateway(settings, db, blobs, transport, recorder, clock, &estate);
  return gateway.Replay(file_name);
}

std::chrono::milliseconds PassPacing::After(const Result<bureau::PassReport>& pass) {
  if (pass || !bureau::IsTransient(pass.error()) || pass.error().rule() == "bureau.lease-held") {
    retry_ = std::chrono::milliseconds(0);
    return interval_;
  }
  retry_ = retry_.count() == 0 ? kFirstRetry : std::min(retry_ * 2, interval_);
  return std::min(retry_, interval_);
}

struct BureauWork::State {
  std::unique_ptr<BureauOutcomeService> recorder;
  std::unique_ptr<EstateService> estate;
  std::unique_ptr<bureau::CurlTransport> transport;
  std::unique_ptr<bureau::Gateway> gateway;
  std::chrono::seconds upload_interval{10};
  std::chrono::seconds download_interval{30};

  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread upload_thread;
  std::thread download_thread;

  bool Wait(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [&] { return stopping; });
  }

  static void Log(std::string_view loop, const bureau::PassReport& r) {
    for (const std::string& p : r.problems) spdlog::warn("bureau {}: {}", loop, p);
    if (r.uploaded + r.resent + r.downloaded + r.acknowledged > 0) {
      spdlog::info(
          "bureau {}: {} uploaded, {} resent, {} downloaded, {} acknowledged, {} applied, {} "
          "parked",
          loop, r.uploaded, r.resent, r.downloaded, r.acknowledged, r.applied, r.parked);
    }
    if (r.subjects_adopted + r.websites_adopted > 0) {
      spdlog::info("bureau {}: adopted {} subjects and {} websites of the estate", loop,
                   r.subjects_adopted, r.websites_adopted);
    }
  }

  void Upload() {
    PassPacing pacing(upload_interval);
    Result<bureau::PassReport> r;
    do {
      r = gateway->UploadOnce();
      if (r) {
        Log("upload", *r);
      } else if (r.error().rule() != "bureau.lease-held") {
        spdlog::warn("bureau upload: {}", r.error().message);
      }
    } while (Wait(pacing.After(r)));
  }

  void Download() {
    PassPacing pacing(download_interval);
    Result<bureau::PassReport> r;
    do {
      r = gateway->DownloadOnce();
      if (r) {
        Log("download", *r);
      } else {
        spdlog::warn("bureau download: {}", r.error().message);
      }
    } while (Wait(pacing.After(r)));
  }
};

BureauWork::BureauWork(std::unique_ptr<State> state) : state_(std::move(state)) {}

Result<std::unique_ptr<BureauWork>> BureauWork::Start(Database& db, BlobStore& blobs,
                                                      std::shared_ptr<const RuleSet> rules,
                                                      const BureauSettings& settings,
                                                      std::string worker, Clock& clock) {
  auto s = std::make_unique<State>();
  Result<bureau::GatewaySettings> g = GatewaySettingsOf(settings, std::move(worker));
  if (!g) return std::unexpected(g.error());
  s->recorder =
      std::make_unique<BureauOutcomeService>(std::move(rules), HolidayCalendar::Builtin());
  // The download loop adopts the estate as a resync does: whichever process takes the
  // bureau's BASJ or SJTB first writes it on record (docs/bureau-protocol.md "Adoption").
  s->estate = std::make_unique<EstateService>(settings.estate_account);
  s->transport = std::make_unique<bureau::CurlTransport>();
  s->gateway = std::make_unique<bureau::Gateway>(std::move(*g), db, blobs, *s->transport,
                                                 *s->recorder, clock, s->estate.get());
  s->upload_interval = settings.upload_interval;
  s->download_interval = settings.download_interval;
  State* raw = s.get();
  s->upload_thread = std::thread([raw] { raw->Upload(); });
  s->download_thread = std::thread([raw] { raw->Download(); });
  return std::unique_ptr<BureauWork>(new BureauWork(std::move(s)));
}

void BureauWork::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  if (state_->upload_thread.joinable()) state_->upload_thread.join();
  if (state_->download_thread.joinable()) state_->download_thread.join();
}

BureauWork::~BureauWork() { Stop(); }

}  // namespace icp
