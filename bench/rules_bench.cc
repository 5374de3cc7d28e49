// The rules engine on a full application, and every identifier validator not in
// identifiers_bench.cc (issue 12: `Evaluate` on a full application, goal <= 50 us). Reads the
// rules of data/rules/ and a rule case of data/rules/cases/ from the working directory (make
// bench runs from the repository's root), so the figure is the shipped rules' cost.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "codec/application_json.h"
#include "domain/email.h"
#include "domain/hk_macao_permit.h"
#include "domain/hong_kong_identity_card.h"
#include "domain/organization_code.h"
#include "domain/passport.h"
#include "domain/taiwan_national_id.h"
#include "domain/taiwan_permit.h"
#include "rules/evaluate.h"
#include "rules/parse.h"

namespace icp {
namespace {

using namespace std::chrono;
constexpr Date kToday = 2026y / November / 23d;
// Four websites under a company: the largest of the shipped cases, each check has work to do.
constexpr std::string_view kCase = "data/rules/cases/14-unit-four-websites.json";

std::string ReadOrDie(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "rules_bench: cannot read " << path << " (run from the repository's root)\n";
    std::exit(2);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RuleFile RuleFileOrDie(const std::string& path) {
  Result<RuleFile> file = ParseRuleFile(ReadOrDie(path), path);
  if (!file) {
    std::cerr << "rules_bench: " << path << ": " << file.error().message << "\n";
    std::exit(2);
  }
  return std::move(*file);
}

const RuleSet& Rules() {
  static const RuleSet rules = [] {
    std::vector<RuleFile> provinces;
    for (const Province& p : Province::All()) {
      provinces.push_back(RuleFileOrDie("data/rules/provinces/" + std::string(p.code()) + ".json"));
    }
    Result<RuleSet> set =
        RuleSet::Build(RuleFileOrDie("data/rules/national.json"), std::move(provinces));
    if (!set) {
      std::cerr << "rules_bench: " << set.error().message << "\n";
      std::exit(2);
    }
    return std::move(*set);
  }();
  return rules;
}

Application CaseOrDie() {
  const boost::json::value doc = boost::json::parse(ReadOrDie(std::string(kCase)));
  Result<Application> app = codec::ApplicationFromJson(doc.as_object().at("application"), kToday);
  if (!app) {
    std::cerr << "rules_bench: " << kCase << ": " << app.error().message << "\n";
    std::exit(2);
  }
  return std::move(*app);
}

// Every check of the case's province on the case's application, as the type check and the
// submission run them.
void BM_EvaluateFullApplication(benchmark::State& state) {
  const Application app = CaseOrDie();
  const ProvinceRules& rules = Rules().For(app.subject.province);
  const ApplicationType type = app.type.value_or(ApplicationType::kFirstFiling);
  const EvaluationFacts facts;
  const sys_seconds now = sys_days(kToday) + hours(4);
  std::size_t violations = 0;
  for (auto _ : state) {
    std::vector<Violation> v = Evaluate(app, type, rules, facts, now);
    violations = v.size();
    benchmark::DoNotOptimize(v);
  }
  state.counters["checks"] = static_cast<double>(rules.checks.size());
  state.counters["websites"] = static_cast<double>(app.websites.size());
  state.counters["violations"] = static_cast<double>(violations);
}
BENCHMARK(BM_EvaluateFullApplication)->Unit(benchmark::kMicrosecond);

void BM_EmailParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Email::Parse("zhang.san+icp@example.com.cn"));
}
BENCHMARK(BM_EmailParse);

void BM_OrganizationCodeParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(OrganizationCode::Parse("D2143569-X"));
}
BENCHMARK(BM_OrganizationCodeParse);

void BM_PassportParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Passport::Parse("E12345678"));
}
BENCHMARK(BM_PassportParse);

void BM_HongKongMacaoPermitParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(HongKongMacaoPermit::Parse("M1234567801"));
}
BENCHMARK(BM_HongKongMacaoPermitParse);

void BM_HongKongIdentityCardParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(HongKongIdentityCard::Parse("P174468(6)"));
}
BENCHMARK(BM_HongKongIdentityCardParse);

void BM_TaiwanNationalIdParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(TaiwanNationalId::Parse("B221690311"));
}
BENCHMARK(BM_TaiwanNationalIdParse);

void BM_TaiwanPermitParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(TaiwanPermit::Parse("12345678"));
}
BENCHMARK(BM_TaiwanPermitParse);

}  // namespace
}  // namespace icp
