// Writes the small hand-made models in tests/data that the C API tests load (the C tests see only
// nncf.h, so they cannot build models themselves). Not part of the build; regenerate with
//   g++ -std=c++17 -DONNX_ML=1 -DONNX_NAMESPACE=onnx tests/tools/make_test_models.cc
//       -o /tmp/make_test_models -lonnx_proto -lprotobuf && /tmp/make_test_models tests/data
#include <onnx/onnx_pb.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

void SetTensorType(onnx::ValueInfoProto* value, const std::string& name, int32_t elem_type,
                   const std::vector<std::string>& dims) {
  value->set_name(name);
  auto* tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  auto* shape = tensor->mutable_shape();
  for (const std::string& dim : dims) {
    auto* d = shape->add_dim();
    if (dim == "?") continue;  // neither value nor name: an unknown dimension
    if (!dim.empty() && (dim[0] < '0' || dim[0] > '9')) {
      d->set_dim_param(dim);
    } else {
      d->set_dim_value(std::stoll(dim));
    }
  }
}

// x[batch,4] @ W[4,2] + bias[2] -> y[batch,2]; mask[?,3] (int64, first dim neither fixed nor
// named) -> Identity -> mask_out.
// W is both an initializer and a graph input, so it must not be listed as a model input.
onnx::ModelProto TinyModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("nncf-tests");
  model.set_producer_version("1");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto* graph = model.mutable_graph();
  graph->set_name("tiny");

  SetTensorType(graph->add_input(), "x", onnx::TensorProto::FLOAT, {"batch", "4"});
  SetTensorType(graph->add_input(), "W", onnx::TensorProto::FLOAT, {"4", "2"});
  SetTensorType(graph->add_input(), "bias", onnx::TensorProto::FLOAT, {"2"});
  SetTensorType(graph->add_input(), "mask", onnx::TensorProto::INT64, {"?", "3"});
  SetTensorType(graph->add_output(), "y", onnx::TensorProto::FLOAT, {"batch", "2"});
  SetTensorType(graph->add_output(), "mask_out", onnx::TensorProto::INT64, {"?", "3"});

  auto* weight = graph->add_initializer();
  weight->set_name("W");
  weight->set_data_type(onnx::TensorProto::FLOAT);
  weight->add_dims(4);
  weight->add_dims(2);
  std::vector<float> values;
  for (int i = 0; i < 8; ++i) values.push_back(0.125f * static_cast<float>(i));
  weight->set_raw_data(values.data(), values.size() * sizeof(float));

  auto* matmul = graph->add_node();
  matmul->set_name("matmul");
  matmul->set_op_type("MatMul");
  matmul->add_input("x");
  matmul->add_input("W");
  matmul->add_output("h");
  auto* add = graph->add_node();
  add->set_name("add");
  add->set_op_type("Add");
  add->add_input("h");
  add->add_input("bias");
  add->add_output("y");
  auto* identity = graph->add_node();
  identity->set_name("identity");
  identity->set_op_type("Identity");
  identity->add_input("mask");
  identity->add_output("mask_out");
  return model;
}

bool Write(const onnx::ModelProto& model, const std::string& path) {
  std::ofstream file(path, std::ios::binary);
  if (!model.SerializeToOstream(&file)) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  return Write(TinyModel(), dir + "/tiny_matmul_add.onnx") ? 0 : 1;
}
