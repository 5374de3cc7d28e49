// Parsing identifiers is on every request path (forms, API, the access gate's Host check).
#include <benchmark/benchmark.h>

#include <chrono>

#include "domain/credit_code.h"
#include "domain/domain_name.h"
#include "domain/filing_number.h"
#include "domain/mobile_number.h"
#include "domain/resident_id.h"

namespace icp {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;

void BM_ResidentIdParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ResidentId::Parse("11010519491231002X", kToday));
}
BENCHMARK(BM_ResidentIdParse);

void BM_CreditCodeParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(CreditCode::Parse("91350100M000100Y43"));
}
BENCHMARK(BM_CreditCodeParse);

void BM_MobileNumberParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(MobileNumber::Parse("+86 138 0013 8000"));
}
BENCHMARK(BM_MobileNumberParse);

void BM_DomainNameParseAscii(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DomainName::Parse("www.example.com.cn"));
}
BENCHMARK(BM_DomainNameParseAscii);

void BM_DomainNameParseUnicode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DomainName::Parse("www.例子.中国"));
}
BENCHMARK(BM_DomainNameParseUnicode);

void BM_DomainSuffixStatus(benchmark::State& state) {
  const DomainName name = *DomainName::Parse("shop.example.com.cn");
  for (auto _ : state) benchmark::DoNotOptimize(name.suffix_status());
}
BENCHMARK(BM_DomainSuffixStatus);

void BM_FilingNumberParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(FilingNumber::Parse("京ICP备12345678号-1"));
}
BENCHMARK(BM_FilingNumberParse);

}  // namespace
}  // namespace icp
