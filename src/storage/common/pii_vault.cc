#include "storage/common/pii_vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/check.h"

namespace icp {
namespace {

constexpr std::string_view kVersion = "v1:";
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES] = {'b', 'e', 'i', 'a', 'n', 'p', 'i', 'i'};
constexpr char kAuditKdfContext[crypto_kdf_CONTEXTBYTES] = {'b', 'e', 'i', 'a', 'n', 'a', 'u', 'd'};

void InitSodium() { ICP_CHECK(sodium_init() >= 0) << "libsodium failed to initialise"; }

std::unexpected<Error> KeyFileProblem(const std::filesystem::path& path, const std::string& why) {
  Error e{ErrorCode::kFailedPrecondition,
          "PII key file " + path.string() + ": " + why,
          {{"pii_key_file", "pii.key-file", why, "个人信息密钥文件不可用：" + why}}};
  return std::unexpected(std::move(e));
}

std::string Hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

// Writes a new key to a private temporary file and links it into place: link() fails if
// the key exists, so of two processes racing, one key wins and both read it.
Result<void> CreateKeyFile(const std::filesystem::path& path) {
  std::array<unsigned char, 32> master{};
  crypto_kdf_keygen(master.data());
  const std::string text = Hex(master.data(), master.size()) + "\n";
  sodium_memzero(master.data(), master.size());
  // A random name: two threads or processes creating the key at once each write their own.
  std::array<unsigned char, 8> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  const std::string tmp = path.string() + ".tmp." + Hex(nonce.data(), nonce.size());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return KeyFileProblem(path, std::string("cannot create: ") + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return KeyFileProblem(path, "cannot write the new key");
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    return KeyFileProblem(path, std::string("cannot create: ") + std::strerror(link_errno));
  }
  return {};
}

}  // namespace

Result<PiiVault> PiiVault::OpenKeyFile(const std::filesystem::path& path) {
  InitSodium();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (Result<void> created = CreateKeyFile(path); !created)
      return std::unexpected(created.error());
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return KeyFileProblem(path, "cannot read it");
  if ((st.st_mode & 077) != 0) {
    return KeyFileProblem(path, "it is readable by group or others; chmod 600 it");
  }
  std::ifstream in(path);
  std::string hex;
  in >> hex;
  std::array<unsigned char, 32> master{};
  std::size_t length = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(master.data(), master.size(), hex.data(), hex.size(), nullptr, &length,
                     nullptr) != 0 ||
      length != master.size()) {
    return KeyFileProblem(path, "it does not hold a 64-digit hex key");
  }
  PiiVault vault = FromMasterKey(master);
  sodium_memzero(master.data(), master.size());
  return vault;
}

PiiVault PiiVault::FromMasterKey(const std::array<unsigned char, 32>& master) {
  InitSodium();
  PiiVault vault;
  crypto_kdf_derive_from_key(vault.seal_key_.data(), vault.seal_key_.size(), 1, kKdfContext,
                             master.data());
  crypto_kdf_derive_from_key(vault.hash_key_.data(), vault.hash_key_.size(), 2, kKdfContext,
                             master.data());
  crypto_kdf_derive_from_key(vault.audit_key_.data(), vault.audit_key_.size(), 1, kAuditKdfContext,
                             master.data());
  return vault;
}

std::string PiiVault::Seal(std::string_view plaintext, std::string_view context) const {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::vector<unsigned char> box(kNonce + plaintext.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(box.data(), kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      box.data() + kNonce, &written, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(context.data()), context.size(),
      nullptr, box.data(), seal_key_.data());
  const std::size_t total = kNonce + written;
  std::string out(sodium_base64_ENCODED_LEN(total, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), box.data(), total, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return std::string(kVersion) + out;
}

Result<std::string> PiiVault::Open(std::string_view sealed, std::string_view context) const {
  auto refuse = [] {
    return std::unexpected(Error{ErrorCode::kInternal,
                                 "a sealed document does not open with this key",
                                 {{"", "pii.open", "sealed data does not authenticate", ""}}});
  };
  if (!sealed.starts_with(kVersion)) return refuse();
  sealed.remove_prefix(kVersion.size());
  std::vector<unsigned char> box(sealed.size());
  std::size_t size = 0;
  if (sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr, &size,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return refuse();
  }
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (size < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) return refuse();
  std::string plain(size - kNonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plain_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_size, nullptr, box.data() + kNonce,
          size - kNonce, reinterpret_cast<const unsigned char*>(context.data()), context.size(),
          box.data(), seal_key_.data()) != 0) {
    return refuse();
  }
  plain.resize(plain_size);
  return plain;
}

std::string PiiVault::Hash(std::string_view value, std::string_view context) const {
  std::array<unsigned char, 32> out{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, hash_key_.data(), hash_key_.size(), out.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()),
                            context.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                            value.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return Hex(out.data(), out.size());
}

}  // namespace icp
