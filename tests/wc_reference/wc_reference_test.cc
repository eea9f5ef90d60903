// QuantizeWeight against the independent numpy reference (tests/wc_reference/reference.py), byte
// for byte: codes, scales and zero points over deterministic weights that include zero groups,
// constant groups, all-positive groups, outliers and values on a coarse grid (rounding ties), in
// float32 and float16, for every mode, group sizes 32/64/128/-1 and reduction axes 0 and 1. The
// odd width (37) sends part of every row through the scalar kernels next to the vector ones; the
// 1024-row per-channel case takes the row-streaming path for tiles larger than L2.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/ir/dtype.h"
#include "npy_io.h"

namespace nncf::algorithms::wc {
namespace {

struct Case {
  std::string weight_path;
  ir::Tensor weight;
  WeightMode mode;
  int64_t axis;
  int64_t group;
  std::string prefix;
};

// Row r (all dims but the last, flattened), column c (last dim): structured content so every
// reduction direction meets special groups.
float Value(int64_t r, int64_t c, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const float noise = (uniform(rng) + uniform(rng) + uniform(rng)) * 0.05f;
  if (r % 11 == 3) return 0.0f;              // zero rows: zero groups along axis 1
  if (r % 11 == 5) return -1.25f;            // constant negative rows
  if (r % 11 == 7 && c == 9) return -80.0f;  // outlier in a row
  if (c % 7 == 1 && r < 64) return 0.0f;     // zero columns: zero groups along axis 0
  if (c % 7 == 2 && r < 64) return 0.75f;    // constant positive columns
  if (c % 7 == 3 && r == 5) return 50.0f;    // outlier in a column
  if (c % 7 == 4) return std::floor(uniform(rng) * 9.0f) / 8.0f;  // grid: many exact ties
  if (c % 7 == 5) return std::fabs(noise) + 0.5f;                 // all-positive groups
  if (c % 7 == 6 && r % 5 == 0) return noise * 1e-6f;  // tiny values next to the eps clamp
  return noise;
}

ir::Tensor MakeWeight(const std::string& name, const std::vector<int64_t>& dims, ir::DType dtype,
                      uint32_t seed) {
  std::mt19937 rng(seed);
  int64_t numel = 1;
  for (int64_t d : dims) numel *= d;
  const int64_t cols = dims.back();
  std::vector<uint8_t> bytes(ir::StorageBytes(dtype, numel));
  for (int64_t i = 0; i < numel; ++i) {
    const float v = Value(i / cols, i % cols, rng);
    if (dtype == ir::DType::kFloat16) {
      const uint16_t h = ir::FloatToHalf(v);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    } else {
      std::memcpy(bytes.data() + 4 * i, &v, 4);
    }
  }
  return ir::Tensor::FromBytes(name, dtype, dims, bytes.data(), bytes.size());
}

std::string MakeTempDir() {
  char pattern[] = "/tmp/nncf_wc_reference_XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (dir == nullptr) return "";
  return dir;
}

template <typename T, typename Alloc>
void ExpectSameBytes(const std::vector<T, Alloc>& ours, const ir::Tensor& ref,
                     const std::vector<int64_t>& shape, const std::string& what) {
  ASSERT_EQ(ref.dims, shape) << what;
  ASSERT_EQ(ref.ByteSize(), ours.size() * sizeof(T)) << what;
  const uint8_t* theirs = ref.bytes();
  const uint8_t* mine = reinterpret_cast<const uint8_t*>(ours.data());
  size_t mismatches = 0, first = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    if (std::memcmp(mine + i * sizeof(T), theirs + i * sizeof(T), sizeof(T)) != 0) {
      if (mismatches++ == 0) first = i;
    }
  }
  if (mismatches != 0) {
    T reference_value;
    std::memcpy(&reference_value, theirs + first * sizeof(T), sizeof(T));
    ADD_FAILURE() << what << ": " << mismatches << " of " << ours.size()
                  << " elements differ; first at " << first << ": ours " << +ours[first]
                  << ", reference " << +reference_value;
  }
}

TEST(WcReferenceTest, QuantizeWeightMatchesNumpyBitExactly) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::vector<std::vector<int64_t>> shapes = {
      {256, 160}, {128, 384}, {3, 128, 40}, {96, 37}, {1024, 520}};
  const std::vector<ir::DType> dtypes = {ir::DType::kFloat, ir::DType::kFloat16};
  const std::vector<WeightMode> modes = {WeightMode::kInt8Sym, WeightMode::kInt8Asym,
                                         WeightMode::kInt4Sym, WeightMode::kInt4Asym,
                                         WeightMode::kNf4,     WeightMode::kE2M1};
  std::vector<Case> cases;
  std::ofstream manifest(dir + "/manifest.txt");
  uint32_t seed = 1;
  for (const auto& shape : shapes) {
    for (ir::DType dtype : dtypes) {
      const std::string name = "w" + std::to_string(seed);
      const std::string path = dir + "/" + name + ".npy";
      const ir::Tensor weight = MakeWeight(name, shape, dtype, seed++);
      testing::WriteNpy(path, weight);
      for (WeightMode mode : modes) {
        for (int64_t axis : {0, 1}) {
          for (int64_t group : {32, 64, 128, -1}) {
            const int64_t effective = group == -1 ? shape[axis] : group;
            if (shape[axis] % effective != 0) continue;
            if (mode == WeightMode::kE2M1 && effective != 32) continue;
            Case c{path, weight, mode, axis, group, ""};
            c.prefix = dir + "/" + name + "_" + WeightModeName(mode) + "_a" + std::to_string(axis) +
                       "_g" + std::to_string(group);
            manifest << path << ' ' << WeightModeName(mode) << ' ' << axis << ' ' << group << ' '
                     << c.prefix << '\n';
            cases.push_back(std::move(c));
          }
        }
      }
    }
  }
  manifest.close();
  ASSERT_GT(cases.size(), 100u);

  const std::string command = std::string("OPENBLAS_NUM_THREADS=1 ") + NNCF_PYTHON3 + " " +
                              NNCF_SOURCE_DIR + "/tests/wc_reference/reference.py --batch " + dir +
                              "/manifest.txt";
  ASSERT_EQ(std::system(command.c_str()), 0)
      << "the numpy reference failed (needs python3-numpy): " << command;

  for (const Case& c : cases) {
    SCOPED_TRACE(c.prefix);
    for (int threads : {1, 3}) {
      const CompressedWeight ours = QuantizeWeight(c.weight, c.mode, c.axis, c.group, threads);
      const ir::Tensor codes = testing::ReadNpy(c.prefix + ".codes.npy");
      const ir::Tensor scales = testing::ReadNpy(c.prefix + ".scales.npy");
      ASSERT_EQ(codes.dtype, IsIntegerMode(c.mode) && !IsAsymmetric(c.mode) ? ir::DType::kInt8
                                                                            : ir::DType::kUint8);
      ASSERT_EQ(scales.dtype, ir::DType::kFloat);
      ExpectSameBytes(ours.codes, codes, ours.shape, "codes");
      ExpectSameBytes(ours.scales, scales, ours.scale_shape, "scales");
      if (IsAsymmetric(c.mode)) {
        ExpectSameBytes(ours.zero_points, testing::ReadNpy(c.prefix + ".zero_points.npy"),
                        ours.scale_shape, "zero points");
      }
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nncf::algorithms::wc
