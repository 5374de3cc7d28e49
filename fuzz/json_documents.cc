// The JSON documents Beian reads from outside (src/codec/): the application document of the
// API and icpctl, the stored documents, account details, resource and record imports, the
// upload limits. The first byte picks the decoder. A document that decodes is written back
// and read again to the same value: what the API accepts, it can give back unchanged.

#include <boost/json/parse.hpp>
#include <chrono>
#include <string>

#include "codec/account_json.h"
#include "codec/application_json.h"
#include "codec/material_limits_json.h"
#include "codec/record_import.h"
#include "codec/resource_import.h"
#include "fuzz/fuzz.h"

namespace {

using icp::fuzz::Require;
namespace codec = icp::codec;

constexpr icp::Date kToday{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(29)};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = icp::fuzz::Text(data + 1, size - 1);
  switch (data[0] % 9) {
    case 0: {  // the API's application document
      boost::system::error_code ec;
      const boost::json::value document = boost::json::parse(text, ec);
      if (ec) break;
      auto app = codec::ApplicationFromJson(document, kToday);
      if (!app) {
        Require(!app.error().violations.empty() || !app.error().message.empty(),
                "a refused application says why");
        break;
      }
      auto again = codec::ApplicationFromJson(
          codec::ApplicationToJson(*app, icp::Disclosure::kFull), kToday);
      Require(again && *again == *app, "ApplicationFromJson(ApplicationToJson(a)) == a");
      break;
    }
    case 1:  // a stored application
      icp::fuzz::RoundTrip(
          text, [](std::string_view t) { return codec::DecodeApplication(t, kToday); },
          codec::EncodeApplication, "DecodeApplication(EncodeApplication(a)) == a");
      break;
    case 2:
      icp::fuzz::RoundTrip(
          text, [](std::string_view t) { return codec::DecodeSubject(t, kToday); },
          codec::EncodeSubject, "DecodeSubject(EncodeSubject(s)) == s");
      break;
    case 3:
      icp::fuzz::RoundTrip(
          text, [](std::string_view t) { return codec::DecodeWebsite(t, kToday); },
          codec::EncodeWebsite, "DecodeWebsite(EncodeWebsite(w)) == w");
      break;
    case 4:
      icp::fuzz::RoundTrip(text, codec::DecodeBureauIds, codec::EncodeBureauIds,
                           "DecodeBureauIds(EncodeBureauIds(i)) == i");
      break;
    case 5: {  // compared by their encoding: AccountPersonal has no ==
      auto p = codec::DecodeAccountPersonal(text);
      if (!p) break;
      const std::string encoded = codec::EncodeAccountPersonal(*p);
      auto again = codec::DecodeAccountPersonal(encoded);
      Require(again && codec::EncodeAccountPersonal(*again) == encoded,
              "DecodeAccountPersonal reads back what EncodeAccountPersonal writes");
      break;
    }
    case 6:
      (void)codec::ParseResourcesCsv(text);
      (void)codec::ParseRfc3339(text);
      break;
    case 7:
      (void)codec::ParseResourcesJson(text);
      (void)codec::ParseMaterialLimits(text);
      break;
    case 8: {  // an import of filed records
      boost::system::error_code ec;
      const boost::json::value document = boost::json::parse(text, ec);
      if (!ec) (void)codec::RecordImportFromJson(document, kToday);
      break;
    }
  }
  return 0;
}
