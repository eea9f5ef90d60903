// onnx::ModelProto -> IR. Every field is kept, with proto2 presence recorded in
// explicit_defaults and fields unknown to this build kept serialized in unknown_fields.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "onnx/presence_bits.h"
#include "onnx/proto_convert.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "tensor bytes are kept little-endian by copying host memory");

namespace nncf::onnx {

namespace pb = ::google::protobuf;
namespace bits = presence;

std::string SerializeUnknownFields(const pb::UnknownFieldSet& fields) {
  std::string out;
  if (!fields.empty()) fields.SerializeToString(&out);
  return out;
}

namespace {

// Sets `bit` in `mask` when a present field holds its default value.
template <typename T>
void NotePresentDefault(bool has, const T& value, const T& default_value, uint32_t bit,
                        uint32_t* mask) {
  if (has && value == default_value) *mask |= bit;
}

std::string TensorLabel(const ::onnx::TensorProto& proto) {
  return proto.name().empty() ? std::string("<unnamed tensor>") : "'" + proto.name() + "'";
}

[[noreturn]] void FailTensor(const ::onnx::TensorProto& proto, const std::string& what) {
  Fail(ErrorCode::kInvalidModel, "tensor " + TensorLabel(proto) + ": " + what);
}

int64_t CountElements(const ::onnx::TensorProto& proto) {
  int64_t count = 1;
  for (int64_t dim : proto.dims()) {
    if (dim < 0) FailTensor(proto, "negative dimension " + std::to_string(dim));
    if (dim != 0 && count > std::numeric_limits<int64_t>::max() / dim) {
      FailTensor(proto, "element count overflows");
    }
    count *= dim;
  }
  return count;
}

// Which repeated field holds the elements of `dtype` when raw_data is not used.
enum class TypedField { kNone, kFloat, kInt32, kInt64, kDouble, kUint64, kString };

TypedField FieldFor(ir::DType dtype) {
  using ir::DType;
  switch (dtype) {
    case DType::kFloat:
    case DType::kComplex64:
      return TypedField::kFloat;
    case DType::kInt64:
      return TypedField::kInt64;
    case DType::kDouble:
    case DType::kComplex128:
      return TypedField::kDouble;
    case DType::kUint32:
    case DType::kUint64:
      return TypedField::kUint64;
    case DType::kString:
      return TypedField::kString;
    case DType::kUndefined:
      return TypedField::kNone;
    default:
      return TypedField::kInt32;  // every integer / float format narrower than 64 bits
  }
}

const char* FieldName(TypedField field) {
  switch (field) {
    case TypedField::kFloat:
      return "float_data";
    case TypedField::kInt32:
      return "int32_data";
    case TypedField::kInt64:
      return "int64_data";
    case TypedField::kDouble:
      return "double_data";
    case TypedField::kUint64:
      return "uint64_data";
    case TypedField::kString:
      return "string_data";
    case TypedField::kNone:
      break;
  }
  return "no field";
}

int FieldSize(const ::onnx::TensorProto& proto, TypedField field) {
  switch (field) {
    case TypedField::kFloat:
      return proto.float_data_size();
    case TypedField::kInt32:
      return proto.int32_data_size();
    case TypedField::kInt64:
      return proto.int64_data_size();
    case TypedField::kDouble:
      return proto.double_data_size();
    case TypedField::kUint64:
      return proto.uint64_data_size();
    case TypedField::kString:
      return proto.string_data_size();
    case TypedField::kNone:
      break;
  }
  return 0;
}

constexpr TypedField kAllFields[] = {TypedField::kFloat,  TypedField::kInt32,  TypedField::kInt64,
                                     TypedField::kDouble, TypedField::kUint64, TypedField::kString};

// Bytes per int32_data entry and the range of values that entry may hold.
struct NarrowLayout {
  size_t bytes;
  int64_t min;
  int64_t max;
};

NarrowLayout Int32Layout(ir::DType dtype) {
  using ir::DType;
  switch (dtype) {
    case DType::kInt32:
      return {4, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    case DType::kInt16:
      return {2, -32768, 32767};
    case DType::kUint16:
    case DType::kFloat16:
    case DType::kBFloat16:
      return {2, 0, 65535};
    case DType::kInt8:
      return {1, -128, 127};
    default:  // uint8, bool, float8 formats, and packed pairs of 4-bit elements
      return {1, 0, 255};
  }
}

// Decodes the typed repeated field into little-endian packed bytes.
std::shared_ptr<const ir::Buffer> DecodeTypedField(const ::onnx::TensorProto& proto,
                                                   ir::DType dtype, int64_t numel) {
  const size_t nbytes = ir::StorageBytes(dtype, numel);
  const TypedField field = FieldFor(dtype);
  const bool complex = dtype == ir::DType::kComplex64 || dtype == ir::DType::kComplex128;
  size_t expected = ir::IsSubByte(dtype) ? nbytes : static_cast<size_t>(numel);
  if (complex) expected *= 2;
  const size_t actual = static_cast<size_t>(FieldSize(proto, field));
  if (actual != expected) {
    FailTensor(proto, std::string(FieldName(field)) + " holds " + std::to_string(actual) +
                          " values but dims " + "require " + std::to_string(expected));
  }
  auto buffer = std::make_shared<ir::OwnedBuffer>(nbytes);
  uint8_t* out = buffer->mutable_data();
  switch (field) {
    case TypedField::kFloat:
      if (nbytes > 0) std::memcpy(out, proto.float_data().data(), nbytes);
      break;
    case TypedField::kInt64:
      if (nbytes > 0) std::memcpy(out, proto.int64_data().data(), nbytes);
      break;
    case TypedField::kDouble:
      if (nbytes > 0) std::memcpy(out, proto.double_data().data(), nbytes);
      break;
    case TypedField::kUint64:
      if (dtype == ir::DType::kUint64) {
        if (nbytes > 0) std::memcpy(out, proto.uint64_data().data(), nbytes);
      } else {
        for (size_t i = 0; i < actual; ++i) {
          const uint64_t value = proto.uint64_data(static_cast<int>(i));
          if (value > std::numeric_limits<uint32_t>::max()) {
            FailTensor(proto, "uint64_data value " + std::to_string(value) +
                                  " does not fit uint32 at index " + std::to_string(i));
          }
          const uint32_t narrow = static_cast<uint32_t>(value);
          std::memcpy(out + i * 4, &narrow, 4);
        }
      }
      break;
    case TypedField::kInt32: {
      const NarrowLayout layout = Int32Layout(dtype);
      for (size_t i = 0; i < actual; ++i) {
        const int32_t value = proto.int32_data(static_cast<int>(i));
        if (value < layout.min || value > layout.max) {
          FailTensor(proto, "int32_data value " + std::to_string(value) + " at index " +
                                std::to_string(i) + " is out of range for " + ir::DTypeName(dtype));
        }
        std::memcpy(out + i * layout.bytes, &value, layout.bytes);  // low bytes, little-endian
      }
      break;
    }
    case TypedField::kString:
    case TypedField::kNone:
      Fail(ErrorCode::kInternal, "DecodeTypedField called for a non-numeric tensor");
  }
  return buffer;
}

ir::Dim DimFromProto(const ::onnx::TensorShapeProto_Dimension& proto) {
  ir::Dim dim;
  if (proto.has_dim_value()) dim.value = proto.dim_value();
  if (proto.has_dim_param()) dim.param = proto.dim_param();
  dim.denotation = proto.denotation();
  NotePresentDefault(proto.has_denotation(), proto.denotation(), std::string(),
                     bits::kDimDenotation, &dim.explicit_defaults);
  dim.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return dim;
}

ir::Shape ShapeFromProto(const ::onnx::TensorShapeProto& proto) {
  ir::Shape shape;
  shape.dims.reserve(proto.dim_size());
  for (const auto& dim : proto.dim()) shape.dims.push_back(DimFromProto(dim));
  shape.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return shape;
}

ir::Type TypeFromProto(const ::onnx::TypeProto& proto);

std::shared_ptr<ir::Type> InnerType(bool has, const ::onnx::TypeProto& proto) {
  if (!has) return nullptr;
  return std::make_shared<ir::Type>(TypeFromProto(proto));
}

ir::Type TypeFromProto(const ::onnx::TypeProto& proto) {
  using Kind = ir::Type::Kind;
  ir::Type type;
  switch (proto.value_case()) {
    case ::onnx::TypeProto::kTensorType: {
      const auto& sub = proto.tensor_type();
      type.kind = Kind::kTensor;
      type.elem_type = sub.elem_type();
      type.elem_type_set = sub.has_elem_type();
      if (sub.has_shape()) type.shape = ShapeFromProto(sub.shape());
      type.inner_unknown_fields = SerializeUnknownFields(sub.unknown_fields());
      break;
    }
    case ::onnx::TypeProto::kSparseTensorType: {
      const auto& sub = proto.sparse_tensor_type();
      type.kind = Kind::kSparseTensor;
      type.elem_type = sub.elem_type();
      type.elem_type_set = sub.has_elem_type();
      if (sub.has_shape()) type.shape = ShapeFromProto(sub.shape());
      type.inner_unknown_fields = SerializeUnknownFields(sub.unknown_fields());
      break;
    }
    case ::onnx::TypeProto::kSequenceType: {
      const auto& sub = proto.sequence_type();
      type.kind = Kind::kSequence;
      type.inner = InnerType(sub.has_elem_type(), sub.elem_type());
      type.inner_unknown_fields = SerializeUnknownFields(sub.unknown_fields());
      break;
    }
    case ::onnx::TypeProto::kOptionalType: {
      const auto& sub = proto.optional_type();
      type.kind = Kind::kOptional;
      type.inner = InnerType(sub.has_elem_type(), sub.elem_type());
      type.inner_unknown_fields = SerializeUnknownFields(sub.unknown_fields());
      break;
    }
    case ::onnx::TypeProto::kMapType: {
      const auto& sub = proto.map_type();
      type.kind = Kind::kMap;
      type.map_key_type = sub.key_type();
      NotePresentDefault(sub.has_key_type(), sub.key_type(), 0, bits::kTypeMapKeyType,
                         &type.explicit_defaults);
      type.inner = InnerType(sub.has_value_type(), sub.value_type());
      type.inner_unknown_fields = SerializeUnknownFields(sub.unknown_fields());
      break;
    }
    case ::onnx::TypeProto::kOpaqueType: {
      const auto& sub = proto.opaque_type();
      type.kind = Kind::kOpaque;
      type.opaque_domain = sub.domain();
      type.opaque_name = sub.name();
      NotePresentDefault(sub.has_domain(), sub.domain(), std::string(), bits::kTypeOpaqueDomain,
                         &type.explicit_defaults);
      NotePresentDefault(sub.has_name(), sub.name(), std::string(), bits::kTypeOpaqueName,
                         &type.explicit_defaults);
      type.inner_unknown_fields = SerializeUnknownFields(sub.unknown_fields());
      break;
    }
    case ::onnx::TypeProto::VALUE_NOT_SET:
      break;
  }
  type.denotation = proto.denotation();
  NotePresentDefault(proto.has_denotation(), proto.denotation(), std::string(),
                     bits::kTypeDenotation, &type.explicit_defaults);
  type.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return type;
}

ir::ValueInfo ValueInfoFromProto(const ::onnx::ValueInfoProto& proto) {
  ir::ValueInfo info;
  info.name = proto.name();
  NotePresentDefault(proto.has_name(), proto.name(), std::string(), bits::kValueInfoName,
                     &info.explicit_defaults);
  if (proto.has_type()) info.type = TypeFromProto(proto.type());
  info.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kValueInfoDocString, &info.explicit_defaults);
  info.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return info;
}

ir::Graph GraphFromProto(const ::onnx::GraphProto& proto, ExternalDataReader* reader);

ir::Attribute AttributeFromProto(const ::onnx::AttributeProto& proto, ExternalDataReader* reader) {
  ir::Attribute attr;
  uint32_t& mask = attr.explicit_defaults;
  attr.name = proto.name();
  NotePresentDefault(proto.has_name(), proto.name(), std::string(), bits::kAttrName, &mask);
  attr.ref_attr_name = proto.ref_attr_name();
  NotePresentDefault(proto.has_ref_attr_name(), proto.ref_attr_name(), std::string(),
                     bits::kAttrRefAttrName, &mask);
  attr.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kAttrDocString, &mask);
  attr.type = static_cast<ir::AttributeType>(proto.type());
  NotePresentDefault(proto.has_type(), static_cast<int>(proto.type()), 0, bits::kAttrType, &mask);

  if (proto.has_f()) attr.f = proto.f();
  if (proto.has_i()) attr.i = proto.i();
  if (proto.has_s()) attr.s = proto.s();
  if (proto.has_t()) attr.t = TensorFromProto(proto.t(), reader);
  if (proto.has_g()) attr.g = ir::Box<ir::Graph>(GraphFromProto(proto.g(), reader));
  if (proto.has_sparse_tensor()) attr.sparse_tensor = proto.sparse_tensor().SerializeAsString();
  if (proto.has_tp()) attr.tp = TypeFromProto(proto.tp());
  attr.floats.assign(proto.floats().begin(), proto.floats().end());
  attr.ints.assign(proto.ints().begin(), proto.ints().end());
  attr.strings.assign(proto.strings().begin(), proto.strings().end());
  for (const auto& t : proto.tensors()) attr.tensors.push_back(TensorFromProto(t, reader));
  for (const auto& g : proto.graphs()) {
    attr.graphs.emplace_back(GraphFromProto(g, reader));
  }
  for (const auto& s : proto.sparse_tensors()) attr.sparse_tensors.push_back(s.SerializeAsString());
  for (const auto& tp : proto.type_protos()) attr.type_protos.push_back(TypeFromProto(tp));
  attr.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return attr;
}

ir::Node NodeFromProto(const ::onnx::NodeProto& proto, ExternalDataReader* reader) {
  ir::Node node;
  uint32_t& mask = node.explicit_defaults;
  node.inputs.assign(proto.input().begin(), proto.input().end());
  node.outputs.assign(proto.output().begin(), proto.output().end());
  node.name = proto.name();
  NotePresentDefault(proto.has_name(), proto.name(), std::string(), bits::kNodeName, &mask);
  node.op_type = proto.op_type();
  NotePresentDefault(proto.has_op_type(), proto.op_type(), std::string(), bits::kNodeOpType, &mask);
  node.domain = proto.domain();
  NotePresentDefault(proto.has_domain(), proto.domain(), std::string(), bits::kNodeDomain, &mask);
  node.attributes.reserve(proto.attribute_size());
  for (const auto& attr : proto.attribute()) {
    node.attributes.push_back(AttributeFromProto(attr, reader));
  }
  node.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kNodeDocString, &mask);
  node.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return node;
}

ir::Graph GraphFromProto(const ::onnx::GraphProto& proto, ExternalDataReader* reader) {
  ir::Graph graph;
  graph.nodes.reserve(proto.node_size());
  for (const auto& node : proto.node()) graph.nodes.push_back(NodeFromProto(node, reader));
  graph.name = proto.name();
  NotePresentDefault(proto.has_name(), proto.name(), std::string(), bits::kGraphName,
                     &graph.explicit_defaults);
  graph.initializers.reserve(proto.initializer_size());
  for (const auto& tensor : proto.initializer()) {
    graph.initializers.push_back(TensorFromProto(tensor, reader));
  }
  for (const auto& sparse : proto.sparse_initializer()) {
    graph.sparse_initializers.push_back(sparse.SerializeAsString());
    graph.sparse_initializer_names.push_back(sparse.values().name());
  }
  graph.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kGraphDocString, &graph.explicit_defaults);
  for (const auto& vi : proto.input()) graph.inputs.push_back(ValueInfoFromProto(vi));
  for (const auto& vi : proto.output()) graph.outputs.push_back(ValueInfoFromProto(vi));
  for (const auto& vi : proto.value_info()) graph.value_info.push_back(ValueInfoFromProto(vi));
  for (const auto& annotation : proto.quantization_annotation()) {
    graph.quantization_annotations.push_back(annotation.SerializeAsString());
  }
  graph.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return graph;
}

ir::OpsetId OpsetFromProto(const ::onnx::OperatorSetIdProto& proto) {
  ir::OpsetId opset;
  opset.domain = proto.domain();
  NotePresentDefault(proto.has_domain(), proto.domain(), std::string(), bits::kOpsetDomain,
                     &opset.explicit_defaults);
  opset.version = proto.version();
  NotePresentDefault(proto.has_version(), proto.version(), int64_t{0}, bits::kOpsetVersion,
                     &opset.explicit_defaults);
  opset.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return opset;
}

ir::MetadataEntry EntryFromProto(const ::onnx::StringStringEntryProto& proto) {
  ir::MetadataEntry entry;
  entry.key = proto.key();
  NotePresentDefault(proto.has_key(), proto.key(), std::string(), bits::kEntryKey,
                     &entry.explicit_defaults);
  entry.value = proto.value();
  NotePresentDefault(proto.has_value(), proto.value(), std::string(), bits::kEntryValue,
                     &entry.explicit_defaults);
  entry.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return entry;
}

// FunctionProto.attribute_proto (field 11) is newer than ONNX 1.12, so protobuf keeps it among
// the unknown fields; lift it into Function::attribute_defaults when every entry parses.
void SplitFunctionAttributeDefaults(const pb::UnknownFieldSet& unknown, ir::Function* function,
                                    ExternalDataReader* reader) {
  std::vector<ir::Attribute> defaults;
  pb::UnknownFieldSet rest;
  bool all_parsed = true;
  for (int i = 0; i < unknown.field_count(); ++i) {
    const pb::UnknownField& field = unknown.field(i);
    if (field.number() == kFunctionAttributeProtoField &&
        field.type() == pb::UnknownField::TYPE_LENGTH_DELIMITED) {
      ::onnx::AttributeProto attr;
      if (attr.ParseFromString(field.length_delimited())) {
        defaults.push_back(AttributeFromProto(attr, reader));
        continue;
      }
      all_parsed = false;
      break;
    }
    rest.AddField(field);
  }
  if (!all_parsed) {
    function->unknown_fields = SerializeUnknownFields(unknown);
    return;
  }
  function->attribute_defaults = std::move(defaults);
  function->unknown_fields = SerializeUnknownFields(rest);
}

ir::Function FunctionFromProto(const ::onnx::FunctionProto& proto, ExternalDataReader* reader) {
  ir::Function function;
  uint32_t& mask = function.explicit_defaults;
  function.name = proto.name();
  NotePresentDefault(proto.has_name(), proto.name(), std::string(), bits::kFunctionName, &mask);
  function.domain = proto.domain();
  NotePresentDefault(proto.has_domain(), proto.domain(), std::string(), bits::kFunctionDomain,
                     &mask);
  function.inputs.assign(proto.input().begin(), proto.input().end());
  function.outputs.assign(proto.output().begin(), proto.output().end());
  function.attributes.assign(proto.attribute().begin(), proto.attribute().end());
  for (const auto& node : proto.node()) function.nodes.push_back(NodeFromProto(node, reader));
  for (const auto& opset : proto.opset_import()) {
    function.opset_imports.push_back(OpsetFromProto(opset));
  }
  function.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kFunctionDocString, &mask);
  SplitFunctionAttributeDefaults(proto.unknown_fields(), &function, reader);
  return function;
}

}  // namespace

ir::Tensor TensorFromProto(const ::onnx::TensorProto& proto, ExternalDataReader* reader) {
  ir::Tensor tensor;
  uint32_t& mask = tensor.explicit_defaults;
  tensor.name = proto.name();
  NotePresentDefault(proto.has_name(), proto.name(), std::string(), bits::kTensorName, &mask);
  tensor.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kTensorDocString, &mask);
  NotePresentDefault(proto.has_data_type(), proto.data_type(), 0, bits::kTensorDataType, &mask);
  if (!ir::IsKnownDType(proto.data_type())) {
    FailTensor(proto, "unknown data_type " + std::to_string(proto.data_type()));
  }
  const ir::DType dtype = static_cast<ir::DType>(proto.data_type());
  tensor.dtype = dtype;
  tensor.dims.assign(proto.dims().begin(), proto.dims().end());
  const int64_t numel = CountElements(proto);
  if (proto.has_segment()) {
    const auto& segment = proto.segment();
    tensor.segment = std::make_pair(segment.begin(), segment.end());
    NotePresentDefault(segment.has_begin(), segment.begin(), int64_t{0}, bits::kTensorSegmentBegin,
                       &mask);
    NotePresentDefault(segment.has_end(), segment.end(), int64_t{0}, bits::kTensorSegmentEnd,
                       &mask);
  }
  for (const auto& entry : proto.external_data()) {
    tensor.external_data.emplace_back(entry.key(), entry.value());
  }
  const bool external = proto.data_location() == ::onnx::TensorProto::EXTERNAL;
  NotePresentDefault(proto.has_data_location(), static_cast<int>(proto.data_location()), 0,
                     bits::kTensorDataLocation, &mask);
  tensor.unknown_fields = SerializeUnknownFields(proto.unknown_fields());

  std::vector<TypedField> typed_present;
  for (TypedField field : kAllFields) {
    if (FieldSize(proto, field) > 0) typed_present.push_back(field);
  }
  const TypedField expected_field = FieldFor(dtype);
  for (TypedField field : typed_present) {
    if (field != expected_field) {
      FailTensor(proto, std::string(FieldName(field)) + " is not valid for data_type " +
                            ir::DTypeName(dtype));
    }
  }
  const bool typed = !typed_present.empty();
  if (int(typed) + int(proto.has_raw_data()) + int(external) > 1) {
    FailTensor(proto, "element data is given in more than one of raw_data, " +
                          std::string(FieldName(expected_field)) + " and external data");
  }

  if (dtype == ir::DType::kString) {
    if (proto.has_raw_data() || external) {
      FailTensor(proto, "string tensors must use string_data");
    }
    if (proto.string_data_size() != numel) {
      FailTensor(proto, "string_data holds " + std::to_string(proto.string_data_size()) +
                            " strings but dims require " + std::to_string(numel));
    }
    tensor.strings.assign(proto.string_data().begin(), proto.string_data().end());
    tensor.encoding = ir::TensorEncoding::kTypedField;
    return tensor;
  }
  if (dtype == ir::DType::kUndefined) {
    if (typed || proto.has_raw_data() || external) {
      FailTensor(proto, "has element data but no data_type");
    }
    tensor.encoding = ir::TensorEncoding::kTypedField;
    return tensor;
  }

  const size_t nbytes = ir::StorageBytes(dtype, numel);
  if (external) {
    tensor.encoding = ir::TensorEncoding::kExternal;
    if (reader == nullptr) {
      FailTensor(proto, "has external data but no external data reader is available");
    }
    tensor.data = reader->Read(proto.name(), tensor.external_data, nbytes);
    if (!tensor.data || tensor.data->size() != nbytes) {
      FailTensor(proto, "external data has the wrong size");
    }
  } else if (proto.has_raw_data()) {
    tensor.encoding = ir::TensorEncoding::kRaw;
    const std::string& raw = proto.raw_data();
    if (raw.size() != nbytes) {
      FailTensor(proto, "raw_data holds " + std::to_string(raw.size()) + " bytes but " +
                            ir::DTypeName(dtype) + " dims " + "require " + std::to_string(nbytes));
    }
    tensor.data = std::make_shared<ir::OwnedBuffer>(raw.data(), raw.size());
  } else {
    tensor.encoding = ir::TensorEncoding::kTypedField;
    tensor.data = DecodeTypedField(proto, dtype, numel);
  }
  return tensor;
}

ir::Model ModelFromProto(const ::onnx::ModelProto& proto, ExternalDataReader* reader) {
  ir::Model model;
  uint32_t& mask = model.explicit_defaults;
  model.ir_version = proto.ir_version();
  NotePresentDefault(proto.has_ir_version(), proto.ir_version(), int64_t{0}, bits::kModelIrVersion,
                     &mask);
  for (const auto& opset : proto.opset_import()) {
    model.opset_imports.push_back(OpsetFromProto(opset));
  }
  model.producer_name = proto.producer_name();
  NotePresentDefault(proto.has_producer_name(), proto.producer_name(), std::string(),
                     bits::kModelProducerName, &mask);
  model.producer_version = proto.producer_version();
  NotePresentDefault(proto.has_producer_version(), proto.producer_version(), std::string(),
                     bits::kModelProducerVersion, &mask);
  model.domain = proto.domain();
  NotePresentDefault(proto.has_domain(), proto.domain(), std::string(), bits::kModelDomain, &mask);
  model.model_version = proto.model_version();
  NotePresentDefault(proto.has_model_version(), proto.model_version(), int64_t{0},
                     bits::kModelModelVersion, &mask);
  model.doc_string = proto.doc_string();
  NotePresentDefault(proto.has_doc_string(), proto.doc_string(), std::string(),
                     bits::kModelDocString, &mask);
  if (proto.has_graph()) model.graph = GraphFromProto(proto.graph(), reader);
  for (const auto& entry : proto.metadata_props()) {
    model.metadata_props.push_back(EntryFromProto(entry));
  }
  for (const auto& info : proto.training_info()) {
    model.training_info.push_back(info.SerializeAsString());
  }
  for (const auto& function : proto.functions()) {
    model.functions.push_back(FunctionFromProto(function, reader));
  }
  model.unknown_fields = SerializeUnknownFields(proto.unknown_fields());
  return model;
}

}  // namespace nncf::onnx
