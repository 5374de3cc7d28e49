#include "cli/outbox_command.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <charconv>
#include <cstdio>
#include <ostream>

#include "cli/db_command.h"
#include "ports/audit_log.h"

namespace icp::cli {
namespace {

// "2026-11-29T09:30:00Z".
std::string Utc(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(t - day);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

int Failed(const Error& error, std::ostream& err) {
  PrintError(error, err);
  return error.code == ErrorCode::kInternal ? 3 : 1;
}

void PrintText(const OutboxEntry& e, std::ostream& out) {
  out << e.id.value() << "  " << OutboxStateName(e.state) << "  " << e.message.topic << "  "
      << e.message.idempotency_key << "  attempts " << e.attempts;
  if (e.state == OutboxState::kDead && e.finished_at) {
    out << "  dead since " << Utc(*e.finished_at);
  } else {
    out << "  next try " << Utc(e.message.available_at);
  }
  if (e.lease_owner && e.lease_until) {
    out << "  leased to " << *e.lease_owner << " until " << Utc(*e.lease_until);
  }
  if (!e.last_error.empty()) out << "\n    last error: " << e.last_error;
  out << "\n";
}

boost::json::object Json(const OutboxEntry& e) {
  boost::json::object o{{"id", e.id.value()},        {"state", OutboxStateName(e.state)},
                        {"topic", e.message.topic},  {"idempotency_key", e.message.idempotency_key},
                        {"attempts", e.attempts},    {"available_at", Utc(e.message.available_at)},
                        {"last_error", e.last_error}};
  if (e.finished_at) o["dead_at"] = Utc(*e.finished_at);
  if (e.lease_owner) o["lease_owner"] = *e.lease_owner;
  if (e.lease_until) o["lease_until"] = Utc(*e.lease_until);
  return o;
}

// Retries one dead letter in its own unit of work, with its audit entry.
Result<void> RetryOne(Database& db, OutboxMessageId id, std::chrono::sys_seconds now,
                      const std::string& actor) {
  Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
  if (!uow) return std::unexpected(uow.error());
  if (Result<void> r = (*uow)->outbox().Retry(id, now); !r) return r;
  const std::string entity = "outbox:" + std::to_string(id.value());
  if (Result<void> r = (*uow)->audit().Append({now, actor, "outbox.retry", entity, "{}"}); !r) {
    return r;
  }
  return (*uow)->Commit();
}

}  // namespace

int RunOutboxList(Database& db, const OutboxListRequest& request, std::ostream& out,
                  std::ostream& err) {
  Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
  if (!uow) return Failed(uow.error(), err);
  Result<std::vector<OutboxEntry>> entries =
      (*uow)->outbox().List({.dead_only = request.dead_only, .limit = request.limit});
  if (!entries) return Failed(entries.error(), err);
  Result<OutboxStats> stats = (*uow)->outbox().Stats();
  if (!stats) return Failed(stats.error(), err);
  if (request.json) {
    boost::json::array messages;
    for (const OutboxEntry& e : *entries) messages.push_back(Json(e));
    boost::json::object o{{"messages", std::move(messages)},
                          {"pending", stats->pending},
                          {"delivered", stats->delivered},
                          {"dead", stats->dead}};
    out << boost::json::serialize(o) << "\n";
    return 0;
  }
  for (const OutboxEntry& e : *entries) PrintText(e, out);
  if (entries->size() == request.limit) out << "(first " << request.limit << " shown)\n";
  out << "outbox: " << stats->pending << " pending, " << stats->dead << " dead, "
      << stats->delivered << " delivered\n";
  return 0;
}

int RunOutboxRetry(Database& db, const OutboxRetryRequest& request, std::chrono::sys_seconds now,
                   std::ostream& out, std::ostream& err) {
  if (request.id.has_value() == request.all_dead) {
    err << "error: outbox retry takes one message ID or --all-dead\n";
    return 2;
  }
  if (request.id) {
    if (Result<void> r = RetryOne(db, OutboxMessageId(*request.id), now, request.actor); !r) {
      return Failed(r.error(), err);
    }
    out << "outbox message " << *request.id << " will be sent again\n";
    return 0;
  }
  // Page through the dead letters; each is retried on its own, so one that someone else
  // retried meanwhile (outbox.not-dead) leaves the others standing.
  int retried = 0;
  int refused = 0;
  OutboxMessageId after(0);
  for (;;) {
    Result<std::vector<OutboxEntry>> page = [&]() -> Result<std::vector<OutboxEntry>> {
      Result<std::unique_ptr<UnitOfWork>> uow = db.Begin();
      if (!uow) return std::unexpected(uow.error());
      return (*uow)->outbox().List({.dead_only = true, .after = after, .limit = 100});
    }();
    if (!page) return Failed(page.error(), err);
    if (page->empty()) break;
    for (const OutboxEntry& e : *page) {
      if (Result<void> r = RetryOne(db, e.id, now, request.actor); !r) {
        PrintError(r.error(), err);
        ++refused;
      } else {
        ++retried;
      }
    }
    after = page->back().id;
  }
  out << retried << " dead letter" << (retried == 1 ? "" : "s") << " will be sent again\n";
  return refused == 0 ? 0 : 1;
}

std::unique_ptr<OutboxCommands> OutboxCommands::Register(
    CLI::App& app, const std::function<void(CLI::App*)>& add_store_options) {
  std::unique_ptr<OutboxCommands> c(new OutboxCommands());
  c->group_ = app.add_subcommand("outbox", "Inspect the outbox and retry its dead letters");
  c->group_->require_subcommand(1);
  c->list_ = c->group_->add_subcommand(
      "list", "List the messages not delivered yet, or with --dead only the dead letters");
  c->list_->add_flag("--dead", c->list_request_.dead_only, "Only the dead letters");
  c->list_->add_option("--limit", c->list_request_.limit, "At most this many (default 100)");
  c->list_->add_flag("--json", c->list_request_.json, "Print one JSON object");
  add_store_options(c->list_);
  c->retry_ = c->group_->add_subcommand(
      "retry", "Send dead letters again: one by its ID, or every one with --all-dead");
  c->retry_->add_option("id", c->retry_id_, "The message's ID, as `outbox list` shows it");
  c->retry_->add_flag("--all-dead", c->retry_request_.all_dead, "Every dead letter");
  c->retry_->footer(
      "Examples:\n"
      "  icpctl outbox list --dead\n"
      "  icpctl outbox retry 42\n"
      "  icpctl outbox retry --all-dead");
  add_store_options(c->retry_);
  return c;
}

bool OutboxCommands::parsed() const { return group_->parsed(); }

int OutboxCommands::Run(Database& db, std::chrono::sys_seconds now, std::string actor,
                        std::ostream& out, std::ostream& err) {
  if (list_->parsed()) return RunOutboxList(db, list_request_, out, err);
  OutboxRetryRequest request = retry_request_;
  request.actor = std::move(actor);
  if (!retry_id_.empty()) {
    std::int64_t id = 0;
    const char* end = retry_id_.data() + retry_id_.size();
    auto [ptr, ec] = std::from_chars(retry_id_.data(), end, id);
    if (ec != std::errc() || ptr != end || id <= 0) {
      err << "error: outbox retry: ID must be a message number as `icpctl outbox list` shows it "
             "(got \""
          << retry_id_ << "\")\n";
      return 2;
    }
    request.id = id;
  }
  return RunOutboxRetry(db, request, now, out, err);
}

}  // namespace icp::cli
