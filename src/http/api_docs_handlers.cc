#include "http/api_docs_handlers.h"

#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "base/error.h"
#include "base/strings.h"
#include "http/responses.h"

// Compiled in by icp_embed_file() (src/http/CMakeLists.txt).
namespace icp::embedded {
std::string_view openapi_json();
std::string_view docs_page_html();
std::string_view docs_page_js();
std::string_view swagger_ui_bundle_js();
std::string_view swagger_ui_css();
}  // namespace icp::embedded

namespace icp::http {
namespace {

// A file compiled into icpd, with the entity tag of its bytes.
struct StaticFile {
  std::string_view body;
  std::string_view content_type;
  std::string etag;  // quoted: "\"<hex>\""
};

StaticFile Make(std::string_view body, std::string_view content_type) {
  return {body, content_type, StrongEtag(body)};
}

// 200 with `file`, or 304 when the client's copy is current. Caches must ask again each time
// (no-cache), and the ETag makes that cheap.
Response Serve(const Request& request, const StaticFile& file) {
  Response response;
  if (NoneMatchHits(request.header("if-none-match").value_or(""), file.etag)) {
    response.status = 304;
  } else {
    response = TextResponse(std::string(file.body), std::string(file.content_type));
  }
  response.Set("ETag", file.etag);
  response.Set("Cache-Control", "no-cache");
  return response;
}

}  // namespace

bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = TrimAsciiSpaces(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

std::string StrongEtag(std::string_view body) {
  std::uint64_t hash = 0xcbf29ce484222325u;
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 0x100000001b3u;
  }
  return fmt::format("\"{:016x}-{:x}\"", hash, body.size());
}

std::string_view OpenApiJson() { return embedded::openapi_json(); }

Response OpenApiDescription(const Request& request) {
  static const StaticFile file = Make(embedded::openapi_json(), "application/json");
  return Serve(request, file);
}

Response DocsPage(const Request& request) {
  static const StaticFile file = Make(embedded::docs_page_html(), "text/html; charset=utf-8");
  Response response = Serve(request, file);
  response.Set("Content-Security-Policy", std::string(kDocsPageContentSecurityPolicy));
  return response;
}

Response DocsAsset(const Request& request) {
  static const StaticFile bundle =
      Make(embedded::swagger_ui_bundle_js(), "text/javascript; charset=utf-8");
  static const StaticFile css = Make(embedded::swagger_ui_css(), "text/css; charset=utf-8");
  static const StaticFile start = Make(embedded::docs_page_js(), "text/javascript; charset=utf-8");
  const std::string_view name = request.param("asset");
  if (name == "swagger-ui-bundle.js") return Serve(request, bundle);
  if (name == "swagger-ui.css") return Serve(request, css);
  if (name == "docs.js") return Serve(request, start);
  const std::string message = fmt::format(
      "the docs page has no file named '{}'; it has swagger-ui-bundle.js, swagger-ui.css and "
      "docs.js",
      name);
  return ProblemResponse(request, Error{ErrorCode::kNotFound,
                                        message,
                                        {{"asset", "docs.asset", message, "文档页没有这个文件"}}});
}

}  // namespace icp::http
