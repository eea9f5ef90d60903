// AWQ's scale search, scale estimation and GPTQ against the independent numpy reference
// (tests/wc_reference/data_aware_reference.py) on small random layers with a few salient input
// channels, for int4_sym, int4_asym and nf4, per group and per channel. The reference computes
// in numpy's float32 (GPTQ's updates in float64) with other summation orders than ours, so a rare
// near-tie may resolve differently: the comparisons allow a small share of differing values and
// require the rest to agree to float32 precision.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "algorithms/weight_compression/activation_statistics.h"
#include "algorithms/weight_compression/awq.h"
#include "algorithms/weight_compression/gptq.h"
#include "algorithms/weight_compression/scale_estimation.h"
#include "npy_io.h"
#include "test_process.h"

namespace nncf::algorithms::wc {
namespace {

namespace fs = std::filesystem;
using testing::ReadNpy;
using testing::WriteNpy;

const fs::path kScript =
    fs::path(NNCF_SOURCE_DIR) / "tests" / "wc_reference" / "data_aware_reference.py";

struct Layer {
  WeightMatrix weight;
  SampledActivations x;
  std::vector<double> hessian;
};

// out x in weights, `samples` items of `tokens` rows each; channels 3 and 17 are salient (their
// activations 12x larger), channel 40 is never active (a dead GPTQ column).
Layer MakeLayer(int64_t out, int64_t in, int64_t samples, int64_t tokens, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Layer layer;
  layer.weight.out = out;
  layer.weight.in = in;
  for (int64_t i = 0; i < out * in; ++i) layer.weight.values.push_back(normal(rng) * 0.1f);
  ActivationStatistics stats;
  stats.hidden = in;
  std::vector<double> h(static_cast<size_t>(in * in), 0.0);
  for (int64_t k = 0; k < samples; ++k) {
    std::vector<double> sum(static_cast<size_t>(in), 0.0);
    for (int64_t t = 0; t < tokens; ++t) {
      std::vector<float> row(static_cast<size_t>(in));
      for (int64_t c = 0; c < in; ++c) {
        float v = normal(rng) + 0.3f;
        if (c == 3 || c == 17) v *= 12.0f;
        if (c == 40) v = 0.0f;
        row[c] = v;
        sum[c] += v;
      }
      for (int64_t i = 0; i < in; ++i) {
        for (int64_t j = 0; j < in; ++j) h[i * in + j] += double(row[i]) * double(row[j]);
      }
    }
    std::vector<float> mean(static_cast<size_t>(in));
    for (int64_t c = 0; c < in; ++c) mean[c] = static_cast<float>(sum[c] / double(tokens));
    stats.means.push_back(mean);
    stats.tokens.push_back(tokens);
  }
  for (double& v : h) v *= 2.0 / double(samples);
  layer.hessian = h;
  layer.x = SampleActivations(stats, samples);
  return layer;
}

ir::Tensor Floats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
  return ir::Tensor::FromFloats(name, ir::DType::kFloat, std::move(dims), v);
}

class DataAwareReference : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/nncf_da_reference_XXXXXX";
    const char* dir = mkdtemp(pattern);
    ASSERT_NE(dir, nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void WriteLayer(const Layer& layer) {
    WriteNpy(Path("w.npy"), Floats("w", {layer.weight.out, layer.weight.in}, layer.weight.values));
    WriteNpy(Path("s.npy"), Floats("s", {layer.x.hidden}, layer.x.s));
    WriteNpy(Path("x.npy"), Floats("x", {layer.x.hidden, layer.x.samples}, layer.x.x));
    WriteNpy(Path("h.npy"),
             ir::Tensor::FromBytes("h", ir::DType::kDouble, {layer.weight.in, layer.weight.in},
                                   layer.hessian.data(), layer.hessian.size() * sizeof(double)));
  }
  void Run(const std::string& args) {
    const std::string command = std::string(NNCF_PYTHON3) + " " +
                                testing::ShellQuote(kScript.string()) + " " + args + " 2> " +
                                testing::ShellQuote(Path("err.txt"));
    ASSERT_EQ(std::system(command.c_str()), 0) << command << "\n"
                                               << testing::ReadText(dir_ / "err.txt");
  }
  fs::path dir_;
};

// Share of positions where `ours` and `ref` differ by more than rel_tol relative (or 1e-7).
double Mismatch(const std::vector<float>& ours, const ir::Tensor& ref, double rel_tol) {
  const std::vector<float> r = ref.ToFloats();
  EXPECT_EQ(ours.size(), r.size());
  if (ours.size() != r.size()) return 1.0;
  int64_t bad = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const double diff = std::fabs(double(ours[i]) - double(r[i]));
    if (!(diff <= rel_tol * std::fabs(double(r[i])) + 1e-7)) ++bad;
  }
  return double(bad) / double(r.size());
}

const char* ModeName(WeightMode mode) {
  return WeightModeName(mode);
}

TEST_F(DataAwareReference, AwqScaleSearch) {
  for (WeightMode mode : {WeightMode::kInt4Sym, WeightMode::kInt4Asym, WeightMode::kNf4}) {
    for (int64_t group : {int64_t{32}, int64_t{-1}}) {
      const Layer layer = MakeLayer(24, 64, 16, 8, 11);
      WriteLayer(layer);
      AwqParams params;
      params.percent_to_apply = 0.05;  // top 3 of 64 channels: groups 0 (3, 17) and another
      const std::vector<float> ours = SearchAwqScale(layer.weight, mode, group, layer.x, params, 2);
      Run(std::string("awq ") + Path("w.npy") + " " + Path("s.npy") + " " + Path("x.npy") + " " +
          ModeName(mode) + " " + std::to_string(group) + " 0.05 " + Path("awq.npy"));
      const ir::Tensor ref = ReadNpy(Path("awq.npy"));
      EXPECT_EQ(Mismatch(ours, ref, 1e-5), 0.0) << ModeName(mode) << " group " << group;
      int64_t scaled = 0;
      for (float v : ours) scaled += v != 1.0f;
      EXPECT_GT(scaled, 0) << "the search kept scale 1 everywhere";
    }
  }
}

TEST_F(DataAwareReference, ScaleEstimation) {
  for (WeightMode mode : {WeightMode::kInt4Sym, WeightMode::kInt4Asym, WeightMode::kNf4}) {
    for (int64_t group : {int64_t{32}, int64_t{-1}}) {
      const Layer layer = MakeLayer(48, 128, 24, 8, 5);
      WriteLayer(layer);
      const EstimatedScale ours =
          EstimateScale(layer.weight, mode, group, layer.x, ScaleEstimationParams(), 2);
      EXPECT_LT(ours.loss_after, ours.loss_before) << ModeName(mode) << " group " << group;
      Run(std::string("se ") + Path("w.npy") + " " + Path("s.npy") + " " + Path("x.npy") + " " +
          ModeName(mode) + " " + std::to_string(group) + " " + Path("se"));
      EXPECT_LE(Mismatch(ours.scales, ReadNpy(Path("se.scales.npy")), 1e-5), 0.01)
          << ModeName(mode) << " group " << group;
      if (mode == WeightMode::kInt4Asym) {
        const ir::Tensor zp = ReadNpy(Path("se.zero_points.npy"));
        ASSERT_EQ(static_cast<size_t>(zp.NumElements()), ours.zero_points.size());
        for (size_t i = 0; i < ours.zero_points.size(); ++i) {
          EXPECT_EQ(ours.zero_points[i], zp.DataAs<uint8_t>()[i]) << i;
        }
      }
    }
  }
}

TEST_F(DataAwareReference, GptqBlocks) {
  for (WeightMode mode : {WeightMode::kInt4Sym, WeightMode::kInt4Asym, WeightMode::kNf4}) {
    // Group 16 inside blocks of 32: groups start inside a block, where the weights carry that
    // block's updates.
    const Layer layer = MakeLayer(32, 64, 16, 8, 7);
    WriteLayer(layer);
    GptqParams params;
    params.block_size = 32;
    const GptqResult ours =
        RunGptq(layer.weight, mode, 16, layer.hessian, params, std::nullopt, nullptr, "layer", 2);
    EXPECT_EQ(ours.dead_columns, 1);
    EXPECT_LT(ours.proxy_loss, ours.proxy_loss_rtn) << ModeName(mode);
    Run(std::string("gptq ") + Path("w.npy") + " " + Path("h.npy") + " " + ModeName(mode) +
        " 16 32 0.1 " + Path("gptq"));
    EXPECT_LE(Mismatch(ours.quantized.values, ReadNpy(Path("gptq.dequantized.npy")), 1e-5), 0.005)
        << ModeName(mode);
    EXPECT_LE(Mismatch(ours.scales, ReadNpy(Path("gptq.scales.npy")), 1e-4), 0.01)
        << ModeName(mode);
  }
}

}  // namespace
}  // namespace nncf::algorithms::wc
