#pragma once

#include <string_view>

#include "base/result.h"
#include "domain/material_limits.h"

namespace icp::codec {

// Reads upload limits in the shape of data/reference/material_limits.schema.json: a default
// limit, and per kind ("identity_document", ..., "curtain_photo") the fields that differ.
// Strict: kInvalidArgument listing every problem with its path (unknown keys, wrong types, a
// type that is not accepted, a bound below 1, a minimum above its maximum).
Result<MaterialLimits> ParseMaterialLimits(std::string_view text);

// The limits compiled into the binary from data/reference/material_limits.json.
// kInvalidArgument only if that file is broken (a test keeps it whole).
Result<MaterialLimits> BuiltinMaterialLimits();

}  // namespace icp::codec
