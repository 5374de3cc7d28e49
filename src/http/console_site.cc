#include "http/console_site.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/strings.h"
#include "http/api_docs_handlers.h"
#include "http/responses.h"

namespace icp::http {
namespace {

constexpr std::string_view kPrefix = "/console";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

// Whether Accept-Encoding `header` takes gzip: a "gzip" coding whose q is not 0 (RFC 9110
// §12.5.3). "*" counts too.
bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = TrimAsciiSpaces(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const std::size_t semi = item.find(';');
    const std::string_view coding = TrimAsciiSpaces(item.substr(0, semi));
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view q = TrimAsciiSpaces(item.substr(semi + 1));
    if (!q.starts_with("q=")) return true;
    q.remove_prefix(2);
    // q=0, q=0.0, q=0.000 refuse; anything else takes it.
    if (q.find_first_not_of("0.") != std::string_view::npos) return true;
  }
  return false;
}

Response Missing(const Request& request, std::string_view name) {
  const std::string message = fmt::format("the console has no file named '{}'", name);
  return ProblemResponse(
      request, Error{ErrorCode::kNotFound,
                     message,
                     {{"path", "console.file", message, fmt::format("控制台没有文件 {}", name)}}});
}

}  // namespace

std::string_view ContentTypeOf(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

ConsoleSite::ConsoleSite(std::map<std::string, std::string> files) {
  for (auto& [name, body] : files) {
    if (name.ends_with(".gz")) continue;
    std::string etag = StrongEtag(body);
    files_.emplace(name, File{std::move(body), {}, std::move(etag)});
  }
  for (auto& [name, body] : files) {
    if (!name.ends_with(".gz")) continue;
    auto plain = files_.find(std::string_view(name).substr(0, name.size() - 3));
    if (plain != files_.end()) plain->second.gzipped = std::move(body);
  }
}

bool ConsoleSite::Takes(std::string_view path) {
  return path == kPrefix || (path.starts_with(kPrefix) && path[kPrefix.size()] == '/');
}

Response ConsoleSite::Send(const Request& request, const File& file, std::string_view name,
                           std::string_view cache_control) const {
  Response response;
  if (NoneMatchHits(request.header("if-none-match").value_or(""), file.etag)) {
    response.status = 304;
  } else {
    const bool gzip =
        !file.gzipped.empty() && AcceptsGzip(request.header("accept-encoding").value_or(""));
    response = TextResponse(gzip ? file.gzipped : file.body, std::string(ContentTypeOf(name)));
    if (gzip) response.Set("Content-Encoding", "gzip");
  }
  if (!file.gzipped.empty()) response.Set("Vary", "Accept-Encoding");
  response.Set("ETag", file.etag);
  response.Set("Cache-Control", std::string(cache_control));
  response.Set("Content-Security-Policy", std::string(kConsoleContentSecurityPolicy));
  if (request.method == "HEAD") response.body.clear();
  return response;
}

Response ConsoleSite::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    const std::string message = fmt::format("{} {} is not served; the console takes GET and HEAD",
                                            request.method, request.path());
    Response response = ProblemResponse(
        request,
        Error{ErrorCode::kInvalidArgument,
              message,
              {{"method", "route.method", message, "控制台页面只支持 GET 和 HEAD 方法"}}},
        405);
    response.Set("Allow", "GET, HEAD");
    return response;
  }
  const std::string_view path = request.path();
  if (!built()) {
    const std::string message =
        "the console is not built: run `make build` (it builds web/ into build/web/), or start "
        "icpd with --console-dir naming a build of web/";
    return ProblemResponse(
        request,
        Error{ErrorCode::kNotFound,
              message,
              {{"path", "console.not-built", message, "控制台尚未构建：请先运行 make build"}}});
  }
  if (path == kPrefix) {
    Response response;
    response.status = 308;
    response.Set("Location", "/console/");
    return response;
  }
  const std::string_view name = path.substr(kPrefix.size() + 1);
  if (auto it = files_.find(name); it != files_.end()) {
    return Send(request, it->second, name, name.starts_with("assets/") ? kImmutable : kRevalidate);
  }
  // A name with an extension in its last segment, or anything under assets/, is a file the
  // build does not have: a 404, so a stale page never runs index.html as a script.
  const std::string_view last = name.substr(name.rfind('/') + 1);
  if (name.starts_with("assets/") || last.find('.') != std::string_view::npos) {
    return Missing(request, name);
  }
  return Send(request, files_.find("index.html")->second, "index.html", kRevalidate);
}

}  // namespace icp::http
