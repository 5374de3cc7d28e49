#pragma once

#include <map>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// The page policy of the console (web/, docs/console.md): its scripts, styles, images and
// fonts come from icpd itself, it talks to icpd's API alone, and nothing may frame it. No
// inline script, no eval. `data:` images are allowed for the icons Element Plus's CSS
// carries; `blob:` for the previews of files the customer picked before uploading them.
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

// The console's built files (`npm run build` in web/, which `make build` runs into
// build/web/), served at /console/ by the dispatcher before the API's routes are asked: the
// console is not part of the API, and no API path starts with /console.
//
//   /console                  308 to /console/
//   /console/assets/NAME      a hashed file of the build (its name changes with its bytes):
//                             Cache-Control: public, max-age=31536000, immutable
//   /console/NAME.EXT         another file of the build (favicon): no-cache with an ETag
//   any other /console/...    index.html (no-cache, ETag): the console's own routes
//                             (/console/apply, /console/review/42), which the page routes
//   a missing asset or file   404 problem (rule console.file): never index.html in its place
//
// A file with a precompressed NAME.gz beside it is sent gzipped to a client that accepts
// gzip (Vary: Accept-Encoding). GET and HEAD only (405 otherwise). Without index.html (web/
// not built) every console path answers 404 naming `make build`. Thread-safe once made.
class ConsoleSite {
 public:
  // `files`: the build's files by path relative to its root ("index.html",
  // "assets/index-B1x2.js", "assets/index-B1x2.js.gz"). Empty: the console was not built.
  explicit ConsoleSite(std::map<std::string, std::string> files);

  // Whether `path` (without the query) is the console's: /console or below /console/.
  static bool Takes(std::string_view path);

  // The answer for `request`, whose path Takes().
  Response Serve(const Request& request) const;

  bool built() const { return files_.contains("index.html"); }

 private:
  struct File {
    std::string body;
    std::string gzipped;  // empty: no precompressed copy
    std::string etag;
  };
  Response Send(const Request& request, const File& file, std::string_view name,
                std::string_view cache_control) const;

  std::map<std::string, File, std::less<>> files_;
};

// The Content-Type of a file named `name`, by its extension (text types in UTF-8);
// application/octet-stream for one not listed.
std::string_view ContentTypeOf(std::string_view name);

}  // namespace icp::http
