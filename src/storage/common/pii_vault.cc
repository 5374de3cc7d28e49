#include "storage/common/pii_vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "base/check.h"
#include "storage/common/private_files.h"

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

std::string Errno(int e) { return std::strerror(e); }

std::string Hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

// Makes the directory entry of a file just linked into `dir` durable: without it a crash can
// lose the new key although its bytes were synced, and the data sealed with it in the meantime
// would be lost with it.
Result<void> SyncDirectory(const std::filesystem::path& key, const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return KeyFileProblem(key, "cannot open its directory: " + Errno(errno));
  const bool synced = ::fsync(fd) == 0;
  const int e = errno;
  ::close(fd);
  if (!synced) return KeyFileProblem(key, "cannot sync its directory: " + Errno(e));
  return {};
}

// Writes a new key to a private temporary file and links it into place: link() fails if
// the key exists, so of two processes racing, one key wins and both read it.
Result<void> CreateKeyFile(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  if (Result<void> made = CreatePrivateDirectories(dir); !made) {
    return KeyFileProblem(path, made.error().message);
  }
  std::array<unsigned char, 32> master{};
  crypto_kdf_keygen(master.data());
  const std::string text = Hex(master.data(), master.size()) + "\n";
  sodium_memzero(master.data(), master.size());
  // A random name: two threads or processes creating the key at once each write their own.
  std::array<unsigned char, 8> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  const std::string tmp = path.string() + ".tmp." + Hex(nonce.data(), nonce.size());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return KeyFileProblem(path, "cannot create: " + Errno(errno));
  // fchmod: the mode given to open() passes through the umask.
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
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
    return KeyFileProblem(path, "cannot create: " + Errno(link_errno));
  }
  return SyncDirectory(path, dir);
}

// Opens the key file itself, never a file a symbolic link points to: whoever can plant a link
// where the key belongs could otherwise hand the store a key of their choosing.
Result<int> OpenKeyDescriptor(const std::filesystem::path& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) return fd;
    if (errno == ELOOP) {
      return KeyFileProblem(path, "it is a symbolic link; give the key file's own path");
    }
    if (errno != ENOENT || attempt > 0)
      return KeyFileProblem(path, "cannot read it: " + Errno(errno));
    if (Result<void> created = CreateKeyFile(path); !created) {
      return std::unexpected(created.error());
    }
  }
  return KeyFileProblem(path, "cannot read it");
}

// Checks the file behind `fd`, the one that will be read: the check and the read cannot be
// told apart by a rename in between.
Result<void> CheckKeyDescriptor(const std::filesystem::path& path, int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return KeyFileProblem(path, "cannot read it: " + Errno(errno));
  if (!S_ISREG(st.st_mode)) return KeyFileProblem(path, "it is not a regular file");
  if (st.st_uid != ::geteuid()) {
    return KeyFileProblem(path, "it belongs to user " + std::to_string(st.st_uid) +
                                    ", not to this process's user " + std::to_string(::geteuid()) +
                                    "; chown it");
  }
  if ((st.st_mode & 077) != 0) {
    return KeyFileProblem(path, "group or others may read or write it; chmod 600 it");
  }
  return {};
}

// Up to 128 bytes of the file behind `fd`: a key file is 65.
std::string ReadSmall(int fd) {
  std::string text(128, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size += static_cast<std::size_t>(n);
  }
  text.resize(size);
  return text;
}

}  // namespace

Result<PiiVault> PiiVault::OpenKeyFile(const std::filesystem::path& path) {
  InitSodium();
  Result<int> fd = OpenKeyDescriptor(path);
  if (!fd) return std::unexpected(fd.error());
  Result<void> checked = CheckKeyDescriptor(path, *fd);
  std::string text = checked ? ReadSmall(*fd) : std::string();
  ::close(*fd);
  if (!checked) return std::unexpected(checked.error());
  std::string_view hex = text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.remove_suffix(1);
  }
  std::array<unsigned char, 32> master{};
  std::size_t length = 0;
  const bool valid = hex.size() == 64 &&
                     sodium_hex2bin(master.data(), master.size(), hex.data(), hex.size(), nullptr,
                                    &length, nullptr) == 0 &&
                     length == master.size();
  sodium_memzero(text.data(), text.size());
  if (!valid) return KeyFileProblem(path, "it does not hold a 64-digit hex key");
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
  // Nothing after the version cannot hold a nonce and a tag; and libsodium must not be handed
  // the null data() of an empty buffer.
  if (sealed.empty()) return refuse();
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
