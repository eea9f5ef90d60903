#include "onnx/streaming_model_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "onnx/external_data.h"
#include "onnx/proto_convert.h"

namespace nncf::onnx {

namespace {

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Creates an empty, uniquely named file next to `final_path` and returns its path.
std::string MakeTempFile(const std::string& final_path) {
  std::string pattern = DirName(final_path) + "/." + BaseName(final_path) + ".tmp.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    const int err = errno;
    Fail(err == ENOENT || err == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo,
         "cannot create a temporary file next to '" + final_path + "': " + std::strerror(err));
  }
  ::fchmod(fd, 0644);
  ::close(fd);
  return std::string(name.data());
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is already synced
  ::fsync(fd);
  ::close(fd);
}

void RenameInto(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    Fail(ErrorCode::kIo, "cannot rename '" + from + "' to '" + to + "': " + std::strerror(errno));
  }
}

void WriteProtoFile(const ::onnx::ModelProto& proto, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) Fail(ErrorCode::kIo, "cannot open '" + path + "': " + std::strerror(errno));
  bool ok;
  int err = 0;
  {
    ::google::protobuf::io::FileOutputStream stream(fd);
    ok = proto.SerializeToZeroCopyStream(&stream) && stream.Flush();
    if (!ok) err = stream.GetErrno();
  }
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    err = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    Fail(ErrorCode::kIo, "writing the model to '" + path + "' failed: " +
                             (err != 0 ? std::strerror(err) : "serialization error"));
  }
}

size_t CountTensors(const ir::Graph& graph);

size_t CountTensors(const std::vector<ir::Node>& nodes) {
  size_t count = 0;
  for (const auto& node : nodes) {
    for (const auto& attr : node.attributes) {
      count += attr.t ? 1 : 0;
      count += attr.tensors.size();
      if (attr.g) count += CountTensors(**attr.g);
      for (const auto& g : attr.graphs) count += CountTensors(*g);
    }
  }
  return count;
}

size_t CountTensors(const ir::Graph& graph) {
  return graph.initializers.size() + CountTensors(graph.nodes);
}

size_t CountTensors(const ir::Model& model) {
  size_t count = model.graph ? CountTensors(*model.graph) : 0;
  for (const auto& function : model.functions) count += CountTensors(function.nodes);
  return count;
}

// Sends accepted tensors to the data file and reports progress once per tensor.
class FinishWriter final : public ExternalDataWriter {
 public:
  FinishWriter(std::function<ExternalDataFile&()> file,
               const std::function<bool(const ir::Tensor&)>& predicate, const Context& context,
               size_t total)
      : file_(std::move(file)), predicate_(predicate), context_(context), total_(total) {}

  bool Write(const ir::Tensor& tensor, ExternalDataEntries* entries) override {
    bool external = false;
    if (tensor.dtype != ir::DType::kString && predicate_(tensor)) {
      file_().Append(tensor.name, tensor.data->data(), tensor.data->size(), entries);
      external = true;
    }
    ++done_;
    context_.Progress("save", total_ == 0 ? 1.0 : std::min(1.0, double(done_) / double(total_)));
    return external;
  }

 private:
  std::function<ExternalDataFile&()> file_;
  const std::function<bool(const ir::Tensor&)>& predicate_;
  const Context& context_;
  size_t total_;
  size_t done_ = 0;
};

}  // namespace

StreamingModelWriter::StreamingModelWriter() = default;

StreamingModelWriter::~StreamingModelWriter() {
  Abort();
}

void StreamingModelWriter::Begin(const std::string& path, const SaveOptions& options) {
  if (active_) Fail(ErrorCode::kInvalidArgument, "StreamingModelWriter: Begin() called twice");
  if (path.empty() || path.back() == '/') {
    Fail(ErrorCode::kInvalidArgument, "model path '" + path + "' does not name a file");
  }
  const std::string dir = DirName(path);
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    Fail(ErrorCode::kNotFound,
         "directory '" + dir + "' of model path '" + path + "' does not exist");
  }
  std::string location =
      options.external_data_file.empty() ? BaseName(path) + ".data" : options.external_data_file;
  try {
    CheckRelativeLocation("", location);
  } catch (const Error&) {
    Fail(ErrorCode::kInvalidArgument, "external data file '" + location +
                                          "' must be a relative path inside the model's directory");
  }
  const std::string data_path = dir + "/" + location;
  if (location == BaseName(path)) {
    Fail(ErrorCode::kInvalidArgument,
         "external data file '" + location + "' would overwrite the model file itself");
  }
  path_ = path;
  location_ = std::move(location);
  data_path_ = data_path;
  options_ = options;
  external_predicate_ = [threshold = options.size_threshold,
                         never = options.external_data ==
                                 ExternalDataMode::kNever](const ir::Tensor& tensor) {
    return !never && tensor.data && tensor.data->size() >= threshold;
  };
  streamed_.clear();
  streamed_index_.clear();
  active_ = true;
}

void StreamingModelWriter::SetExternalPredicate(std::function<bool(const ir::Tensor&)> predicate) {
  external_predicate_ = std::move(predicate);
}

ExternalDataFile& StreamingModelWriter::DataFile() {
  if (!data_file_) {
    data_temp_path_ = MakeTempFile(data_path_);
    data_file_ = std::make_unique<ExternalDataFile>(data_temp_path_, location_);
  }
  return *data_file_;
}

ir::Tensor StreamingModelWriter::AddTensor(const ir::Tensor& tensor) {
  if (!active_) Fail(ErrorCode::kInvalidArgument, "StreamingModelWriter: AddTensor before Begin");
  const std::string label = "tensor '" + tensor.name + "'";
  if (tensor.name.empty()) {
    Fail(ErrorCode::kInvalidArgument, "StreamingModelWriter: streamed tensors need a name");
  }
  if (streamed_index_.count(tensor.name) != 0) {
    Fail(ErrorCode::kInvalidArgument, label + " was already streamed");
  }
  if (tensor.dtype == ir::DType::kString || tensor.dtype == ir::DType::kUndefined) {
    Fail(ErrorCode::kInvalidArgument,
         label + " of type " + ir::DTypeName(tensor.dtype) + " cannot be stored as external data");
  }
  const size_t expected = ir::StorageBytes(tensor.dtype, tensor.NumElements());
  const size_t actual = tensor.data ? tensor.data->size() : 0;
  if (actual != expected) {
    Fail(ErrorCode::kInvalidArgument, label + " holds " + std::to_string(actual) +
                                          " bytes but its dims require " +
                                          std::to_string(expected));
  }
  ir::Tensor reference;
  reference.name = tensor.name;
  reference.dtype = tensor.dtype;
  reference.dims = tensor.dims;
  reference.doc_string = tensor.doc_string;
  reference.encoding = ir::TensorEncoding::kExternal;
  DataFile().Append(tensor.name, tensor.bytes(), actual, &reference.external_data);
  streamed_index_.emplace(tensor.name, streamed_.size());
  streamed_.push_back(reference);
  return reference;
}

void StreamingModelWriter::Finish(const ir::Model& skeleton, const Context& context) {
  if (!active_) Fail(ErrorCode::kInvalidArgument, "StreamingModelWriter: Finish before Begin");
  try {
    ir::Model model = skeleton;
    if (!streamed_.empty()) {
      if (!model.graph) model.graph.emplace();
      std::set<std::string> placed;
      for (auto& tensor : model.graph->initializers) {
        auto it = streamed_index_.find(tensor.name);
        if (it == streamed_index_.end()) continue;
        tensor = streamed_[it->second];
        placed.insert(tensor.name);
      }
      for (const auto& reference : streamed_) {
        if (placed.count(reference.name) == 0) model.graph->initializers.push_back(reference);
      }
    }

    FinishWriter writer([this]() -> ExternalDataFile& { return DataFile(); }, external_predicate_,
                        context, CountTensors(model));
    ::onnx::ModelProto proto;
    ModelToProto(model, &proto, &writer);
    const size_t proto_bytes = proto.ByteSizeLong();
    if (proto_bytes > kProtobufLimit) {
      Fail(ErrorCode::kUnsupported,
           "the model proto for '" + path_ + "' would be " + std::to_string(proto_bytes) +
               " bytes, beyond protobuf's 2 GB limit; store more tensors as external data");
    }
    if (data_file_) data_file_->Finish();
    model_temp_path_ = MakeTempFile(path_);
    WriteProtoFile(proto, model_temp_path_);
    if (data_file_) {
      RenameInto(data_temp_path_, data_path_);
      data_temp_path_.clear();
    }
    RenameInto(model_temp_path_, path_);
    model_temp_path_.clear();
    SyncDirectory(DirName(path_));
    if (DirName(data_path_) != DirName(path_)) SyncDirectory(DirName(data_path_));
  } catch (...) {
    Abort();
    throw;
  }
  data_file_.reset();
  streamed_.clear();
  streamed_index_.clear();
  active_ = false;
}

void StreamingModelWriter::Abort() {
  data_file_.reset();
  if (!data_temp_path_.empty()) ::unlink(data_temp_path_.c_str());
  if (!model_temp_path_.empty()) ::unlink(model_temp_path_.c_str());
  data_temp_path_.clear();
  model_temp_path_.clear();
  streamed_.clear();
  streamed_index_.clear();
  active_ = false;
}

}  // namespace nncf::onnx
