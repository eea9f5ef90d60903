#include "algorithms/quantization/biased_layer.h"

#include <string>
#include <vector>

namespace nncf::algorithms::quantization {

namespace {

bool IsConvFamily(Metatype metatype) {
  return metatype == Metatype::kConv || metatype == Metatype::kGroupConv ||
         metatype == Metatype::kDepthwiseConv || metatype == Metatype::kConvTranspose;
}

}  // namespace

std::optional<BiasedLayer> DescribeBiasedLayer(const NncfGraph& graph, int node_index) {
  const GraphNode& node = graph.node(node_index);
  if (!node.bias || node.outputs.empty() || node.outputs[0].empty()) return std::nullopt;
  BiasedLayer layer;
  layer.node = node_index;
  layer.name = node.name;
  layer.metatype = node.metatype;
  layer.bias = *node.bias;
  for (const WeightAttr& weight : node.weights) layer.weight_ports.push_back(weight.port);

  if (IsConvFamily(node.metatype)) {
    layer.activation_port = 0;
    layer.input_channel_axis = 1;
    layer.output_channel_axis = 1;
  } else if (node.metatype == Metatype::kGemm || node.metatype == Metatype::kMatMul) {
    // The activation is whichever of ports 0 and 1 holds no weight.
    std::vector<int> activation_ports;
    for (int port : {0, 1}) {
      if (node.WeightOnPort(port) == nullptr) activation_ports.push_back(port);
    }
    if (activation_ports.size() != 1) return std::nullopt;
    layer.activation_port = activation_ports[0];
    layer.output_channel_axis = -1;
    if (node.metatype == Metatype::kGemm) {
      // Gemm input 0 is (M, K) or (K, M) with transA; input 1 is (K, N) or (N, K) with transB.
      const bool transposed = layer.activation_port == 0 ? node.trans_a : node.trans_b;
      layer.input_channel_axis =
          layer.activation_port == 0 ? (transposed ? -2 : -1) : (transposed ? -1 : -2);
    } else {
      // NNCF uses the MatMul output channel axis for the activation whatever its port.
      layer.input_channel_axis = -1;
    }
  } else {
    return std::nullopt;
  }
  const size_t port = static_cast<size_t>(layer.activation_port);
  if (port >= node.inputs.size() || node.inputs[port].empty()) return std::nullopt;
  layer.activation = node.inputs[port];
  layer.output = node.outputs[0];
  return layer;
}

bool IsFastCorrectable(Metatype metatype) {
  return metatype == Metatype::kConv || metatype == Metatype::kGemm ||
         metatype == Metatype::kMatMul;
}

const ir::Node* FindModelNode(const ir::Model& model, const BiasedLayer& layer) {
  if (!model.graph) return nullptr;
  // By output: Q/DQ insertion keeps the layer's output name, and a node the graph renamed
  // (<op_type>_nncf_<i>) has no name in the model.
  for (const ir::Node& node : model.graph->nodes) {
    if (!node.outputs.empty() && node.outputs[0] == layer.output) return &node;
  }
  return nullptr;
}

bool IsWeightQuantized(const ir::Model& model, const BiasedLayer& layer) {
  const ir::Node* node = FindModelNode(model, layer);
  if (node == nullptr) return false;
  for (int port : layer.weight_ports) {
    const size_t p = static_cast<size_t>(port);
    if (p >= node->inputs.size() || node->inputs[p].empty()) continue;
    for (const ir::Node& producer : model.graph->nodes) {
      for (const std::string& output : producer.outputs) {
        if (output == node->inputs[p] && producer.op_type == "DequantizeLinear" &&
            producer.IsDefaultDomain()) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace nncf::algorithms::quantization
