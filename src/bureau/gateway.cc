#include "bureau/gateway.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <thread>
#include <utility>

#include "base/strings.h"
#include "bureau/application_messages.h"
#include "bureau/estate_records.h"
#include "bureau/gate_lists.h"
#include "bureau/registry_client.h"
#include "miit/authentication.h"
#include "miit/code_tables.h"
#include "miit/jcdm.h"
#include "miit/msg_code.h"
#include "miit/payload.h"
#include "miit/result_code.h"

namespace icp::bureau {
namespace {

using Kind = BureauOutcome::Kind;
using miit::Method;

// Codes a V3.0 bureau uses to say a record's field is wrong, and the field they mean in our
// application document (§3.2, §7.2).
struct CodeField {
  std::int64_t code;
  std::string_view field;
};
constexpr CodeField kCodeFields[] = {
    {1004, "websites[0].domains[0]"},
    {1005, "websites[0].domains[0]"},
    {1007, "subject.principal.mobile"},
    {1008, "subject.certificate"},
    {1009, "subject.principal.email"},
    {1010, "subject.principal.phone2"},
    {1011, "subject.principal.mobile"},
    {1014, "subject.type"},
    {1015, "subject.principal.certificate.number"},
    {1019, "subject.region_code"},
    {1020, "websites[0].name"},
    {1021, "websites[0].home_url"},
    {1022, "websites[0].home_url"},
    {1031, "websites[0].principal.phone2"},
    {1033, "websites[0].pre_approvals"},
    {1034, "websites[0].service_content"},
    {1039, "websites[0].domains[0]"},
    {1041, "websites[0].home_url"},
    {1044, "subject.principal.name"},
    {1064, "websites[0].domains[0]"},
    {1065, "subject.certificate"},
};

// The extension's field-level reasons (§7.4.2): {"beian":1,"fields":[{"jgdm":N,"path":P}]}
// in Jg_xx/Bz; anything else there is a remark, not ours to read.
std::vector<std::pair<std::int64_t, std::string>> ExtensionFields(
    const std::optional<std::string>& remark) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  if (!remark) return out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*remark, ec);
  if (ec || !v.is_object()) return out;
  const boost::json::object& o = v.as_object();
  const boost::json::value* tag = o.if_contains("beian");
  const boost::json::value* fields = o.if_contains("fields");
  if (tag == nullptr || fields == nullptr || !fields->is_array()) return out;
  for (const boost::json::value& f : fields->as_array()) {
    if (!f.is_object()) continue;
    const boost::json::value* code = f.as_object().if_contains("jgdm");
    const boost::json::value* path = f.as_object().if_contains("path");
    if (code != nullptr && code->is_int64() && path != nullptr && path->is_string()) {
      out.emplace_back(code->as_int64(), std::string(path->as_string()));
    }
  }
  return out;
}

std::string FieldOf(std::int64_t code,
                    const std::vector<std::pair<std::int64_t, std::string>>& extension) {
  for (const auto& [c, path] : extension) {
    if (c == code) return path;
  }
  return CandidateField(code);
}

// One Jg_xx as the outcome for its application, or nullopt when it moves nothing.
std::optional<BureauOutcome> OutcomeOfRecord(const miit::RecordResult& r, ApplicationId app,
                                             std::string_view file_name) {
  BureauOutcome o;
  o.application = app;
  o.file_name = std::string(file_name);
  auto has = [&](miit::ResultCode code) {
    return std::ranges::any_of(
        r.items, [&](const miit::ResultItem& i) { return i.code == miit::ResultCodeNumber(code); });
  };
  const miit::ResultClass cls = r.Outcome();
  // The extension's SMS codes come first: 9013/9014 are returns to the provider, not to the
  // customer (application_lifecycle.h).
  if (has(miit::ResultCode::kSmsTimedOut)) {
    o.kind = Kind::kSmsTimedOut;
  } else if (has(miit::ResultCode::kSmsFailed)) {
    o.kind = Kind::kSmsFailed;
  } else if (cls == miit::ResultClass::kReturned || cls == miit::ResultClass::kConflict) {
    o.kind = Kind::kReturned;
    o.conflict = cls == miit::ResultClass::kConflict;
  } else if (cls == miit::ResultClass::kProvider) {
    o.kind = Kind::kRefused;
  } else if (cls == miit::ResultClass::kApproved) {
    o.kind = Kind::kApproved;
  } else if (has(miit::ResultCode::kSmsVerified)) {
    o.kind = Kind::kSmsVerified;
  } else {
    return std::nullopt;  // S, N, I: nothing moves (N is an operator's resync)
  }
  auto message_of = [](const miit::ResultItem& item) {
    std::string message = item.description.value_or("");
    if (message.empty()) {
      std::optional<miit::ResultCode> known = miit::ResultCodeFromNumber(item.code);
      message = known ? std::string(miit::kResultCodes.Label(*known))
                      : "管局返回代码 " + std::to_string(item.code);
    }
    return message;
  };
  if (o.kind == Kind::kReturned || o.kind == Kind::kRefused) {
    const auto extension = ExtensionFields(r.remark);
    for (const miit::ResultItem& item : r.items) {
      const miit::ResultClass c = miit::ClassifyResult(item.code);
      if (c == miit::ResultClass::kApproved || c == miit::ResultClass::kInformational) continue;
      o.reasons.push_back({app,
                           std::string(file_name),
                           item.code,
                           FieldOf(item.code, extension),
                           message_of(item),
                           c == miit::ResultClass::kConflict,
                           {}});
    }
  } else if (o.kind == Kind::kSmsTimedOut || o.kind == Kind::kSmsFailed) {
    // Why MIIT sent it back (it goes out again as it is): the SMS code, on the whole
    // application, among what the bureau said.
    const std::int64_t code =
        miit::ResultCodeNumber(o.kind == Kind::kSmsTimedOut ? miit::ResultCode::kSmsTimedOut
                                                            : miit::ResultCode::kSmsFailed);
    for (const miit::ResultItem& item : r.items) {
      if (item.code == code) {
        o.reasons.push_back({app, std::string(file_name), code, "", message_of(item), false, {}});
      }
    }
  }
  return o;
}

// Whether a msg_code says the bytes themselves will never be taken (rebuild, §3.1).
bool BytesRefused(std::int64_t msg_code) {
  return (msg_code >= 6 && msg_code <= 11) || (msg_code >= 16 && msg_code <= 18);
}

std::string FileName(std::int64_t isp_id, std::int32_t sequence, ApplicationId app,
                     std::chrono::sys_seconds now) {
  return fmt::format("ICP{}S{:010}A{}T{}", isp_id, sequence, app.value(),
                     now.time_since_epoch().count());
}

// kUnavailable (rule "bureau.file-unsettled"): a download names an upload not settled yet.
std::unexpected<Error> BureauFileUnsettled(std::string_view download, std::string_view upload) {
  return Refusal(ErrorCode::kUnavailable, "", "bureau.file-unsettled",
                 fmt::format("download file {} names upload {}, whose answer is not settled "
                             "yet: it waits for the next upload pass",
                             download, upload),
                 "管局回执所指的上报文件尚未确认，待下次上报确认后处理");
}

// What the bureau's taking `f` does to its application (a strict bureau has no SMS step).
BureauOutcome SentOutcome(const SentFile& f, bool strict) {
  return {Kind::kSent, f.application, f.file_name, strict, false, {}, {}};
}

std::string Problem(std::string_view what, const Error& e) {
  return std::string(what) + ": " + e.message;
}

// The bureau's ids an upload names, by which the bureau's answers (Jg_xx/Bs, Gjsh/Jlid, ZXSJ)
// refer back to it (§5.3): a cancellation's record, a change's subject and websites, the
// subject a new website joins, the website an access is for. The record's ids the upload does
// not name are not its keys: another file about the same subject keeps its own answers.
std::vector<std::int64_t> BureauKeysOf(const miit::IcpUpload& upload) {
  std::vector<std::int64_t> keys;
  for (const miit::Cancellation& c : upload.cancellations) keys.push_back(c.record_id);
  for (const miit::Change& c : upload.changes) {
    if (c.subject.bureau_id) keys.push_back(*c.subject.bureau_id);
    for (const miit::WebsiteBlock& w : c.websites) {
      if (w.bureau_id) keys.push_back(*w.bureau_id);
    }
  }
  for (const miit::NewWebsites& n : upload.new_websites) {
    if (n.subject_id) keys.push_back(*n.subject_id);
    if (n.subject_number) keys.push_back(NumberKey(*n.subject_number));
  }
  for (const miit::NewAccess& a : upload.new_accesses) {
    if (a.website_id) keys.push_back(*a.website_id);
    if (a.website_number) keys.push_back(NumberKey(*a.website_number));
  }
  return keys;
}

}  // namespace

std::int64_t NumberKey(std::string_view number) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (unsigned char c : number) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<std::int64_t>((h >> 2) | (std::uint64_t{1} << 62));
}

std::int64_t KeyOfBs(std::string_view bs) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(bs.data(), bs.data() + bs.size(), value);
  if (!bs.empty() && ec == std::errc() && end == bs.data() + bs.size() && value > 0) return value;
  return NumberKey(bs);
}

std::string CandidateField(std::int64_t code) {
  for (const CodeField& f : kCodeFields) {
    if (f.code == code) return std::string(f.field);
  }
  return "";
}

std::vector<BureauOutcome> OutcomesOf(
    const miit::FilingResults& results, std::string_view file_name,
    const std::function<std::optional<ApplicationId>(const miit::RecordResult&)>& resolve_record,
    const std::function<std::optional<ApplicationId>(const miit::ReviewDecision&)>&
        resolve_decision) {
  std::vector<BureauOutcome> out;
  for (const miit::RecordResult& r : results.records) {
    std::optional<ApplicationId> app = resolve_record(r);
    if (!app) continue;
    if (std::optional<BureauOutcome> o = OutcomeOfRecord(r, *app, file_name)) {
      out.push_back(std::move(*o));
    }
  }
  // A reviewer's decision (Gjsh) stands beside the Jg_xx of the same decision (§5.3): the
  // approval once, a rejection with its opinion as the reason.
  for (const miit::ReviewDecision& d : results.decisions) {
    std::optional<ApplicationId> app = resolve_decision(d);
    if (!app) continue;
    auto same = std::ranges::find_if(out, [&](const BureauOutcome& o) {
      return o.application == *app && (o.kind == Kind::kApproved || o.kind == Kind::kReturned);
    });
    if (d.approved) {
      if (same == out.end()) {
        out.push_back({Kind::kApproved, *app, std::string(file_name), false, false, {}, {}});
      }
      continue;
    }
    BureauReason reason{
        *app, std::string(file_name), 0, "", d.opinion.value_or("管局审核未通过"), false, {}};
    if (same != out.end() && same->kind == Kind::kReturned) {
      same->reasons.push_back(std::move(reason));
    } else if (same == out.end()) {
      out.push_back({Kind::kReturned, *app, std::string(file_name), false, false, {reason}, {}});
    }
  }
  return out;
}

Gateway::Gateway(GatewaySettings settings, Database& db, BlobStore& blobs, SoapTransport& transport,
                 BureauOutcomeRecorder& recorder, Clock& clock, BureauEstateRecorder* estate)
    : settings_(std::move(settings)),
      db_(db),
      blobs_(blobs),
      transport_(transport),
      recorder_(recorder),
      clock_(clock),
      estate_(estate) {}

namespace {

Result<miit::MethodReturn> CallOnce(const GatewaySettings& settings, SoapTransport& transport,
                                    miit::SoapRequest request) {
  const miit::RandVal rand_val = miit::RandVal::Generate();
  Result<std::string> hash = miit::PwdHash(settings.password, rand_val);
  if (!hash) return std::unexpected(hash.error());
  request.isp_id = settings.isp_id;
  request.user_name = settings.user_name;
  request.rand_val = rand_val.str();
  request.pwd_hash = *hash;
  const std::string url =
      settings.base_url + std::string(miit::kEndpoints.Name(miit::EndpointOf(request.method)));
  Result<std::string> body =
      transport.Post(url, miit::kMethods.Name(request.method), miit::BuildRequest(request));
  if (!body) return std::unexpected(body.error());
  return miit::ParseResponse(request.method, *body);
}

}  // namespace

Result<miit::MethodReturn> CallBureau(const GatewaySettings& settings, SoapTransport& transport,
                                      miit::SoapRequest request) {
  if (request.method == Method::kUpload) return CallOnce(settings, transport, std::move(request));
  Result<miit::MethodReturn> r = CallOnce(settings, transport, request);
  for (std::chrono::milliseconds wait : settings.retry_waits) {
    if (r || !IsTransient(r.error())) break;
    std::this_thread::sleep_for(wait);
    r = CallOnce(settings, transport, request);
  }
  return r;
}

Result<miit::MethodReturn> Gateway::Call(miit::SoapRequest request) {
  return CallBureau(settings_, transport_, std::move(request));
}

namespace {

// The context ToUpload needs beyond the application, from the store: the servers of each
// website, the materials' bytes, fresh Isp* ids from the account's counter.
struct BuiltFile {
  SentFile file;
  std::string problem;  // set when the application cannot be sent as it is
};

}  // namespace

Result<PassReport> Gateway::UploadOnce() {
  PassReport report;
  const std::chrono::sys_seconds now = clock_.Now();
  {
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<bool> taken =
        (*uow)->bureau_link().Lease(settings_.isp_id, settings_.holder, now, now + settings_.lease);
    if (!taken) return std::unexpected(taken.error());
    if (Result<void> ok = (*uow)->Commit(); !ok) return std::unexpected(ok.error());
    if (!*taken) {
      return Refusal(ErrorCode::kUnavailable, "", "bureau.lease-held",
                     "another process is uploading for this bureau account",
                     "另一进程正在上报该管局账号的数据");
    }
  }
  Result<void> settled = SettleKept(report);
  while (settled) {
    Result<bool> sent = SendNext(report);
    if (!sent) {
      settled = std::unexpected(sent.error());
      break;
    }
    if (!*sent) break;
  }
  if (Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin(); uow) {
    if ((*uow)->bureau_link().Release(settings_.isp_id, settings_.holder)) (void)(*uow)->Commit();
  }
  if (!settled) return std::unexpected(settled.error());
  return report;
}

Result<void> Gateway::SettleKept(PassReport& report) {
  std::vector<SentFile> kept;
  {
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    Result<std::vector<SentFile>> files = (*uow)->bureau_link().Unaccepted(settings_.isp_id);
    if (!files) return std::unexpected(files.error());
    kept = std::move(*files);
  }
  if (kept.empty()) return {};
  // A file kept and perhaps sent: the bureau says what it took last (§1.7).
  miit::SoapRequest q;
  q.method = Method::kQueryPreviousUpload;
  Result<miit::MethodReturn> previous = Call(q);
  if (!previous) return std::unexpected(previous.error());
  if (previous->msg_code != 0) {
    return Refusal(
        ErrorCode::kUnavailable, "", "bureau.msg-code",
        fmt::format("isp_querypreviousupload answered {} {}", previous->msg_code, previous->msg));
  }
  const std::int64_t last = previous->data_sequence.value_or(0);
  for (const SentFile& f : kept) {
    if (f.sequence <= last) {
      // The bureau took it before the answer was lost: accepted, never sent twice.
      Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
      if (!uow) return std::unexpected(uow.error());
      const std::chrono::sys_seconds now = clock_.Now();
      if (Result<void> ok =
              (*uow)->bureau_link().Accept(f.isp_id, f.sequence, now, settings_.holder);
          !ok) {
        return ok;
      }
      const BureauOutcome sent = SentOutcome(f, settings_.strict);
      if (Result<void> ok = recorder_.Record(**uow, sent, now); !ok) {
        report.problems.push_back(
            Problem("application " + std::to_string(f.application.value()), ok.error()));
      }
      if (Result<void> ok = (*uow)->Commit(); !ok) return ok;
      ++report.uploaded;
      continue;
    }
    Result<bool> taken = SendKept(f, report, /*resend=*/true);
    if (!taken) return std::unexpected(taken.error());
    if (!*taken) return {};
  }
  return {};
}

Result<bool> Gateway::SendKept(const SentFile& f, PassReport& report, bool resend) {
  miit::SoapRequest up;
  up.method = Method::kUpload;
  up.beian_info = f.beian_info;
  up.beian_info_hash = f.beian_info_hash;
  up.data_sequence = f.sequence;
  up.encrypt_algorithm = f.encrypt_algorithm;
  Result<miit::MethodReturn> r = Call(up);
  if (!r) return std::unexpected(r.error());  // unclear: the next pass asks the bureau
  if (resend) ++report.resent;
  const std::chrono::sys_seconds now = clock_.Now();
  if (r->msg_code == 0) {
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    if (f.state == SentFileState::kKept) {
      if (Result<void> ok =
              (*uow)->bureau_link().Accept(f.isp_id, f.sequence, now, settings_.holder);
          !ok) {
        return std::unexpected(ok.error());
      }
      const BureauOutcome sent = SentOutcome(f, settings_.strict);
      if (Result<void> ok = recorder_.Record(**uow, sent, now); !ok) {
        report.problems.push_back(
            Problem("application " + std::to_string(f.application.value()), ok.error()));
      }
      ++report.uploaded;
    }
    if (Result<void> ok = (*uow)->Commit(); !ok) return std::unexpected(ok.error());
    return true;
  }
  if (r->msg_code == 14) {
    // A gap: the bureau lacks earlier numbers; send them first from the kept files (§1.7).
    for (const std::string& text : r->data_sequences) {
      std::int32_t missing = 0;
      try {
        missing = std::stoi(text);
      } catch (...) {
        return InvalidArgument("msg_code 14 listed \"" + text + "\", not a dataSequence");
      }
      std::optional<SentFile> earlier;
      {
        Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
        if (!uow) return std::unexpected(uow.error());
        Result<std::optional<SentFile>> found =
            (*uow)->bureau_link().FileBySequence(f.isp_id, missing);
        if (!found) return std::unexpected(found.error());
        earlier = std::move(*found);
      }
      if (!earlier || earlier->sequence == f.sequence) {
        return Refusal(
            ErrorCode::kFailedPrecondition, "data_sequence", "bureau.sequence",
            fmt::format("the bureau misses dataSequence {}, which was never kept here", missing));
      }
      Result<bool> taken = SendKept(*earlier, report, true);
      if (!taken) return taken;
      if (!*taken) return false;
    }
    return SendKept(f, report, true);
  }
  if (BytesRefused(r->msg_code)) {
    // These bytes will never be taken: the number goes to the next file, the application
    // back to ready for bureau (a provider's fault), and an operator looks.
    Result<std::unique_ptr<UnitOfWork>> uow = db_.Begin();
    if (!uow) return std::unexpected(uow.error());
    if (Result<void> ok = (*uow)->bureau_link().Refuse(f.isp_id, f.sequence, now, settings_.holder);
        !ok) {
      return std::unexpected(ok.error());
    }
    if (Result<void> ok = (*uow)->Commit(); !ok) return std::unexpected(ok.error());
    report.problems.push_back(
        fmt::format("file {} refused with msg_code {} {}", f.file_name, r->msg_code, r->msg));
    return false;
  }
  return Refusal(ErrorCode::kUnavailable, "", "bureau.msg-code",
                 fmt::format("isp_upload of {} answered {} {}", f.file_name, r->msg_code, r->msg));
}

Result<bool> Gateway::SendNext(PassReport& report) {
  std::optional<SentFile> file;
  {
    Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
    if (!begun) return std::unexpected(begun.error());
    UnitOfWork& uow = **begun;
    ApplicationQuery query;
    query.states = {ApplicationState::kReadyForBureau};
    query.limit = 20;
    Result<std::vector<ApplicationRecord>> ready = uow.applications().List(query);
    if (!ready) return std::unexpected(ready.error());
    const std::chrono::sys_seconds now = clock_.Now();
    // The lease renewed with the file kept (committed together): it runs from here through
    // the upload call, however long the pass.
    if (!ready->empty()) {
      Result<bool> renewed =
          uow.bureau_link().Lease(settings_.isp_id, settings_.holder, now, now + settings_.lease);
      if (!renewed) return std::unexpected(renewed.error());
      if (!*renewed) return BureauLeaseLost(settings_.isp_id);
    }
    for (const ApplicationRecord& record : *ready) {
      Result<MessageContext> context = ContextFor(uow, record);
      if (!context) {
        report.problems.push_back(
            Problem("application " + std::to_string(record.id.value()), context.error()));
        continue;
      }
      std::vector<std::int64_t> keys;
      std::optional<Error> key_error;
      context->next_isp_id = [&]() -> std::int64_t {
        Result<std::int64_t> k =
            uow.bureau_link().NextRecordKey(settings_.isp_id, settings_.holder);
        if (!k) {
          key_error = k.error();
          return kIspIdBase;
        }
        keys.push_back(kIspIdBase + *k);
        return keys.back();
      };
      Result<miit::IcpUpload> upload = ToUpload(record.application, *context);
      if (key_error) return std::unexpected(*key_error);
      if (!upload) {
        report.problems.push_back(
            Problem("application " + std::to_string(record.id.value()), upload.error()));
        continue;
      }
      std::ranges::copy(BureauKeysOf(*upload), std::back_inserter(keys));
      Result<BureauLinkState> state = uow.bureau_link().State(settings_.isp_id);
      if (!state) return std::unexpected(state.error());
      SentFile f;
      f.isp_id = settings_.isp_id;
      f.sequence = state->last_accepted + 1;
      f.file_name = FileName(settings_.isp_id, f.sequence, record.id, now);
      miit::EncodeOptions options;
      options.entry_name = f.file_name;
      if (settings_.aes_key) {
        options.encrypt = miit::EncryptAlgorithm::kAes;
        options.key = settings_.aes_key;
      }
      Result<miit::WirePayload> payload = miit::EncodePayload(miit::EncodeUpload(*upload), options);
      if (!payload) {
        report.problems.push_back(
            Problem("application " + std::to_string(record.id.value()), payload.error()));
        continue;
      }
      f.beian_info = payload->beian_info;
      f.beian_info_hash = payload->beian_info_hash;
      f.encrypt_algorithm = static_cast<int>(payload->encrypt_algorithm);
      f.application = record.id;
      std::ranges::sort(keys);
      keys.erase(std::ranges::unique(keys).begin(), keys.end());
      f.record_keys = std::move(keys);
      f.kept_at = now;
      if (Result<void> kept = uow.bureau_link().Keep(f, settings_.holder); !kept) {
        return std::unexpected(kept.error());
      }
      if (Result<void> ok = uow.Commit(); !ok) return std::unexpected(ok.error());
      file = std::move(f);
      break;
    }
  }
  if (!file) return false;
  return SendKept(*file, report, false);
}

Result<MessageContext> Gateway::ContextFor(UnitOfWork& uow, const ApplicationRecord& record) {
  MessageContext c;
  c.requester = settings_.isp_id;
  c.strict = settings_.strict;
  const Application& app = record.application;
  c.icp_password = app.filing_password;  // checked with the bureau at submit
  for (const Website& w : app.websites) {
    std::vector<AccessPoint> points;
    for (const std::string& id : w.resources) {
      Result<Resource> r = uow.resources().Get(id);
      if (!r) return std::unexpected(r.error().AtField("websites.resources"));
      if (r->public_ip) points.push_back({r->region.id, r->kind, *r->public_ip});
      for (const Resource& b : r->backends) {
        if (b.public_ip) points.push_back({b.region.id, b.kind, *b.public_ip});
      }
    }
    c.access_points.push_back(std::move(points));
  }
  for (const Material& m : app.materials) {
    Result<std::string> bytes = blobs_.Get(m.file);
    c.material_files.push_back(bytes ? std::move(*bytes) : std::string());
  }
  if (record.subject) {
    Result<std::optional<BureauIds>> ids = uow.bureau_link().SubjectIds(*record.subject);
    if (!ids) return std::unexpected(ids.error());
    if (*ids && !(app.original && app.original->bureau)) c.filed = **ids;
  }
  if (!c.filed && !(app.original && app.original->bureau)) {
    // A record filed through other providers only: the numbers its upload names it by
    // (Wzbah for XZJR, Ztbah for XZWZ) are the registry's (§2 isp_querybeianstatus).
    Result<std::optional<BureauIds>> ids = RegistryIdsFor(record);
    if (!ids) return std::unexpected(ids.error());
    c.filed = std::move(*ids);
  }
  return c;
}

Result<std::optional<BureauIds>> Gateway::RegistryIdsFor(const ApplicationRecord& record) {
  const Application& app = record.application;
  const ApplicationType type = record.lifecycle.type();
  const bool access =
      type == ApplicationType::kNewAccess || type == ApplicationType::kContinueAccess;
  if (!access && type != ApplicationType::kNewWebsiteFiledElsewhere) return std::nullopt;
  RegistryClient registry(settings_, transport_);
  BureauIds ids;
  if (access) {
    if (app.websites.empty() || app.websites[0].domains.empty()) return std::nullopt;
    const DomainName& domain = app.websites[0].domains[0];
    Result<RegistryStatus> s = registry.StatusOfDomain(domain);
    if (!s) return std::unexpected(s.error());
    if (!s->filed) return std::nullopt;
    ids.subject_number = s->subject_number;
    // No Wzid: the website is named by its number (Wzbah | Wzid, §4.4).
    ids.websites.push_back({0, s->website_number, {{domain.ascii(), 0}}, std::nullopt});
    return ids;
  }
  Result<std::optional<RegistryStatus>> s =
      registry.StatusOfCertificate(app.subject.type, app.subject.certificate);
  if (!s) return std::unexpected(s.error());
  if (!*s || !(*s)->filed) return std::nullopt;
  ids.subject_number = (*s)->subject_number;
  return ids;
}

namespace {

// The Isp* ids a BASJ record carries back (§5.1, both id namespaces), the ones surely this
// provider's first: those of an access it gives (Ispid is ours), then the subject's and the
// websites', then other accesses'. A record filed through another provider carries that
// provider's Isp* ids too, and each provider numbers its own: such an id may equal one of our
// record keys, so a key names an application only when NamesRecord agrees.
std::vector<std::int64_t> IspIdsOf(const miit::FiledRecord& r, std::int64_t isp_id) {
  std::vector<std::int64_t> out;
  for (const miit::WebsiteBlock& w : r.websites) {
    for (const miit::AccessBlock& a : w.accesses) {
      if (a.isp_id && a.provider == isp_id) out.push_back(*a.isp_id);
    }
  }
  if (r.subject.isp_id) out.push_back(*r.subject.isp_id);
  for (const miit::WebsiteBlock& w : r.websites) {
    if (w.isp_id) out.push_back(*w.isp_id);
  }
  for (const miit::WebsiteBlock& w : r.websites) {
    for (const miit::AccessBlock& a : w.accesses) {
      if (a.isp_id && a.provider != isp_id) out.push_back(*a.isp_id);
    }
  }
  return out;
}

// Whether `app` is about the filed record `r`: one of its websites has a domain of the
// record's. An application that adds a website (the only ones BASJ completes) names it.
bool NamesRecord(const Application& app, const miit::FiledRecord& r) {
  for (const Website& w : app.websites) {
    for (const DomainName& d : w.domains) {
      for (const miit::WebsiteBlock& site : r.websites) {
        for (const miit::DomainBlock& filed : site.domains) {
          if (ToLowerAscii(filed.name) == d.ascii()) return true;
        }
      }
    }
  }
  return false;
}

std::string DescribeViolations(const Error& e) {
  if (e.violations.empty()) return e.message;
  std::string out;
  for (const FieldViolation& v : e.violations) {
    out += fmt::format("{}{}: {} ({})", out.empty() ? "" : "; ", v.field, v.message, v.rule);
  }
  return out;
}

std::string KindsOf(const miit::IcpDownload& d) {
  std::vector<std::string> kinds;
  if (!d.synced_records.empty()) kinds.push_back("SJTB");
  if (d.results) kinds.push_back("BAJG");
  if (!d.filed_records.empty()) kinds.push_back("BASJ");
  if (!d.cancellations.empty()) kinds.push_back("ZXSJ");
  if (!d.notices.empty()) kinds.push_back("XGTZ");
  if (!d.blacklisted_subjects.empty() || !d.blacklisted_websites.empty()) kinds.push_back("HMDLB");
  if (!d.illegal_accesses.empty()) kinds.push_back("FFJRHMD");
  if (!d.unfiled_sites.empty()) kinds.push_back("WBAWZLB");
  if (!d.verification_tasks.empty()) kinds.push_back("HSRW");
  if (!d.codes.empty()) kinds.push_back("JCDM");
  for (const std::string& u : d.unmodelled) kinds.push_back(u);
  std::string out;
  for (const std::string& k : kinds) out += (out.empty() ? "" : ",") + k;
  return out;
}

}  // namespace

void Add(PassReport& total, const PassReport& more) {
  total.uploaded += more.uploaded;
  total.resent += more.resent;
  total.downloaded += more.downloaded;
  total.acknowledged += more.acknowledged;
  total.applied += more.applied;
  total.subjects_adopted += more.subjects_adopted;
  total.websites_adopted += more.websites_adopted;
  total.unchanged += more.unchanged;
  total.ids_updated += more.ids_updated;
  total.parked += more.parked;
  total.replayed += more.replayed;
  total.problems.insert(total.problems.end(), more.problems.begin(), more.problems.end());
}

bool IsTransient(const Error& e) {
  switch (e.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kAborted:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

Result<PassReport> Gateway::DownloadOnce() {
  PassReport report;
  for (int calls = 0; calls < 1000; ++calls) {
    miit::SoapRequest down;
    down.method = Method::kDownload;
    Result<miit::MethodReturn> r = Call(down);
    if (!r) return std::unexpected(r.error());
    if (r->msg_code == 2 || (r->msg_code <= 3 && !r->file_info)) break;
    if (r->msg_code > 3) {
      return Refusal(ErrorCode::kUnavailable, "", "bureau.msg-code",
                     fmt::format("isp_download answered {} {}", r->msg_code, r->msg));
    }
    PassReport file_report;
    if (Result<void> done = Process(*r->file_info, file_report, false); !done) {
      // The moment's failure: not acknowledged, the bureau sends the file again.
      if (IsTransient(done.error())) return std::unexpected(done.error());
      // The file's own: its effects rolled back, kept with why, acknowledged (an operator
      // replays it once the cause is fixed).
      Result<bool> parked = Park(*r->file_info, done.error());
      if (!parked) return std::unexpected(parked.error());
      if (*parked) ++report.parked;
      report.problems.push_back(Problem(
          fmt::format("download file {} parked (icpctl bureau replay)", r->file_info->file_name),
          done.error()));
    } else {
      Add(report, file_report);
    }
    miit::SoapRequest ack;
    ack.method = Method::kDownloadAck;
    ack.file_name = r->file_info->file_name;
    Result<miit::MethodReturn> acked = Call(ack);
    if (!acked) return std::unexpected(acked.error());
    if (acked->msg_code != 0) {
      report.problems.push_back(fmt::format("isp_downloadack of {} answered {} {}", ack.file_name,
                                            acked->msg_code, acked->msg));
    } else {
      ++report.acknowledged;
    }
    if (r->msg_code == 1) break;
  }
  return report;
}

Result<bool> Gateway::Park(const miit::FileInfo& file, const Error& why) {
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  std::string rule =
      why.violations.empty() ? std::string(ErrorCodeName(why.code)) : why.violations.front().rule;
  std::string reason = why.message.empty() ? std::string(ErrorCodeName(why.code)) : why.message;
  ParkedDownload parked{settings_.isp_id,
                        file.file_name,
                        file.payload.beian_info,
                        file.payload.beian_info_hash,
                        file.payload.encrypt_algorithm,
                        file.payload.hash_algorithm,
                        file.payload.compression_format,
                        std::move(rule),
                        std::move(reason),
                        clock_.Now(),
                        std::nullopt};
  Result<bool> kept = uow.bureau_link().Park(parked);
  if (!kept) return std::unexpected(kept.error());
  if (Result<void> ok = uow.Commit(); !ok) return std::unexpected(ok.error());
  return *kept;
}

Result<PassReport> Gateway::Replay(std::string_view file_name) {
  std::optional<ParkedDownload> parked;
  {
    // Only read: a snapshot, not the write lock (Process below writes in its own unit).
    Result<std::unique_ptr<ReadTransaction>> begun = db_.BeginRead();
    if (!begun) return std::unexpected(begun.error());
    Result<std::optional<ParkedDownload>> found =
        (*begun)->bureau_link().ParkedFile(settings_.isp_id, file_name);
    if (!found) return std::unexpected(found.error());
    if (!*found) return BureauParkedNotFound(settings_.isp_id, file_name);
    if ((*found)->replayed_at) return BureauParkedReplayed(file_name);
    parked = std::move(*found);
  }
  miit::FileInfo file{parked->file_name,
                      {parked->beian_info, parked->beian_info_hash, parked->encrypt_algorithm,
                       parked->hash_algorithm, parked->compression_format}};
  PassReport report;
  if (Result<void> done = Process(file, report, true); !done) return std::unexpected(done.error());
  ++report.replayed;
  return report;
}

Result<void> Gateway::Process(const miit::FileInfo& file, PassReport& out, bool replay) {
  Result<std::unique_ptr<UnitOfWork>> begun = db_.Begin();
  if (!begun) return std::unexpected(begun.error());
  UnitOfWork& uow = **begun;
  BureauLink& link = uow.bureau_link();
  PassReport report;
  Result<std::optional<ProcessedDownload>> seen = link.Download(settings_.isp_id, file.file_name);
  if (!seen) return std::unexpected(seen.error());
  if (*seen) {
    // Processed before: acknowledged again, without effect; a replay only marks it.
    if (!replay) return {};
    if (Result<void> ok = link.MarkReplayed(settings_.isp_id, file.file_name, clock_.Now()); !ok) {
      return ok;
    }
    return uow.Commit();
  }
  miit::DecodeOptions options;
  options.key = settings_.aes_key;
  Result<miit::DecodedPayload> decoded = miit::DecodePayload(file.payload, options);
  if (!decoded) return std::unexpected(decoded.error());
  Result<miit::IcpDownload> download = miit::DecodeDownload(decoded->text);
  if (!download) return std::unexpected(download.error());
  const std::chrono::sys_seconds now = clock_.Now();
  auto file_by_key = [&](std::int64_t key) -> std::optional<SentFile> {
    Result<std::optional<SentFile>> f = link.FileByRecordKey(settings_.isp_id, key);
    if (!f || !*f) return std::nullopt;
    return std::move(**f);
  };
  auto by_key = [&](std::int64_t key) -> std::optional<ApplicationId> {
    std::optional<SentFile> f = file_by_key(key);
    if (!f) return std::nullopt;
    return f->application;
  };
  auto note = [&](std::string_view what, const Error& e) {
    report.problems.push_back(Problem(what, e));
  };
  if (download->results) {
    auto file_of_record = [&](const miit::RecordResult& r) -> std::optional<SentFile> {
      if (r.key) {
        if (std::optional<SentFile> f = file_by_key(KeyOfBs(*r.key))) return f;
      }
      // 5001 names the uploaded file in Dmms (§5.3).
      for (const miit::ResultItem& item : r.items) {
        const std::string text = item.description.value_or("");
        const std::size_t at = text.find("ICP" + std::to_string(settings_.isp_id) + "S");
        if (at == std::string::npos) continue;
        std::size_t end = at;
        while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
        Result<std::optional<SentFile>> f =
            link.FileByName(settings_.isp_id, text.substr(at, end - at));
        if (f && *f) return std::move(**f);
      }
      return std::nullopt;
    };
    // A result about a file still kept comes before its upload is settled: the upload's answer
    // was lost and the next upload pass has not asked the bureau yet, while the bureau went on
    // (its results come in this queue, the answer on another connection). The file waits,
    // unacknowledged, for that settling (SettleKept, under the lease), which accepts the file
    // and sends the application together; applied now, the result would find the application
    // not yet sent and be lost.
    std::optional<std::string> unsettled;  // the kept file a result names
    auto application_of = [&](std::optional<SentFile> f) -> std::optional<ApplicationId> {
      if (!f) return std::nullopt;
      if (f->state == SentFileState::kKept) unsettled = f->file_name;
      return f->application;
    };
    auto resolve_record = [&](const miit::RecordResult& r) {
      return application_of(file_of_record(r));
    };
    auto resolve_decision = [&](const miit::ReviewDecision& d) {
      return application_of(d.record_id ? file_by_key(*d.record_id) : std::nullopt);
    };
    const std::vector<BureauOutcome> outcomes =
        OutcomesOf(*download->results, file.file_name, resolve_record, resolve_decision);
    if (unsettled) return BureauFileUnsettled(file.file_name, *unsettled);
    for (const BureauOutcome& o : outcomes) {
      Result<void> ok = recorder_.Record(uow, o, now);
      if (!ok && ok.error().code != ErrorCode::kFailedPrecondition) return ok;
      if (!ok) {
        note("application " + std::to_string(o.application.value()), ok.error());
      } else {
        ++report.applied;
      }
    }
  }
  // Filed records: BASJ, and SJTB's full sync (§5.4). One that comes back for an application
  // of ours completes it; with adoption on, any other is the estate (written on record, or
  // found there unchanged); without, it only gives its ids to a subject on record.
  std::vector<EstateRecord> estate;
  auto filed = [&](const miit::FiledRecord& r, std::string_view kind) -> Result<void> {
    std::optional<ApplicationId> app;
    for (std::int64_t key : IspIdsOf(r, settings_.isp_id)) {
      std::optional<ApplicationId> named = by_key(key);
      if (!named) continue;
      Result<ApplicationRecord> candidate = uow.applications().Get(*named);
      if (!candidate) return std::unexpected(candidate.error());
      if (NamesRecord(candidate->application, r)) {
        app = named;
        break;
      }
    }
    if (!app && estate_ != nullptr) {
      Result<EstateRecord> e = EstateRecordOf(r, settings_.isp_id, ChinaDate(now));
      if (e) {
        estate.push_back(std::move(*e));
      } else {
        report.problems.push_back(fmt::format("{} record {} in {} not adopted: {}", kind,
                                              r.subject.number.value_or("?"), file.file_name,
                                              DescribeViolations(e.error())));
      }
      return {};
    }
    Result<void> ok =
        recorder_.RecordFiled(uow, settings_.isp_id, app, BureauIdsOf(r, settings_.isp_id), now);
    if (!ok && ok.error().code != ErrorCode::kNotFound &&
        ok.error().code != ErrorCode::kFailedPrecondition) {
      return ok;
    }
    if (!ok) note(std::string(kind) + " record", ok.error());
    return {};
  };
  for (const miit::FiledRecord& r : download->filed_records) {
    if (Result<void> ok = filed(r, "BASJ"); !ok) return ok;
  }
  for (const miit::FiledRecord& r : download->synced_records) {
    if (Result<void> ok = filed(r, "SJTB"); !ok) return ok;
  }
  if (!estate.empty()) {
    Result<AdoptionReport> adopted = estate_->Adopt(uow, settings_.isp_id, estate, now);
    if (!adopted) return std::unexpected(adopted.error());
    report.subjects_adopted += adopted->subjects_created;
    report.websites_adopted += adopted->websites_created;
    report.unchanged += adopted->unchanged;
    report.ids_updated += adopted->ids_updated;
    for (const FieldViolation& v : adopted->skipped) {
      report.problems.push_back(
          fmt::format("{} in {} not adopted: {} ({})", v.field, file.file_name, v.message, v.rule));
    }
  }
  for (const miit::CancellationDone& c : download->cancellations) {
    std::optional<ApplicationId> app = by_key(c.record_id);
    if (!app) {
      report.problems.push_back(
          fmt::format("ZXSJ for {} names no cancellation sent here", c.record_id));
      continue;
    }
    Result<void> ok = recorder_.Record(
        uow, {Kind::kCancellationDone, *app, file.file_name, false, false, {}, {}}, now);
    if (!ok && ok.error().code != ErrorCode::kFailedPrecondition) return ok;
    if (!ok) note("application " + std::to_string(app->value()), ok.error());
    if (ok) ++report.applied;
  }
  // The code tables (JCDM): checked against ours; what differs is the operator's to settle
  // (data/miit/code_tables.tsv), the file is kept with the rest.
  if (!download->codes.empty()) {
    for (const miit::CodeDifference& d :
         miit::CompareCodes(miit::CodeTables::Builtin(), download->codes)) {
      report.problems.push_back(miit::Describe(d) + " (in " + file.file_name + ")");
    }
  }
  // The lists (HMDLB, FFJRHMD, WBAWZLB) are the access gate's, applied with the rest of the
  // file; a domain the gate cannot take is reported, the others applied.
  const GateListUpdate lists = GateListsOf(*download);
  if (!lists.items.empty()) {
    Result<GateListReport> applied = recorder_.RecordLists(uow, lists, now);
    if (!applied) return std::unexpected(applied.error());
    for (const FieldViolation& v : applied->skipped) {
      report.problems.push_back(
          fmt::format("{} in {}: {} ({})", v.field, file.file_name, v.message, v.rule));
    }
    if (applied->added + applied->removed > 0) ++report.applied;
  }
  ProcessedDownload kept{settings_.isp_id,   file.file_name,
                         KindsOf(*download), file.payload.beian_info_hash,
                         decoded->text,      now};
  Result<bool> recorded = link.RecordDownload(kept);
  if (!recorded) return std::unexpected(recorded.error());
  // Another process recorded it meanwhile (PostgreSQL: its insert won the key): its effects
  // stand, these roll back with the unit of work.
  if (!*recorded) return {};
  if (replay) {
    if (Result<void> ok = link.MarkReplayed(settings_.isp_id, file.file_name, now); !ok) return ok;
  }
  if (Result<void> ok = uow.Commit(); !ok) return ok;
  ++report.downloaded;
  Add(out, report);
  return {};
}

}  // namespace icp::bureau
