// Bit meanings of the IR's `explicit_defaults` masks: each bit records that an optional proto2
// field was present in the source with its default value, which the IR's plain members cannot
// tell apart from absence. Private to src/onnx.
#pragma once

#include <cstdint>

namespace nncf::onnx::presence {

// ModelProto
constexpr uint32_t kModelIrVersion = 1u << 0;
constexpr uint32_t kModelProducerName = 1u << 1;
constexpr uint32_t kModelProducerVersion = 1u << 2;
constexpr uint32_t kModelDomain = 1u << 3;
constexpr uint32_t kModelModelVersion = 1u << 4;
constexpr uint32_t kModelDocString = 1u << 5;

// OperatorSetIdProto
constexpr uint32_t kOpsetDomain = 1u << 0;
constexpr uint32_t kOpsetVersion = 1u << 1;

// StringStringEntryProto
constexpr uint32_t kEntryKey = 1u << 0;
constexpr uint32_t kEntryValue = 1u << 1;

// GraphProto
constexpr uint32_t kGraphName = 1u << 0;
constexpr uint32_t kGraphDocString = 1u << 1;

// NodeProto
constexpr uint32_t kNodeName = 1u << 0;
constexpr uint32_t kNodeOpType = 1u << 1;
constexpr uint32_t kNodeDomain = 1u << 2;
constexpr uint32_t kNodeDocString = 1u << 3;

// AttributeProto
constexpr uint32_t kAttrName = 1u << 0;
constexpr uint32_t kAttrRefAttrName = 1u << 1;
constexpr uint32_t kAttrDocString = 1u << 2;
constexpr uint32_t kAttrType = 1u << 3;

// ValueInfoProto
constexpr uint32_t kValueInfoName = 1u << 0;
constexpr uint32_t kValueInfoDocString = 1u << 1;

// TypeProto and its kind-specific sub-message
constexpr uint32_t kTypeDenotation = 1u << 0;
constexpr uint32_t kTypeMapKeyType = 1u << 1;
constexpr uint32_t kTypeOpaqueDomain = 1u << 2;
constexpr uint32_t kTypeOpaqueName = 1u << 3;

// TensorShapeProto.Dimension
constexpr uint32_t kDimDenotation = 1u << 0;

// TensorProto
constexpr uint32_t kTensorName = 1u << 0;
constexpr uint32_t kTensorDocString = 1u << 1;
constexpr uint32_t kTensorDataType = 1u << 2;
constexpr uint32_t kTensorDataLocation = 1u << 3;  // data_location = DEFAULT written explicitly
constexpr uint32_t kTensorSegmentBegin = 1u << 4;
constexpr uint32_t kTensorSegmentEnd = 1u << 5;

// FunctionProto
constexpr uint32_t kFunctionName = 1u << 0;
constexpr uint32_t kFunctionDomain = 1u << 1;
constexpr uint32_t kFunctionDocString = 1u << 2;

}  // namespace nncf::onnx::presence
