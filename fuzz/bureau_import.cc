// `icp-bureau import` (src/bureau_sim/import.h): JSON Lines of filed records, from outside the
// bureau, read into a fresh registry. The first byte picks the batch size (1 to 4 lines, so
// batch boundaries fall everywhere). Every line is counted once (imported, unchanged or
// refused), a refusal says why, and importing the same text again changes nothing.

#include <memory>
#include <sstream>
#include <string>

#include "bureau_sim/import.h"
#include "bureau_sim/store.h"
#include "fuzz/fuzz.h"
#include "ports/testing/fake_password_hasher.h"
#include "storage/sqlite/connection.h"

namespace {

using icp::fuzz::Require;
namespace sim = icp::bureau_sim;

constexpr std::int64_t kNow = 1'780'000'000;

icp::Result<sim::ImportReport> Import(sim::Store& store, const std::string& text,
                                      std::size_t batch) {
  icp::FakePasswordHasher hasher;
  std::istringstream in(text);
  return sim::ImportRecords(store, in, hasher, kNow, batch);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t batch = 1 + data[0] % 4;
  const std::string text(icp::fuzz::Text(data + 1, size - 1));
  auto connection = icp::sqlite::Connection::Open(":memory:");
  Require(connection.has_value(), "an in-memory database opens");
  auto store = sim::Store::OpenOn(std::move(*connection), kNow);
  Require(store.has_value(), "the bureau's schema migrates");

  const icp::Result<sim::ImportReport> first = Import(**store, text, batch);
  if (!first) return 0;  // an unreadable stream is an error, not a finding
  Require(first->lines == first->imported + first->unchanged + first->refused,
          "every line is imported, unchanged or refused");
  Require(first->refused == 0 || !first->problems.empty(), "a refused line says why");
  Require(first->problems.size() <= 1000, "at most 1000 problems are kept");

  const icp::Result<sim::ImportReport> again = Import(**store, text, batch);
  Require(again.has_value(), "the same text imports again");
  Require(again->lines == first->lines, "the same lines are read again");
  Require(again->imported == 0, "an identical re-import writes nothing");
  Require(again->unchanged == first->imported + first->unchanged,
          "what was imported is unchanged the second time");
  return 0;
}
