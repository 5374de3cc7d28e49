#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_table.h"
#include "base/result.h"
#include "miit/msg_code.h"
#include "miit/payload.h"

namespace icp::miit {

// The six methods over SOAP 1.1 (BUREAU-PROTOCOL.md §1.2, §2): request and response envelopes
// built as text and parsed with libxml2. No network code: the HTTP layers of bureau/ and
// bureau_sim/ carry the text.
//
// Binding: document/literal, wrapped, as a JAX-WS service publishes it (the spec recommends
// Java clients): the body holds one element named after the method whose children are the
// parameters, unqualified; the answer holds <METHODResponse><return>TEXT</return>, where
// TEXT is the <return> document of the method as a string (§1.2). The material has no WSDL,
// so the namespace is ours (kServiceNamespace); parsing ignores namespaces below the
// envelope and matches element names case-insensitively, in any order (NetEase sent `ispID`).

enum class Method {
  kUpload,               // isp_upload
  kDownload,             // isp_download
  kDownloadAck,          // isp_downloadack
  kQueryPreviousUpload,  // isp_querypreviousupload
  kQueryBeianStatus,     // isp_querybeianstatus
  kVerifyBamm,           // isp_verifybamm
};

inline constexpr EnumTable<Method, 6> kMethods({{
    {Method::kUpload, "isp_upload", "上报数据"},
    {Method::kDownload, "isp_download", "下载数据"},
    {Method::kDownloadAck, "isp_downloadack", "下载确认"},
    {Method::kQueryPreviousUpload, "isp_querypreviousupload", "查询上次上报"},
    {Method::kQueryBeianStatus, "isp_querybeianstatus", "查询备案状态"},
    {Method::kVerifyBamm, "isp_verifybamm", "校验备案密码"},
}});

// The three web services of a bureau system, each its own WSDL (§1.2).
enum class Endpoint { kUpDownLoad, kQueryBeianStatus, kVerifyBamm };

inline constexpr EnumTable<Endpoint, 3> kEndpoints({{
    {Endpoint::kUpDownLoad, "/ISPWebService/upDownLoad", "上报下载服务"},
    {Endpoint::kQueryBeianStatus, "/BeianStatusWebService/queryBeianStatus", "备案状态查询服务"},
    {Endpoint::kVerifyBamm, "/BeianStatusWebService/verifyBamm", "备案密码校验服务"},
}});

Endpoint EndpointOf(Method method);
std::vector<Method> MethodsOf(Endpoint endpoint);
// The endpoint whose path is `path` ("/ISPWebService/upDownLoad"); nullopt for another.
std::optional<Endpoint> EndpointFromPath(std::string_view path);

inline constexpr std::string_view kSoapEnvelopeNamespace =
    "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kServiceNamespace = "urn:beian:miit-enterprise-interface:3.0";

// One call: the four authentication parameters and the method's own. Text is kept as sent:
// the receiver checks it (RandVal::Parse, DataSequence::Parse, ...) and answers its msg_code.
struct SoapRequest {
  Method method = Method::kDownload;
  std::int64_t isp_id = 0;                 // ispId
  std::string user_name;                   // userName
  std::string rand_val;                    // randVal
  std::string pwd_hash;                    // pwdHash
  std::int64_t hash_algorithm = kHashMd5;  // hashAlgorithm (every method)
  // isp_upload
  std::string beian_info;
  std::string beian_info_hash;
  std::int64_t data_sequence = 0;
  std::int64_t encrypt_algorithm = 0;
  std::int64_t compression_format = kCompressionZip;
  // isp_downloadack
  std::string file_name;
  // isp_querybeianstatus
  std::int64_t query_condition_type = 0;
  std::string query_condition;
  // isp_verifybamm
  std::string baxh;
  std::string bamm;

  // The upload's file as DecodePayload takes it.
  WirePayload payload() const {
    return {beian_info, beian_info_hash, encrypt_algorithm, hash_algorithm, compression_format};
  }

  friend bool operator==(const SoapRequest&, const SoapRequest&) = default;
};

// A parameter of a method as the WSDL declares it.
struct Parameter {
  std::string_view name;      // "dataSequence"
  std::string_view xsd_type;  // "xs:long", "xs:int", "xs:string"
};

// The parameters of `method` in the spec's order, authentication first.
std::span<const Parameter> ParametersOf(Method method);

// The envelope of a call.
std::string BuildRequest(const SoapRequest& request);

// kInvalidArgument (rule "miit.soap") naming the element for a document that is not a SOAP
// 1.1 envelope, a body that is not one of the six methods, a parameter missing or twice, a
// parameter the method does not take, or a number that is not one; every problem at once.
Result<SoapRequest> ParseRequest(std::string_view envelope);

// `fileInfos`: one file of isp_download and isp_querypreviousupload.
struct FileInfo {
  std::string file_name;  // return_FileName
  WirePayload payload;

  friend bool operator==(const FileInfo&, const FileInfo&) = default;
};

// `StatusInfo` of isp_querybeianstatus.
struct StatusInfo {
  std::int64_t query_condition_type = 0;      // Cxtjlx
  std::string query_condition;                // Cxtj
  std::int64_t filed = 1;                     // Bazt: 0 filed, 1 not (polarity trap, §2)
  std::optional<std::string> subject_number;  // Ztbah, when filed
  std::optional<std::string> website_name;    // Wzmc, when filed and queried by domain
  std::optional<std::string> website_number;  // Wzbah, likewise

  friend bool operator==(const StatusInfo&, const StatusInfo&) = default;
};

// The <return> document every method answers (§2). msg_code is kept as a number: a bureau may
// send one the spec does not list (MsgCodeFromNumber tells).
struct MethodReturn {
  std::int64_t msg_code = 0;
  std::string msg;
  std::vector<std::string> data_sequences;    // isp_upload with 14: the missing numbers
  std::optional<FileInfo> file_info;          // isp_download, isp_querypreviousupload
  std::optional<std::int64_t> data_sequence;  // isp_querypreviousupload: last accepted
  std::optional<StatusInfo> status_info;      // isp_querybeianstatus
  std::optional<std::int64_t> verify_result;  // isp_verifybamm: VerifyRes 0 right, 1 wrong

  // A return with `code` and its Chinese text as msg.
  static MethodReturn Of(MsgCode code);

  friend bool operator==(const MethodReturn&, const MethodReturn&) = default;
};

// The <return> document as text (version="V.3.0", §1.2), no XML declaration.
std::string BuildReturnDocument(const MethodReturn& value);
// Reads a <return> document; `version` is not required (§1.2). kInvalidArgument (rules
// "miit.xml", "miit.value") naming each element that is missing or malformed.
Result<MethodReturn> ParseReturnDocument(std::string_view text);

// The response envelope of `method` carrying `value`.
std::string BuildResponse(Method method, const MethodReturn& value);

// Reads a response envelope of `method`. A SOAP Fault is kUnavailable (rule "miit.soap.fault")
// with the fault's string; anything else malformed is kInvalidArgument.
Result<MethodReturn> ParseResponse(Method method, std::string_view envelope);

// A SOAP 1.1 Fault envelope: for a request the server cannot read as a call at all (a client
// fault) or a failure of its own (a server fault).
std::string BuildFault(std::string_view fault_string, bool client_fault = true);

// The WSDL 1.1 document of `endpoint`, served at its path with `?wsdl`, its soap:address
// `address` (e.g. "http://127.0.0.1:8080/ISPWebService/upDownLoad").
std::string ServiceWsdl(Endpoint endpoint, std::string_view address);

}  // namespace icp::miit
