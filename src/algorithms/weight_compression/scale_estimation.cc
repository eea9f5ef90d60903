// NNCF's calculate_quantization_params, group by group: the importance of each input channel is
// its activation magnitude (zero where round-to-nearest gives code 0), a near-ideal scale is the
// importance-weighted mean of |w| / |level|, refined from its own codes (initial steps) and from
// shrunk round-to-nearest scales (scale steps), keeping per group whatever lowers the output loss
// (ties take the newer one, as NNCF's mask does).
#include "algorithms/weight_compression/scale_estimation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"
#include "core/common/parallel_for.h"

namespace nncf::algorithms::wc {
namespace {

constexpr float kFloatEps = std::numeric_limits<float>::epsilon();
constexpr float kZeroLevelOffset = 0.001f;  // NNCF's zero_scale

struct GroupProblem {
  const float* w = nullptr;  // gs weights
  int64_t size = 0;
  const float* x = nullptr;  // [in][m] starting at this group's first channel
  int64_t m = 0;
  double penalty = -1;
  std::vector<float> fp_out;  // [m]
};

// Mean squared difference of the outputs over the samples, plus the optional weight penalty.
double Loss(const GroupProblem& p, const float* q, std::vector<double>& out) {
  std::fill(out.begin(), out.end(), 0.0);
  for (int64_t j = 0; j < p.size; ++j) {
    const double qj = q[j];
    const float* xj = p.x + j * p.m;
    for (int64_t k = 0; k < p.m; ++k) out[k] += qj * xj[k];
  }
  double loss = 0;
  for (int64_t k = 0; k < p.m; ++k) {
    const double d = double(p.fp_out[k]) - out[k];
    loss += d * d;
  }
  loss /= double(p.m);
  if (p.penalty > 0) {
    double sq = 0;
    for (int64_t j = 0; j < p.size; ++j) {
      const double d = double(q[j]) - double(p.w[j]);
      sq += d * d;
    }
    loss += p.penalty * sq / double(p.size);
  }
  return loss;
}

// Levels (code - zero point, or the float level) of the group with `scale`.
void Levels(WeightMode mode, const float* w, int64_t n, float scale, uint8_t zp, float* level) {
  for (int64_t j = 0; j < n; ++j)
    level[j] = CodeLevel(mode, QuantizeScalar(mode, w[j], scale, zp), zp);
}

float NearIdealScale(const float* w, const float* level, const float* importance, int64_t n,
                     float sign) {
  float sum = 0;
  for (int64_t j = 0; j < n; ++j) {
    const float zero = level[j] == 0.0f ? kZeroLevelOffset : 0.0f;
    sum += std::fabs(w[j]) / (std::fabs(level[j]) + zero) * importance[j];
  }
  return sum * sign;
}

}  // namespace

EstimatedScale EstimateScale(const WeightMatrix& weight, WeightMode mode, int64_t group_size,
                             const SampledActivations& x, const ScaleEstimationParams& params,
                             int num_threads) {
  if (mode == WeightMode::kE2M1) {
    Fail(ErrorCode::kInvalidArgument,
         "scale estimation: e2m1 (MX FP4) scales are powers of two and cannot be fitted");
  }
  if (x.hidden != weight.in) {
    Fail(ErrorCode::kInvalidArgument, "scale estimation: the activation has " +
                                          std::to_string(x.hidden) + " channels, the weight " +
                                          std::to_string(weight.in) + " inputs");
  }
  if (group_size == -1) group_size = weight.in;
  if (group_size <= 0 || weight.in % group_size != 0) {
    Fail(ErrorCode::kInvalidArgument, "scale estimation: group size " + std::to_string(group_size) +
                                          " does not divide " + std::to_string(weight.in) +
                                          " input channels");
  }
  const int64_t groups = weight.in / group_size;
  const int64_t m = x.samples;
  EstimatedScale result;
  result.groups = groups;
  result.scales.resize(static_cast<size_t>(weight.out * groups));
  if (IsAsymmetric(mode)) result.zero_points.resize(result.scales.size());
  std::vector<double> before(static_cast<size_t>(weight.out), 0.0);
  std::vector<double> after(static_cast<size_t>(weight.out), 0.0);

  ParallelFor(
      num_threads, weight.out, weight.in * m * (params.initial_steps + params.scale_steps),
      [&](int64_t begin, int64_t end) {
        std::vector<float> level(static_cast<size_t>(group_size));
        std::vector<float> importance(static_cast<size_t>(group_size));
        std::vector<float> q(static_cast<size_t>(group_size));
        std::vector<double> out(static_cast<size_t>(m));
        for (int64_t o = begin; o < end; ++o) {
          for (int64_t g = 0; g < groups; ++g) {
            GroupProblem p;
            p.w = weight.row(o) + g * group_size;
            p.size = group_size;
            p.x = x.x.data() + g * group_size * m;
            p.m = m;
            p.penalty = params.weight_penalty;
            p.fp_out.assign(static_cast<size_t>(m), 0.0f);
            {
              std::vector<double> acc(static_cast<size_t>(m), 0.0);
              for (int64_t j = 0; j < group_size; ++j) {
                for (int64_t k = 0; k < m; ++k) acc[k] += double(p.w[j]) * p.x[j * m + k];
              }
              for (int64_t k = 0; k < m; ++k) p.fp_out[k] = static_cast<float>(acc[k]);
            }
            const float* mn_it = std::min_element(p.w, p.w + group_size);
            const float* mx_it = std::max_element(p.w, p.w + group_size);
            const GroupQuantization rtn = ComputeGroupQuantization(mode, *mn_it, *mx_it);
            const uint8_t zp = rtn.zero_point;
            const float s0 = rtn.scale;
            const float sign = s0 < 0 ? -1.0f : 1.0f;

            Levels(mode, p.w, group_size, s0, zp, level.data());
            float total = 0;
            for (int64_t j = 0; j < group_size; ++j) {
              importance[j] = level[j] == 0.0f ? 0.0f : x.s[g * group_size + j];
              total += importance[j];
            }
            for (int64_t j = 0; j < group_size; ++j) importance[j] /= total + kFloatEps;

            FakeQuantizeSpan(mode, p.w, group_size, s0, zp, q.data());
            double best = Loss(p, q.data(), out);
            before[o] += best;
            float chosen = s0;
            auto consider = [&](float candidate) {
              if (!std::isfinite(candidate) || candidate == 0.0f) return;
              FakeQuantizeSpan(mode, p.w, group_size, candidate, zp, q.data());
              const double loss = Loss(p, q.data(), out);
              if (!(loss > best)) {
                best = loss;
                chosen = candidate;
              }
            };
            for (int64_t step = 0; step < params.initial_steps; ++step) {
              consider(NearIdealScale(p.w, level.data(), importance.data(), group_size, sign));
              if (step < params.initial_steps - 1)
                Levels(mode, p.w, group_size, chosen, zp, level.data());
            }
            for (int64_t step = 0; step < params.scale_steps; ++step) {
              const float shrunk = static_cast<float>(1.0 - 0.05 * double(step)) * s0;
              Levels(mode, p.w, group_size, shrunk, zp, level.data());
              consider(NearIdealScale(p.w, level.data(), importance.data(), group_size, sign));
            }
            after[o] += best;
            result.scales[o * groups + g] = chosen;
            if (IsAsymmetric(mode)) result.zero_points[o * groups + g] = zp;
          }
        }
      });
  for (int64_t o = 0; o < weight.out; ++o) {
    result.loss_before += before[o];
    result.loss_after += after[o];
  }
  return result;
}

}  // namespace nncf::algorithms::wc
