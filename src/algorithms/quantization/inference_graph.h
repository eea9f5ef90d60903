// quantization/passes.py::transform_to_inference_graph for ONNX: which nodes stay when the
// ShapeOf subgraphs and the constant subgraphs are removed. Activation paths are traced from the
// model inputs and the Embedding nodes.
#pragma once

#include <vector>

#include "algorithms/quantization/nncf_graph.h"

namespace nncf::algorithms::quantization {

// Per node of `graph`: true when the node belongs to the inference graph.
std::vector<bool> InferenceGraphNodes(const NncfGraph& graph);

}  // namespace nncf::algorithms::quantization
