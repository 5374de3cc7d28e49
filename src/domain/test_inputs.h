#pragma once

#include <string>

namespace icp::testing_inputs {

// Inputs every Parse() must refuse cleanly, never crash on.
inline const std::string kNotUtf8 = "\xFF\xFE\x80 11010519491231002X";
inline const std::string kAbsurdlyLong = std::string(1 << 20, '1');
inline const std::string kEmbeddedNul = std::string(
    "1101051949\0"
    "1231002X",
    19);

}  // namespace icp::testing_inputs
