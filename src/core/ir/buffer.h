// Byte storage behind a tensor: owned memory, or a read-only view into a memory-mapped file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nncf::ir {

class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual const uint8_t* data() const = 0;
  virtual size_t size() const = 0;
  // Non-null only for buffers that view a mapped file (for reporting and streaming).
  virtual const std::string* mapped_path() const { return nullptr; }
};

// Selects the OwnedBuffer constructor that leaves the bytes unset, for writers that overwrite
// every byte (kernel outputs): no memset and no early first touch of the pages.
struct UninitializedTag {};
inline constexpr UninitializedTag kUninitialized{};

class OwnedBuffer final : public Buffer {
 public:
  explicit OwnedBuffer(size_t size) : bytes_(size), data_(bytes_.data()), size_(size) {}
  explicit OwnedBuffer(std::vector<uint8_t> bytes)
      : bytes_(std::move(bytes)), data_(bytes_.data()), size_(bytes_.size()) {}
  OwnedBuffer(const void* data, size_t size);
  OwnedBuffer(UninitializedTag, size_t size);
  // Unset storage lent by a recycler: `release` gets it back when the buffer dies.
  using Release = std::function<void(std::unique_ptr<uint8_t[]>, size_t)>;
  OwnedBuffer(UninitializedTag, std::unique_ptr<uint8_t[]> storage, size_t size, Release release);
  ~OwnedBuffer() override;
  OwnedBuffer(const OwnedBuffer&) = delete;
  OwnedBuffer& operator=(const OwnedBuffer&) = delete;
  const uint8_t* data() const override { return data_; }
  uint8_t* mutable_data() { return data_; }
  size_t size() const override { return size_; }

 private:
  std::vector<uint8_t> bytes_;
  std::unique_ptr<uint8_t[]> raw_;  // storage of uninitialised buffers
  uint8_t* data_;
  size_t size_;
  Release release_;
};

// A whole file mapped read-only. Shared by every tensor that views it; the mapping lives until
// the last view is gone, so the file may be replaced on disk (rename) while tensors use it.
class MappedFile {
 public:
  // Throws nncf::Error(kNotFound / kIo) naming the path.
  static std::shared_ptr<const MappedFile> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

class MappedBuffer final : public Buffer {
 public:
  // Throws nncf::Error(kInvalidModel) if [offset, offset+length) is outside the file.
  MappedBuffer(std::shared_ptr<const MappedFile> file, size_t offset, size_t length);
  const uint8_t* data() const override { return file_->data() + offset_; }
  size_t size() const override { return length_; }
  const std::string* mapped_path() const override { return &file_->path(); }

 private:
  std::shared_ptr<const MappedFile> file_;
  size_t offset_;
  size_t length_;
};

}  // namespace nncf::ir
