#include "cli/db_command.h"

#include <boost/json.hpp>

#include <ostream>

namespace icp::cli {

void PrintError(const Error& error, std::ostream& err) {
  err << "error: " << error.message << "\n";
  for (const FieldViolation& v : error.violations) {
    err << "  [" << v.rule << "]" << (v.field.empty() ? "" : " " + v.field) << ": "
        << (v.message_zh.empty() ? v.message : v.message_zh) << "\n";
  }
}

namespace {
int Failed(const Error& error, std::ostream& err) {
  PrintError(error, err);
  return error.code == ErrorCode::kInternal ? 3 : 1;
}
}  // namespace

int RunMigrate(DatabaseAdmin& admin, std::ostream& out, std::ostream& err) {
  Result<std::vector<MigrationStatus>> r = admin.Migrate();
  if (!r) return Failed(r.error(), err);
  int applied = 0;
  for (const MigrationStatus& m : *r) {
    out << m.name << "  " << (m.applied ? "applied now" : "already applied") << "\n";
    applied += m.applied ? 1 : 0;
  }
  out << "schema at version " << (r->empty() ? 0 : r->back().version) << " (" << applied
      << " applied now)\n";
  Result<std::vector<BackfillStatus>> b = admin.Backfill();
  if (!b) return Failed(b.error(), err);
  for (const BackfillStatus& s : *b) {
    if (!s.ran) {
      out << "backfill " << s.name << "  done before\n";
      continue;
    }
    out << "backfill " << s.name << "  " << s.scanned << " rows looked at, " << s.filled
        << " filled, " << s.unreadable << " unreadable\n";
  }
  return 0;
}

int RunBackup(DatabaseAdmin& admin, const std::filesystem::path& to, std::ostream& out,
              std::ostream& err) {
  if (Result<void> r = admin.Backup(to); !r) return Failed(r.error(), err);
  out << "backup written to " << to.string() << " (integrity checked)\n";
  return 0;
}

int RunRestore(DatabaseAdmin& admin, const std::filesystem::path& from, std::ostream& out,
               std::ostream& err) {
  if (Result<void> r = admin.Restore(from); !r) return Failed(r.error(), err);
  out << "restored from " << from.string() << "; run `icpctl audit verify` to check the chain\n";
  return 0;
}

int RunAuditVerify(Database& db, bool json, std::ostream& out, std::ostream& err) {
  // A read snapshot: the head and every entry are seen at one moment, and writers go on.
  Result<std::unique_ptr<ReadTransaction>> read = db.BeginRead();
  if (!read) return Failed(read.error(), err);
  Result<AuditVerification> v = (*read)->audit().Verify();
  if (!v) return Failed(v.error(), err);
  if (json) {
    boost::json::object o{{"ok", v->ok()}, {"entries", v->entries}};
    if (v->ok()) {
      o["head_hash"] = v->head_hash;
    } else {
      o["first_broken"] = *v->first_broken;
      o["reason"] = v->reason;
    }
    out << boost::json::serialize(o) << "\n";
  } else if (v->ok()) {
    out << "audit log: " << v->entries << " entries, chain intact, head " << v->head_hash << "\n";
  } else {
    out << "audit log: BROKEN at entry " << *v->first_broken << ": " << v->reason << "\n"
        << "  (" << v->entries << " entries before it verify)\n";
  }
  return v->ok() ? 0 : 1;
}

}  // namespace icp::cli
