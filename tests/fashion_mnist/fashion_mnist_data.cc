#include "fashion_mnist_data.h"

#include <zlib.h>

#include <array>

namespace nncf::testing {
namespace {

// The whole gzip-compressed file.
std::vector<uint8_t> ReadGz(const std::filesystem::path& path) {
  std::vector<uint8_t> bytes;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return bytes;
  std::array<uint8_t, 1 << 16> chunk{};
  int n = 0;
  while ((n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()))) > 0) {
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
  }
  gzclose(file);
  return bytes;
}

uint32_t BigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

FashionMnist ReadFashionMnist(const std::string& prefix) {
  FashionMnist set;
  const std::vector<uint8_t> images = ReadGz(kFashionMnistDir / (prefix + "-images-idx3-ubyte.gz"));
  const std::vector<uint8_t> labels = ReadGz(kFashionMnistDir / (prefix + "-labels-idx1-ubyte.gz"));
  if (images.size() < 16 || labels.size() < 8 || BigEndian32(images.data()) != 0x803 ||
      BigEndian32(labels.data()) != 0x801) {
    return set;
  }
  const int64_t n = BigEndian32(images.data() + 4);
  if (BigEndian32(labels.data() + 4) != n || BigEndian32(images.data() + 8) != 28 ||
      BigEndian32(images.data() + 12) != 28 ||
      images.size() != static_cast<size_t>(16 + n * kPixels) ||
      labels.size() != static_cast<size_t>(8 + n)) {
    return set;
  }
  set.images.resize(n * kPixels);
  for (int64_t i = 0; i < n * kPixels; ++i) {
    set.images[i] = (static_cast<float>(images[16 + i]) / 255.0f - 0.5f) / 0.5f;
  }
  set.labels.assign(labels.begin() + 8, labels.end());
  set.count = n;
  return set;
}

}  // namespace nncf::testing
