#include "app/record_service.h"

#include <map>
#include <string>
#include <utility>

#include "app/audit_details.h"
#include "ports/storage_errors.h"

namespace icp {
namespace {

std::string SubjectPath(std::size_t i) { return "subjects[" + std::to_string(i) + "]"; }
std::string WebsitePath(std::size_t i, std::size_t j) {
  return SubjectPath(i) + ".websites[" + std::to_string(j) + "]";
}

// Every problem of an import: what is wrong with the file, and what clashes with the store.
struct Problems {
  std::vector<FieldViolation> invalid;
  std::vector<FieldViolation> conflicts;

  static void Add(std::vector<FieldViolation>& to, const std::string& path, const Error& e) {
    for (FieldViolation& v : e.AtField(path).violations) to.push_back(std::move(v));
  }
  void Invalid(const std::string& path, const Error& e) { Add(invalid, path, e); }
  void Conflict(const std::string& path, const Error& e) { Add(conflicts, path, e); }
  void Invalid(const std::string& path, std::string rule, std::string en, std::string zh) {
    invalid.push_back({path, std::move(rule), std::move(en), std::move(zh)});
  }

  Result<void> Verdict() {
    if (!invalid.empty()) {
      for (FieldViolation& v : conflicts) invalid.push_back(std::move(v));
      return InvalidFields(std::move(invalid));
    }
    if (conflicts.empty()) return {};
    Error e{ErrorCode::kAlreadyExists,
            std::to_string(conflicts.size()) +
                " records clash with records on file; nothing "
                "imported",
            std::move(conflicts)};
    return std::unexpected(std::move(e));
  }
};

// Remembers the first path of each key; a second one is a duplicate within the file.
class FirstSeen {
 public:
  FirstSeen(Problems& p, std::string what, std::string what_zh)
      : p_(p), what_(std::move(what)), what_zh_(std::move(what_zh)) {}
  void See(const std::string& key, const std::string& path) {
    auto [at, fresh] = first_.emplace(key, path);
    if (fresh) return;
    p_.Invalid(path, "record-import.duplicate",
               "this " + what_ + " is given twice in the import, first at " + at->second,
               "导入文件中" + what_zh_ + "重复，首次出现于 " + at->second);
  }

 private:
  Problems& p_;
  std::string what_, what_zh_;
  std::map<std::string, std::string> first_;
};

// What the file itself says wrong: numbers that do not fit, keys given twice.
void CheckFile(const std::vector<SubjectImport>& imports, Problems& p) {
  FirstSeen certificates(p, "certificate", "证件");
  FirstSeen numbers(p, "filing number", "备案号");
  FirstSeen domains(p, "domain", "域名");
  for (std::size_t i = 0; i < imports.size(); ++i) {
    const SubjectImport& s = imports[i];
    const std::string at = SubjectPath(i);
    if (Result<void> ok = CheckSubjectNumber(s.number, s.subject.province); !ok) {
      p.Invalid(at + ".number", ok.error());
    }
    certificates.See(std::string(CertificateTypeName(s.subject.certificate.type())) + ":" +
                         s.subject.certificate.number(),
                     at + ".subject.certificate");
    numbers.See(s.number.canonical(), at + ".number");
    for (std::size_t j = 0; j < s.websites.size(); ++j) {
      const WebsiteImport& w = s.websites[j];
      const std::string site = WebsitePath(i, j);
      if (Result<void> ok = CheckWebsiteNumber(w.number, s.number); !ok) {
        p.Invalid(site + ".number", ok.error());
      }
      numbers.See(w.number.canonical(), site + ".number");
      for (std::size_t k = 0; k < w.website.domains.size(); ++k) {
        domains.See(w.website.domains[k].ascii(),
                    site + ".website.domains[" + std::to_string(k) + "]");
      }
    }
  }
}

// A record on file under the same number whose content the import would change.
Error Differs(const std::string& what) {
  const std::string zh = what == "subject" ? "主体" : "网站";
  return Error{ErrorCode::kAlreadyExists,
               "",
               {{"", "record-import.differs",
                 "this " + what +
                     " is on record with other content; change it through a change filing, not "
                     "an import",
                 "该" + zh + "已备案且信息不同，请通过变更备案修改"}}};
}

bool SameNumber(const std::optional<FilingNumber>& stored, const FilingNumber& imported) {
  return stored && stored->canonical() == imported.canonical();
}

// What is on record already for one import: the subject and the websites it matches
// exactly (nullopt: to be stored).
struct OnRecord {
  std::optional<SubjectRecord> subject;
  std::vector<std::optional<WebsiteRecord>> websites;
};

Result<void> CheckAccount(UnitOfWork& uow, AccountId account, const std::string& at, Problems& p) {
  Result<Account> a = uow.accounts().Get(account);
  if (!a && a.error().code != ErrorCode::kNotFound) return std::unexpected(a.error());
  if (!a || a->role != Role::kCustomer) {
    p.Invalid(at + ".account", "record-import.account",
              "account " + std::to_string(account.value()) + " is not a customer account",
              "账号 " + std::to_string(account.value()) + " 不是客户账号");
  }
  return {};
}

// The number of the record at `at`, about to be issued, that was issued before (its field:
// at + ".number").
Result<void> CheckNumberFree(UnitOfWork& uow, const FilingNumber& number, const std::string& at,
                             Problems& p) {
  Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(number);
  if (!issued) return std::unexpected(issued.error());
  if (*issued) p.Conflict(at, storage_errors::NumberIssuedOnce(number.str()).error());
  return {};
}

Result<std::optional<WebsiteRecord>> CheckWebsite(UnitOfWork& uow, const WebsiteImport& w,
                                                  const std::optional<SubjectRecord>& subject,
                                                  const std::string& at, Problems& p) {
  for (std::size_t k = 0; k < w.website.domains.size(); ++k) {
    Result<std::optional<WebsiteRecord>> held = uow.websites().FindByDomain(w.website.domains[k]);
    if (!held) return std::unexpected(held.error());
    if (!*held) continue;
    const WebsiteRecord& r = **held;
    if (subject && r.subject == subject->id && SameNumber(r.number, w.number)) {
      if (r.website == w.website) return *held;  // this very website is on record
      p.Conflict(at + ".website", Differs("website"));
      return std::optional<WebsiteRecord>();
    }
    const std::string field = "website.domains[" + std::to_string(k) + "]";
    p.Conflict(at, storage_errors::DomainTaken(w.website.domains[k].unicode(), field).error());
  }
  if (Result<void> ok = CheckNumberFree(uow, w.number, at, p); !ok) {
    return std::unexpected(ok.error());
  }
  return std::optional<WebsiteRecord>();
}

// What clashes with the store, read before anything is written: a failed write ends the unit
// of work, and every clash is reported at once.
Result<std::vector<OnRecord>> CheckStore(UnitOfWork& uow, const std::vector<SubjectImport>& imports,
                                         Problems& p) {
  std::vector<OnRecord> out;
  for (std::size_t i = 0; i < imports.size(); ++i) {
    const SubjectImport& s = imports[i];
    const std::string at = SubjectPath(i);
    OnRecord slot;
    if (Result<void> ok = CheckAccount(uow, s.account, at, p); !ok) {
      return std::unexpected(ok.error());
    }
    Result<std::optional<SubjectRecord>> found =
        uow.subjects().FindByCertificate(s.subject.certificate);
    if (!found) return std::unexpected(found.error());
    // The same subject (account and number): its websites are compared with the import's
    // whether or not the subject's content matches.
    std::optional<SubjectRecord> same;
    if (*found && (*found)->account == s.account && SameNumber((*found)->number, s.number)) {
      same = *found;
    }
    if (*found && !same) {
      p.Conflict(at, storage_errors::SubjectOnRecord().error());
    } else if (same && same->subject != s.subject) {
      p.Conflict(at + ".subject", Differs("subject"));
    } else if (same) {
      slot.subject = same;
    } else if (Result<void> ok = CheckNumberFree(uow, s.number, at, p); !ok) {
      return std::unexpected(ok.error());
    }
    for (std::size_t j = 0; j < s.websites.size(); ++j) {
      Result<std::optional<WebsiteRecord>> site =
          CheckWebsite(uow, s.websites[j], same, WebsitePath(i, j), p);
      if (!site) return std::unexpected(site.error());
      slot.websites.push_back(std::move(*site));
    }
    out.push_back(std::move(slot));
  }
  return out;
}

class Writer {
 public:
  Writer(UnitOfWork& uow, std::string actor, std::chrono::sys_seconds now)
      : uow_(uow), actor_(std::move(actor)), now_(now) {}

  Result<SubjectId> StoreSubject(const SubjectImport& s, const std::string& at) {
    const SubjectRecord record{SubjectId(), s.account,    s.subject, std::nullopt,
                               false,       std::nullopt, 0};
    Result<SubjectId> id = uow_.subjects().Insert(record);
    if (!id) return std::unexpected(id.error().AtField(at));
    // A number names its record, so the record is stored first and numbered after.
    if (Result<void> ok = Issue(s.number, *id, std::nullopt); !ok) {
      return std::unexpected(ok.error().AtField(at));
    }
    Result<SubjectRecord> stored = uow_.subjects().Get(*id);
    if (!stored) return std::unexpected(stored.error());
    stored->number = s.number;
    if (Result<std::int64_t> r = uow_.subjects().Update(*stored); !r) {
      return std::unexpected(r.error().AtField(at));
    }
    AuditDetails d;
    d.Add("number", s.number.canonical()).Add("account", s.account.value());
    if (Result<void> ok = Audit("subject:" + std::to_string(id->value()), d); !ok) {
      return std::unexpected(ok.error());
    }
    return *id;
  }

  Result<WebsiteId> StoreWebsite(SubjectId subject, const WebsiteImport& w, const std::string& at) {
    const WebsiteRecord record{WebsiteId(), subject,      w.website, std::nullopt,
                               false,       std::nullopt, 0};
    Result<WebsiteId> id = uow_.websites().Insert(record);
    if (!id) return std::unexpected(id.error().AtField(at));
    if (Result<void> ok = Issue(w.number, subject, *id); !ok) {
      return std::unexpected(ok.error().AtField(at));
    }
    Result<WebsiteRecord> stored = uow_.websites().Get(*id);
    if (!stored) return std::unexpected(stored.error());
    stored->number = w.number;
    if (Result<std::int64_t> r = uow_.websites().Update(*stored); !r) {
      return std::unexpected(r.error().AtField(at));
    }
    AuditDetails d;
    d.Add("number", w.number.canonical()).Add("subject", subject.value());
    if (Result<void> ok = Audit("website:" + std::to_string(id->value()), d); !ok) {
      return std::unexpected(ok.error());
    }
    return *id;
  }

 private:
  Result<void> Issue(const FilingNumber& number, SubjectId subject,
                     std::optional<WebsiteId> website) {
    return uow_.numbers().Issue({number, subject, website, now_, std::nullopt});
  }
  Result<void> Audit(std::string entity, const AuditDetails& details) {
    return uow_.audit().Append({now_, actor_, "record.import", std::move(entity), details.str()});
  }

  UnitOfWork& uow_;
  std::string actor_;
  std::chrono::sys_seconds now_;
};

Result<RecordImportReport> Write(const std::vector<SubjectImport>& imports,
                                 const std::vector<OnRecord>& on_record, Writer& writer) {
  RecordImportReport report;
  for (std::size_t i = 0; i < imports.size(); ++i) {
    const SubjectImport& s = imports[i];
    SubjectImported done{SubjectId(), s.number, ImportOutcome::kUnchanged, {}};
    if (on_record[i].subject) {
      done.id = on_record[i].subject->id;
      ++report.unchanged;
    } else {
      Result<SubjectId> id = writer.StoreSubject(s, SubjectPath(i));
      if (!id) return std::unexpected(id.error());
      done.id = *id;
      done.outcome = ImportOutcome::kCreated;
      ++report.created;
    }
    for (std::size_t j = 0; j < s.websites.size(); ++j) {
      WebsiteImported site{WebsiteId(), s.websites[j].number, ImportOutcome::kUnchanged};
      if (const std::optional<WebsiteRecord>& there = on_record[i].websites[j]) {
        site.id = there->id;
        ++report.unchanged;
      } else {
        Result<WebsiteId> id = writer.StoreWebsite(done.id, s.websites[j], WebsitePath(i, j));
        if (!id) return std::unexpected(id.error());
        site.id = *id;
        site.outcome = ImportOutcome::kCreated;
        ++report.created;
      }
      done.websites.push_back(std::move(site));
    }
    report.subjects.push_back(std::move(done));
  }
  return report;
}

}  // namespace

std::string_view ImportOutcomeName(ImportOutcome outcome) {
  return outcome == ImportOutcome::kCreated ? "created" : "unchanged";
}

Result<RecordImportReport> RecordService::Import(const Caller& caller,
                                                 const std::vector<SubjectImport>& imports) {
  if (caller.role != Role::kAdmin) {
    return Refusal(ErrorCode::kPermissionDenied, "", "auth.role",
                   "only admins import filed records", "只有管理员可以导入备案记录");
  }
  Problems problems;
  CheckFile(imports, problems);
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  Result<std::vector<OnRecord>> on_record = CheckStore(uow, imports, problems);
  if (!on_record) return std::unexpected(on_record.error());
  if (Result<void> ok = problems.Verdict(); !ok) return std::unexpected(ok.error());
  Writer writer(uow, AccountActor(caller.account.value()), clock_.Now());
  Result<RecordImportReport> report = Write(imports, *on_record, writer);
  if (!report) return std::unexpected(report.error());
  if (Result<void> c = uow.Commit(); !c) return std::unexpected(c.error());
  return report;
}

Result<std::vector<SubjectOnRecord>> RecordService::ListMine(const Caller& caller) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<std::vector<SubjectRecord>> subjects = (*uow)->subjects().ListByAccount(caller.account);
  if (!subjects) return std::unexpected(subjects.error());
  std::vector<SubjectOnRecord> out;
  for (SubjectRecord& s : *subjects) {
    Result<std::vector<WebsiteRecord>> sites = (*uow)->websites().ListBySubject(s.id);
    if (!sites) return std::unexpected(sites.error());
    out.push_back({std::move(s), std::move(*sites)});
  }
  return out;
}

Result<SubjectOnRecord> RecordService::Get(const Caller& caller, SubjectId id) {
  Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
  if (!uow) return std::unexpected(uow.error());
  Result<SubjectRecord> s = (*uow)->subjects().Get(id);
  if (!s || !caller.MayRead(s->account)) {
    if (s || s.error().code == ErrorCode::kNotFound) {
      return Refusal(ErrorCode::kNotFound, "", "subject.not-found",
                     "no subject " + std::to_string(id.value()),
                     "主体不存在：" + std::to_string(id.value()));
    }
    return std::unexpected(s.error());
  }
  Result<std::vector<WebsiteRecord>> sites = (*uow)->websites().ListBySubject(id);
  if (!sites) return std::unexpected(sites.error());
  return SubjectOnRecord{std::move(*s), std::move(*sites)};
}

}  // namespace icp
