// Builds small ONNX models in test code: graph inputs/outputs, initializers, nodes, opset.
// Header-only; every test that needs a hand-made graph uses this one.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/ir/attribute.h"
#include "core/ir/model.h"
#include "core/ir/tensor.h"
#include "core/ir/type.h"

namespace nncf::testing {

class ModelBuilder {
 public:
  explicit ModelBuilder(int64_t opset = 13, int64_t ir_version = 8) {
    model_.ir_version = ir_version;
    model_.graph.emplace();
    model_.graph->name = "test";
    model_.SetOpset("", opset);
  }

  // dims: -1 = dynamic ("N").
  ModelBuilder& Input(const std::string& name, std::vector<int64_t> dims,
                      ir::DType dtype = ir::DType::kFloat) {
    model_.graph->inputs.push_back(Value(name, dims, dtype));
    return *this;
  }
  // Output with unknown shape when dims is empty and rank_known is false.
  ModelBuilder& Output(const std::string& name, std::vector<int64_t> dims = {},
                       ir::DType dtype = ir::DType::kFloat, bool rank_known = true) {
    ir::ValueInfo info = Value(name, dims, dtype);
    if (!rank_known) info.type->shape.reset();
    model_.graph->outputs.push_back(std::move(info));
    return *this;
  }
  ModelBuilder& Initializer(ir::Tensor tensor) {
    model_.graph->initializers.push_back(std::move(tensor));
    return *this;
  }
  ModelBuilder& Floats(const std::string& name, std::vector<int64_t> dims,
                       const std::vector<float>& values) {
    return Initializer(FloatTensor(name, std::move(dims), values));
  }
  ModelBuilder& Int64s(const std::string& name, std::vector<int64_t> dims,
                       const std::vector<int64_t>& values) {
    return Initializer(ir::Tensor::FromBytes(name, ir::DType::kInt64, std::move(dims),
                                             values.data(), values.size() * sizeof(int64_t)));
  }
  // Uniform(-scale, scale) values from a fixed seed: reproducible test weights.
  ModelBuilder& Random(const std::string& name, std::vector<int64_t> dims, float scale = 1.0f,
                       uint32_t seed = 1) {
    int64_t count = 1;
    for (int64_t d : dims) count *= d;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> values(static_cast<size_t>(count));
    for (float& v : values) v = dist(rng);
    return Floats(name, std::move(dims), values);
  }
  ModelBuilder& Node(const std::string& op_type, std::vector<std::string> inputs,
                     std::vector<std::string> outputs, std::vector<ir::Attribute> attributes = {},
                     std::string name = "", std::string domain = "") {
    ir::Node node;
    node.op_type = op_type;
    node.name = name.empty() && !outputs.empty() ? op_type + "_" + outputs[0] : std::move(name);
    node.domain = std::move(domain);
    node.inputs = std::move(inputs);
    node.outputs = std::move(outputs);
    node.attributes = std::move(attributes);
    model_.graph->nodes.push_back(std::move(node));
    return *this;
  }
  ir::Model Build() const { return model_; }
  ir::Model& model() { return model_; }

  static ir::ValueInfo Value(const std::string& name, const std::vector<int64_t>& dims,
                             ir::DType dtype) {
    ir::ValueInfo info;
    info.name = name;
    info.type = ir::Type::MakeTensor(dtype, dims);
    return info;
  }
  static ir::Tensor FloatTensor(const std::string& name, std::vector<int64_t> dims,
                                const std::vector<float>& values) {
    return ir::Tensor::FromBytes(name, ir::DType::kFloat, std::move(dims), values.data(),
                                 values.size() * sizeof(float));
  }

 private:
  ir::Model model_;
};

}  // namespace nncf::testing
