#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

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

}  // namespace icp::storage_testing
