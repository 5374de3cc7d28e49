#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "bureau_sim/message_sink.h"
#include "bureau_sim/public_query.h"
#include "bureau_sim/store.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "ports/clock.h"
#include "ports/password_hasher.h"

namespace icp::bureau_sim {

// Filing-password recovery (找回备案密码, seed 004): the subject's number without the website's
// -N, the certificate type and number the subject was filed with, and a mobile of its leader
// must all match a filed subject; then a new password is made, its hash replaces the old one
// (the bureau keeps only hashes, so "recovering" is resetting) and it is sent to that mobile
// by SMS and to the leader's e-mail addresses through the sink. Any mismatch is the same
// answer, "该备案信息不存在，请确认输入内容", so the query tells nothing about which part was
// wrong.
class PasswordRecovery {
 public:
  PasswordRecovery(Store& store, PasswordHasher& hasher, TokenSource& tokens, MessageSink& sink)
      : store_(store), hasher_(hasher), tokens_(tokens), sink_(sink) {}

  // kInvalidArgument (rule "recovery.input", each field) for an empty or over-long field or
  // a certificate type outside 1..999; kNotFound (rule "recovery.not_found", field "number")
  // for no match.
  Result<void> Recover(std::string_view number, std::int64_t certificate_type,
                       std::string_view certificate_number, std::string_view mobile,
                       std::int64_t now);

 private:
  Store& store_;
  PasswordHasher& hasher_;
  TokenSource& tokens_;
  MessageSink& sink_;
};

// The registry's side of the MIIT-portal stand-in (docs/bureau-protocol.md, "icp-bureau"):
//   GET  /portal/query?condition=&page_num=   the public query as a small page
//   GET  /portal/api/query?condition=&by=&page_num=&page_size=
//        by: auto (default), domain, number, unit_name -> {"total", "pageNum", "pageSize",
//        "lastPage", "isLastPage", "list": [FACTS §10.4's fields]}; no captcha
//   POST /portal/api/query/batch {"conditions": [...], "by"?, "page_size"?}
//        -> {"results": [{"condition", "total", ..., "list"}]}, at most 50 conditions
//   POST /portal/api/password/recover {"number", "certificate_type", "certificate_number",
//        "mobile"} -> {"message", "message_zh"}
void AddRegistryPortalRoutes(http::Router& router, PublicQuery& query, PasswordRecovery& recovery,
                             Clock& clock);

// The handlers, for tests.
http::Response QueryHtml(const http::Request& request, PublicQuery& query);
http::Response QueryApi(const http::Request& request, PublicQuery& query);
http::Response QueryBatchApi(const http::Request& request, PublicQuery& query);
http::Response RecoverPasswordApi(const http::Request& request, PasswordRecovery& recovery,
                                  Clock& clock);

}  // namespace icp::bureau_sim
