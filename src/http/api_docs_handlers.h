#pragma once

#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// The page policy of /v1/docs: like every other page's, but the page may run the scripts,
// styles and images icpd itself serves (Swagger UI) and fetch from icpd (the description).
// Nothing from anywhere else, nothing inline, no eval.
inline constexpr std::string_view kDocsPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'";

// A strong entity tag for `body`: 64-bit FNV-1a of the bytes and their length, quoted. Not a
// secret, only a name for one content: the files change only with a new build.
std::string StrongEtag(std::string_view body);

// Whether If-None-Match `header` names `etag` (RFC 9110 §13.1.2): "*", or a comma-separated
// list of entity tags compared weakly (W/"x" matches "x").
bool NoneMatchHits(std::string_view header, std::string_view etag);

// api/openapi.yaml as JSON, compiled in at build time (the route table test reads it too).
std::string_view OpenApiJson();

// GET /v1/openapi.json: OpenApiJson() with a strong ETag (a digest of the bytes); 304 with no
// body when If-None-Match names it (or is "*").
Response OpenApiDescription(const Request& request);

// GET /v1/docs: the API docs page (api/docs-page/index.html) under
// kDocsPageContentSecurityPolicy.
Response DocsPage(const Request& request);

// GET /v1/docs/{asset}: the page's files -- swagger-ui-bundle.js and swagger-ui.css from the
// npm package swagger-ui-dist, and docs.js, which starts it -- with a strong ETag and 304 as
// above; a 404 problem for any other name.
Response DocsAsset(const Request& request);

}  // namespace icp::http
