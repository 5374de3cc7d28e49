#include "bureau_sim/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "bureau_sim/operator_uploads.h"
#include "miit/authentication.h"
#include "miit/data_sequence.h"
#include "miit/digest.h"
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
std::int64_t SniffOperation(std::string_view xml, Protocol protocol) {
  static constexpr std::array<std::pair<std::string_view, miit::Operation>, 8> kRoots = {{
      {"<XZBA", miit::Operation::kFirstFiling},
      {"<XZWZ", miit::Operation::kNewWebsite},
      {"<XZJR", miit::Operation::kNewAccess},
      {"<BGBA", miit::Operation::kChange},
      {"<ZXBA", miit::Operation::kCancelAccess},
      {"<XZHYD", miit::Operation::kMaterial},
      {"<HSJG", miit::Operation::kVerificationAnswer},
      {"<WBACLJG", miit::Operation::kUnfiledHandling},
  }};
  std::size_t best = std::string_view::npos;
  miit::Operation operation = miit::Operation::kFirstFiling;
  for (const auto& [tag, op] : kRoots) {
    const bool extension =
        op == miit::Operation::kVerificationAnswer || op == miit::Operation::kUnfiledHandling;
    if (extension && protocol == Protocol::kStrict) continue;
    const std::size_t at = xml.find(tag);
    if (at < best) best = at, operation = op;
  }
  return static_cast<std::int64_t>(operation);
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

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsMd5Hex(std::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

}  // namespace

miit::FilingResults RefusedFile(std::string_view file_name, std::string_view xml,
                                const Error& error, Protocol protocol) {
  miit::FilingResults results;
  const bool version = error.rule() == miit::rule::kVersion;
  miit::ResultItem item =
      version ? Item(miit::ResultCode::kWrongVersion)
              : miit::ResultItem{miit::ResultCodeNumber(miit::ResultCode::kSchemaViolation),
                                 std::string(file_name)};
  results.records.push_back({{std::move(item)},
                             SniffOperation(xml, protocol),
                             std::nullopt,
                             error.message.substr(0, 1024)});
  return results;
}

std::vector<UploadRecord> SplitRecords(const miit::IcpUpload& upload) {
  std::vector<UploadRecord> out;
  auto one = [&](miit::Operation operation, std::optional<std::string> key, auto fill) {
    miit::IcpUpload single;
    single.requester = upload.requester;
    fill(single);
    out.push_back({operation, std::move(key), miit::EncodeUpload(single)});
  };
  for (const miit::FirstFiling& f : upload.first_filings) {
    one(miit::Operation::kFirstFiling, KeyOf(f.subject.isp_id),
        [&](miit::IcpUpload& u) { u.first_filings.push_back(f); });
  }
  for (const miit::NewWebsites& n : upload.new_websites) {
    one(miit::Operation::kNewWebsite, n.subject_number ? n.subject_number : KeyOf(n.subject_id),
        [&](miit::IcpUpload& u) { u.new_websites.push_back(n); });
  }
  for (const miit::NewAccess& a : upload.new_accesses) {
    one(miit::Operation::kNewAccess, a.access.isp_id ? KeyOf(a.access.isp_id) : a.website_number,
        [&](miit::IcpUpload& u) { u.new_accesses.push_back(a); });
  }
  for (const miit::Change& c : upload.changes) {
    one(miit::Operation::kChange,
        c.subject.bureau_id ? KeyOf(c.subject.bureau_id) : c.subject.number,
        [&](miit::IcpUpload& u) { u.changes.push_back(c); });
  }
  for (const miit::Cancellation& c : upload.cancellations) {
    one(miit::CancelOperation(c.kind), std::to_string(c.record_id),
        [&](miit::IcpUpload& u) { u.cancellations.push_back(c); });
  }
  return out;
}

Service::Answer Service::Handle(miit::Endpoint endpoint, std::string_view envelope) {
  Result<miit::SoapRequest> request = miit::ParseRequest(envelope);
  if (!request) {
    std::string text = request.error().message;
    for (const FieldViolation& v : request.error().violations) {
      text += fmt::format("; {}: {}", v.field, v.message);
    }
    return {miit::BuildFault(text), true};
  }
  if (miit::EndpointOf(request->method) != endpoint) {
    return {
        miit::BuildFault(fmt::format("{} is not served at {}", miit::kMethods.Name(request->method),
                                     miit::kEndpoints.Name(endpoint))),
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
  // §1.1: a provincial system serves the accounts its bureau issued. An account opened
  // without a province is not checked.
  if (options_.province &&
      ((*provider)->ministry ||
       ((*provider)->province && *(*provider)->province != *options_.province))) {
    return Refuse(MsgCode::kOtherProvince,
                  (*provider)->ministry
                      ? "an account of MIIT's own system"
                      : fmt::format("an account of province {}, this system serves {}",
                                    *(*provider)->province, *options_.province));
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
      return QueryBeianStatus(request);
    case miit::Method::kVerifyBamm:
      return VerifyBamm(request);
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

  // AES (§1.5) with the key and IV agreed with this provider; without them a payload with
  // encryptAlgorithm 1 is refused (9).
  miit::DecodeOptions options;
  if (!provider.aes_key.empty()) {
    Result<miit::AesKey> key = miit::AesKey::Parse(provider.aes_key, provider.aes_iv);
    if (!key) return StoreFailure(key.error());
    options.key = std::move(*key);
  }
  Result<miit::DecodedPayload> decoded = miit::DecodePayload(request.payload(), options);
  if (!decoded) {
    std::optional<MsgCode> code = miit::WireRuleMsgCode(decoded.error().rule());
    return Refuse(code.value_or(MsgCode::kOther), decoded.error().message);
  }
  Result<miit::IcpUpload> parsed = miit::DecodeUpload(decoded->text);
  if (parsed && miit::RecordCount(*parsed) > miit::kMaxRecordsPerFile) {
    return Refuse(MsgCode::kOther, "more than 1000 records in one file");
  }
  const std::int64_t now = clock_.Now().time_since_epoch().count();
  const std::int64_t seq = sequence->value();
  Result<void> accepted = store_.Transact([&](Registry& r) -> Result<void> {
    if (Result<void> stored = r.InsertUpload(provider.isp_id, seq, decoded->entry_name,
                                             request.payload(), decoded->text, now);
        !stored) {
      return stored;
    }
    if (!parsed) {
      // Nothing in the file can be read: its result is immediate (§5.3).
      miit::IcpDownload download;
      download.results =
          RefusedFile(decoded->entry_name, decoded->text, parsed.error(), options_.protocol);
      Result<std::string> queued =
          r.QueueFile(provider.isp_id, "BAJG", miit::EncodeDownload(download), now);
      if (!queued) return std::unexpected(queued.error());
      return {};
    }
    if (provider.ministry) {
      // 1045 (§1.1): ICP data goes to the provider's own province's system, not MIIT's. No
      // record of the file is taken further.
      miit::IcpDownload download;
      download.results = OwnProvinceOnly(*parsed, options_.protocol);
      if (download.results->records.empty()) return {};
      Result<std::string> queued =
          r.QueueFile(provider.isp_id, "BAJG", miit::EncodeDownload(download), now);
      if (!queued) return std::unexpected(queued.error());
      return {};
    }
    std::int64_t position = 0;
    for (UploadRecord& record : SplitRecords(*parsed)) {
      Filing filing;
      filing.isp_id = provider.isp_id;
      filing.data_sequence = seq;
      filing.position = position++;
      filing.operation = static_cast<std::int64_t>(record.operation);
      filing.key = std::move(record.key);
      filing.record = std::move(record.xml);
      filing.created_at = now;
      if (Result<std::int64_t> id = r.InsertFiling(filing); !id) {
        return std::unexpected(id.error());
      }
    }
    Result<miit::IcpDownload> decided =
        DecideOperatorUploads(r, provider, options_.protocol, *parsed, now);
    if (!decided) return std::unexpected(decided.error());
    if (decided->results || !decided->notices.empty()) {
      Result<std::string> queued = r.QueueFile(provider.isp_id, decided->results ? "BAJG" : "XGTZ",
                                               miit::EncodeDownload(*decided), now);
      if (!queued) return std::unexpected(queued.error());
    }
    return {};
  });
  if (!accepted) return StoreFailure(accepted.error());
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

MethodReturn Service::QueryBeianStatus(const miit::SoapRequest& request) {
  const std::int64_t type = request.query_condition_type;
  if (type < 0 || type > 11) return Refuse(MsgCode::kOther, "queryConditionType must be 0..11");
  if (request.query_condition.size() < 4 || request.query_condition.size() > 255) {
    return Refuse(MsgCode::kOther, "queryCondition must have 4 to 255 characters");
  }
  miit::StatusInfo info;
  info.query_condition_type = type;
  info.query_condition = request.query_condition;
  Result<void> found = store_.Transact([&](Registry& r) -> Result<void> {
    if (type == 0) {
      Result<std::optional<DomainOwner>> owner = r.OwnerOfDomain(Lower(request.query_condition));
      if (!owner) return std::unexpected(owner.error());
      if (!owner->has_value()) return {};
      Result<std::optional<Website>> website = r.WebsiteById((*owner)->wzid);
      Result<std::optional<Subject>> subject = r.SubjectById((*owner)->ztid);
      if (!website) return std::unexpected(website.error());
      if (!subject) return std::unexpected(subject.error());
      info.filed = 0;
      info.subject_number = (*subject)->block.number;
      info.website_name = (*website)->block.name;
      info.website_number = (*website)->block.number;
      return {};
    }
    // queryConditionType 1..11 are the certificate types Zjlx 1..11 (§2).
    Result<std::optional<Subject>> subject = r.SubjectByCertificate(type, request.query_condition);
    if (!subject) return std::unexpected(subject.error());
    if (subject->has_value()) {
      info.filed = 0;
      info.subject_number = (*subject)->block.number;
    }
    return {};
  });
  if (!found) return StoreFailure(found.error());
  MethodReturn r = MethodReturn::Of(MsgCode::kSuccess);
  r.status_info = std::move(info);
  return r;
}

MethodReturn Service::VerifyBamm(const miit::SoapRequest& request) {
  constexpr std::int64_t kTriesPerDay = 5;
  const std::int64_t now = clock_.Now().time_since_epoch().count();
  // bamm is the password as typed or its MD5 hex (§2, ambiguous): the registry keeps a hash
  // of the MD5 hex, so both are checked the same way.
  const std::string md5 = IsMd5Hex(request.bamm) ? Lower(request.bamm) : miit::Md5Hex(request.bamm);
  Result<std::optional<bool>> verdict =
      store_.Transact([&](Registry& r) -> Result<std::optional<bool>> {
        Result<std::optional<Subject>> subject = r.SubjectByNumber(request.baxh);
        if (!subject) return std::unexpected(subject.error());
        if (!subject->has_value()) {
          Result<std::optional<Website>> website = r.WebsiteByNumber(request.baxh);
          if (!website) return std::unexpected(website.error());
          if (website->has_value()) subject = r.SubjectById((*website)->ztid);
          if (!subject) return std::unexpected(subject.error());
        }
        if (!subject->has_value() || (*subject)->cancelled) return std::optional<bool>(false);
        const std::string number = *(*subject)->block.number;
        Result<std::int64_t> failures = r.PasswordFailuresSince(number, now - 86400);
        if (!failures) return std::unexpected(failures.error());
        if (*failures >= kTriesPerDay) return std::optional<bool>();
        Result<std::optional<std::string>> hash = r.PasswordHash(*(*subject)->block.bureau_id);
        if (!hash) return std::unexpected(hash.error());
        const bool right = hash->has_value() && hasher_.Verify(**hash, md5);
        if (!right) {
          if (Result<void> counted = r.AddPasswordFailure(number, now); !counted) {
            return std::unexpected(counted.error());
          }
        }
        return std::optional<bool>(right);
      });
  if (!verdict) return StoreFailure(verdict.error());
  if (!verdict->has_value()) {
    return Refuse(MsgCode::kPasswordTriesExceeded, "5 wrong passwords in 24 hours");
  }
  MethodReturn r = MethodReturn::Of(MsgCode::kSuccess);
  r.verify_result = **verdict ? 0 : 1;
  return r;
}

void AddRoutes(http::Router& router, Service& service) {
  for (const miit::Endpoint endpoint : miit::kEndpoints.All()) {
    const std::string path(miit::kEndpoints.Name(endpoint));
    router.Add("POST", path, http::Access::kPublic, 64 << 20,
               [&service, endpoint](const http::Request& r) {
                 Service::Answer answer = service.Handle(endpoint, r.body);
                 http::Response response;
                 response.status = answer.fault ? 500 : 200;  // SOAP 1.1 §6.2: a Fault with 500
                 response.Set("Content-Type", "text/xml; charset=utf-8");
                 response.body = std::move(answer.envelope);
                 return response;
               });
    router.Add("GET", path, http::Access::kPublic, [path, endpoint](const http::Request& r) {
      http::Response response;
      const std::string_view target = r.target;
      const std::size_t query = target.find('?');
      std::string q = query == std::string_view::npos ? "" : std::string(target.substr(query + 1));
      std::transform(q.begin(), q.end(), q.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (q != "wsdl") {
        response.status = 404;
        response.Set("Content-Type", "text/plain; charset=utf-8");
        response.body = "GET " + path + "?wsdl for the service description\n";
        return response;
      }
      const std::string host(r.header("host").value_or("127.0.0.1"));
      response.Set("Content-Type", "text/xml; charset=utf-8");
      response.body = miit::ServiceWsdl(endpoint, fmt::format("http://{}{}", host, path));
      return response;
    });
  }
}

}  // namespace icp::bureau_sim
