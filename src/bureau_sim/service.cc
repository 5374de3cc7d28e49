#include "bureau_sim/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "miit/authentication.h"
#include "miit/data_sequence.h"
#include "miit/payload.h"
#include "miit/wire_error.h"

namespace icp::bureau_sim {
namespace {

using miit::MethodReturn;
using miit::MsgCode;

MethodReturn Refuse(MsgCode code, std::string_view detail = {}) {
  MethodReturn r = MethodReturn::Of(code);
  if (!detail.empty()) r.msg = fmt::format("{}: {}", r.msg, detail);
  return r;
}

MethodReturn StoreFailure(const Error& e) { return Refuse(MsgCode::kOther, e.message); }

miit::ResultItem Item(miit::ResultCode code, std::string detail = {}) {
  std::string text(miit::kResultCodes.Label(code));
  if (!detail.empty()) text += "，" + detail;
  if (text.size() > 255) text.resize(255);  // Dmms is S<=255; a cut never splits a file name
  return {miit::ResultCodeNumber(code), std::move(text)};
}

// The operation of a file the schema refused, from the first operation element it names: 5001
// needs a Czlx, and nothing else of the file can be trusted.
std::int64_t SniffOperation(std::string_view xml) {
  static constexpr std::array<std::pair<std::string_view, miit::Operation>, 5> kRoots = {{
      {"<XZBA", miit::Operation::kFirstFiling},
      {"<XZWZ", miit::Operation::kNewWebsite},
      {"<XZJR", miit::Operation::kNewAccess},
      {"<BGBA", miit::Operation::kChange},
      {"<ZXBA", miit::Operation::kCancelAccess},
  }};
  std::size_t best = std::string_view::npos;
  miit::Operation operation = miit::Operation::kFirstFiling;
  for (const auto& [tag, op] : kRoots) {
    const std::size_t at = xml.find(tag);
    if (at < best) best = at, operation = op;
  }
  return static_cast<std::int64_t>(operation);
}

// The checks of one website: 1041 when its home page names none of its domains.
void CheckWebsite(const miit::WebsiteBlock& website, std::vector<miit::ResultItem>& items) {
  if (!website.home_url || website.home_url->empty()) return;
  const bool names_a_domain =
      std::any_of(website.domains.begin(), website.domains.end(), [&](const auto& domain) {
        return !domain.name.empty() && website.home_url->find(domain.name) != std::string::npos;
      });
  if (!names_a_domain) {
    items.push_back(
        Item(miit::ResultCode::kHomePageWithoutDomain,
             fmt::format("网站名称：{}，错误数据：{}", website.name, *website.home_url)));
  }
}

void CheckSubject(const miit::SubjectBlock& subject, std::vector<miit::ResultItem>& items) {
  if (!subject.leader.name || subject.leader.name->empty()) {
    items.push_back(Item(miit::ResultCode::kSubjectLeaderNameMissing,
                         fmt::format("主办单位：{}", subject.name)));
  }
}

miit::RecordResult Record(miit::Operation operation, std::optional<std::string> key,
                          std::vector<miit::ResultItem> items, bool requester_mismatch) {
  if (requester_mismatch) items.insert(items.begin(), Item(miit::ResultCode::kRequesterMismatch));
  if (items.empty()) items.push_back(Item(miit::ResultCode::kAcceptedForReview));
  return {std::move(items), static_cast<std::int64_t>(operation), std::move(key), std::nullopt};
}

template <typename T>
std::optional<std::string> KeyOf(const std::optional<T>& value) {
  if (!value) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    return *value;
  } else {
    return std::to_string(*value);
  }
}

}  // namespace

miit::FilingResults Intake(std::int64_t isp_id, std::string_view file_name, std::string_view xml) {
  miit::FilingResults results;
  Result<miit::IcpUpload> upload = miit::DecodeUpload(xml);
  if (!upload) {
    const bool version = upload.error().rule() == miit::rule::kVersion;
    miit::ResultItem item =
        version ? Item(miit::ResultCode::kWrongVersion)
                : miit::ResultItem{miit::ResultCodeNumber(miit::ResultCode::kSchemaViolation),
                                   std::string(file_name)};
    results.records.push_back({{std::move(item)},
                               SniffOperation(xml),
                               std::nullopt,
                               upload.error().message.substr(0, 1024)});
    return results;
  }
  const bool mismatch = upload->requester != isp_id;
  for (const miit::FirstFiling& filing : upload->first_filings) {
    std::vector<miit::ResultItem> items;
    CheckSubject(filing.subject, items);
    for (const miit::WebsiteBlock& website : filing.websites) CheckWebsite(website, items);
    results.records.push_back(Record(miit::Operation::kFirstFiling, KeyOf(filing.subject.isp_id),
                                     std::move(items), mismatch));
  }
  for (const miit::NewWebsites& added : upload->new_websites) {
    std::vector<miit::ResultItem> items;
    for (const miit::WebsiteBlock& website : added.websites) CheckWebsite(website, items);
    std::optional<std::string> key =
        added.subject_number ? added.subject_number : KeyOf(added.subject_id);
    results.records.push_back(
        Record(miit::Operation::kNewWebsite, std::move(key), std::move(items), mismatch));
  }
  for (const miit::NewAccess& access : upload->new_accesses) {
    std::optional<std::string> key =
        access.access.isp_id ? KeyOf(access.access.isp_id) : access.website_number;
    results.records.push_back(Record(miit::Operation::kNewAccess, std::move(key), {}, mismatch));
  }
  for (const miit::Change& change : upload->changes) {
    std::vector<miit::ResultItem> items;
    CheckSubject(change.subject, items);
    for (const miit::WebsiteBlock& website : change.websites) CheckWebsite(website, items);
    std::optional<std::string> key =
        change.subject.bureau_id ? KeyOf(change.subject.bureau_id) : change.subject.number;
    results.records.push_back(
        Record(miit::Operation::kChange, std::move(key), std::move(items), mismatch));
  }
  for (const miit::Cancellation& cancellation : upload->cancellations) {
    results.records.push_back(Record(miit::CancelOperation(cancellation.kind),
                                     std::to_string(cancellation.record_id), {}, mismatch));
  }
  return results;
}

Service::Answer Service::Handle(std::string_view envelope) {
  Result<miit::SoapRequest> request = miit::ParseRequest(envelope);
  if (!request) {
    std::string text = request.error().message;
    for (const FieldViolation& v : request.error().violations) {
      text += fmt::format("; {}: {}", v.field, v.message);
    }
    return {miit::BuildFault(text), true};
  }
  if (miit::EndpointOf(request->method) != miit::Endpoint::kUpDownLoad) {
    return {
        miit::BuildFault(fmt::format("{} is not served at {}", miit::kMethods.Name(request->method),
                                     miit::kEndpoints.Name(miit::Endpoint::kUpDownLoad))),
        true};
  }
  return {miit::BuildResponse(request->method, Call(*request)), false};
}

MethodReturn Service::Call(const miit::SoapRequest& request) {
  // Authentication (§1.3): the algorithm, the nonce, the account, the name, the hash.
  if (request.hash_algorithm != miit::kHashMd5) return Refuse(MsgCode::kBadHashAlgorithm);
  Result<miit::RandVal> rand_val = miit::RandVal::Parse(request.rand_val);
  if (!rand_val) {
    return Refuse(rand_val.error().rule() == miit::rule::kRandValShort
                      ? MsgCode::kRandValTooShort
                      : MsgCode::kAuthenticationRefused);
  }
  Result<std::optional<Provider>> provider = store_.FindProvider(request.isp_id);
  if (!provider) return StoreFailure(provider.error());
  if (!provider->has_value()) return Refuse(MsgCode::kAuthenticationRefused, "unknown ispId");
  if ((*provider)->user_name != request.user_name) return Refuse(MsgCode::kBadUserName);
  if (!miit::VerifyPwdHash((*provider)->password, *rand_val, request.pwd_hash)) {
    return Refuse(MsgCode::kBadPassword);
  }
  switch (request.method) {
    case miit::Method::kUpload:
      return Upload(**provider, request);
    case miit::Method::kQueryPreviousUpload:
      return QueryPreviousUpload(**provider);
    case miit::Method::kDownload:
      return Download(**provider);
    case miit::Method::kDownloadAck:
      return DownloadAck(**provider, request);
    case miit::Method::kQueryBeianStatus:
    case miit::Method::kVerifyBamm:
      break;
  }
  return Refuse(MsgCode::kOther, "method not served by this endpoint");
}

MethodReturn Service::Upload(const Provider& provider, const miit::SoapRequest& request) {
  Result<miit::DataSequence> sequence = miit::DataSequence::Parse(request.data_sequence);
  if (!sequence) return Refuse(MsgCode::kOther, "dataSequence must be 1..2147483647");
  const miit::SequenceCheck check = miit::CheckSequence(provider.last_sequence, *sequence);
  switch (check.kind) {
    case miit::SequenceCheck::Kind::kNext:
      break;
    case miit::SequenceCheck::Kind::kGap: {
      MethodReturn r = Refuse(MsgCode::kSequenceGap);
      for (std::int64_t missing : check.missing)
        r.data_sequences.push_back(std::to_string(missing));
      return r;
    }
    case miit::SequenceCheck::Kind::kRepeatLast: {
      // A resend after an unclear answer (§1.7): the same file is answered as the first time
      // and has no second effect; other content under the same number is refused.
      Result<std::optional<StoredUpload>> last =
          store_.FindUpload(provider.isp_id, provider.last_sequence);
      if (!last) return StoreFailure(last.error());
      if (last->has_value() && (*last)->payload.beian_info_hash == request.beian_info_hash &&
          (*last)->payload.beian_info == request.beian_info) {
        return MethodReturn::Of(MsgCode::kSuccess);
      }
      return Refuse(MsgCode::kOther, fmt::format("expected dataSequence {}", check.expected));
    }
    case miit::SequenceCheck::Kind::kBehind:
      return Refuse(MsgCode::kOther, fmt::format("expected dataSequence {}", check.expected));
  }

  Result<miit::DecodedPayload> decoded = miit::DecodePayload(request.payload(), {});
  if (!decoded) {
    std::optional<MsgCode> code = miit::WireRuleMsgCode(decoded.error().rule());
    return Refuse(code.value_or(MsgCode::kOther), decoded.error().message);
  }
  const miit::FilingResults results = Intake(provider.isp_id, decoded->entry_name, decoded->text);
  if (results.records.size() > miit::kMaxRecordsPerFile) {
    return Refuse(MsgCode::kOther, "more than 1000 records in one file");
  }

  miit::IcpDownload download;
  download.results = results;
  const std::string file_name = fmt::format("BAJG{:010d}", sequence->value());
  Result<miit::WirePayload> payload =
      miit::EncodePayload(miit::EncodeDownload(download), {.entry_name = file_name});
  if (!payload) return StoreFailure(payload.error());
  const StoredUpload upload{sequence->value(), decoded->entry_name, request.payload(),
                            decoded->text};
  const QueuedFile files[] = {{file_name, *payload}};
  if (Result<void> accepted =
          store_.Accept(provider.isp_id, upload, files, clock_.Now().time_since_epoch().count());
      !accepted) {
    return StoreFailure(accepted.error());
  }
  return MethodReturn::Of(MsgCode::kSuccess);
}

MethodReturn Service::QueryPreviousUpload(const Provider& provider) {
  MethodReturn r = MethodReturn::Of(MsgCode::kSuccess);
  r.data_sequence = provider.last_sequence;
  if (provider.last_sequence == 0) return r;
  Result<std::optional<StoredUpload>> last =
      store_.FindUpload(provider.isp_id, provider.last_sequence);
  if (!last) return StoreFailure(last.error());
  if (last->has_value()) r.file_info = miit::FileInfo{(*last)->file_name, (*last)->payload};
  return r;
}

MethodReturn Service::Download(const Provider& provider) {
  Result<std::vector<QueuedFile>> waiting = store_.Waiting(provider.isp_id, 2);
  if (!waiting) return StoreFailure(waiting.error());
  if (waiting->empty()) return MethodReturn::Of(MsgCode::kNothingToDownload);
  // §2: 3 while more wait, 1 with the last one.
  MethodReturn r =
      MethodReturn::Of(waiting->size() > 1 ? MsgCode::kCallAgain : MsgCode::kAllDownloaded);
  r.file_info = miit::FileInfo{waiting->front().file_name, waiting->front().payload};
  return r;
}

MethodReturn Service::DownloadAck(const Provider& provider, const miit::SoapRequest& request) {
  if (request.file_name.empty()) return Refuse(MsgCode::kAckFileNameEmpty);
  Result<AckOutcome> outcome = store_.Acknowledge(provider.isp_id, request.file_name,
                                                  clock_.Now().time_since_epoch().count());
  if (!outcome) return StoreFailure(outcome.error());
  if (*outcome == AckOutcome::kUnknown) {
    return Refuse(MsgCode::kOther, fmt::format("no file {} to acknowledge", request.file_name));
  }
  return MethodReturn::Of(MsgCode::kSuccess);
}

void AddRoutes(http::Router& router, Service& service) {
  const std::string path(miit::kEndpoints.Name(miit::Endpoint::kUpDownLoad));
  router.Add("POST", path, http::Access::kPublic, 64 << 20, [&service](const http::Request& r) {
    Service::Answer answer = service.Handle(r.body);
    http::Response response;
    response.status = answer.fault ? 500 : 200;  // SOAP 1.1 §6.2: a Fault travels with 500
    response.Set("Content-Type", "text/xml; charset=utf-8");
    response.body = std::move(answer.envelope);
    return response;
  });
  router.Add("GET", path, http::Access::kPublic, [path](const http::Request& r) {
    http::Response response;
    const std::string_view target = r.target;
    const std::size_t query = target.find('?');
    std::string q = query == std::string_view::npos ? "" : std::string(target.substr(query + 1));
    std::transform(q.begin(), q.end(), q.begin(), [](unsigned char c) { return std::tolower(c); });
    if (q != "wsdl") {
      response.status = 404;
      response.Set("Content-Type", "text/plain; charset=utf-8");
      response.body = "GET " + path + "?wsdl for the service description\n";
      return response;
    }
    const std::string host(r.header("host").value_or("127.0.0.1"));
    response.Set("Content-Type", "text/xml; charset=utf-8");
    response.body =
        miit::ServiceWsdl(miit::Endpoint::kUpDownLoad, fmt::format("http://{}{}", host, path));
    return response;
  });
}

}  // namespace icp::bureau_sim
