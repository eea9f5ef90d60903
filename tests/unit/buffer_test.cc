// Owned and memory-mapped byte storage.
#include "core/ir/buffer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/common/error.h"

namespace nncf::ir {
namespace {

class BufferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/nncf_buffer_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    for (const std::string& path : created_) std::remove(path.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    created_.push_back(path);
    return path;
  }
  static std::string Text(const Buffer& buffer) {
    return std::string(reinterpret_cast<const char*>(buffer.data()), buffer.size());
  }

  std::string dir_;
  std::vector<std::string> created_;
};

TEST_F(BufferTest, OwnedBufferCopiesBytes) {
  const char text[] = "abcdef";
  OwnedBuffer copy(text, 6);
  EXPECT_EQ(Text(copy), "abcdef");
  EXPECT_NE(static_cast<const void*>(copy.data()), static_cast<const void*>(text));
  EXPECT_EQ(copy.mapped_path(), nullptr);
  copy.mutable_data()[0] = 'z';
  EXPECT_EQ(Text(copy), "zbcdef");
  OwnedBuffer empty(nullptr, 0);
  EXPECT_EQ(empty.size(), 0u);
  OwnedBuffer zeros(4);
  EXPECT_EQ(Text(zeros), std::string(4, '\0'));
}

TEST_F(BufferTest, MapsAndViewsRanges) {
  const std::string path = WriteFile("weights.bin", "0123456789");
  auto file = MappedFile::Open(path);
  ASSERT_EQ(file->size(), 10u);
  EXPECT_EQ(file->path(), path);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(file->data()), 10), "0123456789");

  MappedBuffer middle(file, 2, 3);
  EXPECT_EQ(Text(middle), "234");
  ASSERT_NE(middle.mapped_path(), nullptr);
  EXPECT_EQ(*middle.mapped_path(), path);
  EXPECT_EQ(Text(MappedBuffer(file, 0, 10)), "0123456789");
  EXPECT_EQ(MappedBuffer(file, 10, 0).size(), 0u);  // empty view at the very end is fine
}

TEST_F(BufferTest, OutOfRangeViewIsInvalidModel) {
  const std::string path = WriteFile("short.bin", "0123456789");
  auto file = MappedFile::Open(path);
  const std::pair<size_t, size_t> bad[] = {
      {8, 5}, {11, 0}, {0, 11}, {1, static_cast<size_t>(-1)}, {static_cast<size_t>(-1), 2}};
  for (const auto& [offset, length] : bad) {
    try {
      MappedBuffer view(file, offset, length);
      FAIL() << "view " << offset << "+" << length << " accepted";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidModel);
      EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    }
  }
}

TEST_F(BufferTest, MissingFileIsNotFoundWithPath) {
  const std::string path = dir_ + "/does_not_exist.bin";
  try {
    MappedFile::Open(path);
    FAIL() << "missing file opened";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

TEST_F(BufferTest, DirectoryIsIoError) {
  try {
    MappedFile::Open(dir_);
    FAIL() << "directory mapped";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(error.what()).find(dir_), std::string::npos);
  }
}

TEST_F(BufferTest, ZeroLengthFile) {
  const std::string path = WriteFile("empty.bin", "");
  auto file = MappedFile::Open(path);
  EXPECT_EQ(file->size(), 0u);
  MappedBuffer view(file, 0, 0);
  EXPECT_EQ(view.size(), 0u);
  EXPECT_THROW(MappedBuffer(file, 0, 1), Error);
}

TEST_F(BufferTest, MappingSurvivesReplaceAndUnlink) {
  const std::string path = WriteFile("model.data", "original-bytes");
  auto file = MappedFile::Open(path);
  auto view = std::make_shared<MappedBuffer>(file, 0, 8);
  file.reset();  // the view alone keeps the mapping alive

  const std::string replacement = WriteFile("model.data.tmp", "REPLACED-CONTENT");
  ASSERT_EQ(std::rename(replacement.c_str(), path.c_str()), 0);
  EXPECT_EQ(Text(*view), "original");
  EXPECT_EQ(Text(MappedBuffer(MappedFile::Open(path), 0, 8)), "REPLACED");

  ASSERT_EQ(std::remove(path.c_str()), 0);
  EXPECT_EQ(Text(*view), "original");
}

}  // namespace
}  // namespace nncf::ir
