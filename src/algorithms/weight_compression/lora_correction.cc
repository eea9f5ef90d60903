// LoRA correction with Eigen: an SVD of the activation-weighted residual starts U and V, then
// alternating least squares refit V and U to the residual's effect on the sampled activations,
// regularized by the residual itself ([U; XU] V ~ [R; XR] and [I; X] U ~ [R V+; XR V+]). The
// minimum-norm solver (complete orthogonal decomposition) plays the role of LAPACK's gelsy; the
// U step with the identity block is solved in closed form through the Woodbury identity, which
// costs samples^2 x in instead of in^3.
#include "algorithms/weight_compression/lora_correction.h"

#include <Eigen/Core>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>

#include "algorithms/weight_compression/weight_quantization.h"
#include "core/common/error.h"

namespace nncf::algorithms::wc {
namespace {

using Matrix = Eigen::MatrixXd;

double MeanAbs(const Matrix& m) {
  return m.size() == 0 ? 0.0 : m.cwiseAbs().sum() / double(m.size());
}

Matrix LeastSquares(const Matrix& a, const Matrix& b) {
  return Eigen::CompleteOrthogonalDecomposition<Matrix>(a).solve(b);
}

}  // namespace

LoraAdapters ComputeLoraCorrection(const WeightMatrix& weight, const WeightMatrix& quantized,
                                   int64_t group_size, const SampledActivations& activations,
                                   const LoraCorrectionParams& params) {
  if (weight.out != quantized.out || weight.in != quantized.in || activations.hidden != weight.in) {
    Fail(ErrorCode::kInvalidArgument,
         "lora correction: the weight, its quantized form and the activations disagree in size");
  }
  if (params.adapter_rank < 1 || params.num_iterations < 0 || params.subset_size < 1) {
    Fail(ErrorCode::kInvalidArgument,
         "lora correction: adapter_rank and subset_size must be >= 1, num_iterations >= 0");
  }
  const int64_t in = weight.in, out = weight.out, m = activations.samples;
  const int64_t rank = std::min({params.adapter_rank, in, out});
  Matrix residual(in, out);
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t j = 0; j < in; ++j) {
      residual(j, o) = double(weight.row(o)[j]) - double(quantized.row(o)[j]);
    }
  }
  Matrix weighted = residual;
  if (group_size > 0 && group_size < in) {
    std::vector<double> s(activations.s.begin(), activations.s.end());
    for (int64_t g = 0; g < in / group_size; ++g) {
      double sum = 0, peak = 0;
      for (int64_t j = g * group_size; j < (g + 1) * group_size; ++j) sum += s[j];
      for (int64_t j = g * group_size; j < (g + 1) * group_size; ++j) {
        s[j] = sum > 0 ? s[j] / sum : 0;
        peak = std::max(peak, s[j]);
      }
      for (int64_t j = g * group_size; j < (g + 1) * group_size; ++j) {
        s[j] = peak > 0 ? s[j] / peak : 0;
      }
    }
    for (int64_t j = 0; j < in; ++j) weighted.row(j) *= s[j];
  }
  Eigen::BDCSVD<Matrix> svd(weighted, Eigen::ComputeThinU | Eigen::ComputeThinV);
  Matrix u = svd.matrixU().leftCols(rank);
  Matrix v =
      svd.singularValues().head(rank).asDiagonal() * svd.matrixV().leftCols(rank).transpose();

  Matrix x(m, in);  // [samples][in]
  for (int64_t j = 0; j < in; ++j) {
    for (int64_t k = 0; k < m; ++k) x(k, j) = activations.x[j * m + k];
  }
  const Matrix noise = x * residual;  // [m][out]
  // (I_m + X X^T)^-1, for the closed-form U step.
  const Eigen::LDLT<Matrix> small((Matrix::Identity(m, m) + x * x.transpose()).eval());
  for (int64_t iteration = 0; iteration < params.num_iterations; ++iteration) {
    const Matrix xu = x * u;
    if (params.apply_regularization) {
      Matrix a(in + m, rank), b(in + m, out);
      a << u, xu;
      b << residual, noise;
      v = LeastSquares(a, b);
    } else {
      v = LeastSquares(xu, noise);
    }
    const Matrix vi =
        Eigen::CompleteOrthogonalDecomposition<Matrix>(v).pseudoInverse();  // [out][r]
    const Matrix noise_vi = noise * vi;                                     // [m][r]
    if (params.apply_regularization) {
      const Matrix rhs = residual * vi + x.transpose() * noise_vi;  // [in][r]
      u = rhs - x.transpose() * small.solve(x * rhs);
    } else {
      u = LeastSquares(x, noise_vi);
    }
  }
  LoraAdapters adapters;
  adapters.rank = rank;
  adapters.in = in;
  adapters.out = out;
  adapters.noise_before = MeanAbs(noise);
  adapters.noise_after = MeanAbs(noise - x * u * v);
  if (!u.allFinite() || !v.allFinite()) {
    Fail(ErrorCode::kInvalidArgument, "lora correction: the fit produced non-finite adapters");
  }
  adapters.u.resize(static_cast<size_t>(in * rank));
  adapters.v.resize(static_cast<size_t>(rank * out));
  for (int64_t j = 0; j < in; ++j) {
    for (int64_t r = 0; r < rank; ++r) adapters.u[j * rank + r] = static_cast<float>(u(j, r));
  }
  for (int64_t r = 0; r < rank; ++r) {
    for (int64_t o = 0; o < out; ++o) adapters.v[r * out + o] = static_cast<float>(v(r, o));
  }
  return adapters;
}

void InsertLoraBranch(ir::Graph& graph, const LoraBranch& branch) {
  size_t producer = graph.nodes.size();
  for (size_t n = 0; n < graph.nodes.size() && producer == graph.nodes.size(); ++n) {
    for (std::string& output : graph.nodes[n].outputs) {
      if (output == branch.layer_output) {
        output = branch.name + "/base";
        producer = n;
      }
    }
  }
  if (producer == graph.nodes.size()) {
    Fail(ErrorCode::kInternal, "lora correction: no node produces '" + branch.layer_output + "'");
  }
  const LoraAdapters& a = branch.adapters;
  std::vector<ir::Node> nodes;
  // The adapter weights as MatMul inputs, float or int8 behind DequantizeLinear.
  auto weight_input = [&](const std::string& label, const std::vector<float>& values,
                          std::vector<int64_t> dims) {
    const std::string name = branch.name + "/" + label;
    const ir::Tensor floats = ir::Tensor::FromFloats(name, ir::DType::kFloat, dims, values);
    if (!branch.int8_adapters) {
      graph.initializers.push_back(ir::Tensor::FromFloats(name, branch.dtype, dims, values));
      return name;
    }
    const CompressedWeight q = QuantizeWeight(floats, WeightMode::kInt8Asym, 0, -1, 1);
    graph.initializers.push_back(ir::Tensor::FromBytes(name + "_quantized", ir::DType::kUint8, dims,
                                                       q.codes.data(), q.codes.size()));
    graph.initializers.push_back(
        ir::Tensor::FromFloats(name + "_scale", branch.dtype, {dims[1]}, q.scales));
    graph.initializers.push_back(ir::Tensor::FromBytes(name + "_zero_point", ir::DType::kUint8,
                                                       {dims[1]}, q.zero_points.data(),
                                                       q.zero_points.size()));
    ir::Node dq;
    dq.name = name + "/DequantizeLinear";
    dq.op_type = "DequantizeLinear";
    dq.inputs = {name + "_quantized", name + "_scale", name + "_zero_point"};
    dq.outputs = {name};
    dq.attributes.push_back(ir::Attribute::Int("axis", 1));
    nodes.push_back(std::move(dq));
    return name;
  };
  const std::string u = weight_input("A", a.u, {a.in, a.rank});
  const std::string v = weight_input("B", a.v, {a.rank, a.out});
  ir::Node first;
  first.name = branch.name + "/MatMul_A";
  first.op_type = "MatMul";
  first.inputs = {branch.activation, u};
  first.outputs = {branch.name + "/A_output"};
  ir::Node second;
  second.name = branch.name + "/MatMul_B";
  second.op_type = "MatMul";
  second.inputs = {first.outputs[0], v};
  second.outputs = {branch.name + "/B_output"};
  ir::Node add;
  add.name = branch.name + "/Add";
  add.op_type = "Add";
  add.inputs = {branch.name + "/base", second.outputs[0]};
  add.outputs = {branch.layer_output};
  nodes.push_back(std::move(first));
  nodes.push_back(std::move(second));
  nodes.push_back(std::move(add));
  graph.nodes.insert(graph.nodes.begin() + static_cast<ptrdiff_t>(producer + 1), nodes.begin(),
                     nodes.end());
}

}  // namespace nncf::algorithms::wc
