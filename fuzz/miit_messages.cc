// MIIT's enterprise interface as it arrives from outside (src/miit/): SOAP envelopes and
// return documents, the payload pipeline (base64, MD5, zip, GBK) and the upload and download
// XML. The first byte picks the entry. XML that decodes is encoded again and decodes to the
// same message; a payload is wrapped with its own MD5 so that the fuzzer reaches the unzip and
// the GBK decoder behind the hash check.

#include <string>

#include "fuzz/fuzz.h"
#include "miit/base64.h"
#include "miit/digest.h"
#include "miit/gbk.h"
#include "miit/messages.h"
#include "miit/payload.h"
#include "miit/soap.h"
#include "miit/zip_archive.h"

namespace {

using icp::fuzz::Require;
namespace miit = icp::miit;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = icp::fuzz::Text(data + 1, size - 1);
  switch (data[0] % 8) {
    case 0:
      icp::fuzz::RoundTrip(
          text, [](std::string_view t) { return miit::DecodeUpload(t); }, miit::EncodeUpload,
          "DecodeUpload(EncodeUpload(u)) == u");
      break;
    case 1:
      icp::fuzz::RoundTrip(
          text, [](std::string_view t) { return miit::DecodeDownload(t); }, miit::EncodeDownload,
          "DecodeDownload(EncodeDownload(d)) == d");
      break;
    case 2:
      (void)miit::ValidateUpload(text);
      (void)miit::ValidateDownload(text);
      break;
    case 3:
      (void)miit::ParseRequest(text);
      break;
    case 4: {
      if (text.empty()) break;
      const auto method = static_cast<miit::Method>(static_cast<unsigned char>(text[0]) % 6);
      (void)miit::ParseResponse(method, text.substr(1));
      (void)miit::ParseReturnDocument(text.substr(1));
      break;
    }
    case 5: {  // a zip as beianInfo, with its true hash
      miit::WirePayload payload;
      payload.beian_info = miit::Base64Encode(text);
      payload.beian_info_hash = miit::Base64Encode(miit::Md5(text));
      (void)miit::DecodePayload(payload, {});
      (void)miit::UnzipOne(text);
      break;
    }
    case 6: {
      auto utf8 = miit::GbkToUtf8(text);
      if (utf8) {
        auto gbk = miit::Utf8ToGbk(*utf8);
        Require(gbk.has_value(), "what GbkToUtf8 gives, Utf8ToGbk takes");
      }
      break;
    }
    case 7:
      (void)miit::Base64Decode(text);
      break;
  }
  return 0;
}
