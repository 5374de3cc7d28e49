#include "http/record_handlers.h"

#include <boost/json.hpp>

#include <charconv>
#include <string>

#include "codec/application_json.h"
#include "codec/record_import.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace json = boost::json;

json::value NumberJson(const std::optional<FilingNumber>& n) {
  return n ? json::value(n->str()) : json::value(nullptr);
}

json::array DomainsJson(const Website& w) {
  json::array out;
  for (const DomainName& d : w.domains) out.push_back(json::value(d.unicode()));
  return out;
}

// A website on record; with its document when `disclosure` is given.
json::object WebsiteJson(const WebsiteRecord& w, std::optional<Disclosure> disclosure) {
  json::object o{
      {"id", w.id.value()},     {"number", NumberJson(w.number)},    {"cancelled", w.cancelled},
      {"name", w.website.name}, {"domains", DomainsJson(w.website)}, {"revision", w.revision}};
  if (disclosure) o["website"] = codec::WebsiteToJson(w.website, *disclosure);
  return o;
}

json::object SubjectJson(const SubjectOnRecord& s, std::optional<Disclosure> disclosure) {
  const SubjectRecord& r = s.record;
  json::object o{{"id", r.id.value()},
                 {"account", r.account.value()},
                 {"number", NumberJson(r.number)},
                 {"cancelled", r.cancelled},
                 {"province", r.subject.province.code()},
                 {"type", SubjectTypeName(r.subject.type)},
                 {"name", r.subject.name},
                 {"revision", r.revision}};
  if (disclosure) o["subject"] = codec::SubjectToJson(r.subject, *disclosure);
  json::array sites;
  for (const WebsiteRecord& w : s.websites) sites.push_back(WebsiteJson(w, disclosure));
  o["websites"] = std::move(sites);
  return o;
}

std::vector<SubjectImport> ToImports(std::vector<codec::ImportedSubject> parsed) {
  std::vector<SubjectImport> out;
  out.reserve(parsed.size());
  for (codec::ImportedSubject& s : parsed) {
    SubjectImport in{AccountId(s.account), s.number, std::move(s.subject), {}};
    for (codec::ImportedWebsite& w : s.websites) {
      in.websites.push_back({w.number, std::move(w.website)});
    }
    out.push_back(std::move(in));
  }
  return out;
}

json::object ReportJson(const RecordImportReport& report) {
  json::array subjects;
  for (const SubjectImported& s : report.subjects) {
    json::array sites;
    for (const WebsiteImported& w : s.websites) {
      sites.push_back(json::object{{"id", w.id.value()},
                                   {"number", w.number.str()},
                                   {"outcome", ImportOutcomeName(w.outcome)}});
    }
    subjects.push_back(json::object{{"id", s.id.value()},
                                    {"number", s.number.str()},
                                    {"outcome", ImportOutcomeName(s.outcome)},
                                    {"websites", std::move(sites)}});
  }
  return json::object{{"created", report.created},
                      {"unchanged", report.unchanged},
                      {"subjects", std::move(subjects)}};
}

Result<SubjectId> SubjectParam(const Request& request) {
  const std::string_view text = request.param("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    // An id that cannot exist is as missing as one that does not.
    return Refusal(ErrorCode::kNotFound, "id", "subject.not-found",
                   "no subject " + std::string(text), "主体不存在");
  }
  return SubjectId(id);
}

}  // namespace

Response ImportRecords(const Request& request, RecordApi& api) {
  Result<json::value> body = ParseJsonBody(request);
  if (!body) return ProblemResponse(request, body.error());
  Result<std::vector<codec::ImportedSubject>> parsed =
      codec::RecordImportFromJson(*body, ChinaDate(api.clock.Now()));
  if (!parsed) return ProblemResponse(request, parsed.error());
  Result<RecordImportReport> report =
      api.records.Import(*request.caller, ToImports(std::move(*parsed)));
  if (!report) return ProblemResponse(request, report.error());
  return JsonResponse(ReportJson(*report));
}

Response ListSubjects(const Request& request, RecordApi& api) {
  Result<std::vector<SubjectOnRecord>> list = api.records.ListMine(*request.caller);
  if (!list) return ProblemResponse(request, list.error());
  json::array out;
  for (const SubjectOnRecord& s : *list) out.push_back(SubjectJson(s, std::nullopt));
  return JsonResponse(json::object{{"subjects", std::move(out)}});
}

Response GetSubject(const Request& request, RecordApi& api) {
  Result<SubjectId> id = SubjectParam(request);
  if (!id) return ProblemResponse(request, id.error());
  const Caller& caller = *request.caller;
  Result<SubjectOnRecord> s = api.records.Get(caller, *id);
  if (!s) return ProblemResponse(request, s.error());
  const Disclosure disclosure = DisclosureFor(caller.role, caller.account == s->record.account);
  return JsonResponse(SubjectJson(*s, disclosure));
}

}  // namespace icp::http
