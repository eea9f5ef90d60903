#include "onnx/model_io.h"

#include <sys/stat.h>

#include <google/protobuf/io/coded_stream.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include "core/common/error.h"
#include "core/ir/buffer.h"
#include "onnx/external_data.h"
#include "onnx/model_validation.h"
#include "onnx/proto_convert.h"
#include "onnx/streaming_model_writer.h"

namespace nncf::onnx {

namespace {

// Parses a serialized ModelProto of up to 2 GB. `what` names the source in errors.
void ParseModel(const uint8_t* data, size_t size, const std::string& what,
                ::onnx::ModelProto* proto) {
  if (size == 0) Fail(ErrorCode::kInvalidModel, what + " is empty, not an ONNX model");
  ::google::protobuf::io::CodedInputStream input(data, static_cast<int>(size));
  input.SetTotalBytesLimit(INT_MAX);
  if (!proto->ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
    Fail(ErrorCode::kInvalidModel,
         what + " is not a valid ONNX model: protobuf parsing failed (truncated or corrupt)");
  }
  // Arbitrary bytes sometimes parse as a message of unknown fields; a model has these two.
  if (!proto->has_ir_version()) {
    Fail(ErrorCode::kInvalidModel, what + " is not an ONNX model: it has no ir_version");
  }
  if (!proto->has_graph()) {
    Fail(ErrorCode::kInvalidModel, what + " is not an ONNX model: it has no graph");
  }
}

// For models loaded from memory without a base directory.
class NoExternalDataReader final : public ExternalDataReader {
 public:
  std::shared_ptr<const ir::Buffer> Read(const std::string& tensor_name,
                                         const ExternalDataEntries& /*entries*/,
                                         size_t /*nbytes*/) override {
    Fail(ErrorCode::kInvalidArgument,
         "tensor '" + tensor_name +
             "' has external data, but the model was loaded from memory without a base "
             "directory to resolve it against");
  }
};

// Rethrows an error from converting or validating a model with the source named in front.
template <typename Fn>
auto NamingSource(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error& e) {
    Fail(e.code(), what + ": " + e.what());
  }
}

ir::Model ConvertAndCheck(const ::onnx::ModelProto& proto, ExternalDataReader* reader,
                          const LoadOptions& options, const std::string& what) {
  return NamingSource(what, [&] {
    ir::Model model = ModelFromProto(proto, reader);
    if (options.validate) ValidateModel(model);
    return model;
  });
}

// Measures what serializing a model whole would cost without building that message: tensors of
// at least `threshold` bytes are stood in for by external references and their inline size is
// summed on the side.
class SizeProbe final : public ExternalDataWriter {
 public:
  explicit SizeProbe(uint64_t threshold) : threshold_(threshold) {}

  bool Write(const ir::Tensor& tensor, ExternalDataEntries* entries) override {
    if (tensor.data->size() < threshold_) return false;
    if (tensor.encoding == ir::TensorEncoding::kTypedField) {
      ::onnx::TensorProto typed;
      TensorToProto(tensor, &typed, nullptr);
      inline_bytes_ += typed.ByteSizeLong();
    } else {
      inline_bytes_ += tensor.data->size() + kTensorOverhead;
    }
    external_bytes_ += tensor.data->size();
    entries->assign({{"location", "probe"}, {"offset", "0"}, {"length", "0"}});
    return true;
  }

  uint64_t inline_bytes() const { return inline_bytes_; }
  uint64_t external_bytes() const { return external_bytes_; }

 private:
  // Tag, length prefix and the other fields of a TensorProto, generously.
  static constexpr uint64_t kTensorOverhead = 64;
  uint64_t threshold_;
  uint64_t inline_bytes_ = 0;
  uint64_t external_bytes_ = 0;
};

struct SizeEstimate {
  uint64_t skeleton_bytes;  // the proto without the large tensors' data
  uint64_t inline_total;    // the proto with everything inline
};

SizeEstimate EstimateSize(const ir::Model& model, uint64_t threshold) {
  SizeProbe probe(threshold);
  ::onnx::ModelProto proto;
  ModelToProto(model, &proto, &probe);
  const uint64_t skeleton = proto.ByteSizeLong();
  return {skeleton, skeleton + probe.inline_bytes()};
}

// Keeps every tensor inline (external sources are read into raw_data).
class InlineWriter final : public ExternalDataWriter {
 public:
  bool Write(const ir::Tensor& /*tensor*/, ExternalDataEntries* /*entries*/) override {
    return false;
  }
};

}  // namespace

ir::Model LoadModelFile(const std::string& path, const LoadOptions& options) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      Fail(ErrorCode::kNotFound, "model file '" + path + "' does not exist");
    }
    Fail(ErrorCode::kIo, "cannot access model file '" + path + "': " + std::strerror(err));
  }
  if (!S_ISREG(info.st_mode)) {
    Fail(ErrorCode::kInvalidArgument, "model path '" + path + "' is not a regular file");
  }
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  const std::string what = "model file '" + path + "'";
  if (size > kProtobufLimit) {
    Fail(ErrorCode::kInvalidModel,
         what + " is " + std::to_string(size) +
             " bytes, beyond protobuf's 2 GB limit; large weights must be stored as external data");
  }
  ::onnx::ModelProto proto;
  {
    // Parse straight from a mapping; it is released before tensors are resolved.
    std::shared_ptr<const ir::MappedFile> file = ir::MappedFile::Open(path);
    ParseModel(file->data(), file->size(), what, &proto);
  }
  FileExternalDataReader reader(options.base_dir.empty() ? DirName(path) : options.base_dir,
                                options.mmap_external_data);
  return ConvertAndCheck(proto, &reader, options, what);
}

ir::Model LoadModelBytes(const void* data, size_t size, const LoadOptions& options) {
  if (data == nullptr && size > 0) {
    Fail(ErrorCode::kInvalidArgument, "model bytes: null pointer with a non-zero size");
  }
  if (size > kProtobufLimit) {
    Fail(ErrorCode::kInvalidArgument,
         "model blob of " + std::to_string(size) + " bytes exceeds protobuf's limit of " +
             std::to_string(kProtobufLimit) +
             " bytes; save the weights as external data and load the model from a file");
  }
  const std::string what = "model blob";
  ::onnx::ModelProto proto;
  ParseModel(static_cast<const uint8_t*>(data), size, what, &proto);
  if (options.base_dir.empty()) {
    NoExternalDataReader reader;
    return ConvertAndCheck(proto, &reader, options, what);
  }
  FileExternalDataReader reader(options.base_dir, options.mmap_external_data);
  return ConvertAndCheck(proto, &reader, options, what);
}

void SaveModelFile(const ir::Model& model, const std::string& path, const SaveOptions& options,
                   const Context& context) {
  bool external = options.external_data == ExternalDataMode::kAlways;
  if (options.external_data != ExternalDataMode::kAlways) {
    const SizeEstimate estimate = EstimateSize(model, options.size_threshold);
    if (estimate.inline_total > kProtobufLimit) {
      if (options.external_data == ExternalDataMode::kNever) {
        Fail(ErrorCode::kUnsupported,
             "model for '" + path + "' needs about " + std::to_string(estimate.inline_total) +
                 " bytes serialized, beyond protobuf's 2 GB limit; save it with external data");
      }
      if (estimate.skeleton_bytes > kProtobufLimit) {
        Fail(ErrorCode::kUnsupported, "model for '" + path + "' needs " +
                                          std::to_string(estimate.skeleton_bytes) +
                                          " bytes even with every tensor of at least " +
                                          std::to_string(options.size_threshold) +
                                          " bytes stored externally; lower the size threshold");
      }
      external = true;
    }
  }
  StreamingModelWriter writer;
  writer.Begin(path, options);
  const uint64_t threshold = options.size_threshold;
  writer.SetExternalPredicate([external, threshold](const ir::Tensor& tensor) {
    return external && tensor.data && tensor.data->size() >= threshold;
  });
  writer.Finish(model, context);
  context.Progress("save", 1.0);
}

std::string SaveModelBytes(const ir::Model& model) {
  const SizeEstimate estimate = EstimateSize(model, 0);
  if (estimate.inline_total > kProtobufLimit) {
    Fail(ErrorCode::kUnsupported,
         "model needs about " + std::to_string(estimate.inline_total) +
             " bytes serialized, beyond protobuf's 2 GB limit for one message; save it to a file "
             "with external data instead");
  }
  InlineWriter writer;
  ::onnx::ModelProto proto;
  ModelToProto(model, &proto, &writer);
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) {
    Fail(ErrorCode::kInternal, "serializing the model failed");
  }
  return bytes;
}

}  // namespace nncf::onnx
