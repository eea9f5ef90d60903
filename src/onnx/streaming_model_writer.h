// Writes a model to disk tensor by tensor, so an algorithm can produce a model larger than
// memory: each AddTensor() streams the bytes to the external-data file at once and keeps only a
// reference; Finish() writes the model proto around those references. Both files are written as
// temporaries next to their destinations and renamed into place only when everything succeeded.
// Protobuf-free so that algorithms can use it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/context.h"
#include "core/ir/model.h"
#include "core/ir/tensor.h"
#include "onnx/model_io.h"

namespace nncf::onnx {

class ExternalDataFile;

class StreamingModelWriter {
 public:
  StreamingModelWriter();
  ~StreamingModelWriter();  // aborts an unfinished write, removing its temporaries
  StreamingModelWriter(const StreamingModelWriter&) = delete;
  StreamingModelWriter& operator=(const StreamingModelWriter&) = delete;

  // Starts writing the model to `path`; data goes to options.external_data_file (relative to
  // the model's directory; "" = "<model file name>.data").
  void Begin(const std::string& path, const SaveOptions& options);

  // Streams the tensor's bytes to the data file now and returns the reference kept for it (no
  // bytes, encoding kExternal, external_data set). Names must be unique.
  ir::Tensor AddTensor(const ir::Tensor& tensor);

  // Writes the model proto and renames both files into place. Main-graph initializers named like
  // a streamed tensor are replaced by its reference; streamed tensors the skeleton does not list
  // are appended to the main graph's initializers in AddTensor order. Other tensors with bytes go
  // to the data file when `external_predicate` accepts them (default: at least
  // options.size_threshold bytes, unless options.external_data is kNever), else inline.
  void Finish(const ir::Model& skeleton, const Context& context);

  // Which skeleton tensors Finish() writes to the data file (replaces the default rule).
  void SetExternalPredicate(std::function<bool(const ir::Tensor&)> predicate);

  // Removes the temporaries; safe to call at any time, a no-op when idle.
  void Abort();

  bool active() const { return active_; }

 private:
  ExternalDataFile& DataFile();

  bool active_ = false;
  std::string path_;
  std::string location_;
  std::string data_path_;
  std::string data_temp_path_;
  std::string model_temp_path_;
  SaveOptions options_;
  std::function<bool(const ir::Tensor&)> external_predicate_;
  std::unique_ptr<ExternalDataFile> data_file_;
  std::vector<ir::Tensor> streamed_;
  std::map<std::string, size_t> streamed_index_;
};

}  // namespace nncf::onnx
