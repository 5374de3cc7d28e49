#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "domain/filing_number.h"
#include "ports/ids.h"

namespace icp {

// A subject on record with this provider: filed (it has its number) or being filed.
struct SubjectRecord {
  SubjectId id;
  AccountId account;
  Subject subject;
  std::optional<FilingNumber> number;  // 主体备案号, once issued
  bool cancelled = false;
  std::optional<ApplicationId> changed_by;  // the application whose approval wrote this copy
  std::int64_t revision = 0;

  friend bool operator==(const SubjectRecord&, const SubjectRecord&) = default;
};

// The subjects on record. One active record per certificate (type and number): the store
// holds this with a unique index on the certificate's keyed hash, never in C++.
class SubjectReader {
 public:
  virtual ~SubjectReader() = default;

  virtual Result<SubjectRecord> Get(SubjectId id) = 0;  // kNotFound
  // The active subject with this certificate, if any.
  virtual Result<std::optional<SubjectRecord>> FindByCertificate(const Certificate& c) = 0;
  virtual Result<std::vector<SubjectRecord>> ListByAccount(AccountId account) = 0;
  // The active subject this subject number (主体备案号) is issued to, if any.
  virtual Result<std::optional<SubjectRecord>> FindByNumber(const FilingNumber& number) = 0;
  // Active units (any type but a person) whose name is exactly `name`, by id, those after
  // `after`, at most `limit`: the public query by unit name. A person's name is personal data
  // and never searched (the store keeps no plain copy of it).
  virtual Result<std::vector<SubjectRecord>> ListByUnitName(std::string_view name, SubjectId after,
                                                            std::size_t limit) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class SubjectRepository : public SubjectReader {
 public:
  // Ignores id and revision; the stored copy has revision 1. kAlreadyExists (rule
  // "subject.already-on-record") when an active subject has the same certificate.
  virtual Result<SubjectId> Insert(const SubjectRecord& record) = 0;
  // Stores `record` if the stored revision is record.revision, and returns the new revision;
  // kAborted (rule "storage.revision") when someone changed it first. A record changed by an
  // access filing (新增接入, 继续接入, 取消接入) is refused by the database (rule
  // "access-filing.changes-no-data").
  virtual Result<std::int64_t> Update(const SubjectRecord& record) = 0;
};

// A website on record, under its subject.
struct WebsiteRecord {
  WebsiteId id;
  SubjectId subject;
  Website website;
  std::optional<FilingNumber> number;  // 网站备案号 (…-1), once issued
  bool cancelled = false;
  std::optional<ApplicationId> changed_by;
  std::int64_t revision = 0;

  friend bool operator==(const WebsiteRecord&, const WebsiteRecord&) = default;
};

// The websites on record. A domain belongs to at most one active website, and so to at most
// one subject (unique index on the domain of active websites).
class WebsiteReader {
 public:
  virtual ~WebsiteReader() = default;

  virtual Result<WebsiteRecord> Get(WebsiteId id) = 0;
  virtual Result<std::optional<WebsiteRecord>> FindByDomain(const DomainName& domain) = 0;
  virtual Result<std::vector<WebsiteRecord>> ListBySubject(SubjectId subject) = 0;
  // The active website this website number (…-N) is issued to, if any.
  virtual Result<std::optional<WebsiteRecord>> FindByNumber(const FilingNumber& number) = 0;
};

// With the writes, for a unit of work (ports/database.h); a read transaction has the reader.
class WebsiteRepository : public WebsiteReader {
 public:
  // kAlreadyExists (rule "website.domain-taken", field "website.domains[i]") when an active
  // website holds one of its domains.
  virtual Result<WebsiteId> Insert(const WebsiteRecord& record) = 0;
  // As SubjectRepository::Update; the domain index follows the new domains, a cancelled
  // website frees its domains, and one made active again (继续接入 after 取消接入) takes them
  // back: kAlreadyExists (rule "website.domain-taken") when another active website holds one.
  virtual Result<std::int64_t> Update(const WebsiteRecord& record) = 0;
};

}  // namespace icp
