#include "exe/worker_identity.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace icp {
namespace {

std::string HostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

}  // namespace

std::string WorkerIdentity(std::string_view program, std::string_view host, std::int64_t pid,
                           std::uint32_t random) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", random);
  return std::string(program) + "-" + std::string(host) + "-" + std::to_string(pid) + "-" + suffix;
}

std::string NewWorkerIdentity(std::string_view program) {
  std::random_device random;
  return WorkerIdentity(program, HostName(), getpid(), static_cast<std::uint32_t>(random()));
}

std::string OperatorName() {
  const char* user = std::getenv("USER");
  const char* login = getlogin();
  const std::string who = user != nullptr && *user != '\0'     ? user
                          : login != nullptr && *login != '\0' ? login
                                                               : "uid" + std::to_string(getuid());
  return "operator:" + who + "@" + HostName();
}

}  // namespace icp
