#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/application.h"
#include "domain/filing_number.h"
#include "ports/database.h"
#include "ports/ids.h"

namespace icp {

// 备案查询 over this provider's own records: what MIIT's public query shows of a filing,
// for the filings on record here. The national query is MIIT's (icp-bureau's public query);
// this one answers only from the records this provider holds (docs/console.md).
enum class PublicQueryBy { kDomain, kNumber, kUnitName };

// "domain", "number", "unit_name": the query parameter each is asked by.
std::string_view PublicQueryByName(PublicQueryBy by);

struct PublicRecordQuery {
  PublicQueryBy by = PublicQueryBy::kDomain;
  std::string value;       // as the visitor typed it
  SubjectId after{0};      // kUnitName: subjects after this id (the cursor)
  std::size_t limit = 10;  // kUnitName: subjects per page, 1..kMaxPublicPage
};

inline constexpr std::size_t kMaxPublicPage = 20;

// One filed website as the public sees it. A person's name is masked (MaskName): the query
// is open to anyone, and a person's name is personal data.
struct PublicRecord {
  SubjectId subject;
  FilingNumber subject_number;
  SubjectType subject_type = SubjectType::kIndividual;
  std::string subject_name;
  Province province;
  FilingNumber website_number;
  std::string website_name;
  std::vector<DomainName> domains;
  std::string home_url;
};

struct PublicRecordPage {
  std::vector<PublicRecord> items;
  std::optional<SubjectId> next;  // kUnitName only: where the next page starts
};

// The public query. Reads only filed records: an active subject with its number and its
// active websites with theirs (a draft's or a cancelled record never shows). It only reads, so
// it takes a ReadStore: icpd gives it the streaming replica when --read-database names one.
class PublicRecordService {
 public:
  explicit PublicRecordService(ReadStore& db) : db_(db) {}

  // kInvalidArgument naming the parameter: a domain that is not one (rules domain.*), a
  // number that is not one (rules filing-number.*), an empty or over-long unit name (rule
  // public-query.unit-name), a limit out of range (rule request.limit). By domain: the website
  // holding that domain, or else its registrable domain. By number: a website number's
  // website; a subject number's websites. By unit name: the units so named exactly, `limit`
  // subjects a page, each with its websites.
  Result<PublicRecordPage> Query(const PublicRecordQuery& query);

 private:
  ReadStore& db_;
};

}  // namespace icp
