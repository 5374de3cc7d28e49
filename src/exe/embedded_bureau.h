#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "exe/config.h"

namespace icp {

// How the embedded bureau decides and what it shows (icpd serve's --bureau-* flags, passed to
// `icp-bureau serve`): by default every filing waits for a person (`icp-bureau review`).
struct EmbeddedBureauOptions {
  std::string auto_review = "off";        // --auto-review: off, approve or return
  std::int64_t review_delay_seconds = 0;  // --review-delay: seconds in review before it
  bool test_hooks = false;  // --test-hooks: the sink's messages readable, a test clock
};

// `icpd serve --with-bureau`: the bureau's stand-in (`icp-bureau`) as a child process on
// loopback, for single-machine installs and demos (docs/bureau-protocol.md "The gateway").
// Its store is DATA_DIR/bureau; the first start opens a provider account there with a random
// password kept beside it (DATA_DIR/bureau/provider.secret, 0600), so later starts find it.
class EmbeddedBureau {
 public:
  // Starts `binary` (icp-bureau) with --port 0 and waits for its "listening on" line.
  // `settings` gets the bureau's URL, the provider's ispId (440000000001 unless one is set)
  // and password. kUnavailable when the child cannot start or does not say where it listens.
  static Result<std::unique_ptr<EmbeddedBureau>> Start(const std::filesystem::path& binary,
                                                       const std::filesystem::path& data_dir,
                                                       const EmbeddedBureauOptions& options,
                                                       BureauSettings& settings);
  ~EmbeddedBureau();  // stops the child: SIGTERM, then waits for it
  EmbeddedBureau(const EmbeddedBureau&) = delete;
  EmbeddedBureau& operator=(const EmbeddedBureau&) = delete;

  const std::string& url() const { return url_; }

 private:
  EmbeddedBureau(pid_t pid, std::string url, std::FILE* out)
      : pid_(pid), url_(std::move(url)), out_(out) {}

  pid_t pid_;
  std::string url_;
  std::FILE* out_;  // the read end of the child's stdout
};

}  // namespace icp
