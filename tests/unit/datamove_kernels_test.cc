// Shape and data-movement kernels on hand-computed cases: views, gathers, pads, TopK ties,
// Resize coordinate modes, 4-bit and string elements, and the errors for bad indices and shapes.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/exec/kernel.h"
#include "core/exec/kernel_registry.h"
#include "core/ir/dtype.h"
#include "core/ir/node.h"
#include "core/ir/tensor.h"

namespace nncf::exec {
namespace {

using ir::Attribute;
using ir::DType;
using ir::Tensor;

template <typename T>
Tensor Make(DType dtype, std::vector<int64_t> dims, std::vector<T> values) {
  return Tensor::FromBytes("", dtype, std::move(dims), values.data(), values.size() * sizeof(T));
}
Tensor F32(std::vector<int64_t> dims, std::vector<float> v) {
  return Make(DType::kFloat, std::move(dims), std::move(v));
}
Tensor I64(std::vector<int64_t> dims, std::vector<int64_t> v) {
  return Make(DType::kInt64, std::move(dims), std::move(v));
}
Tensor I64Vec(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return I64({n}, std::move(v));
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  const T* p = t.DataAs<T>();
  return std::vector<T>(p, p + t.NumElements());
}

ir::Node MakeNode(const std::string& op, size_t num_inputs, size_t num_outputs,
                  std::vector<Attribute> attributes = {}) {
  ir::Node node;
  node.name = "n_" + op;
  node.op_type = op;
  for (size_t i = 0; i < num_inputs; ++i) node.inputs.push_back("in" + std::to_string(i));
  for (size_t i = 0; i < num_outputs; ++i) node.outputs.push_back("out" + std::to_string(i));
  node.attributes = std::move(attributes);
  return node;
}

// Runs `node` at `opset` on inputs (nullptr = omitted).
std::vector<Tensor> RunNode(const ir::Node& node, int64_t opset,
                            const std::vector<const Tensor*>& inputs) {
  KernelFactory factory = KernelRegistry::Global().Find("", node.op_type, opset);
  if (factory == nullptr) ADD_FAILURE() << "no kernel for " << node.op_type << " " << opset;
  if (factory == nullptr) return {};
  std::unique_ptr<Kernel> kernel = factory(NodeInfo(node, opset));
  std::vector<Tensor> outputs(node.outputs.size());
  kernel->Run(inputs, outputs, RunContext{});
  return outputs;
}

template <typename Body>
void ExpectError(ErrorCode code, const std::string& needle, Body body) {
  try {
    body();
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

std::vector<float> Iota(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return v;
}

TEST(ShapeKernelsTest, ReshapeZeroMinusOneAndAllowZero) {
  const Tensor x = F32({2, 3, 4}, Iota(24));
  const Tensor shape = I64Vec({0, -1});
  std::vector<Tensor> out = RunNode(MakeNode("Reshape", 2, 1), 13, {&x, &shape});
  EXPECT_EQ(out[0].dims, (std::vector<int64_t>{2, 12}));
  EXPECT_EQ(Values<float>(out[0]), Iota(24));
  EXPECT_EQ(out[0].data, x.data);  // a view, not a copy

  const Tensor empty = F32({0, 3}, {});
  const Tensor zero_shape = I64Vec({3, 0});
  out = RunNode(MakeNode("Reshape", 2, 1, {Attribute::Int("allowzero", 1)}), 14,
                {&empty, &zero_shape});
  EXPECT_EQ(out[0].dims, (std::vector<int64_t>{3, 0}));

  const Tensor bad = I64Vec({5, -1});
  ExpectError(ErrorCode::kInvalidArgument, "Reshape 'n_Reshape'", [&] {
    RunNode(MakeNode("Reshape", 2, 1), 13, {&x, &bad});
  });
  const Tensor two_inferred = I64Vec({-1, -1});
  ExpectError(ErrorCode::kInvalidArgument, "more than one -1", [&] {
    RunNode(MakeNode("Reshape", 2, 1), 13, {&x, &two_inferred});
  });
}

TEST(ShapeKernelsTest, FlattenSqueezeUnsqueeze) {
  const Tensor x = F32({2, 1, 3, 1}, Iota(6));
  EXPECT_EQ(RunNode(MakeNode("Flatten", 1, 1, {Attribute::Int("axis", -1)}), 13, {&x})[0].dims,
            (std::vector<int64_t>{6, 1}));
  EXPECT_EQ(RunNode(MakeNode("Flatten", 1, 1, {Attribute::Int("axis", 0)}), 13, {&x})[0].dims,
            (std::vector<int64_t>{1, 6}));
  EXPECT_EQ(RunNode(MakeNode("Flatten", 1, 1, {Attribute::Int("axis", 4)}), 13, {&x})[0].dims,
            (std::vector<int64_t>{6, 1}));

  EXPECT_EQ(RunNode(MakeNode("Squeeze", 1, 1), 13, {&x})[0].dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(RunNode(MakeNode("Squeeze", 1, 1, {Attribute::Ints("axes", {-1})}), 11, {&x})[0].dims,
            (std::vector<int64_t>{2, 1, 3}));
  const Tensor axes = I64Vec({1});
  EXPECT_EQ(RunNode(MakeNode("Squeeze", 2, 1), 13, {&x, &axes})[0].dims,
            (std::vector<int64_t>{2, 3, 1}));
  const Tensor bad_axes = I64Vec({0});
  ExpectError(ErrorCode::kInvalidArgument, "cannot squeeze", [&] {
    RunNode(MakeNode("Squeeze", 2, 1), 13, {&x, &bad_axes});
  });

  const Tensor y = F32({3, 4}, Iota(12));
  const Tensor un_axes = I64Vec({-1, 0});
  EXPECT_EQ(RunNode(MakeNode("Unsqueeze", 2, 1), 13, {&y, &un_axes})[0].dims,
            (std::vector<int64_t>{1, 3, 4, 1}));
  EXPECT_EQ(
      RunNode(MakeNode("Unsqueeze", 1, 1, {Attribute::Ints("axes", {1, 3})}), 11, {&y})[0].dims,
      (std::vector<int64_t>{3, 1, 4, 1}));
}

TEST(ShapeKernelsTest, ShapeSizeConstants) {
  const Tensor x = F32({2, 3, 4, 5}, Iota(120));
  EXPECT_EQ(Values<int64_t>(RunNode(MakeNode("Shape", 1, 1), 13, {&x})[0]),
            (std::vector<int64_t>{2, 3, 4, 5}));
  ir::Node sliced =
      MakeNode("Shape", 1, 1, {Attribute::Int("start", 1), Attribute::Int("end", -1)});
  EXPECT_EQ(Values<int64_t>(RunNode(sliced, 15, {&x})[0]), (std::vector<int64_t>{3, 4}));
  ir::Node clipped =
      MakeNode("Shape", 1, 1, {Attribute::Int("start", -10), Attribute::Int("end", 10)});
  EXPECT_EQ(RunNode(clipped, 15, {&x})[0].NumElements(), 4);
  const Tensor size = RunNode(MakeNode("Size", 1, 1), 13, {&x})[0];
  EXPECT_TRUE(size.dims.empty());
  EXPECT_EQ(Values<int64_t>(size), (std::vector<int64_t>{120}));

  const Tensor c =
      RunNode(MakeNode("Constant", 0, 1, {Attribute::Ints("value_ints", {4, 5})}), 13, {})[0];
  EXPECT_EQ(Values<int64_t>(c), (std::vector<int64_t>{4, 5}));
  Attribute sparse;
  sparse.name = "sparse_value";
  sparse.type = ir::AttributeType::kSparseTensor;
  sparse.sparse_tensor = std::string();
  ExpectError(ErrorCode::kUnsupported, "sparse_value",
              [&] { RunNode(MakeNode("Constant", 0, 1, {sparse}), 13, {}); });

  const Tensor shape = I64Vec({2, 2});
  const ir::Node fill =
      MakeNode("ConstantOfShape", 1, 1,
               {Attribute::TensorValue("value", Make<int32_t>(DType::kInt32, {1}, {7}))});
  const Tensor filled = RunNode(fill, 13, {&shape})[0];
  EXPECT_EQ(filled.dtype, DType::kInt32);
  EXPECT_EQ(Values<int32_t>(filled), (std::vector<int32_t>{7, 7, 7, 7}));
}

TEST(ShapeKernelsTest, RangeDropoutExpandEyeLike) {
  const Tensor s = Make<int32_t>(DType::kInt32, {}, {10});
  const Tensor l = Make<int32_t>(DType::kInt32, {}, {3});
  const Tensor d = Make<int32_t>(DType::kInt32, {}, {-3});
  EXPECT_EQ(Values<int32_t>(RunNode(MakeNode("Range", 3, 1), 11, {&s, &l, &d})[0]),
            (std::vector<int32_t>{10, 7, 4}));
  const Tensor fs = F32({}, {1.0f}), fl = F32({}, {2.0f}), fd = F32({}, {0.25f});
  EXPECT_EQ(Values<float>(RunNode(MakeNode("Range", 3, 1), 11, {&fs, &fl, &fd})[0]),
            (std::vector<float>{1.0f, 1.25f, 1.5f, 1.75f}));

  const Tensor x = F32({2, 2}, {1, 2, 3, 4});
  std::vector<Tensor> out = RunNode(MakeNode("Dropout", 1, 2), 13, {&x});
  EXPECT_EQ(Values<float>(out[0]), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(out[1].dtype, DType::kBool);
  EXPECT_EQ(Values<bool>(out[1]), (std::vector<bool>{true, true, true, true}));
  const Tensor ratio = F32({}, {0.5f});
  const Tensor training = Make<uint8_t>(DType::kBool, {}, {1});
  ExpectError(ErrorCode::kUnsupported, "training_mode", [&] {
    RunNode(MakeNode("Dropout", 3, 1), 13, {&x, &ratio, &training});
  });

  const Tensor col = F32({2, 1}, {1, 2});
  const Tensor target = I64Vec({2, 1, 3});
  out = RunNode(MakeNode("Expand", 2, 1), 13, {&col, &target});
  EXPECT_EQ(out[0].dims, (std::vector<int64_t>{2, 2, 3}));
  EXPECT_EQ(Values<float>(out[0]), (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}));
  const Tensor bad = I64Vec({3, 3});
  ExpectError(ErrorCode::kInvalidArgument, "broadcast", [&] {
    RunNode(MakeNode("Expand", 2, 1), 13, {&col, &bad});
  });

  const Tensor eye_in = Make<int32_t>(DType::kInt32, {2, 3}, {0, 0, 0, 0, 0, 0});
  EXPECT_EQ(Values<int32_t>(
                RunNode(MakeNode("EyeLike", 1, 1, {Attribute::Int("k", 1)}), 9, {&eye_in})[0]),
            (std::vector<int32_t>{0, 1, 0, 0, 0, 1}));
}

TEST(DataMovementKernelsTest, TransposeFastAndGeneralPaths) {
  // NCHW -> NHWC, a batched 2-D transpose after merging H and W.
  const int64_t n = 2, c = 3, h = 4, w = 5;
  const Tensor x = F32({n, c, h, w}, Iota(n * c * h * w));
  const Tensor y =
      RunNode(MakeNode("Transpose", 1, 1, {Attribute::Ints("perm", {0, 2, 3, 1})}), 13, {&x})[0];
  EXPECT_EQ(y.dims, (std::vector<int64_t>{n, h, w, c}));
  const float* py = y.DataAs<float>();
  for (int64_t a = 0; a < n; ++a)
    for (int64_t b = 0; b < c; ++b)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j)
          ASSERT_EQ(py[((a * h + i) * w + j) * c + b],
                    static_cast<float>(((a * c + b) * h + i) * w + j));
  // Head split [0, 2, 1, 3] keeps the last axis: runs are copied whole.
  const Tensor z =
      RunNode(MakeNode("Transpose", 1, 1, {Attribute::Ints("perm", {0, 2, 1, 3})}), 13, {&x})[0];
  EXPECT_EQ(z.dims, (std::vector<int64_t>{n, h, c, w}));
  EXPECT_EQ(z.DataAs<float>()[(0 * h + 1) * c * w + 2 * w + 3],
            static_cast<float>((2 * h + 1) * w + 3));

  Tensor strings = Tensor::Zeros("", DType::kString, {2, 3});
  strings.strings = {"a", "b", "c", "d", "e", "f"};
  const Tensor st = RunNode(MakeNode("Transpose", 1, 1), 13, {&strings})[0];
  EXPECT_EQ(st.strings, (std::vector<std::string>{"a", "d", "b", "e", "c", "f"}));

  // int4 [[1, -2], [3, -4]] packed low nibble first.
  Tensor packed = Tensor::Zeros("", DType::kInt4, {2, 2});
  const uint8_t bytes[2] = {0xE1, 0xC3};
  packed = Tensor::FromBytes("", DType::kInt4, {2, 2}, bytes, 2);
  const Tensor pt = RunNode(MakeNode("Transpose", 1, 1), 13, {&packed})[0];
  ASSERT_EQ(pt.dtype, DType::kInt4);
  EXPECT_EQ(pt.bytes()[0], 0x31);
  EXPECT_EQ(pt.bytes()[1], 0xCE);
}

TEST(DataMovementKernelsTest, ConcatAndSplit) {
  const Tensor a = F32({2, 1}, {1, 2});
  const Tensor b = F32({2, 2}, {3, 4, 5, 6});
  const Tensor c = RunNode(MakeNode("Concat", 2, 1, {Attribute::Int("axis", -1)}), 13, {&a, &b})[0];
  EXPECT_EQ(c.dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(Values<float>(c), (std::vector<float>{1, 3, 4, 2, 5, 6}));
  const Tensor r3 = F32({1, 2, 1}, {0, 0});
  ExpectError(ErrorCode::kInvalidArgument, "Concat 'n_Concat'", [&] {
    RunNode(MakeNode("Concat", 2, 1, {Attribute::Int("axis", 0)}), 13, {&a, &r3});
  });

  const Tensor x = F32({5}, Iota(5));
  std::vector<Tensor> parts =
      RunNode(MakeNode("Split", 1, 3, {Attribute::Int("num_outputs", 3)}), 18, {&x});
  EXPECT_EQ(Values<float>(parts[0]), (std::vector<float>{0, 1}));
  EXPECT_EQ(Values<float>(parts[1]), (std::vector<float>{2, 3}));
  EXPECT_EQ(Values<float>(parts[2]), (std::vector<float>{4}));
  parts = RunNode(MakeNode("Split", 1, 2, {Attribute::Ints("split", {1, 4})}), 11, {&x});
  EXPECT_EQ(Values<float>(parts[1]), (std::vector<float>{1, 2, 3, 4}));
  const Tensor split = I64Vec({3, 2});
  parts = RunNode(MakeNode("Split", 2, 2), 13, {&x, &split});
  EXPECT_EQ(Values<float>(parts[0]), (std::vector<float>{0, 1, 2}));
  ExpectError(ErrorCode::kInvalidArgument, "equal parts",
              [&] { RunNode(MakeNode("Split", 1, 2), 13, {&x}); });
}

TEST(DataMovementKernelsTest, SliceStepsAndClamping) {
  const Tensor x = F32({3, 4}, Iota(12));
  const Tensor starts = I64Vec({-1, std::numeric_limits<int64_t>::max()});
  const Tensor ends = I64Vec({std::numeric_limits<int64_t>::min(), 0});
  const Tensor axes = I64Vec({0, 1});
  const Tensor steps = I64Vec({-2, -1});
  const Tensor y = RunNode(MakeNode("Slice", 5, 1), 13, {&x, &starts, &ends, &axes, &steps})[0];
  EXPECT_EQ(y.dims, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(Values<float>(y), (std::vector<float>{11, 10, 9, 3, 2, 1}));

  const ir::Node old = MakeNode("Slice", 1, 1,
                                {Attribute::Ints("starts", {1}), Attribute::Ints("ends", {1000}),
                                 Attribute::Ints("axes", {1})});
  const Tensor z = RunNode(old, 9, {&x})[0];
  EXPECT_EQ(z.dims, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(Values<float>(z)[3], 5.0f);
}

TEST(DataMovementKernelsTest, Gathers) {
  const Tensor x = F32({3, 2}, {1, 2, 3, 4, 5, 6});
  const Tensor idx = I64({2, 1}, {-1, 0});
  const Tensor g = RunNode(MakeNode("Gather", 2, 1), 13, {&x, &idx})[0];
  EXPECT_EQ(g.dims, (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(Values<float>(g), (std::vector<float>{5, 6, 1, 2}));
  const Tensor col = Make<int32_t>(DType::kInt32, {}, {1});
  const Tensor g1 =
      RunNode(MakeNode("Gather", 2, 1, {Attribute::Int("axis", 1)}), 13, {&x, &col})[0];
  EXPECT_TRUE(g1.dims == (std::vector<int64_t>{3}));
  EXPECT_EQ(Values<float>(g1), (std::vector<float>{2, 4, 6}));
  const Tensor bad = I64Vec({3});
  ExpectError(ErrorCode::kInvalidArgument, "Gather 'n_Gather': index 3", [&] {
    RunNode(MakeNode("Gather", 2, 1), 13, {&x, &bad});
  });

  const Tensor eidx = I64({2, 2}, {0, 1, -1, 0});
  const Tensor ge =
      RunNode(MakeNode("GatherElements", 2, 1, {Attribute::Int("axis", 1)}), 13, {&x, &eidx})[0];
  EXPECT_EQ(Values<float>(ge), (std::vector<float>{1, 2, 4, 3}));

  const Tensor nd_idx = I64({2, 2}, {0, 1, 2, 0});
  const Tensor nd = RunNode(MakeNode("GatherND", 2, 1), 13, {&x, &nd_idx})[0];
  EXPECT_EQ(Values<float>(nd), (std::vector<float>{2, 5}));
}

TEST(DataMovementKernelsTest, TileAndPad) {
  const Tensor x = F32({2, 2}, {1, 2, 3, 4});
  const Tensor reps = I64Vec({2, 2});
  const Tensor t = RunNode(MakeNode("Tile", 2, 1), 13, {&x, &reps})[0];
  EXPECT_EQ(Values<float>(t), (std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4}));

  const Tensor row = F32({1, 3}, {1, 2, 3});
  const Tensor pads = I64Vec({0, 2, 0, 1});
  const Tensor value = F32({}, {9});
  auto pad = [&](const std::string& mode, int64_t opset) {
    return Values<float>(RunNode(MakeNode("Pad", 3, 1, {Attribute::String("mode", mode)}), opset,
                                 {&row, &pads, &value})[0]);
  };
  EXPECT_EQ(pad("constant", 13), (std::vector<float>{9, 9, 1, 2, 3, 9}));
  EXPECT_EQ(pad("edge", 13), (std::vector<float>{1, 1, 1, 2, 3, 3}));
  EXPECT_EQ(pad("reflect", 13), (std::vector<float>{3, 2, 1, 2, 3, 2}));
  EXPECT_EQ(pad("wrap", 19), (std::vector<float>{2, 3, 1, 2, 3, 1}));
  // Pad-2 attribute form with a negative (cropping) pad.
  const ir::Node old =
      MakeNode("Pad", 1, 1, {Attribute::Ints("pads", {0, -1, 0, 1}), Attribute::Float("value", 7)});
  EXPECT_EQ(Values<float>(RunNode(old, 2, {&row})[0]), (std::vector<float>{2, 3, 7}));
}

TEST(DataMovementKernelsTest, TopKTiesAndCumSum) {
  const Tensor x = F32({1, 5}, {3, 1, 3, 2, 1});
  const Tensor k = I64Vec({3});
  std::vector<Tensor> out = RunNode(MakeNode("TopK", 2, 2), 11, {&x, &k});
  EXPECT_EQ(Values<float>(out[0]), (std::vector<float>{3, 3, 2}));
  EXPECT_EQ(Values<int64_t>(out[1]), (std::vector<int64_t>{0, 2, 3}));
  out = RunNode(MakeNode("TopK", 2, 2, {Attribute::Int("largest", 0)}), 11, {&x, &k});
  EXPECT_EQ(Values<float>(out[0]), (std::vector<float>{1, 1, 2}));
  EXPECT_EQ(Values<int64_t>(out[1]), (std::vector<int64_t>{1, 4, 3}));

  const Tensor v = Make<int32_t>(DType::kInt32, {2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor axis = Make<int32_t>(DType::kInt32, {}, {1});
  const ir::Node node =
      MakeNode("CumSum", 2, 1, {Attribute::Int("exclusive", 1), Attribute::Int("reverse", 1)});
  EXPECT_EQ(Values<int32_t>(RunNode(node, 14, {&v, &axis})[0]),
            (std::vector<int32_t>{5, 3, 0, 11, 6, 0}));
}

TEST(DataMovementKernelsTest, ResizeModes) {
  const Tensor x = F32({1, 1, 2, 2}, {1, 2, 3, 4});
  const Tensor scales = F32({4}, {1, 1, 2, 2});
  // Nearest, asymmetric, floor: each pixel repeated 2x2.
  const ir::Node nearest =
      MakeNode("Resize", 3, 1,
               {Attribute::String("coordinate_transformation_mode", "asymmetric"),
                Attribute::String("nearest_mode", "floor")});
  const Tensor y = RunNode(nearest, 13, {&x, nullptr, &scales})[0];
  EXPECT_EQ(y.dims, (std::vector<int64_t>{1, 1, 4, 4}));
  EXPECT_EQ(Values<float>(y), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
  // Linear, align_corners on a 1-D row: 1, 4/3... endpoints kept.
  const Tensor row = F32({1, 2}, {0, 3});
  const Tensor sizes = I64Vec({1, 4});
  const ir::Node linear =
      MakeNode("Resize", 4, 1,
               {Attribute::String("mode", "linear"),
                Attribute::String("coordinate_transformation_mode", "align_corners")});
  const Tensor z = RunNode(linear, 13, {&row, nullptr, nullptr, &sizes})[0];
  const std::vector<float> zv = Values<float>(z);
  ASSERT_EQ(zv.size(), 4u);
  EXPECT_FLOAT_EQ(zv[0], 0);
  EXPECT_FLOAT_EQ(zv[1], 1);
  EXPECT_FLOAT_EQ(zv[2], 2);
  EXPECT_FLOAT_EQ(zv[3], 3);
  // Linear, half_pixel: x2 of [0, 3] -> 0, 0.75, 2.25, 3.
  const Tensor s2 = F32({2}, {1, 2});
  const ir::Node half = MakeNode("Resize", 3, 1, {Attribute::String("mode", "linear")});
  EXPECT_EQ(Values<float>(RunNode(half, 13, {&row, nullptr, &s2})[0]),
            (std::vector<float>{0, 0.75f, 2.25f, 3}));
  // Antialiased linear x0.5 of [0, 1, 2, 3]: the triangle stretched to 4 taps
  // (1, 3, 3, 1) / 8 around source coordinates 0.5 and 2.5, edges clamped.
  const Tensor four = F32({1, 4}, {0, 1, 2, 3});
  const Tensor half_scale = F32({2}, {1, 0.5f});
  const ir::Node antialias = MakeNode(
      "Resize", 3, 1, {Attribute::String("mode", "linear"), Attribute::Int("antialias", 1)});
  const std::vector<float> av =
      Values<float>(RunNode(antialias, 18, {&four, nullptr, &half_scale})[0]);
  ASSERT_EQ(av.size(), 2u);
  EXPECT_FLOAT_EQ(av[0], 0.625f);
  EXPECT_FLOAT_EQ(av[1], 2.375f);
  // tf_crop_and_resize outside the roi gives extrapolation_value.
  const Tensor roi = F32({4}, {0, 0, 0, 2});
  const Tensor three = I64Vec({1, 3});
  const ir::Node crop =
      MakeNode("Resize", 4, 1,
               {Attribute::String("mode", "linear"),
                Attribute::String("coordinate_transformation_mode", "tf_crop_and_resize"),
                Attribute::Float("extrapolation_value", -1)});
  EXPECT_EQ(Values<float>(RunNode(crop, 13, {&row, &roi, nullptr, &three})[0]),
            (std::vector<float>{0, 3, -1}));
}

}  // namespace
}  // namespace nncf::exec
