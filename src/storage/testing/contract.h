#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/test_strictness.h"
#include "ports/database.h"

namespace icp::storage_testing {

// One store the contract suite runs against. `make` returns a new, empty store each call,
// or nullptr when the store is not available here (PostgreSQL without ICP_TEST_PG_URL):
// the suite then skips, saying why.
struct StoreUnderTest {
  std::string name;
  std::function<std::unique_ptr<Database>()> make;
};

// Test names print the store's name, not its bytes.
inline void PrintTo(const StoreUnderTest& store, std::ostream* os) { *os << store.name; }

// Defined by each store's test binary (memory, sqlite, postgres).
std::vector<StoreUnderTest> StoresUnderTest();

// The fixture of every contract suite: a new store per test. A store that is not available
// here skips the test, or fails it where skips are failures (CI, make test).
class ContractTest : public ::testing::TestWithParam<StoreUnderTest> {
 protected:
  void SetUp() override {
    db_ = GetParam().make();
    if (db_ == nullptr) ICP_SKIP_OR_FAIL(GetParam().name << " is not available here");
  }

  // A unit of work on the store; fails the test if it cannot begin.
  std::unique_ptr<UnitOfWork> Begin() {
    Result<std::unique_ptr<UnitOfWork>> uow = db_->Begin();
    EXPECT_TRUE(uow.has_value()) << uow.error().message;
    return uow ? std::move(*uow) : nullptr;
  }

  std::unique_ptr<Database> db_;
};

}  // namespace icp::storage_testing
