#include "graph_structure.h"

#include <set>
#include <utility>

#include "cli_error.h"
#include "npy.h"

namespace nncf_cli {

namespace {

// Field numbers from onnx.proto.
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphNode = 1, kGraphName = 2, kGraphInitializer = 5, kGraphInput = 11,
                   kGraphOutput = 12;
constexpr uint32_t kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4, kNodeDomain = 7;
constexpr uint32_t kTensorDims = 1, kTensorDataType = 2, kTensorName = 8;
constexpr uint32_t kValueInfoName = 1;

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// One message's fields, walked in order.
class WireReader {
 public:
  WireReader(const uint8_t* begin, const uint8_t* end, const std::string& origin)
      : pos_(begin), end_(end), origin_(origin) {}

  bool Next() {
    if (pos_ >= end_) return false;
    const uint64_t key = Varint();
    field_ = static_cast<uint32_t>(key >> 3);
    type_ = static_cast<uint32_t>(key & 7);
    switch (type_) {
      case kVarint:
        varint_ = Varint();
        break;
      case kFixed64:
        Skip(8);
        break;
      case kFixed32:
        Skip(4);
        break;
      case kLengthDelimited: {
        const uint64_t length = Varint();
        if (length > static_cast<uint64_t>(end_ - pos_)) Malformed();
        payload_begin_ = pos_;
        pos_ += length;
        break;
      }
      default:
        Malformed();
    }
    return true;
  }

  uint32_t field() const { return field_; }
  uint32_t type() const { return type_; }
  uint64_t varint() const { return varint_; }
  WireReader Message() const { return WireReader(payload_begin_, pos_, origin_); }
  std::string String() const {
    return std::string(reinterpret_cast<const char*>(payload_begin_),
                       static_cast<size_t>(pos_ - payload_begin_));
  }
  // A packed repeated varint field's values.
  std::vector<uint64_t> PackedVarints() const {
    WireReader packed(payload_begin_, pos_, origin_);
    std::vector<uint64_t> values;
    while (packed.pos_ < packed.end_) values.push_back(packed.Varint());
    return values;
  }

 private:
  [[noreturn]] void Malformed() const {
    throw CliError(kExitInvalidInput, "'" + origin_ + "' is not a valid ONNX protobuf");
  }
  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= end_) Malformed();
      const uint8_t byte = *pos_++;
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    Malformed();
  }
  void Skip(size_t bytes) {
    if (bytes > static_cast<size_t>(end_ - pos_)) Malformed();
    pos_ += bytes;
  }

  const uint8_t* pos_;
  const uint8_t* end_;
  const std::string& origin_;
  uint32_t field_ = 0;
  uint32_t type_ = 0;
  uint64_t varint_ = 0;
  const uint8_t* payload_begin_ = nullptr;
};

GraphNode ReadNode(WireReader reader) {
  GraphNode node;
  while (reader.Next()) {
    if (reader.type() != kLengthDelimited) continue;
    switch (reader.field()) {
      case kNodeInput:
        node.inputs.push_back(reader.String());
        break;
      case kNodeOutput:
        node.outputs.push_back(reader.String());
        break;
      case kNodeName:
        node.name = reader.String();
        break;
      case kNodeOpType:
        node.op_type = reader.String();
        break;
      case kNodeDomain:
        node.domain = reader.String();
        break;
      default:
        break;
    }
  }
  return node;
}

GraphInitializer ReadInitializer(WireReader reader) {
  GraphInitializer tensor;
  while (reader.Next()) {
    if (reader.field() == kTensorDims && reader.type() == kVarint) {
      tensor.dims.push_back(static_cast<int64_t>(reader.varint()));
    } else if (reader.field() == kTensorDims && reader.type() == kLengthDelimited) {
      for (uint64_t dim : reader.PackedVarints()) tensor.dims.push_back(static_cast<int64_t>(dim));
    } else if (reader.field() == kTensorDataType && reader.type() == kVarint) {
      tensor.dtype = static_cast<nncf_dtype>(reader.varint());
    } else if (reader.field() == kTensorName && reader.type() == kLengthDelimited) {
      tensor.name = reader.String();
    }
  }
  return tensor;
}

std::string ReadValueInfoName(WireReader reader) {
  while (reader.Next()) {
    if (reader.field() == kValueInfoName && reader.type() == kLengthDelimited) {
      return reader.String();
    }
  }
  return "";
}

bool IsLowBit(nncf_dtype dtype) {
  switch (dtype) {
    case NNCF_DTYPE_INT8:
    case NNCF_DTYPE_UINT8:
    case NNCF_DTYPE_INT4:
    case NNCF_DTYPE_UINT4:
    case NNCF_DTYPE_FLOAT8E4M3FN:
    case NNCF_DTYPE_FLOAT8E4M3FNUZ:
    case NNCF_DTYPE_FLOAT8E5M2:
    case NNCF_DTYPE_FLOAT8E5M2FNUZ:
    case NNCF_DTYPE_FLOAT4E2M1:
      return true;
    default:
      return false;
  }
}

}  // namespace

GraphStructure ReadGraphStructure(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  WireReader model(bytes.data(), bytes.data() + bytes.size(), path);
  GraphStructure graph;
  bool found_graph = false;
  while (model.Next()) {
    if (model.field() != kModelGraph || model.type() != kLengthDelimited) continue;
    found_graph = true;
    WireReader reader = model.Message();
    std::vector<std::string> declared_inputs;
    while (reader.Next()) {
      if (reader.type() != kLengthDelimited) continue;
      switch (reader.field()) {
        case kGraphNode:
          graph.nodes.push_back(ReadNode(reader.Message()));
          break;
        case kGraphName:
          graph.name = reader.String();
          break;
        case kGraphInitializer:
          graph.initializers.push_back(ReadInitializer(reader.Message()));
          break;
        case kGraphInput:
          declared_inputs.push_back(ReadValueInfoName(reader.Message()));
          break;
        case kGraphOutput:
          graph.outputs.push_back(ReadValueInfoName(reader.Message()));
          break;
        default:
          break;
      }
    }
    std::set<std::string> initializer_names;
    for (const GraphInitializer& tensor : graph.initializers) initializer_names.insert(tensor.name);
    for (std::string& input : declared_inputs) {
      if (!initializer_names.count(input)) graph.inputs.push_back(std::move(input));
    }
  }
  if (!found_graph) throw CliError(kExitInvalidInput, "'" + path + "' has no ONNX graph");
  return graph;
}

std::map<std::string, const GraphInitializer*> CompressedWeights(const GraphStructure& graph) {
  std::map<std::string, const GraphInitializer*> by_name;
  for (const GraphInitializer& tensor : graph.initializers) {
    if (IsLowBit(tensor.dtype)) by_name[tensor.name] = &tensor;
  }
  std::map<std::string, const GraphInitializer*> weights;
  for (const GraphNode& node : graph.nodes) {
    size_t weight_input;
    if (node.op_type == "DequantizeLinear") {
      weight_input = 0;
    } else if (node.op_type == "MatMulNBits") {
      weight_input = 1;
    } else if (node.op_type == "Cast") {
      weight_input = 0;  // NF4 and E2M1 codes go through a Cast into their lookup table
    } else {
      continue;
    }
    if (node.inputs.size() <= weight_input) continue;
    auto found = by_name.find(node.inputs[weight_input]);
    if (found != by_name.end()) weights.insert(*found);
  }
  return weights;
}

}  // namespace nncf_cli
