#include "app/estate_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace icp {
namespace {

constexpr std::string_view kActor = "system:bureau";

// A certificate as a lookup key: its type and number.
std::string KeyOf(const Certificate& c) {
  return std::string(CertificateTypeName(c.type())) + "/" + c.number();
}

Result<void> AuditAdopted(UnitOfWork& uow, std::string_view entity, std::int64_t id,
                          const FilingNumber& number, std::chrono::sys_seconds now) {
  return uow.audit().Append({now, std::string(kActor), "record.adopt",
                             std::string(entity) + ":" + std::to_string(id),
                             "{\"number\":\"" + number.str() + "\"}"});
}

// Who holds the subjects the batch brings: customers by their verified real name, read once
// per batch, and the estate account.
class Owners {
 public:
  Owners(UnitOfWork& uow, const std::string& estate_login) : uow_(uow), login_(estate_login) {}

  // The account for a subject with `certificate`; nullopt when nobody may hold it.
  Result<std::optional<AccountId>> For(const Certificate& certificate) {
    if (!by_real_name_) {
      by_real_name_.emplace();
      AccountId after(0);
      while (true) {
        Result<std::vector<Account>> page = uow_.accounts().List(after, 500);
        if (!page) return std::unexpected(page.error());
        for (const Account& a : *page) {
          if (a.role == Role::kCustomer && a.real_name && a.status() == AccountStatus::kActive) {
            by_real_name_->emplace(KeyOf(a.real_name->value.certificate()), a.id);
          }
        }
        if (page->size() < 500) break;
        after = page->back().id;
      }
    }
    if (auto it = by_real_name_->find(KeyOf(certificate)); it != by_real_name_->end()) {
      return std::optional<AccountId>(it->second);
    }
    return EstateAccount();
  }

 private:
  Result<std::optional<AccountId>> EstateAccount() {
    if (login_.empty()) return std::optional<AccountId>();
    if (estate_) return *estate_;
    Result<Account> a = uow_.accounts().FindByLogin(login_);
    if (!a || a->role != Role::kCustomer) {
      if (!a && a.error().code != ErrorCode::kNotFound) return std::unexpected(a.error());
      return Refusal(ErrorCode::kFailedPrecondition, "estate_account", "bureau.estate.account",
                     "the estate account '" + login_ + "' is not a customer account here",
                     "承接账号“" + login_ + "”不是本平台的客户账号");
    }
    estate_ = std::optional<AccountId>(a->id);
    return *estate_;
  }

  UnitOfWork& uow_;
  const std::string& login_;
  std::optional<std::map<std::string, AccountId>> by_real_name_;
  std::optional<std::optional<AccountId>> estate_;
};

struct Skip {
  std::string rule;
  std::string message;
};

// The subject on record the record is: by Ztid, by its number, or by its certificate.
Result<std::optional<SubjectRecord>> FindSubject(UnitOfWork& uow, std::int64_t isp_id,
                                                 const EstateRecord& r) {
  std::optional<SubjectId> id;
  if (r.ids.subject_id) {
    Result<std::optional<SubjectId>> found =
        uow.bureau_link().SubjectByBureauId(isp_id, *r.ids.subject_id);
    if (!found) return std::unexpected(found.error());
    id = *found;
  }
  if (!id) {
    Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(r.number);
    if (!issued) return std::unexpected(issued.error());
    if (*issued) id = (*issued)->subject;
  }
  if (id) {
    Result<SubjectRecord> s = uow.subjects().Get(*id);
    if (!s) return std::unexpected(s.error());
    return std::optional<SubjectRecord>(std::move(*s));
  }
  return uow.subjects().FindByCertificate(r.subject.certificate);
}

// Gives `subject` its number (issued first: the store wants a number to name its record).
Result<void> Number(UnitOfWork& uow, SubjectRecord& subject, const FilingNumber& number,
                    std::chrono::sys_seconds now) {
  if (Result<void> ok = uow.numbers().Issue({number, subject.id, std::nullopt, now, std::nullopt});
      !ok) {
    return ok;
  }
  subject.number = number;
  Result<std::int64_t> rev = uow.subjects().Update(subject);
  if (!rev) return std::unexpected(rev.error());
  subject.revision = *rev;
  return {};
}

// The ids known for a subject with those of an incoming record: the subject's from the
// record, its websites replacing the known ones with the same Wzid (or number), the others
// kept (a large estate may bring a subject's websites in several files).
BureauIds MergeIds(const std::optional<BureauIds>& known, const BureauIds& incoming) {
  BureauIds out = known.value_or(BureauIds{});
  out.subject_id = incoming.subject_id;
  out.subject_number = incoming.subject_number;
  for (const BureauIds::Website& w : incoming.websites) {
    auto same = [&](const BureauIds::Website& k) {
      return (w.id != 0 && k.id == w.id) || (!w.number.empty() && k.number == w.number);
    };
    auto it = std::find_if(out.websites.begin(), out.websites.end(), same);
    if (it != out.websites.end()) {
      *it = w;
    } else {
      out.websites.push_back(w);
    }
  }
  return out;
}

}  // namespace

Result<AdoptionReport> EstateService::Adopt(UnitOfWork& uow, std::int64_t isp_id,
                                            const std::vector<EstateRecord>& records,
                                            std::chrono::sys_seconds now) {
  AdoptionReport report;
  Owners owners(uow, estate_account_);
  for (const EstateRecord& r : records) {
    const std::string at = r.number.str();
    auto skip = [&](const Skip& s) { report.skipped.push_back({at, s.rule, s.message, ""}); };
    Result<std::optional<SubjectRecord>> found = FindSubject(uow, isp_id, r);
    if (!found) return std::unexpected(found.error());
    std::optional<SubjectRecord> subject = std::move(*found);
    if (subject && subject->number && subject->number->str() != r.number.str()) {
      skip({"bureau.estate.other-number",
            "the subject is on record here under another number: " + subject->number->str()});
      continue;
    }
    if (!subject || !subject->number) {
      // The number must be free before anything is written.
      Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(r.number);
      if (!issued) return std::unexpected(issued.error());
      if (*issued && (!subject || (*issued)->subject != subject->id)) {
        skip({"bureau.estate.number-taken", "the number is issued to another record here"});
        continue;
      }
    }
    if (!subject) {
      Result<std::optional<AccountId>> owner = owners.For(r.subject.certificate);
      if (!owner) return std::unexpected(owner.error());
      if (!*owner) {
        skip({"bureau.estate.no-account",
              "no customer account has this subject as its verified real name, and no estate "
              "account is set"});
        continue;
      }
      Result<SubjectId> id = uow.subjects().Insert(
          {SubjectId(), **owner, r.subject, std::nullopt, false, std::nullopt, 0});
      if (!id) return std::unexpected(id.error());
      Result<SubjectRecord> s = uow.subjects().Get(*id);
      if (!s) return std::unexpected(s.error());
      subject = std::move(*s);
    }
    if (!subject->number) {
      if (Result<void> ok = Number(uow, *subject, r.number, now); !ok)
        return std::unexpected(ok.error());
      if (Result<void> ok = AuditAdopted(uow, "subject", subject->id.value(), r.number, now); !ok) {
        return std::unexpected(ok.error());
      }
      ++report.subjects_created;
    } else {
      ++report.unchanged;
    }
    for (const EstateWebsite& w : r.websites) {
      Result<std::optional<IssuedNumber>> issued = uow.numbers().Find(w.number);
      if (!issued) return std::unexpected(issued.error());
      if (*issued) {
        if ((*issued)->subject == subject->id && (*issued)->website) {
          ++report.unchanged;
        } else {
          skip({"bureau.estate.number-taken",
                "the website's number is issued to another record here: " + w.number.str()});
        }
        continue;
      }
      std::optional<std::string> taken;
      for (const DomainName& d : w.website.domains) {
        Result<std::optional<WebsiteRecord>> there = uow.websites().FindByDomain(d);
        if (!there) return std::unexpected(there.error());
        if (*there) taken = d.ascii();
      }
      if (taken) {
        skip({"bureau.estate.domain-taken",
              "a website on record here holds " + *taken + " (" + w.number.str() + ")"});
        continue;
      }
      Result<WebsiteId> id = uow.websites().Insert(
          {WebsiteId(), subject->id, w.website, std::nullopt, false, std::nullopt, 0});
      if (!id) return std::unexpected(id.error());
      if (Result<void> ok = uow.numbers().Issue({w.number, subject->id, *id, now, std::nullopt});
          !ok) {
        return std::unexpected(ok.error());
      }
      Result<WebsiteRecord> site = uow.websites().Get(*id);
      if (!site) return std::unexpected(site.error());
      site->number = w.number;
      if (Result<std::int64_t> rev = uow.websites().Update(*site); !rev) {
        return std::unexpected(rev.error());
      }
      if (Result<void> ok = AuditAdopted(uow, "website", id->value(), w.number, now); !ok) {
        return std::unexpected(ok.error());
      }
      ++report.websites_created;
    }
    Result<std::optional<BureauIds>> known = uow.bureau_link().SubjectIds(subject->id);
    if (!known) return std::unexpected(known.error());
    const BureauIds merged = MergeIds(*known, r.ids);
    if (*known != merged) {
      if (r.ids.subject_id) {
        Result<std::optional<SubjectId>> holder =
            uow.bureau_link().SubjectByBureauId(isp_id, *r.ids.subject_id);
        if (!holder) return std::unexpected(holder.error());
        if (*holder && **holder != subject->id) {
          skip({"bureau.estate.ztid-taken", "another subject on record has the bureau's Ztid"});
          continue;
        }
      }
      if (Result<void> ok = uow.bureau_link().SetSubjectIds(subject->id, isp_id, merged); !ok) {
        return std::unexpected(ok.error());
      }
      ++report.ids_updated;
    }
  }
  return report;
}

}  // namespace icp
