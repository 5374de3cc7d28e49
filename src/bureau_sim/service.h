#pragma once

#include <string>
#include <string_view>

#include "bureau_sim/pipeline.h"
#include "bureau_sim/store.h"
#include "http/router.h"
#include "miit/messages.h"
#include "miit/soap.h"
#include "ports/clock.h"
#include "ports/password_hasher.h"

namespace icp::bureau_sim {

// The bureau's side of MIIT's enterprise interface V3.0 (BUREAU-PROTOCOL.md §1-§3) over the
// store: the upload/download service (/ISPWebService/upDownLoad: isp_upload,
// isp_querypreviousupload, isp_download, isp_downloadack) and the two status services
// (isp_querybeianstatus, isp_verifybamm) answered from the registry. Each call is
// authenticated by pwdHash first; every refusal is the msg_code §3.1 gives it. An accepted
// upload becomes one filing per record, which the Pipeline decides; its operator records
// (XZHYD, HSJG, WBACLJG) are decided at once (operator_uploads.h).
struct ServiceOptions {
  Protocol protocol = Protocol::kExtended;
  // The province whose system this stand-in plays (GB/T 2260 XX0000), or none: it plays every
  // province's system and MIIT's, each account at its own (§1.1). With one, an account of
  // another province or of MIIT's own system is refused with msg_code 13 on every method.
  std::optional<std::int64_t> province;
};

class Service {
 public:
  Service(Store& store, Clock& clock, PasswordHasher& hasher, ServiceOptions options = {})
      : store_(store), clock_(clock), hasher_(hasher), options_(options) {}

  // One request envelope at `endpoint` in, the response envelope out: a <return> document for
  // every call it can read, a SOAP client Fault (`fault` set) for a body that is not a call of
  // this endpoint, a server Fault when the store fails.
  struct Answer {
    std::string envelope;
    bool fault = false;
  };
  Answer Handle(miit::Endpoint endpoint, std::string_view envelope);
  Answer Handle(std::string_view envelope) { return Handle(miit::Endpoint::kUpDownLoad, envelope); }

  // The <return> of one parsed call.
  miit::MethodReturn Call(const miit::SoapRequest& request);

 private:
  miit::MethodReturn Upload(const Provider& provider, const miit::SoapRequest& request);
  miit::MethodReturn QueryPreviousUpload(const Provider& provider);
  miit::MethodReturn Download(const Provider& provider);
  miit::MethodReturn DownloadAck(const Provider& provider, const miit::SoapRequest& request);
  miit::MethodReturn QueryBeianStatus(const miit::SoapRequest& request);
  miit::MethodReturn VerifyBamm(const miit::SoapRequest& request);

  Store& store_;
  Clock& clock_;
  PasswordHasher& hasher_;
  ServiceOptions options_;
};

// The BAJG of an upload file the bureau cannot read (§5.3): 5004 for a wrong version, else
// 5001 naming the file (`file_name`), its Czlx from the first operation element in the text
// (HSJG's and WBACLJG's extension Czlx only in the extended protocol).
miit::FilingResults RefusedFile(std::string_view file_name, std::string_view xml,
                                const Error& error, Protocol protocol = Protocol::kExtended);

// One upload file as its records: each an UploadData holding that record only, with its
// Czlx and Bs (§5.3's correlation keys), in the file's order.
struct UploadRecord {
  miit::Operation operation = miit::Operation::kFirstFiling;
  std::optional<std::string> key;
  std::string xml;
};
std::vector<UploadRecord> SplitRecords(const miit::IcpUpload& upload);

// For each of the three endpoints, POST `path` (SOAP) and GET `path?wsdl` (ServiceWsdl, its
// address taken from the request's Host header).
void AddRoutes(http::Router& router, Service& service);

}  // namespace icp::bureau_sim
