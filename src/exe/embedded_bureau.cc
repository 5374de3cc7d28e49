#include "exe/embedded_bureau.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "miit/authentication.h"

extern char** environ;

namespace icp {
namespace {

constexpr std::int64_t kDefaultIspId = 440000000001;

// Runs `argv` to its end with stdout to `out_fd` (or inherited when -1): its pid.
Result<pid_t> Spawn(const std::vector<std::string>& args, int out_fd) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  // The child starts with no signal blocked: icpd blocks SIGTERM for its waiting thread.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Unavailable("cannot start " + args[0] + ": " + std::strerror(rc));
  return pid;
}

// The provider's password, made on the first start and kept for the next ones.
Result<std::string> ProviderSecret(const std::filesystem::path& dir, bool& created) {
  const std::filesystem::path file = dir / "provider.secret";
  created = false;
  if (std::ifstream in(file); in) {
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty()) return secret;
  }
  const std::string secret = miit::RandVal::Generate().str();
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Unavailable("cannot write " + file.string());
  const bool written =
      ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  ::close(fd);
  if (!written) return Unavailable("cannot write " + file.string());
  created = true;
  return secret;
}

}  // namespace

Result<std::unique_ptr<EmbeddedBureau>> EmbeddedBureau::Start(const std::filesystem::path& binary,
                                                              const std::filesystem::path& data_dir,
                                                              const EmbeddedBureauOptions& options,
                                                              BureauSettings& settings) {
  const std::filesystem::path dir = data_dir / "bureau";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  if (settings.isp_id == 0) settings.isp_id = kDefaultIspId;
  if (settings.user_name.empty()) settings.user_name = std::to_string(settings.isp_id);
  bool created = false;
  Result<std::string> secret = ProviderSecret(dir, created);
  if (!secret) return std::unexpected(secret.error());
  settings.password = *secret;
  if (created) {
    std::vector<std::string> add_args{binary.string(),
                                      "providers",
                                      "add",
                                      "--isp-id",
                                      std::to_string(settings.isp_id),
                                      "--user-name",
                                      settings.user_name,
                                      "--password",
                                      *secret,
                                      "--data-dir",
                                      dir.string()};
    // With bureau_aes_key set, the gateway encrypts its uploads: the bureau keeps the same key.
    if (!settings.aes_key.empty()) {
      add_args.insert(add_args.end(), {"--aes-key", settings.aes_key, "--aes-iv", settings.aes_iv});
    }
    Result<pid_t> add = Spawn(add_args, -1);
    if (!add) return std::unexpected(add.error());
    int status = 0;
    ::waitpid(*add, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::filesystem::remove(dir / "provider.secret", ec);
      return Unavailable("icp-bureau providers add failed");
    }
  }
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return Unavailable("cannot make a pipe for icp-bureau");
  std::vector<std::string> serve{binary.string(), "serve",
                                 "--port",        "0",
                                 "--address",     "127.0.0.1",
                                 "--data-dir",    dir.string(),
                                 "--auto-review", options.auto_review};
  if (options.auto_review != "off") {
    serve.insert(serve.end(), {"--review-delay", std::to_string(options.review_delay_seconds)});
  }
  if (options.test_hooks) serve.emplace_back("--test-hooks");
  Result<pid_t> pid = Spawn(serve, pipe_fds[1]);
  ::close(pipe_fds[1]);
  if (!pid) {
    ::close(pipe_fds[0]);
    return std::unexpected(pid.error());
  }
  // Its stdout: "icp-bureau … serving …", then "listening on http://127.0.0.1:PORT".
  FILE* out = ::fdopen(pipe_fds[0], "r");
  std::string url;
  char line[512];
  while (out != nullptr && std::fgets(line, sizeof line, out) != nullptr) {
    std::string text(line);
    if (text.starts_with("listening on ")) {
      url = text.substr(13);
      while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
      break;
    }
  }
  if (url.empty()) {
    ::kill(*pid, SIGTERM);
    ::waitpid(*pid, nullptr, 0);
    if (out != nullptr) std::fclose(out);
    return Unavailable("icp-bureau did not say where it listens");
  }
  settings.url = url;
  // The pipe stays open until the child is gone: its last line ("stopped") must not meet a
  // closed pipe.
  return std::unique_ptr<EmbeddedBureau>(new EmbeddedBureau(*pid, url, out));
}

EmbeddedBureau::~EmbeddedBureau() {
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  if (out_ != nullptr) std::fclose(out_);
}

}  // namespace icp
