#include "miit/soap.h"

#include <charconv>
#include <variant>

#include "miit/wire_error.h"
#include "miit/xml.h"

namespace icp::miit {
namespace {

using LongField = std::int64_t SoapRequest::*;
using TextField = std::string SoapRequest::*;

// Where each parameter lives in SoapRequest, by wire name.
struct Binding {
  std::string_view name;
  std::variant<LongField, TextField> field;
};

constexpr Binding kBindings[] = {
    {"ispId", &SoapRequest::isp_id},
    {"userName", &SoapRequest::user_name},
    {"randVal", &SoapRequest::rand_val},
    {"pwdHash", &SoapRequest::pwd_hash},
    {"hashAlgorithm", &SoapRequest::hash_algorithm},
    {"beianInfo", &SoapRequest::beian_info},
    {"beianInfoHash", &SoapRequest::beian_info_hash},
    {"dataSequence", &SoapRequest::data_sequence},
    {"encryptAlgorithm", &SoapRequest::encrypt_algorithm},
    {"compressionFormat", &SoapRequest::compression_format},
    {"fileName", &SoapRequest::file_name},
    {"queryConditionType", &SoapRequest::query_condition_type},
    {"queryCondition", &SoapRequest::query_condition},
    {"baxh", &SoapRequest::baxh},
    {"bamm", &SoapRequest::bamm},
};

#define ICP_AUTH_PARAMETERS                                                    \
  {"ispId", "xs:long"}, {"userName", "xs:string"}, {"randVal", "xs:string"}, { \
    "pwdHash", "xs:string"                                                     \
  }

constexpr Parameter kUploadParameters[] = {ICP_AUTH_PARAMETERS,
                                           {"beianInfo", "xs:string"},
                                           {"beianInfoHash", "xs:string"},
                                           {"dataSequence", "xs:long"},
                                           {"encryptAlgorithm", "xs:int"},
                                           {"hashAlgorithm", "xs:int"},
                                           {"compressionFormat", "xs:int"}};
constexpr Parameter kDownloadParameters[] = {ICP_AUTH_PARAMETERS, {"hashAlgorithm", "xs:int"}};
constexpr Parameter kDownloadAckParameters[] = {
    ICP_AUTH_PARAMETERS, {"hashAlgorithm", "xs:int"}, {"fileName", "xs:string"}};
constexpr Parameter kStatusParameters[] = {ICP_AUTH_PARAMETERS,
                                           {"hashAlgorithm", "xs:int"},
                                           {"queryConditionType", "xs:int"},
                                           {"queryCondition", "xs:string"}};
constexpr Parameter kVerifyBammParameters[] = {
    ICP_AUTH_PARAMETERS, {"hashAlgorithm", "xs:int"}, {"baxh", "xs:string"}, {"bamm", "xs:string"}};

#undef ICP_AUTH_PARAMETERS

const Binding& BindingOf(std::string_view name) {
  for (const Binding& b : kBindings) {
    if (b.name == name) return b;
  }
  return kBindings[0];  // unreachable: every parameter has a binding (soap_test checks)
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::optional<std::int64_t> ParseLong(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

FieldViolation SoapViolation(std::string field, std::string message) {
  return {std::move(field), std::string(rule::kSoap), std::move(message), "SOAP请求格式错误"};
}

// The single element child of the SOAP Body, after checking the envelope.
Result<XmlElement> BodyElement(const XmlDocument& doc) {
  XmlElement env = doc.root();
  if (env.name() != "Envelope") {
    return WireError(rule::kSoap, env.path(), "the root is not a SOAP Envelope", "不是SOAP信封");
  }
  if (env.ns() != kSoapEnvelopeNamespace) {
    return WireError(rule::kSoap, env.path(),
                     "the envelope's namespace is \"" + std::string(env.ns()) +
                         "\", not SOAP 1.1's " + std::string(kSoapEnvelopeNamespace),
                     "仅支持SOAP 1.1");
  }
  std::vector<XmlElement> bodies = env.children("Body");
  if (bodies.size() != 1) {
    return WireError(rule::kSoap, env.path() + "/Body", "the envelope needs exactly one Body",
                     "SOAP信封须有且仅有一个Body");
  }
  std::vector<XmlElement> content = bodies[0].children();
  if (content.size() != 1) {
    return WireError(
        rule::kSoap, bodies[0].path(),
        "the Body holds " + std::to_string(content.size()) + " elements; a call holds exactly one",
        "SOAP Body须有且仅有一个元素");
  }
  return content[0];
}

std::optional<Method> MethodNamed(std::string_view name, std::string_view suffix) {
  std::string lower = LowerAscii(name);
  for (Method m : kMethods.All()) {
    if (lower == std::string(kMethods.Name(m)) + std::string(suffix)) return m;
  }
  return std::nullopt;
}

void WriteFileInfo(XmlWriter& w, const FileInfo& f) {
  w.Open("fileInfos")
      .Leaf("hashAlgorithm", f.payload.hash_algorithm)
      .Leaf("compressionFormat", f.payload.compression_format)
      .Leaf("encryptAlgorithm", f.payload.encrypt_algorithm)
      .Leaf("return_FileName", f.file_name)
      .Leaf("beianInfo", f.payload.beian_info)
      .Leaf("beianInfoHash", f.payload.beian_info_hash)
      .Close();
}

// The child `name` of `parent`, case-insensitively (NetEase's spellings varied).
std::optional<XmlElement> Find(const XmlElement& parent, std::string_view name) {
  return parent.child(name, true);
}

std::string TextOf(const XmlElement& parent, std::string_view name, XmlReader& r) {
  std::optional<XmlElement> e = Find(parent, name);
  if (!e) {
    r.Fail(parent.path() + "/" + std::string(name), "is missing");
    return {};
  }
  return e->text();
}

std::int64_t LongIn(const XmlElement& parent, std::string_view name, XmlReader& r) {
  std::optional<XmlElement> e = Find(parent, name);
  if (!e) {
    r.Fail(parent.path() + "/" + std::string(name), "is missing");
    return 0;
  }
  return r.LongOf(*e);
}

std::optional<std::string> OptionalTextIn(const XmlElement& parent, std::string_view name) {
  std::optional<XmlElement> e = Find(parent, name);
  if (!e) return std::nullopt;
  return e->text();
}

FileInfo ReadFileInfo(const XmlElement& e, XmlReader& r) {
  FileInfo f;
  f.payload.hash_algorithm = LongIn(e, "hashAlgorithm", r);
  f.payload.compression_format = LongIn(e, "compressionFormat", r);
  f.payload.encrypt_algorithm = LongIn(e, "encryptAlgorithm", r);
  f.file_name = TextOf(e, "return_FileName", r);
  f.payload.beian_info = TextOf(e, "beianInfo", r);
  f.payload.beian_info_hash = TextOf(e, "beianInfoHash", r);
  return f;
}

StatusInfo ReadStatusInfo(const XmlElement& e, XmlReader& r) {
  StatusInfo s;
  s.query_condition_type = LongIn(e, "Cxtjlx", r);
  s.query_condition = TextOf(e, "Cxtj", r);
  s.filed = LongIn(e, "Bazt", r);
  s.subject_number = OptionalTextIn(e, "Ztbah");
  s.website_name = OptionalTextIn(e, "Wzmc");
  s.website_number = OptionalTextIn(e, "Wzbah");
  return s;
}

std::string Envelope(std::string_view body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope xmlns:soapenv=\"" +
         std::string(kSoapEnvelopeNamespace) + "\" xmlns:tns=\"" + std::string(kServiceNamespace) +
         "\"><soapenv:Body>" + std::string(body) + "</soapenv:Body></soapenv:Envelope>\n";
}

}  // namespace

Endpoint EndpointOf(Method method) {
  switch (method) {
    case Method::kQueryBeianStatus:
      return Endpoint::kQueryBeianStatus;
    case Method::kVerifyBamm:
      return Endpoint::kVerifyBamm;
    default:
      return Endpoint::kUpDownLoad;
  }
}

std::vector<Method> MethodsOf(Endpoint endpoint) {
  std::vector<Method> out;
  for (Method m : kMethods.All()) {
    if (EndpointOf(m) == endpoint) out.push_back(m);
  }
  return out;
}

std::optional<Endpoint> EndpointFromPath(std::string_view path) {
  for (Endpoint e : kEndpoints.All()) {
    if (kEndpoints.Name(e) == path) return e;
  }
  return std::nullopt;
}

std::span<const Parameter> ParametersOf(Method method) {
  switch (method) {
    case Method::kUpload:
      return kUploadParameters;
    case Method::kDownloadAck:
      return kDownloadAckParameters;
    case Method::kQueryBeianStatus:
      return kStatusParameters;
    case Method::kVerifyBamm:
      return kVerifyBammParameters;
    case Method::kDownload:
    case Method::kQueryPreviousUpload:
      return kDownloadParameters;
  }
  return kDownloadParameters;
}

std::string BuildRequest(const SoapRequest& request) {
  XmlWriter w("");
  w.Open("tns:" + std::string(kMethods.Name(request.method)));
  for (const Parameter& p : ParametersOf(request.method)) {
    const Binding& b = BindingOf(p.name);
    if (const LongField* f = std::get_if<LongField>(&b.field)) {
      w.Leaf(p.name, request.*(*f));
    } else {
      w.Leaf(p.name, std::string_view(request.*std::get<TextField>(b.field)));
    }
  }
  w.Close();
  return Envelope(w.Finish());
}

Result<SoapRequest> ParseRequest(std::string_view envelope) {
  Result<XmlDocument> doc = XmlDocument::Parse(envelope, "envelope");
  if (!doc) return std::unexpected(doc.error());
  Result<XmlElement> call = BodyElement(*doc);
  if (!call) return std::unexpected(call.error());
  std::optional<Method> method = MethodNamed(call->name(), "");
  if (!method) {
    return WireError(rule::kSoap, call->path(),
                     "\"" + std::string(call->name()) + "\" is not a method of the interface",
                     "不是接口定义的方法");
  }
  SoapRequest out;
  out.method = *method;
  std::vector<FieldViolation> violations;
  std::span<const Parameter> params = ParametersOf(*method);
  std::vector<int> seen(params.size(), 0);
  for (const XmlElement& arg : call->children()) {
    std::string lower = LowerAscii(arg.name());
    std::size_t i = 0;
    while (i < params.size() && LowerAscii(params[i].name) != lower) ++i;
    if (i == params.size()) {
      violations.push_back(SoapViolation(arg.path(), std::string(kMethods.Name(*method)) +
                                                         " takes no parameter \"" +
                                                         std::string(arg.name()) + "\""));
      continue;
    }
    if (++seen[i] > 1) {
      violations.push_back(SoapViolation(arg.path(), "is given twice"));
      continue;
    }
    const Binding& b = BindingOf(params[i].name);
    if (const LongField* f = std::get_if<LongField>(&b.field)) {
      std::optional<std::int64_t> v = ParseLong(arg.text());
      if (!v) {
        violations.push_back(SoapViolation(arg.path(), "is not an integer"));
        continue;
      }
      out.*(*f) = *v;
    } else {
      out.*std::get<TextField>(b.field) = arg.text();
    }
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (seen[i] == 0) {
      violations.push_back(
          SoapViolation(call->path() + "/" + std::string(params[i].name), "is missing"));
    }
  }
  if (!violations.empty()) return InvalidFields(std::move(violations));
  return out;
}

MethodReturn MethodReturn::Of(MsgCode code) {
  MethodReturn r;
  r.msg_code = MsgCodeNumber(code);
  r.msg = std::string(kMsgCodes.Label(code));
  return r;
}

std::string BuildReturnDocument(const MethodReturn& v) {
  XmlWriter w("");
  w.Open("return", {{"version", "V.3.0"}}).Leaf("msg_code", v.msg_code).Leaf("msg", v.msg);
  if (!v.data_sequences.empty()) {
    w.Open("dataSequences");
    for (const std::string& s : v.data_sequences) w.Leaf("dataSequence", s);
    w.Close();
  }
  if (v.file_info) WriteFileInfo(w, *v.file_info);
  w.OptionalLeaf("dataSequence", v.data_sequence);
  if (v.status_info) {
    const StatusInfo& s = *v.status_info;
    w.Open("StatusInfo")
        .Leaf("Cxtjlx", s.query_condition_type)
        .Leaf("Cxtj", s.query_condition)
        .Leaf("Bazt", s.filed)
        .OptionalLeaf("Ztbah", s.subject_number)
        .OptionalLeaf("Wzmc", s.website_name)
        .OptionalLeaf("Wzbah", s.website_number)
        .Close();
  }
  w.OptionalLeaf("VerifyRes", v.verify_result);
  w.Close();
  return w.Finish();
}

Result<MethodReturn> ParseReturnDocument(std::string_view text) {
  Result<XmlDocument> doc = XmlDocument::Parse(text, "return");
  if (!doc) return std::unexpected(doc.error());
  XmlElement root = doc->root();
  if (LowerAscii(root.name()) != "return") {
    return WireError(rule::kXml, root.path(), "the root of a method's answer is <return>",
                     "返回结果的根元素须为return");
  }
  XmlReader r;
  MethodReturn out;
  out.msg_code = LongIn(root, "msg_code", r);
  out.msg = TextOf(root, "msg", r);
  if (std::optional<XmlElement> seqs = Find(root, "dataSequences")) {
    for (const XmlElement& s : seqs->children("dataSequence", true))
      out.data_sequences.push_back(s.text());
  }
  if (std::optional<XmlElement> f = Find(root, "fileInfos")) out.file_info = ReadFileInfo(*f, r);
  if (std::optional<XmlElement> s = Find(root, "dataSequence")) out.data_sequence = r.LongOf(*s);
  if (std::optional<XmlElement> s = Find(root, "StatusInfo"))
    out.status_info = ReadStatusInfo(*s, r);
  if (std::optional<XmlElement> v = Find(root, "VerifyRes")) out.verify_result = r.LongOf(*v);
  if (!r.ok()) return std::unexpected(r.error());
  return out;
}

std::string BuildResponse(Method method, const MethodReturn& value) {
  XmlWriter w("");
  w.Open("tns:" + std::string(kMethods.Name(method)) + "Response")
      .Leaf("return", BuildReturnDocument(value))
      .Close();
  return Envelope(w.Finish());
}

Result<MethodReturn> ParseResponse(Method method, std::string_view envelope) {
  Result<XmlDocument> doc = XmlDocument::Parse(envelope, "envelope");
  if (!doc) return std::unexpected(doc.error());
  Result<XmlElement> body = BodyElement(*doc);
  if (!body) return std::unexpected(body.error());
  if (body->name() == "Fault" && body->ns() == kSoapEnvelopeNamespace) {
    std::string fault = body->child("faultstring") ? body->child("faultstring")->text() : "";
    return Refusal(ErrorCode::kUnavailable, body->path(), "miit.soap.fault",
                   "the bureau answered a SOAP Fault: " + fault, "管局系统返回SOAP错误：" + fault);
  }
  if (MethodNamed(body->name(), "response") != method) {
    return WireError(rule::kSoap, body->path(),
                     "expected " + std::string(kMethods.Name(method)) + "Response, got " +
                         std::string(body->name()),
                     "返回的方法与调用不符");
  }
  std::optional<XmlElement> ret = body->child("return", true);
  if (!ret) {
    return WireError(rule::kSoap, body->path() + "/return", "is missing", "缺少return");
  }
  return ParseReturnDocument(ret->text());
}

std::string BuildFault(std::string_view fault_string, bool client_fault) {
  XmlWriter w("");
  w.Open("soapenv:Fault")
      .Leaf("faultcode", client_fault ? "soapenv:Client" : "soapenv:Server")
      .Leaf("faultstring", fault_string)
      .Close();
  return Envelope(w.Finish());
}

}  // namespace icp::miit
