// The instruction-set levels of the weight quantization kernels (scalar, AVX2, AVX-512) give the
// same bytes: every mode, float32/float16/bfloat16 input, both layouts, column counts that leave
// vector tails, groups full of exact rounding ties, and NaN or infinity anywhere is refused.
#include "algorithms/weight_compression/weight_quantization_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/cpu_features.h"
#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

ir::Tensor MakeWeight(ir::DType dtype, const std::vector<int64_t>& dims,
                      const std::vector<float>& values) {
  std::vector<uint8_t> bytes(ir::StorageBytes(dtype, static_cast<int64_t>(values.size())));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == ir::DType::kFloat16) {
      const uint16_t h = ir::FloatToHalf(values[i]);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    } else if (dtype == ir::DType::kBFloat16) {
      const uint16_t h = ir::FloatToBFloat16(values[i]);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    } else {
      std::memcpy(bytes.data() + 4 * i, &values[i], 4);
    }
  }
  return ir::Tensor::FromBytes("w", dtype, dims, bytes.data(), bytes.size());
}

// Normal values, with every fourth group of 32 along axis 0 made of multiples of 0.5 in
// [-8, 7.5]: with max |x| = 8 the INT4_SYM scale is exactly 1, so x / scale lands on ties.
std::vector<float> TestValues(int64_t rows, int64_t cols) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::vector<float> values(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      float& v = values[r * cols + c];
      if ((r / 32) % 4 == 1) {
        v = r % 32 == 0 ? -8.0f : 0.5f * static_cast<float>((r * 7 + c * 3) % 31 - 16);
      } else {
        v = normal(rng);
      }
    }
  }
  return values;
}

std::vector<CpuIsa> AvailableIsas() {
  std::vector<CpuIsa> isas = {CpuIsa::kScalar};
  const CpuIsa best = ActiveCpuIsa();
  if (best >= CpuIsa::kAvx2) isas.push_back(CpuIsa::kAvx2);
  if (best >= CpuIsa::kAvx512) isas.push_back(CpuIsa::kAvx512);
  return isas;
}

class IsaCap {
 public:
  explicit IsaCap(CpuIsa isa) : previous_(CapCpuIsa(isa)) {}
  ~IsaCap() { CapCpuIsa(previous_); }

 private:
  CpuIsa previous_;
};

CompressedWeight QuantizeWith(CpuIsa isa, const ir::Tensor& w, WeightMode mode, int64_t axis,
                              int64_t group) {
  const IsaCap cap(isa);
  return QuantizeWeight(w, mode, axis, group, 1);
}

TEST(WeightQuantizationKernels, EveryInstructionSetGivesTheSameBytes) {
  const std::vector<CpuIsa> isas = AvailableIsas();
  std::string levels;
  for (CpuIsa isa : isas) levels += std::string(" ") + CpuIsaName(isa);
  std::cout << "instruction sets compared:" << levels << "\n";
  // 256 x 200: 200 columns leave tails after 8- and 16-lane loops; 160 rows per group 32.
  const std::vector<float> values = TestValues(256, 200);
  int compared = 0;
  for (ir::DType dtype : {ir::DType::kFloat, ir::DType::kFloat16, ir::DType::kBFloat16}) {
    const ir::Tensor w = MakeWeight(dtype, {256, 200}, values);
    for (WeightMode mode : {WeightMode::kInt8Sym, WeightMode::kInt8Asym, WeightMode::kInt4Sym,
                            WeightMode::kInt4Asym, WeightMode::kNf4, WeightMode::kE2M1}) {
      for (int64_t axis : {0, 1}) {
        const int64_t group = mode == WeightMode::kE2M1 ? 32 : (axis == 0 ? 32 : 40);
        for (int64_t g : {group, int64_t{-1}}) {
          // E2M1 needs groups of 32: along the 200 columns only per-row groups of 40 divide.
          if (mode == WeightMode::kE2M1 && (g == -1 || axis == 1)) continue;
          const CompressedWeight reference = QuantizeWith(CpuIsa::kScalar, w, mode, axis, g);
          for (CpuIsa isa : isas) {
            const CompressedWeight q = QuantizeWith(isa, w, mode, axis, g);
            const std::string what = std::string(CpuIsaName(isa)) + " " + WeightModeName(mode) +
                                     " " + ir::DTypeName(dtype) + " axis " + std::to_string(axis) +
                                     " group " + std::to_string(g);
            ASSERT_TRUE(std::equal(q.codes.begin(), q.codes.end(), reference.codes.begin()))
                << what;
            ASSERT_EQ(q.scales, reference.scales) << what;
            ASSERT_EQ(q.zero_points, reference.zero_points) << what;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, static_cast<int>(3 * (5 * 2 * 2 + 1) * isas.size()));
}

TEST(WeightQuantizationKernels, TiesRoundHalfToEvenAtEveryLevel) {
  // One group of 32 along axis 0, 48 columns: column c holds -8 and then (k + 0.5) for rows k.
  std::vector<float> values(32 * 48);
  for (int64_t r = 0; r < 32; ++r) {
    for (int64_t c = 0; c < 48; ++c) {
      values[r * 48 + c] = r == 0 ? -8.0f : static_cast<float>(r % 15 - 7) + 0.5f;
    }
  }
  const ir::Tensor w = MakeWeight(ir::DType::kFloat, {32, 48}, values);
  for (CpuIsa isa : AvailableIsas()) {
    const CompressedWeight q = QuantizeWith(isa, w, WeightMode::kInt4Sym, 0, 32);
    for (int64_t r = 1; r < 32; ++r) {
      const float x = values[r * 48];
      const int expected = static_cast<int>(std::nearbyint(std::min(x, 7.0f)));
      for (int64_t c = 0; c < 48; ++c) {
        ASSERT_EQ(static_cast<int8_t>(q.codes[r * 48 + c]), expected)
            << CpuIsaName(isa) << " x=" << x;
      }
    }
  }
}

TEST(WeightQuantizationKernels, NanOrInfinityIsRefusedAtEveryLevel) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (CpuIsa isa : AvailableIsas()) {
    for (float bad : {nan, inf, -inf}) {
      // Inside the vector body and in the scalar tail, in both layouts.
      for (size_t position : {size_t{17}, size_t{64 * 40 - 1}}) {
        std::vector<float> values(64 * 40, 0.25f);
        values[position] = bad;
        for (ir::DType dtype : {ir::DType::kFloat, ir::DType::kFloat16}) {
          const ir::Tensor w = MakeWeight(dtype, {64, 40}, values);
          for (int64_t axis : {0, 1}) {
            const IsaCap cap(isa);
            try {
              QuantizeWeight(w, WeightMode::kInt4Asym, axis, axis == 0 ? 32 : 20, 1);
              ADD_FAILURE() << CpuIsaName(isa) << " accepted " << bad << " at " << position;
            } catch (const Error& e) {
              EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
              EXPECT_NE(std::string(e.what()).find("NaN or infinity"), std::string::npos);
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace nncf::algorithms::wc
