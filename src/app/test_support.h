#pragma once

// Fakes and file builders shared by the use-case tests (not part of icp_app).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/material_limits.h"
#include "ports/code_source.h"
#include "ports/content_sniffer.h"
#include "ports/database.h"
#include "ports/real_name_lookup.h"

namespace icp::app_testing {

// Tells files by their first bytes, as libmagic would for these (media/ tests libmagic).
class FakeSniffer final : public ContentSniffer {
 public:
  Result<std::string> Sniff(std::string_view bytes) override {
    if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return std::string("image/png");
    if (bytes.starts_with("\xff\xd8\xff")) return std::string("image/jpeg");
    if (bytes.starts_with("%PDF-")) return std::string("application/pdf");
    if (bytes.starts_with("\x7f"
                          "ELF"))
      return std::string("application/x-pie-executable");
    return std::string("application/octet-stream");
  }
};

class CountingCodes final : public CodeSource {
 public:
  std::string NewCode() override { return "TEST-CODE-" + std::to_string(++n_); }

 private:
  int n_ = 0;
};

class FakeRealNames final : public RealNameLookup {
 public:
  Result<AccountVerification> VerificationOf(UnitOfWork&, AccountId account) override {
    auto it = by_account.find(account.value());
    return it == by_account.end() ? AccountVerification::kNone : it->second;
  }
  std::map<std::int64_t, AccountVerification> by_account;
};

inline void Put32(std::string& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<char>(v >> shift));
}

// A PNG's signature and IHDR: enough for the sniffer and the header reader.
inline std::string Png(std::uint32_t width, std::uint32_t height, std::size_t pad = 0) {
  std::string b("\x89PNG\r\n\x1a\n", 8);
  Put32(b, 13);
  b += "IHDR";
  Put32(b, width);
  Put32(b, height);
  b += std::string("\x08\x02\0\0\0\0\0\0\0", 9);
  b += std::string(pad, '\0');
  return b;
}

inline std::string Jpeg(std::uint16_t width, std::uint16_t height) {
  std::string b("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20);
  b += std::string("\xff\xc0\0\x0b\x08", 5);
  b.push_back(static_cast<char>(height >> 8));
  b.push_back(static_cast<char>(height));
  b.push_back(static_cast<char>(width >> 8));
  b.push_back(static_cast<char>(width));
  b += std::string("\x01\x01\x11\0\xff\xd9", 6);
  return b;
}

inline std::string Pdf() { return "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"; }

// The limits of data/reference/material_limits.json's default for every kind, and a
// stricter handheld photo and curtain photo; the transfer letter's like the default.
inline MaterialLimits TestLimits() {
  std::map<std::string, FileLimit, std::less<>> m;
  const FileLimit any{
      {FileType::kJpeg, FileType::kPng, FileType::kPdf}, 4096, 300, 300, 8000, 8000};
  for (MaterialKind k : AllMaterialKinds()) m.emplace(std::string(MaterialKindName(k)), any);
  m["handheld_id_photo"].types = {FileType::kJpeg, FileType::kPng};
  m["curtain_photo"] = {{FileType::kJpeg, FileType::kPng}, 4096, 800, 600, 8000, 8000};
  m["transfer_letter"] = any;
  return MaterialLimits(std::move(m));
}

}  // namespace icp::app_testing
