// Reading and writing tensor bytes kept in external-data files next to an ONNX model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/ir/buffer.h"
#include "core/ir/tensor.h"
#include "onnx/proto_convert.h"

namespace nncf::onnx {

// Resolves `location` entries relative to a base directory. Files are mapped once and shared by
// every tensor that views them (or read into owned memory when mapping is off).
class FileExternalDataReader final : public ExternalDataReader {
 public:
  FileExternalDataReader(std::string base_dir, bool use_mmap);
  std::shared_ptr<const ir::Buffer> Read(const std::string& tensor_name,
                                         const ExternalDataEntries& entries,
                                         size_t nbytes) override;

 private:
  std::string base_dir_;
  bool use_mmap_;
  std::map<std::string, std::shared_ptr<const ir::MappedFile>> mapped_;
};

// Throws kInvalidModel unless `location` is a relative path that stays inside its base directory
// (no absolute path, no ".." component, no empty name).
// The directory part of a path ("." when there is none).
std::string DirName(const std::string& path);

void CheckRelativeLocation(const std::string& tensor_name, const std::string& location);

// Appends tensor bytes to one data file at aligned offsets. Runs of zero bytes are skipped as
// holes, so sparse sources stay sparse. The file is created at `file_path`; entries name it as
// `location` (the final name relative to the model, which may differ from a temporary path).
class ExternalDataFile {
 public:
  ExternalDataFile(std::string file_path, std::string location);
  ~ExternalDataFile();  // closes; does not remove (the owner decides)
  ExternalDataFile(const ExternalDataFile&) = delete;
  ExternalDataFile& operator=(const ExternalDataFile&) = delete;

  // Writes `size` bytes and fills `entries` with location/offset/length.
  void Append(const std::string& tensor_name, const uint8_t* data, size_t size,
              ExternalDataEntries* entries);
  // Sets the final length (trailing holes), flushes to disk and closes.
  void Finish();
  uint64_t size() const { return end_; }
  size_t tensors_written() const { return tensors_written_; }
  const std::string& path() const { return file_path_; }

 private:
  std::string file_path_;
  std::string location_;
  int fd_ = -1;
  uint64_t end_ = 0;
  size_t tensors_written_ = 0;
};

// An ExternalDataWriter that sends every tensor accepted by `predicate` to an ExternalDataFile.
class FileExternalDataWriter final : public ExternalDataWriter {
 public:
  using Predicate = std::function<bool(const ir::Tensor&)>;
  FileExternalDataWriter(ExternalDataFile* file, Predicate predicate,
                         std::function<void(const ir::Tensor&)> on_written);
  bool Write(const ir::Tensor& tensor, ExternalDataEntries* entries) override;

 private:
  ExternalDataFile* file_;
  Predicate predicate_;
  std::function<void(const ir::Tensor&)> on_written_;
};

}  // namespace nncf::onnx
