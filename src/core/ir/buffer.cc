#include "core/ir/buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/error.h"

namespace nncf::ir {

namespace {

// Closes the descriptor on every path out of MappedFile::Open; the mapping outlives it.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

OwnedBuffer::OwnedBuffer(const void* data, size_t size)
    : bytes_(size), data_(bytes_.data()), size_(size) {
  if (size > 0) std::memcpy(bytes_.data(), data, size);
}

OwnedBuffer::OwnedBuffer(UninitializedTag, size_t size)
    : raw_(size > 0 ? new uint8_t[size] : nullptr), data_(raw_.get()), size_(size) {}

OwnedBuffer::OwnedBuffer(UninitializedTag, std::unique_ptr<uint8_t[]> storage, size_t size,
                         Release release)
    : raw_(std::move(storage)), data_(raw_.get()), size_(size), release_(std::move(release)) {}

OwnedBuffer::~OwnedBuffer() {
  if (!release_ || !raw_) return;
  try {
    release_(std::move(raw_), size_);
  } catch (...) {
    // The storage was freed with the callback's argument; nothing else to undo.
  }
}

std::shared_ptr<const MappedFile> MappedFile::Open(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    const ErrorCode code =
        (err == ENOENT || err == ENOTDIR) ? ErrorCode::kNotFound : ErrorCode::kIo;
    Fail(code, "cannot open '" + path + "': " + std::strerror(err));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    Fail(ErrorCode::kIo, "cannot stat '" + path + "': " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) Fail(ErrorCode::kIo, "'" + path + "' is not a regular file");

  std::shared_ptr<MappedFile> file(new MappedFile());
  file->path_ = path;
  file->size_ = static_cast<size_t>(info.st_size);
  // mmap rejects zero lengths; an empty file simply has no bytes to view.
  if (file->size_ == 0) return file;

  void* address = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (address == MAP_FAILED) {
    const int err = errno;
    file->size_ = 0;
    Fail(ErrorCode::kIo, "cannot map '" + path + "': " + std::strerror(err));
  }
  // Weights are read front to back once when quantizing or exporting.
  ::madvise(address, file->size_, MADV_SEQUENTIAL);
  file->data_ = static_cast<const uint8_t*>(address);
  return file;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr && size_ > 0) {
    ::munmap(const_cast<uint8_t*>(data_), size_);
  }
}

MappedBuffer::MappedBuffer(std::shared_ptr<const MappedFile> file, size_t offset, size_t length)
    : file_(std::move(file)), offset_(offset), length_(length) {
  if (!file_) Fail(ErrorCode::kInternal, "MappedBuffer needs a mapped file");
  if (offset > file_->size() || length > file_->size() - offset) {
    Fail(ErrorCode::kInvalidModel, "range [" + std::to_string(offset) + ", " +
                                       std::to_string(offset) + "+" + std::to_string(length) +
                                       ") is outside '" + file_->path() + "' of " +
                                       std::to_string(file_->size()) + " bytes");
  }
}

}  // namespace nncf::ir
