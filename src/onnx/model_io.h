// Loading and saving ONNX models. This header is protobuf-free so that src/capi and tools can use
// it; only the .cc files of src/onnx include protobuf and ONNX headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/context.h"
#include "core/ir/model.h"

namespace nncf::onnx {

struct LoadOptions {
  // Directory that external-data locations are relative to; empty = the model file's directory
  // (for LoadModelBytes: external data is then an error).
  std::string base_dir;
  bool mmap_external_data = true;  // false: read external data into owned memory
  bool validate = true;            // structural + opset checks (see model_validation.h)
};

enum class ExternalDataMode { kAuto, kAlways, kNever };

struct SaveOptions {
  ExternalDataMode external_data = ExternalDataMode::kAuto;
  std::string external_data_file;  // relative to the model's directory; "" = "<model name>.data"
  uint64_t size_threshold = 1024;  // smaller tensors stay inline
};

// Protobuf's hard limit on one serialized message.
constexpr uint64_t kProtobufLimit = (uint64_t{1} << 31) - 1;

ir::Model LoadModelFile(const std::string& path, const LoadOptions& options);
// Refuses blobs over kProtobufLimit with kInvalidArgument.
ir::Model LoadModelBytes(const void* data, size_t size, const LoadOptions& options);

// Writes to temporaries next to `path` and renames them into place. Works when `path` is the file
// (or external data file) the model's tensors are mapped from.
void SaveModelFile(const ir::Model& model, const std::string& path, const SaveOptions& options,
                   const Context& context);
// Serializes the whole model (external tensors inlined); kUnsupported past kProtobufLimit.
std::string SaveModelBytes(const ir::Model& model);

}  // namespace nncf::onnx
