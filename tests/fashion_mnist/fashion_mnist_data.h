// The Fashion-MNIST files of Debian's dataset-fashion-mnist, read for the tests that quantize
// the bundled CNNs (gzip IDX files; pixels normalized as make_models.py trained them).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nncf::testing {

inline const std::filesystem::path kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr int64_t kPixels = 28 * 28;

struct FashionMnist {
  std::vector<float> images;  // [n, 1, 28, 28], (pixel / 255 - 0.5) / 0.5 as in make_models.py
  std::vector<uint8_t> labels;
  int64_t count = 0;
};

// Reads `<prefix>-images-idx3-ubyte.gz` and `<prefix>-labels-idx1-ubyte.gz` ("train", "t10k");
// count 0 when the files are missing or malformed.
FashionMnist ReadFashionMnist(const std::string& prefix);

}  // namespace nncf::testing
