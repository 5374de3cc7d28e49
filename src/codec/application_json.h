#pragma once

#include <boost/json/value.hpp>

#include "base/date.h"
#include "base/result.h"
#include "codec/json_reader.h"
#include "domain/application.h"
#include "domain/personal_data.h"
#include "domain/resolve_application_type.h"
#include "rules/evaluate.h"

namespace icp::codec {

// The application document of docs/application-json.md <-> domain::Application.
// Shared by icpctl (precheck, rule cases) and the HTTP API, so both accept exactly one shape.

// Every malformed field is reported at once: kInvalidArgument whose violations carry the
// field path ("websites[0].principal.mobile") and the value type's rule ("mobile.segment").
// `today` bounds birth dates in certificate numbers.
Result<Application> ApplicationFromJson(const boost::json::value& document, Date today);

// The parts of the application document, for documents that embed them (the import of filed
// records, codec/record_import.h). Each reads its part at `path` with the rules above, adds
// every problem to `reader`, and returns nullopt when the part is unusable.
// ReadProvinceAt reads parent["province"] (a code, 6-digit code, name or prefix).
std::optional<Province> ReadProvinceAt(JsonReader& reader, const boost::json::object& parent,
                                       const std::string& path);
// `value` is the subject object (nullptr: absent, a problem); its province is `province`.
std::optional<Subject> ReadSubjectAt(JsonReader& reader, const boost::json::value* value,
                                     const std::string& path, std::optional<Province> province,
                                     Date today);
std::optional<Website> ReadWebsiteAt(JsonReader& reader, const boost::json::value& value,
                                     const std::string& path, Date today);

// The inverse of ApplicationFromJson: ApplicationFromJson(ApplicationToJson(a, kFull)) == a.
// With Disclosure::kMasked, certificate numbers, mobile numbers and e-mail addresses are
// masked (domain/personal_data.h), for readers who may not see them in full.
boost::json::value ApplicationToJson(const Application& application, Disclosure disclosure);
boost::json::value SubjectToJson(const Subject& subject, Disclosure disclosure);
boost::json::value WebsiteToJson(const Website& website, Disclosure disclosure);

// The documents a store keeps (in full; the store encrypts them): compact JSON text in the
// shape above. A Subject travels as {"province": "44", "subject": {...}}, a Website as
// {"website": {...}}. Decoding validates again, so a tampered or truncated document comes
// back as an error, never as a half-filled value. An application's stored document also
// carries its filing_password, which ApplicationToJson and ApplicationFromJson never do.
std::string EncodeApplication(const Application& application);
// The bureau's ids of a filed record (original.bureau's shape), for the store's own table.
// Decode is strict: kInvalidArgument naming each problem under the path "bureau".
std::string EncodeBureauIds(const BureauIds& ids);
Result<BureauIds> DecodeBureauIds(std::string_view text);
Result<Application> DecodeApplication(std::string_view text, Date today);
std::string EncodeSubject(const Subject& subject);
Result<Subject> DecodeSubject(std::string_view text, Date today);
std::string EncodeWebsite(const Website& website);
Result<Website> DecodeWebsite(std::string_view text, Date today);

// The `facts` object beside an application (rule cases, precheck): {"filed_websites": 3}.
Result<EvaluationFacts> FactsFromJson(const boost::json::value& facts);

// What ResolveApplicationType needs, from the same `facts` object: {"subject": "filed_here",
// "subject_open_application": "none", "only_website_cancelled": false, "chosen": "new_website",
// "websites": [{"domains": [{"standing": "not_filed", "open_application": "none"}]}]}.
// Absent parts take the defaults of ApplicationTypeFacts. Names: SubjectStanding not_filed,
// filed_here, filed_here_other_account, filed_elsewhere_only, empty_shell, cancelled;
// DomainStanding not_filed, filed_under_subject_here, filed_under_subject_elsewhere,
// filed_under_other_subject; OpenApplication none, here, here_other_account, elsewhere.
Result<ApplicationTypeFacts> TypeFactsFromJson(const boost::json::value& facts);

// Violations as the API and the CLI print them.
boost::json::value ViolationsToJson(const std::vector<Violation>& violations);

}  // namespace icp::codec
