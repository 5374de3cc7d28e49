// An uploaded file as icpd inspects it before storing it (app::InspectFile): libmagic's
// verdict, then the image header read by domain/image_header.h, against the strictest and the
// loosest limits in force. Whatever the bytes, the file is either taken with facts that keep
// the limit, or refused with a problem on "file".

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

#include "app/material_service.h"
#include "codec/material_limits_json.h"
#include "fuzz/fuzz.h"
#include "media/magic_sniffer.h"

namespace {

using icp::fuzz::Require;

struct Fixture {
  std::unique_ptr<icp::media::MagicSniffer> sniffer;
  icp::FileLimit any_image{{icp::FileType::kJpeg, icp::FileType::kPng, icp::FileType::kPdf},
                           20 * 1024 * 1024,
                           1,
                           1,
                           100000,
                           100000};
  icp::FileLimit strict{{icp::FileType::kJpeg}, 4096, 300, 400, 1000, 1000};
};

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture();
    auto sniffer = icp::media::MagicSniffer::Open();
    if (!sniffer) {
      std::fprintf(stderr, "fuzz: libmagic: %s\n", sniffer.error().message.c_str());
      std::abort();
    }
    f->sniffer = std::move(*sniffer);
    return f;
  }();
  return *fixture;
}

void Inspect(const icp::FileLimit& limit, std::string_view bytes) {
  std::vector<icp::FieldViolation> problems;
  auto facts = icp::InspectFile(*TheFixture().sniffer, limit, bytes, problems);
  Require(facts.has_value(), "the sniffer does not fail on any bytes");
  for (const icp::FieldViolation& v : problems) {
    Require(v.field == "file" && !v.rule.empty() && !v.message.empty(), "a problem on \"file\"");
  }
  if (!*facts) {
    Require(!problems.empty(), "a file of no type it takes is refused with a problem");
    return;
  }
  const icp::FileFacts& f = **facts;
  Require(f.size == static_cast<std::int64_t>(bytes.size()), "the size is the bytes'");
  Require((f.type == icp::FileType::kPdf) != f.pixels.has_value(),
          "images, and only they, have pixels");
  if (!problems.empty()) return;
  Require(f.size <= limit.max_bytes, "a taken file keeps the size limit");
  Require(std::find(limit.types.begin(), limit.types.end(), f.type) != limit.types.end(),
          "a taken file is of a type the limit takes");
  if (f.pixels) {
    Require(f.pixels->width >= limit.min_width && f.pixels->height >= limit.min_height &&
                f.pixels->width <= limit.max_width && f.pixels->height <= limit.max_height,
            "a taken image keeps the pixel limits");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = icp::fuzz::Text(data, size);
  Inspect(TheFixture().any_image, bytes);
  Inspect(TheFixture().strict, bytes);
  return 0;
}
