// Conversion between onnx::ModelProto and the IR. Internal to src/onnx (includes protobuf).
// Import then export of an untouched model gives a message equal to the source, unknown fields
// and proto2 field presence included.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>
#include <onnx/onnx_pb.h>

#include "core/ir/buffer.h"
#include "core/ir/model.h"

namespace nncf::onnx {

using ExternalDataEntries = std::vector<std::pair<std::string, std::string>>;

// Resolves a tensor stored as external data to its bytes (mapped or read).
class ExternalDataReader {
 public:
  virtual ~ExternalDataReader() = default;
  // `entries` are the TensorProto.external_data key/value pairs; `nbytes` the size the tensor's
  // dtype and dims require. Throws nncf::Error naming the tensor and file on any problem.
  virtual std::shared_ptr<const ir::Buffer> Read(const std::string& tensor_name,
                                                 const ExternalDataEntries& entries,
                                                 size_t nbytes) = 0;
};

// Decides where each tensor goes when exporting (inline, or into an external file).
class ExternalDataWriter {
 public:
  virtual ~ExternalDataWriter() = default;
  // Returns true and fills `entries` if the tensor's bytes were written externally.
  virtual bool Write(const ir::Tensor& tensor, ExternalDataEntries* entries) = 0;
};

// reader == nullptr: a tensor with external data is an error (kInvalidModel naming it).
ir::Model ModelFromProto(const ::onnx::ModelProto& proto, ExternalDataReader* reader);
ir::Tensor TensorFromProto(const ::onnx::TensorProto& proto, ExternalDataReader* reader);

// writer == nullptr: tensors are written as recorded in Tensor::encoding; a tensor whose source
// was external keeps its recorded external_data entries (used for in-memory round trips).
// With a writer, every tensor that has bytes is offered to it; a tensor it declines is written
// as recorded, except that one whose source was external goes inline as raw_data.
void ModelToProto(const ir::Model& model, ::onnx::ModelProto* proto, ExternalDataWriter* writer);
void TensorToProto(const ir::Tensor& tensor, ::onnx::TensorProto* proto,
                   ExternalDataWriter* writer);

// Unknown-field plumbing shared by import and export: a message's UnknownFieldSet kept as its
// wire bytes ("" when empty), and merged back into a message on export.
std::string SerializeUnknownFields(const ::google::protobuf::UnknownFieldSet& fields);
void RestoreUnknownFields(const std::string& serialized, ::google::protobuf::Message* message);

// FunctionProto.attribute_proto, newer than ONNX 1.12: imported from the unknown fields into
// ir::Function::attribute_defaults and written back as an unknown field.
constexpr int kFunctionAttributeProtoField = 11;

}  // namespace nncf::onnx
