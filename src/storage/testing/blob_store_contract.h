#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ports/blob_store.h"

namespace icp::storage_testing {

// One BlobStore the contract suite (blob_store_contract_test.cc) runs against.
struct BlobStoreUnderTest {
  struct Instance {
    std::shared_ptr<BlobStore> blobs;
    // Replaces the bytes stored under a name behind the store's back.
    std::function<void(const std::string& sha256, const std::string& bytes)> tamper;
  };
  std::string name;
  std::function<Instance()> make;
};

inline void PrintTo(const BlobStoreUnderTest& store, std::ostream* os) { *os << store.name; }

// Defined by the test binary.
std::vector<BlobStoreUnderTest> BlobStoresUnderTest();

}  // namespace icp::storage_testing
