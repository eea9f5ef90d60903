// IR -> onnx::ModelProto, the inverse of proto_import.cc: presence bits and unknown fields are
// written back so an untouched model gives the message it came from.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/unknown_field_set.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "core/common/error.h"
#include "onnx/presence_bits.h"
#include "onnx/proto_convert.h"

namespace nncf::onnx {

namespace pb = ::google::protobuf;
namespace bits = presence;

void RestoreUnknownFields(const std::string& serialized, pb::Message* message) {
  if (serialized.empty()) return;
  pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(serialized.data()),
                                 static_cast<int>(serialized.size()));
  pb::UnknownFieldSet* fields = message->GetReflection()->MutableUnknownFields(message);
  if (!fields->MergeFromCodedStream(&input)) {
    Fail(ErrorCode::kInternal,
         "stored unknown fields of a " + message->GetTypeName() + " do not parse");
  }
}

namespace {

// A string or scalar field is written when it differs from its default or was written
// explicitly with the default in the source.
bool Emit(const std::string& value, uint32_t mask, uint32_t bit) {
  return !value.empty() || (mask & bit) != 0;
}
bool Emit(int64_t value, uint32_t mask, uint32_t bit) {
  return value != 0 || (mask & bit) != 0;
}

std::string TensorLabel(const ir::Tensor& tensor) {
  return tensor.name.empty() ? std::string("<unnamed tensor>") : "'" + tensor.name + "'";
}

template <typename T>
T LoadElement(const uint8_t* bytes, size_t index) {
  T value;
  std::memcpy(&value, bytes + index * sizeof(T), sizeof(T));
  return value;
}

void EncodeTypedField(const ir::Tensor& tensor, ::onnx::TensorProto* proto) {
  using ir::DType;
  const uint8_t* bytes = tensor.bytes();
  const size_t nbytes = tensor.data ? tensor.data->size() : 0;
  switch (tensor.dtype) {
    case DType::kFloat:
    case DType::kComplex64: {
      auto* out = proto->mutable_float_data();
      out->Resize(static_cast<int>(nbytes / 4), 0.0f);
      if (nbytes > 0) std::memcpy(out->mutable_data(), bytes, nbytes);
      return;
    }
    case DType::kDouble:
    case DType::kComplex128: {
      auto* out = proto->mutable_double_data();
      out->Resize(static_cast<int>(nbytes / 8), 0.0);
      if (nbytes > 0) std::memcpy(out->mutable_data(), bytes, nbytes);
      return;
    }
    case DType::kInt64: {
      auto* out = proto->mutable_int64_data();
      out->Resize(static_cast<int>(nbytes / 8), 0);
      if (nbytes > 0) std::memcpy(out->mutable_data(), bytes, nbytes);
      return;
    }
    case DType::kUint64: {
      auto* out = proto->mutable_uint64_data();
      out->Resize(static_cast<int>(nbytes / 8), 0);
      if (nbytes > 0) std::memcpy(out->mutable_data(), bytes, nbytes);
      return;
    }
    case DType::kUint32: {
      auto* out = proto->mutable_uint64_data();
      out->Reserve(static_cast<int>(nbytes / 4));
      for (size_t i = 0; i < nbytes / 4; ++i) out->Add(LoadElement<uint32_t>(bytes, i));
      return;
    }
    case DType::kInt32: {
      auto* out = proto->mutable_int32_data();
      out->Resize(static_cast<int>(nbytes / 4), 0);
      if (nbytes > 0) std::memcpy(out->mutable_data(), bytes, nbytes);
      return;
    }
    case DType::kInt16: {
      auto* out = proto->mutable_int32_data();
      out->Reserve(static_cast<int>(nbytes / 2));
      for (size_t i = 0; i < nbytes / 2; ++i) out->Add(LoadElement<int16_t>(bytes, i));
      return;
    }
    case DType::kUint16:
    case DType::kFloat16:
    case DType::kBFloat16: {
      auto* out = proto->mutable_int32_data();
      out->Reserve(static_cast<int>(nbytes / 2));
      for (size_t i = 0; i < nbytes / 2; ++i) out->Add(LoadElement<uint16_t>(bytes, i));
      return;
    }
    case DType::kInt8: {
      auto* out = proto->mutable_int32_data();
      out->Reserve(static_cast<int>(nbytes));
      for (size_t i = 0; i < nbytes; ++i) out->Add(static_cast<int8_t>(bytes[i]));
      return;
    }
    case DType::kUint8:
    case DType::kBool:
    case DType::kFloat8E4M3FN:
    case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ:
    case DType::kUint4:
    case DType::kInt4:
    case DType::kFloat4E2M1: {
      // One byte per entry; for the 4-bit types that byte holds two elements.
      auto* out = proto->mutable_int32_data();
      out->Reserve(static_cast<int>(nbytes));
      for (size_t i = 0; i < nbytes; ++i) out->Add(bytes[i]);
      return;
    }
    case DType::kString:
    case DType::kUndefined:
      break;
  }
  Fail(ErrorCode::kInternal, "tensor " + TensorLabel(tensor) + " of type " +
                                 ir::DTypeName(tensor.dtype) + " has no typed data field");
}

void WriteExternalEntries(const ExternalDataEntries& entries, ::onnx::TensorProto* proto) {
  for (const auto& [key, value] : entries) {
    auto* entry = proto->add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }
  proto->set_data_location(::onnx::TensorProto::EXTERNAL);
}

void WriteElementData(const ir::Tensor& tensor, ::onnx::TensorProto* proto,
                      ExternalDataWriter* writer) {
  if (tensor.dtype == ir::DType::kString) {
    for (const auto& s : tensor.strings) proto->add_string_data(s);
    return;
  }
  if (!tensor.data) {
    // A reference without bytes in memory (e.g. streamed to a file already).
    if (tensor.encoding == ir::TensorEncoding::kExternal && !tensor.external_data.empty()) {
      WriteExternalEntries(tensor.external_data, proto);
    }
    return;
  }
  const size_t expected = ir::StorageBytes(tensor.dtype, tensor.NumElements());
  if (tensor.data->size() != expected) {
    Fail(ErrorCode::kInvalidArgument,
         "tensor " + TensorLabel(tensor) + " holds " + std::to_string(tensor.data->size()) +
             " bytes but its dims require " + std::to_string(expected));
  }
  if (writer != nullptr) {
    ExternalDataEntries entries;
    if (writer->Write(tensor, &entries)) {
      WriteExternalEntries(entries, proto);
      return;
    }
  }
  switch (tensor.encoding) {
    case ir::TensorEncoding::kExternal:
      if (writer == nullptr && !tensor.external_data.empty()) {
        WriteExternalEntries(tensor.external_data, proto);
        return;
      }
      proto->set_raw_data(tensor.data->data(), tensor.data->size());
      return;
    case ir::TensorEncoding::kRaw:
      proto->set_raw_data(tensor.data->data(), tensor.data->size());
      return;
    case ir::TensorEncoding::kTypedField:
      EncodeTypedField(tensor, proto);
      return;
  }
}

void ShapeToProto(const ir::Shape& shape, ::onnx::TensorShapeProto* proto) {
  for (const auto& dim : shape.dims) {
    auto* out = proto->add_dim();
    if (dim.value) out->set_dim_value(*dim.value);
    if (dim.param) out->set_dim_param(*dim.param);
    if (Emit(dim.denotation, dim.explicit_defaults, bits::kDimDenotation)) {
      out->set_denotation(dim.denotation);
    }
    RestoreUnknownFields(dim.unknown_fields, out);
  }
  RestoreUnknownFields(shape.unknown_fields, proto);
}

void TypeToProto(const ir::Type& type, ::onnx::TypeProto* proto) {
  using Kind = ir::Type::Kind;
  switch (type.kind) {
    case Kind::kTensor: {
      auto* sub = proto->mutable_tensor_type();
      if (type.elem_type_set) sub->set_elem_type(type.elem_type);
      if (type.shape) ShapeToProto(*type.shape, sub->mutable_shape());
      RestoreUnknownFields(type.inner_unknown_fields, sub);
      break;
    }
    case Kind::kSparseTensor: {
      auto* sub = proto->mutable_sparse_tensor_type();
      if (type.elem_type_set) sub->set_elem_type(type.elem_type);
      if (type.shape) ShapeToProto(*type.shape, sub->mutable_shape());
      RestoreUnknownFields(type.inner_unknown_fields, sub);
      break;
    }
    case Kind::kSequence: {
      auto* sub = proto->mutable_sequence_type();
      if (type.inner) TypeToProto(*type.inner, sub->mutable_elem_type());
      RestoreUnknownFields(type.inner_unknown_fields, sub);
      break;
    }
    case Kind::kOptional: {
      auto* sub = proto->mutable_optional_type();
      if (type.inner) TypeToProto(*type.inner, sub->mutable_elem_type());
      RestoreUnknownFields(type.inner_unknown_fields, sub);
      break;
    }
    case Kind::kMap: {
      auto* sub = proto->mutable_map_type();
      if (Emit(type.map_key_type, type.explicit_defaults, bits::kTypeMapKeyType)) {
        sub->set_key_type(type.map_key_type);
      }
      if (type.inner) TypeToProto(*type.inner, sub->mutable_value_type());
      RestoreUnknownFields(type.inner_unknown_fields, sub);
      break;
    }
    case Kind::kOpaque: {
      auto* sub = proto->mutable_opaque_type();
      if (Emit(type.opaque_domain, type.explicit_defaults, bits::kTypeOpaqueDomain)) {
        sub->set_domain(type.opaque_domain);
      }
      if (Emit(type.opaque_name, type.explicit_defaults, bits::kTypeOpaqueName)) {
        sub->set_name(type.opaque_name);
      }
      RestoreUnknownFields(type.inner_unknown_fields, sub);
      break;
    }
    case Kind::kUnset:
      break;
  }
  if (Emit(type.denotation, type.explicit_defaults, bits::kTypeDenotation)) {
    proto->set_denotation(type.denotation);
  }
  RestoreUnknownFields(type.unknown_fields, proto);
}

void ValueInfoToProto(const ir::ValueInfo& info, ::onnx::ValueInfoProto* proto) {
  if (Emit(info.name, info.explicit_defaults, bits::kValueInfoName)) proto->set_name(info.name);
  if (info.type) TypeToProto(*info.type, proto->mutable_type());
  if (Emit(info.doc_string, info.explicit_defaults, bits::kValueInfoDocString)) {
    proto->set_doc_string(info.doc_string);
  }
  RestoreUnknownFields(info.unknown_fields, proto);
}

template <typename Message>
void ParseSerialized(const std::string& bytes, Message* message, const char* what) {
  if (!message->ParseFromString(bytes)) {
    Fail(ErrorCode::kInternal, std::string("stored ") + what + " does not parse");
  }
}

void GraphToProto(const ir::Graph& graph, ::onnx::GraphProto* proto, ExternalDataWriter* writer);

void AttributeToProto(const ir::Attribute& attr, ::onnx::AttributeProto* proto,
                      ExternalDataWriter* writer) {
  const uint32_t mask = attr.explicit_defaults;
  if (Emit(attr.name, mask, bits::kAttrName)) proto->set_name(attr.name);
  if (Emit(attr.ref_attr_name, mask, bits::kAttrRefAttrName)) {
    proto->set_ref_attr_name(attr.ref_attr_name);
  }
  if (Emit(attr.doc_string, mask, bits::kAttrDocString)) proto->set_doc_string(attr.doc_string);
  if (Emit(static_cast<int64_t>(attr.type), mask, bits::kAttrType)) {
    proto->set_type(static_cast<::onnx::AttributeProto_AttributeType>(attr.type));
  }
  if (attr.f) proto->set_f(*attr.f);
  if (attr.i) proto->set_i(*attr.i);
  if (attr.s) proto->set_s(*attr.s);
  if (attr.t) TensorToProto(*attr.t, proto->mutable_t(), writer);
  if (attr.g) GraphToProto(**attr.g, proto->mutable_g(), writer);
  if (attr.sparse_tensor) {
    ParseSerialized(*attr.sparse_tensor, proto->mutable_sparse_tensor(), "sparse tensor");
  }
  if (attr.tp) TypeToProto(*attr.tp, proto->mutable_tp());
  for (float f : attr.floats) proto->add_floats(f);
  for (int64_t i : attr.ints) proto->add_ints(i);
  for (const auto& s : attr.strings) proto->add_strings(s);
  for (const auto& t : attr.tensors) TensorToProto(t, proto->add_tensors(), writer);
  for (const auto& g : attr.graphs) GraphToProto(*g, proto->add_graphs(), writer);
  for (const auto& s : attr.sparse_tensors) {
    ParseSerialized(s, proto->add_sparse_tensors(), "sparse tensor");
  }
  for (const auto& tp : attr.type_protos) TypeToProto(tp, proto->add_type_protos());
  RestoreUnknownFields(attr.unknown_fields, proto);
}

void NodeToProto(const ir::Node& node, ::onnx::NodeProto* proto, ExternalDataWriter* writer) {
  const uint32_t mask = node.explicit_defaults;
  for (const auto& name : node.inputs) proto->add_input(name);
  for (const auto& name : node.outputs) proto->add_output(name);
  if (Emit(node.name, mask, bits::kNodeName)) proto->set_name(node.name);
  if (Emit(node.op_type, mask, bits::kNodeOpType)) proto->set_op_type(node.op_type);
  if (Emit(node.domain, mask, bits::kNodeDomain)) proto->set_domain(node.domain);
  for (const auto& attr : node.attributes) {
    AttributeToProto(attr, proto->add_attribute(), writer);
  }
  if (Emit(node.doc_string, mask, bits::kNodeDocString)) proto->set_doc_string(node.doc_string);
  RestoreUnknownFields(node.unknown_fields, proto);
}

void GraphToProto(const ir::Graph& graph, ::onnx::GraphProto* proto, ExternalDataWriter* writer) {
  for (const auto& node : graph.nodes) NodeToProto(node, proto->add_node(), writer);
  if (Emit(graph.name, graph.explicit_defaults, bits::kGraphName)) proto->set_name(graph.name);
  for (const auto& tensor : graph.initializers) {
    TensorToProto(tensor, proto->add_initializer(), writer);
  }
  for (const auto& sparse : graph.sparse_initializers) {
    ParseSerialized(sparse, proto->add_sparse_initializer(), "sparse initializer");
  }
  if (Emit(graph.doc_string, graph.explicit_defaults, bits::kGraphDocString)) {
    proto->set_doc_string(graph.doc_string);
  }
  for (const auto& vi : graph.inputs) ValueInfoToProto(vi, proto->add_input());
  for (const auto& vi : graph.outputs) ValueInfoToProto(vi, proto->add_output());
  for (const auto& vi : graph.value_info) ValueInfoToProto(vi, proto->add_value_info());
  for (const auto& annotation : graph.quantization_annotations) {
    ParseSerialized(annotation, proto->add_quantization_annotation(), "quantization annotation");
  }
  RestoreUnknownFields(graph.unknown_fields, proto);
}

void OpsetToProto(const ir::OpsetId& opset, ::onnx::OperatorSetIdProto* proto) {
  if (Emit(opset.domain, opset.explicit_defaults, bits::kOpsetDomain)) {
    proto->set_domain(opset.domain);
  }
  if (Emit(opset.version, opset.explicit_defaults, bits::kOpsetVersion)) {
    proto->set_version(opset.version);
  }
  RestoreUnknownFields(opset.unknown_fields, proto);
}

void EntryToProto(const ir::MetadataEntry& entry, ::onnx::StringStringEntryProto* proto) {
  if (Emit(entry.key, entry.explicit_defaults, bits::kEntryKey)) proto->set_key(entry.key);
  if (Emit(entry.value, entry.explicit_defaults, bits::kEntryValue)) proto->set_value(entry.value);
  RestoreUnknownFields(entry.unknown_fields, proto);
}

void FunctionToProto(const ir::Function& function, ::onnx::FunctionProto* proto,
                     ExternalDataWriter* writer) {
  const uint32_t mask = function.explicit_defaults;
  if (Emit(function.name, mask, bits::kFunctionName)) proto->set_name(function.name);
  for (const auto& name : function.inputs) proto->add_input(name);
  for (const auto& name : function.outputs) proto->add_output(name);
  for (const auto& name : function.attributes) proto->add_attribute(name);
  for (const auto& node : function.nodes) NodeToProto(node, proto->add_node(), writer);
  if (Emit(function.doc_string, mask, bits::kFunctionDocString)) {
    proto->set_doc_string(function.doc_string);
  }
  for (const auto& opset : function.opset_imports) OpsetToProto(opset, proto->add_opset_import());
  if (Emit(function.domain, mask, bits::kFunctionDomain)) proto->set_domain(function.domain);
  RestoreUnknownFields(function.unknown_fields, proto);
  // attribute_proto is unknown to ONNX 1.12: write each default as that unknown field.
  pb::UnknownFieldSet* unknown = proto->GetReflection()->MutableUnknownFields(proto);
  for (const auto& attr : function.attribute_defaults) {
    ::onnx::AttributeProto attr_proto;
    AttributeToProto(attr, &attr_proto, writer);
    unknown->AddLengthDelimited(kFunctionAttributeProtoField, attr_proto.SerializeAsString());
  }
}

}  // namespace

void TensorToProto(const ir::Tensor& tensor, ::onnx::TensorProto* proto,
                   ExternalDataWriter* writer) {
  const uint32_t mask = tensor.explicit_defaults;
  for (int64_t dim : tensor.dims) proto->add_dims(dim);
  if (Emit(static_cast<int64_t>(tensor.dtype), mask, bits::kTensorDataType)) {
    proto->set_data_type(static_cast<int32_t>(tensor.dtype));
  }
  if (tensor.segment) {
    auto* segment = proto->mutable_segment();
    if (Emit(tensor.segment->first, mask, bits::kTensorSegmentBegin)) {
      segment->set_begin(tensor.segment->first);
    }
    if (Emit(tensor.segment->second, mask, bits::kTensorSegmentEnd)) {
      segment->set_end(tensor.segment->second);
    }
  }
  if (Emit(tensor.name, mask, bits::kTensorName)) proto->set_name(tensor.name);
  if (Emit(tensor.doc_string, mask, bits::kTensorDocString)) {
    proto->set_doc_string(tensor.doc_string);
  }
  WriteElementData(tensor, proto, writer);
  if (!proto->has_data_location() && (mask & bits::kTensorDataLocation) != 0) {
    proto->set_data_location(::onnx::TensorProto::DEFAULT);
  }
  RestoreUnknownFields(tensor.unknown_fields, proto);
}

void ModelToProto(const ir::Model& model, ::onnx::ModelProto* proto, ExternalDataWriter* writer) {
  const uint32_t mask = model.explicit_defaults;
  if (Emit(model.ir_version, mask, bits::kModelIrVersion)) proto->set_ir_version(model.ir_version);
  for (const auto& opset : model.opset_imports) OpsetToProto(opset, proto->add_opset_import());
  if (Emit(model.producer_name, mask, bits::kModelProducerName)) {
    proto->set_producer_name(model.producer_name);
  }
  if (Emit(model.producer_version, mask, bits::kModelProducerVersion)) {
    proto->set_producer_version(model.producer_version);
  }
  if (Emit(model.domain, mask, bits::kModelDomain)) proto->set_domain(model.domain);
  if (Emit(model.model_version, mask, bits::kModelModelVersion)) {
    proto->set_model_version(model.model_version);
  }
  if (Emit(model.doc_string, mask, bits::kModelDocString)) proto->set_doc_string(model.doc_string);
  if (model.graph) GraphToProto(*model.graph, proto->mutable_graph(), writer);
  for (const auto& entry : model.metadata_props) EntryToProto(entry, proto->add_metadata_props());
  for (const auto& info : model.training_info) {
    ParseSerialized(info, proto->add_training_info(), "training info");
  }
  for (const auto& function : model.functions) {
    FunctionToProto(function, proto->add_functions(), writer);
  }
  RestoreUnknownFields(model.unknown_fields, proto);
}

}  // namespace nncf::onnx
