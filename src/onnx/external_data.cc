#include "onnx/external_data.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "core/common/error.h"

namespace nncf::onnx {

namespace {

std::string TensorLabel(const std::string& name) {
  return name.empty() ? std::string("<unnamed tensor>") : "'" + name + "'";
}

[[noreturn]] void FailTensor(const std::string& name, const std::string& what) {
  Fail(ErrorCode::kInvalidModel, "tensor " + TensorLabel(name) + ": " + what);
}

// Parses a non-negative decimal integer stored as a string entry.
uint64_t ParseSize(const std::string& tensor_name, const std::string& key,
                   const std::string& value) {
  if (value.empty() || value.size() > 19) {
    FailTensor(tensor_name, "external data " + key + " '" + value + "' is not a valid number");
  }
  uint64_t result = 0;
  for (char c : value) {
    if (c < '0' || c > '9') {
      FailTensor(tensor_name, "external data " + key + " '" + value + "' is not a valid number");
    }
    result = result * 10 + static_cast<uint64_t>(c - '0');
  }
  return result;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

bool IsAllZero(const uint8_t* data, size_t size) {
  // Compare against the first byte and then the overlapping shifted range.
  return size == 0 || (data[0] == 0 && std::memcmp(data, data + 1, size - 1) == 0);
}

}  // namespace

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void CheckRelativeLocation(const std::string& tensor_name, const std::string& location) {
  if (location.empty()) FailTensor(tensor_name, "external data has an empty location");
  if (location.find('\0') != std::string::npos) {
    FailTensor(tensor_name, "external data location contains a NUL byte");
  }
  if (location.front() == '/') {
    FailTensor(tensor_name, "external data location '" + location +
                                "' is an absolute path; it must be relative to the model");
  }
  size_t start = 0;
  while (start <= location.size()) {
    size_t end = location.find('/', start);
    if (end == std::string::npos) end = location.size();
    if (location.compare(start, end - start, "..") == 0 && end - start == 2) {
      FailTensor(tensor_name,
                 "external data location '" + location + "' escapes the model directory with '..'");
    }
    start = end + 1;
  }
}

FileExternalDataReader::FileExternalDataReader(std::string base_dir, bool use_mmap)
    : base_dir_(std::move(base_dir)), use_mmap_(use_mmap) {}

std::shared_ptr<const ir::Buffer> FileExternalDataReader::Read(const std::string& tensor_name,
                                                               const ExternalDataEntries& entries,
                                                               size_t nbytes) {
  std::string location;
  bool has_location = false;
  uint64_t offset = 0;
  bool has_length = false;
  uint64_t length = 0;
  for (const auto& [key, value] : entries) {
    if (key == "location") {
      location = value;
      has_location = true;
    } else if (key == "offset") {
      offset = ParseSize(tensor_name, key, value);
    } else if (key == "length") {
      length = ParseSize(tensor_name, key, value);
      has_length = true;
    }
  }
  if (!has_location) FailTensor(tensor_name, "external data has no 'location' entry");
  CheckRelativeLocation(tensor_name, location);
  if (has_length && length != nbytes) {
    FailTensor(tensor_name, "external data length " + std::to_string(length) +
                                " does not match the " + std::to_string(nbytes) +
                                " bytes its type and dims require");
  }
  const std::string path = JoinPath(base_dir_, location);

  if (use_mmap_) {
    auto it = mapped_.find(path);
    if (it == mapped_.end()) {
      std::shared_ptr<const ir::MappedFile> file;
      try {
        file = ir::MappedFile::Open(path);
      } catch (const Error& e) {
        Fail(e.code(), "tensor " + TensorLabel(tensor_name) + ": external data file: " + e.what());
      }
      it = mapped_.emplace(path, std::move(file)).first;
    }
    const auto& file = it->second;
    if (offset > file->size() || nbytes > file->size() - offset) {
      FailTensor(tensor_name, "external data [" + std::to_string(offset) + ", +" +
                                  std::to_string(nbytes) + ") lies past the end of '" + path +
                                  "' (" + std::to_string(file->size()) + " bytes)");
    }
    // Typed kernels read elements in place, which needs natural alignment; files written by
    // other tools may pack tensors at odd offsets, and those few are copied instead.
    if (offset % 8 != 0) {
      return std::make_shared<ir::OwnedBuffer>(file->data() + offset, nbytes);
    }
    return std::make_shared<ir::MappedBuffer>(file, static_cast<size_t>(offset), nbytes);
  }

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    Fail(err == ENOENT || err == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo,
         "tensor " + TensorLabel(tensor_name) + ": cannot open external data file '" + path +
             "': " + std::strerror(err));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    Fail(ErrorCode::kIo, "tensor " + TensorLabel(tensor_name) + ": external data '" + path +
                             "' is not a readable regular file");
  }
  const uint64_t file_size = static_cast<uint64_t>(info.st_size);
  if (offset > file_size || nbytes > file_size - offset) {
    ::close(fd);
    FailTensor(tensor_name, "external data [" + std::to_string(offset) + ", +" +
                                std::to_string(nbytes) + ") lies past the end of '" + path + "' (" +
                                std::to_string(file_size) + " bytes)");
  }
  auto buffer = std::make_shared<ir::OwnedBuffer>(nbytes);
  size_t done = 0;
  while (done < nbytes) {
    const ssize_t n = ::pread(fd, buffer->mutable_data() + done, nbytes - done,
                              static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      Fail(ErrorCode::kIo,
           "tensor " + TensorLabel(tensor_name) + ": reading '" + path +
               "' failed: " + (n == 0 ? "unexpected end of file" : std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return buffer;
}

ExternalDataFile::ExternalDataFile(std::string file_path, std::string location)
    : file_path_(std::move(file_path)), location_(std::move(location)) {
  fd_ = ::open(file_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    Fail(ErrorCode::kIo,
         "cannot create external data file '" + file_path_ + "': " + std::strerror(errno));
  }
}

ExternalDataFile::~ExternalDataFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ExternalDataFile::Append(const std::string& tensor_name, const uint8_t* data, size_t size,
                              ExternalDataEntries* entries) {
  if (fd_ < 0) Fail(ErrorCode::kInternal, "external data file '" + file_path_ + "' is closed");
  // Page alignment lets readers map large tensors directly; small ones pack more tightly.
  const uint64_t alignment = size >= 4096 ? 4096 : 64;
  const uint64_t offset = (end_ + alignment - 1) / alignment * alignment;
  constexpr size_t kChunk = size_t{1} << 20;
  size_t done = 0;
  while (done < size) {
    const size_t chunk = std::min(kChunk, size - done);
    if (IsAllZero(data + done, chunk)) {
      done += chunk;  // left as a hole; Finish() extends the file over it
      continue;
    }
    size_t written = 0;
    while (written < chunk) {
      const ssize_t n = ::pwrite(fd_, data + done + written, chunk - written,
                                 static_cast<off_t>(offset + done + written));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Fail(ErrorCode::kIo, "writing tensor " + TensorLabel(tensor_name) + " to '" + file_path_ +
                                 "' failed: " + std::strerror(errno));
      }
      written += static_cast<size_t>(n);
    }
    done += chunk;
  }
  end_ = offset + size;
  ++tensors_written_;
  entries->clear();
  entries->emplace_back("location", location_);
  entries->emplace_back("offset", std::to_string(offset));
  entries->emplace_back("length", std::to_string(size));
}

void ExternalDataFile::Finish() {
  if (fd_ < 0) return;
  if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0 || ::fsync(fd_) != 0) {
    Fail(ErrorCode::kIo,
         "cannot finish external data file '" + file_path_ + "': " + std::strerror(errno));
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    Fail(ErrorCode::kIo,
         "cannot close external data file '" + file_path_ + "': " + std::strerror(errno));
  }
}

FileExternalDataWriter::FileExternalDataWriter(ExternalDataFile* file, Predicate predicate,
                                               std::function<void(const ir::Tensor&)> on_written)
    : file_(file), predicate_(std::move(predicate)), on_written_(std::move(on_written)) {}

bool FileExternalDataWriter::Write(const ir::Tensor& tensor, ExternalDataEntries* entries) {
  if (!tensor.data || tensor.dtype == ir::DType::kString || !predicate_(tensor)) return false;
  file_->Append(tensor.name, tensor.data->data(), tensor.data->size(), entries);
  if (on_written_) on_written_(tensor);
  return true;
}

}  // namespace nncf::onnx
