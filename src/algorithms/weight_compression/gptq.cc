// GPTQ with Eigen: the upper Cholesky factor U of H^-1 (U^T U = H^-1) drives the updates; blocks
// of block_size columns are processed column by column with lazy updates of the columns after
// the block, as in the reference implementation.
#include "algorithms/weight_compression/gptq.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// tr(E H E^T) in float (a reported measure, not an input to the algorithm).
double ProxyLoss(const WeightMatrix& w, const WeightMatrix& q, const Eigen::MatrixXf& h) {
  Eigen::MatrixXf e(w.out, w.in);
  for (int64_t o = 0; o < w.out; ++o) {
    for (int64_t c = 0; c < w.in; ++c) e(o, c) = w.row(o)[c] - q.row(o)[c];
  }
  const Eigen::MatrixXf eh = e * h;
  return eh.cwiseProduct(e).cast<double>().sum();
}

}  // namespace

GptqResult RunGptq(const WeightMatrix& weight, WeightMode mode, int64_t group_size,
                   const std::vector<double>& hessian, const GptqParams& params,
                   const std::optional<ScaleEstimationParams>& scale_estimation,
                   const SampledActivations* activations, const std::string& layer,
                   int num_threads) {
  const int64_t n = weight.in;
  if (static_cast<int64_t>(hessian.size()) != n * n) {
    Fail(ErrorCode::kInvalidArgument, "gptq: layer '" + layer + "' has " + std::to_string(n) +
                                          " inputs but a Hessian of " +
                                          std::to_string(hessian.size()) + " entries");
  }
  if (!(params.damp_percent > 0) || params.block_size < 1) {
    Fail(ErrorCode::kInvalidArgument, "gptq: damp_percent must be > 0 and block_size >= 1");
  }
  if (group_size == -1) group_size = n;
  if (group_size <= 0 || n % group_size != 0) {
    Fail(ErrorCode::kInvalidArgument, "gptq: group size " + std::to_string(group_size) +
                                          " does not divide the " + std::to_string(n) +
                                          " inputs of layer '" + layer + "'");
  }
  for (double v : hessian) {
    if (!std::isfinite(v)) {
      Fail(ErrorCode::kInvalidArgument,
           "gptq: the input statistics of layer '" + layer + "' contain NaN or infinity");
    }
  }
  const Eigen::Map<const MatrixD> h_original(hessian.data(), n, n);
  MatrixD h = h_original;
  WeightMatrix w = weight;
  GptqResult result;
  for (int64_t j = 0; j < n; ++j) {
    if (h(j, j) == 0) {
      h(j, j) = 1;
      for (int64_t o = 0; o < w.out; ++o) w.row(o)[j] = 0;
      ++result.dead_columns;
    }
  }
  double damp = params.damp_percent * h.diagonal().mean();
  if (!(damp > 0)) damp = params.damp_percent;
  // U upper with U^T U = H^-1 from one Cholesky: with P the index reversal and P H P = L L^T,
  // U = P L^-1 P (upper because L^-1 is lower) and U^T U = P L^-T L^-1 P = H^-1.
  MatrixD u;
  bool factored = false;
  for (int attempt = 0; attempt < 9 && !factored; ++attempt, damp *= 2) {
    MatrixD reversed = h.reverse();
    reversed.diagonal().array() += damp;
    Eigen::LLT<MatrixD> llt(reversed);
    if (llt.info() != Eigen::Success) continue;
    MatrixD inverse = MatrixD::Identity(n, n);
    llt.matrixL().solveInPlace(inverse);
    u = inverse.reverse();
    factored = u.allFinite() && (u.diagonal().array() > 0).all();
    if (factored) result.damp = damp;
  }
  if (!factored) {
    Fail(ErrorCode::kInvalidArgument,
         "gptq: the Hessian of layer '" + layer + "' is not positive definite even after damping");
  }

  const int64_t groups = n / group_size;
  result.groups = groups;
  result.scales.assign(static_cast<size_t>(w.out * groups), 0.0f);
  if (IsAsymmetric(mode)) result.zero_points.assign(result.scales.size(), 0);
  result.quantized = w;
  MatrixD wd(w.out, n);
  for (int64_t o = 0; o < w.out; ++o) {
    for (int64_t c = 0; c < n; ++c) wd(o, c) = w.row(o)[c];
  }
  std::vector<float> column(static_cast<size_t>(w.out));
  for (int64_t i1 = 0; i1 < n; i1 += params.block_size) {
    const int64_t i2 = std::min(i1 + params.block_size, n);
    const int64_t count = i2 - i1;
    MatrixD error(w.out, count);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t c = i1 + i;
      if (c % group_size == 0) {
        const int64_t g = c / group_size;
        // The group's current weights: updated within this block and by the blocks before.
        WeightMatrix slice;
        slice.out = w.out;
        slice.in = group_size;
        slice.values.resize(static_cast<size_t>(w.out * group_size));
        for (int64_t o = 0; o < w.out; ++o) {
          for (int64_t j = 0; j < group_size; ++j)
            slice.values[o * group_size + j] = float(wd(o, c + j));
        }
        if (scale_estimation && activations) {
          SampledActivations part;
          part.hidden = group_size;
          part.samples = activations->samples;
          part.s.assign(activations->s.begin() + c, activations->s.begin() + c + group_size);
          part.x.assign(activations->x.begin() + c * part.samples,
                        activations->x.begin() + (c + group_size) * part.samples);
          const EstimatedScale estimated =
              EstimateScale(slice, mode, -1, part, *scale_estimation, num_threads);
          for (int64_t o = 0; o < w.out; ++o) {
            result.scales[o * groups + g] = estimated.scales[o];
            if (IsAsymmetric(mode)) result.zero_points[o * groups + g] = estimated.zero_points[o];
          }
        } else {
          for (int64_t o = 0; o < w.out; ++o) {
            const float* x = slice.row(o);
            const auto [mn, mx] = std::minmax_element(x, x + group_size);
            const GroupQuantization p = ComputeGroupQuantization(mode, *mn, *mx);
            result.scales[o * groups + g] = p.scale;
            if (IsAsymmetric(mode)) result.zero_points[o * groups + g] = p.zero_point;
          }
        }
      }
      const int64_t g = c / group_size;
      const double d = u(c, c);
      for (int64_t o = 0; o < w.out; ++o) {
        const float value = static_cast<float>(wd(o, c));
        const float scale = result.scales[o * groups + g];
        const uint8_t zp = IsAsymmetric(mode) ? result.zero_points[o * groups + g] : 0;
        FakeQuantizeSpan(mode, &value, 1, scale, zp, &column[o]);
        result.quantized.row(o)[c] = column[o];
        error(o, i) = (double(value) - double(column[o])) / d;
      }
      // Spread the column's error over the rest of the block.
      if (i + 1 < count) {
        wd.block(0, c + 1, w.out, count - i - 1).noalias() -=
            error.col(i) * u.block(c, c + 1, 1, count - i - 1);
      }
    }
    if (i2 < n) {
      wd.block(0, i2, w.out, n - i2).noalias() -= error * u.block(i1, i2, count, n - i2);
    }
  }
  const int64_t nonfinite =
      std::count_if(result.quantized.values.begin(), result.quantized.values.end(),
                    [](float v) { return !std::isfinite(v); });
  if (nonfinite > 0) {
    Fail(ErrorCode::kInvalidArgument, "gptq: layer '" + layer + "' produced non-finite weights");
  }
  const Eigen::MatrixXf h_float = h_original.cast<float>();
  result.proxy_loss = ProxyLoss(weight, result.quantized, h_float);
  WeightMatrix rtn = weight;
  FakeQuantizeGroups(mode, weight.values.data(), weight.out, weight.in, group_size,
                     rtn.values.data());
  result.proxy_loss_rtn = ProxyLoss(weight, rtn, h_float);
  return result;
}

}  // namespace nncf::algorithms::wc
