// The access gate's index beside std::unordered_set<std::string> of the same domains, in the
// same run (docs/performance.md, "The access gate"). ICP_GATE_BENCH_DOMAINS synthetic domains
// (default 1 000 000; issue 12 takes it to 10 000 000), each with a website number. Counters:
// bytes_per_entry (heap bytes the structure holds, measured with mallinfo2, divided by the
// entries) and lookups per second on one thread, for hits and for misses.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "app/gate_table.h"

namespace icp {
namespace {

std::size_t Domains() {
  const char* n = std::getenv("ICP_GATE_BENCH_DOMAINS");
  return n != nullptr ? std::strtoull(n, nullptr, 10) : 1'000'000;
}

// "k3x9q2site.cn"-like names of 8-20 characters under a handful of suffixes, deterministic.
std::string DomainName(std::uint64_t i) {
  static constexpr const char* kSuffixes[] = {".cn", ".com", ".com.cn", ".net", ".xn--fiqs8s"};
  std::mt19937_64 g(i * 0x9E3779B97F4A7C15ULL + 1);
  std::string s;
  const int len = 6 + static_cast<int>(g() % 12);
  for (int k = 0; k < len; ++k) s.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[g() % 36]);
  s += std::to_string(i % 1000);
  return s + kSuffixes[g() % 5];
}

// In use: small chunks (uordblks) and the large ones malloc maps apart (hblkhd).
std::size_t HeapBytes() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

struct Fixture {
  std::vector<std::string> hits;    // a sample of domains in the set, shuffled
  std::vector<std::string> misses;  // domains not in it
  std::unique_ptr<GateTable> table;
  std::unique_ptr<std::unordered_set<std::string>> set;
  double table_bytes = 0;
  double set_bytes = 0;
  std::size_t n = 0;
};

const Fixture& Get() {
  static const Fixture f = [] {
    Fixture x;
    x.n = Domains();
    std::size_t before = HeapBytes();
    {
      GateTable::Builder b;
      b.Reserve(x.n);
      for (std::size_t i = 0; i < x.n; ++i) {
        b.Add(DomainName(i), {"京ICP备20" + std::to_string(26000000 + i % 9000000) + "号-1", 0});
      }
      x.table = std::make_unique<GateTable>(std::move(b).Build());
    }
    x.table_bytes = static_cast<double>(HeapBytes() - before);
    before = HeapBytes();
    x.set = std::make_unique<std::unordered_set<std::string>>();
    x.set->reserve(x.n);
    for (std::size_t i = 0; i < x.n; ++i) x.set->insert(DomainName(i));
    x.set_bytes = static_cast<double>(HeapBytes() - before);
    std::mt19937_64 g(42);
    for (int k = 0; k < (1 << 16); ++k) {
      x.hits.push_back(DomainName(g() % x.n));
      x.misses.push_back("miss" + DomainName(g() % x.n));
    }
    return x;
  }();
  return f;
}

template <class F>
void Lookups(benchmark::State& state, const std::vector<std::string>& keys, double bytes, F find) {
  const Fixture& f = Get();
  std::size_t i = 0;
  std::size_t found = 0;
  for (auto _ : state) {
    found += find(keys[i++ & (keys.size() - 1)]);
  }
  benchmark::DoNotOptimize(found);
  state.counters["lookups_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["entries"] = static_cast<double>(f.n);
  state.counters["bytes_per_entry"] = bytes / static_cast<double>(f.n);
  state.counters["MB"] = bytes / 1e6;
}

void BM_GateTableHit(benchmark::State& state) {
  const Fixture& f = Get();
  Lookups(state, f.hits, f.table_bytes, [&](const std::string& d) { return f.table->Contains(d); });
}
void BM_GateTableMiss(benchmark::State& state) {
  const Fixture& f = Get();
  Lookups(state, f.misses, f.table_bytes,
          [&](const std::string& d) { return f.table->Contains(d); });
}
// A hit with its standing decoded (the number unpacked), as the gate answers.
void BM_GateTableFind(benchmark::State& state) {
  const Fixture& f = Get();
  Lookups(state, f.hits, f.table_bytes,
          [&](const std::string& d) { return f.table->Find(d).has_value(); });
}
void BM_UnorderedSetHit(benchmark::State& state) {
  const Fixture& f = Get();
  Lookups(state, f.hits, f.set_bytes, [&](const std::string& d) { return f.set->contains(d); });
}
void BM_UnorderedSetMiss(benchmark::State& state) {
  const Fixture& f = Get();
  Lookups(state, f.misses, f.set_bytes, [&](const std::string& d) { return f.set->contains(d); });
}

BENCHMARK(BM_GateTableHit);
BENCHMARK(BM_GateTableMiss);
BENCHMARK(BM_GateTableFind);
BENCHMARK(BM_UnorderedSetHit);
BENCHMARK(BM_UnorderedSetMiss);

}  // namespace
}  // namespace icp
