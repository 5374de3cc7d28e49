#include "ports/blob_store.h"

#include <algorithm>

namespace icp {

bool IsBlobName(std::string_view name) {
  return name.size() == 64 && std::ranges::all_of(name, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace icp
