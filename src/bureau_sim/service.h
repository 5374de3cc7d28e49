#pragma once

#include <string>
#include <string_view>

#include "bureau_sim/store.h"
#include "http/router.h"
#include "miit/messages.h"
#include "miit/soap.h"
#include "ports/clock.h"

namespace icp::bureau_sim {

// The bureau's side of MIIT's enterprise interface V3.0 (BUREAU-PROTOCOL.md §1-§3) over the
// store: today the upload/download service (/ISPWebService/upDownLoad) with isp_upload,
// isp_querypreviousupload, isp_download and isp_downloadack. Each call is authenticated by
// pwdHash first; every refusal is the msg_code §3.1 gives it.
class Service {
 public:
  Service(Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // One request envelope in, the response envelope out: a <return> document for every call
  // it can read, a SOAP client Fault (`fault` set) for a body that is not a call of this
  // service, a server Fault when the store fails.
  struct Answer {
    std::string envelope;
    bool fault = false;
  };
  Answer Handle(std::string_view envelope);

  // The <return> of one parsed call.
  miit::MethodReturn Call(const miit::SoapRequest& request);

 private:
  miit::MethodReturn Upload(const Provider& provider, const miit::SoapRequest& request);
  miit::MethodReturn QueryPreviousUpload(const Provider& provider);
  miit::MethodReturn Download(const Provider& provider);
  miit::MethodReturn DownloadAck(const Provider& provider, const miit::SoapRequest& request);

  Store& store_;
  Clock& clock_;
};

// What the bureau finds at intake in one upload file (§5.3): one Jg_xx per record, with the
// checks it can make without its registry: the file against the schema (5001, 5004), Qqdwid
// against the caller (5003), and field rules (1041 home page without one of the domains, 1044
// subject leader's name missing). A record that passes them is accepted for review (9001,
// Beian's extension). `file_name` is the uploaded file's, which 5001 names.
miit::FilingResults Intake(std::int64_t isp_id, std::string_view file_name, std::string_view xml);

// POST `path` (the SOAP endpoint) and GET `path?wsdl` (ServiceWsdl, its address taken from the
// request's Host header).
void AddRoutes(http::Router& router, Service& service);

}  // namespace icp::bureau_sim
