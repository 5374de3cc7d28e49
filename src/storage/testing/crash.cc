#include "storage/testing/crash.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "storage/testing/fixtures.h"

namespace icp::storage_testing {
namespace {

CrashReport Failed(std::string why) {
  CrashReport r;
  r.error = std::move(why);
  return r;
}

// The writer: never returns.
// Each application has an account of its own (one application in progress per account).
[[noreturn]] void Write(const std::function<std::unique_ptr<Database>()>& open, int ack_fd) {
  std::unique_ptr<Database> db = open();
  if (db == nullptr) _exit(2);
  for (int i = 0;; ++i) {
    Result<std::unique_ptr<UnitOfWork>> uow = db->Begin();
    if (!uow) _exit(3);
    Result<AccountId> account = (*uow)->accounts().Insert(
        {AccountId(), "crash-" + std::to_string(i), Role::kCustomer, "客户", "x", kT0});
    if (!account) _exit(9);
    Result<ApplicationId> id = (*uow)->applications().Insert(
        NewRecord(*account, SampleApplication(2000 + i, "crash-" + std::to_string(i) + ".cn")));
    if (!id) _exit(4);
    const std::string entity = "application:" + std::to_string(id->value());
    if (!(*uow)->audit().Append({kT0, "account:crash", "application.create", entity, "{}"}))
      _exit(5);
    if (!(*uow)->outbox().Enqueue({"notify.created", entity, "{}", kT0})) _exit(6);
    if (!(*uow)->Commit()) _exit(7);
    const std::int64_t committed = id->value();
    if (write(ack_fd, &committed, sizeof committed) != sizeof committed) _exit(8);
  }
}

}  // namespace

CrashReport KillWriterMidWrite(const std::function<std::unique_ptr<Database>()>& open,
                               int acknowledgements) {
  CrashReport report;
  {
    std::unique_ptr<Database> db = open();
    if (db == nullptr) return Failed("cannot open the store");
  }  // migrated, and closed before fork: connections never cross a fork
  int acks[2];
  if (pipe(acks) != 0) return Failed("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) return Failed("fork failed");
  if (pid == 0) {
    close(acks[0]);
    Write(open, acks[1]);
  }
  close(acks[1]);
  std::vector<std::int64_t> committed;
  std::int64_t id = 0;
  while (static_cast<int>(committed.size()) < acknowledgements &&
         read(acks[0], &id, sizeof id) == sizeof id) {
    committed.push_back(id);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(acks[0]);
  report.acknowledged = static_cast<int>(committed.size());
  if (!WIFSIGNALED(status)) {
    report.error =
        "the writer stopped by itself with status " + std::to_string(WEXITSTATUS(status));
    return report;
  }

  std::unique_ptr<Database> db = open();
  if (db == nullptr) return Failed("cannot reopen the store");
  Result<std::unique_ptr<UnitOfWork>> uow = db->Begin();
  if (!uow) return Failed(uow.error().message);
  report.every_acknowledged_present = true;
  for (std::int64_t c : committed) {
    report.every_acknowledged_present = report.every_acknowledged_present &&
                                        (*uow)->applications().Get(ApplicationId(c)).has_value();
  }
  for (ApplicationId after;;) {
    Result<std::vector<ApplicationRecord>> page =
        (*uow)->applications().List({.after = after, .limit = 500});
    if (!page || page->empty()) break;
    report.applications += static_cast<std::int64_t>(page->size());
    after = page->back().id;
  }
  for (std::int64_t after = 0;;) {
    Result<std::vector<StoredAuditEntry>> page = (*uow)->audit().Read(after, 1000);
    if (!page || page->empty()) break;
    report.audit_entries += static_cast<std::int64_t>(page->size());
    after = page->back().seq;
  }
  if (Result<OutboxStats> stats = (*uow)->outbox().Stats()) {
    report.outbox_messages = stats->pending + stats->delivered;
  }
  Result<std::unique_ptr<ReadTransaction>> read = db->BeginRead();
  if (!read) return Failed(read.error().message);
  if (Result<AuditVerification> v = (*read)->audit().Verify()) {
    report.audit = *v;
  } else {
    report.error = v.error().message;
  }
  return report;
}

}  // namespace icp::storage_testing
