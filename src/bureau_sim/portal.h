#pragma once

#include <string>

#include "bureau_sim/offset_clock.h"
#include "bureau_sim/sms_store.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "ports/clock.h"

namespace icp::bureau_sim {

// The MIIT-portal stand-in (docs/bureau-protocol.md, "icp-bureau"): what a person does on
// beian.miit.gov.cn, served beside the SOAP service and explicitly not part of V3.0
// (BUREAU-PROTOCOL.md §7.4.1). A small 简体中文 page and a JSON API; errors are RFC 9457
// problems with their violations.
//
//   GET  /portal/                 the page (短信核验, 短信重发)
//   POST /portal/api/sms/verify   {"mobile", "code", "certificate_tail"} -> the outcome
//   POST /portal/api/sms/resend   {"mobile"} -> {"sent": N}
void AddPortalRoutes(http::Router& router, SmsStore& sms, Clock& clock);

// The test hooks (`serve --test-hooks`, off by default), never for a real deployment:
//   GET  /test/messages?to=X      the sink's messages to a mobile or an address
//   GET  /test/clock              {"now", "offset_seconds"}
//   POST /test/clock              {"advance_seconds": N} moves the serve clock forward
//   POST /test/sms                {"filing_id", "recipients": [{"role", "name", "mobile",
//                                 "certificate_number"}]} starts a verification as the
//                                 registry's pipeline does (SmsVerifier::Start)
//   GET  /test/sms/{filing_id}    {"filing_id", "state"}: pending, verified, timed_out, failed
void AddTestHookRoutes(http::Router& router, SmsStore& sms, OffsetClock& clock);

// The handlers, for tests.
http::Response PortalPage(const http::Request& request);
http::Response VerifySms(const http::Request& request, SmsStore& sms, Clock& clock);
http::Response ResendSms(const http::Request& request, SmsStore& sms, Clock& clock);
http::Response TestMessages(const http::Request& request, SmsStore& sms);
http::Response TestClock(const http::Request& request, OffsetClock& clock);
http::Response AdvanceTestClock(const http::Request& request, OffsetClock& clock);
http::Response StartTestSms(const http::Request& request, SmsStore& sms, Clock& clock);
http::Response TestSmsState(const http::Request& request, SmsStore& sms, Clock& clock,
                            std::int64_t filing_id);

}  // namespace icp::bureau_sim
