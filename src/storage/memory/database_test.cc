#include "storage/memory/database.h"

#include "storage/testing/contract.h"

namespace icp {

// The memory store is held to the contract suite alone: every property it has is one the
// SQL stores must have too.
namespace storage_testing {
std::vector<StoreUnderTest> StoresUnderTest() {
  return {{"Memory", []() -> std::unique_ptr<Database> { return memory::Database::Create(); }}};
}
}  // namespace storage_testing

}  // namespace icp
