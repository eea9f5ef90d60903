// Signatures of default-domain (ai.onnx) operators at a given opset: ONNX 1.12's own schemas up to
// opset 17, and our table for the operators introduced or changed in opsets 18 to 23 (taken from
// the ONNX operator changelog). Protobuf-free so that validation and conversion share it.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/ir/attribute.h"

namespace nncf::onnx {

constexpr int kVariadic = std::numeric_limits<int>::max();

struct AttributeSpec {
  std::string name;
  ir::AttributeType type = ir::AttributeType::kUndefined;
  bool required = false;
};

struct OpSignature {
  std::string op_type;
  int64_t since_version = 0;
  int min_inputs = 0;
  int max_inputs = 0;
  int min_outputs = 0;
  int max_outputs = 0;
  std::vector<AttributeSpec> attributes;
  bool deprecated = false;
  bool allows_unchecked_attributes = false;

  const AttributeSpec* FindAttribute(const std::string& name) const;
};

// The version of default-domain `op_type` in force at `opset` (the newest one introduced at or
// before it), or nullopt when the op does not exist at that opset.
std::optional<OpSignature> FindOpSignature(const std::string& op_type, int64_t opset);

// Ops of the default domain whose signature or semantics changed (or that appeared) exactly at
// `opset`, for opsets 18 to 23; empty for other opsets.
std::vector<std::string> OpsChangedAt(int64_t opset);

}  // namespace nncf::onnx
