#include "algorithms/quantization/typed_model.h"

#include "core/common/error.h"
#include "core/common/logging.h"
#include "onnx/opset_conversion.h"

namespace nncf::algorithms::quantization {

ir::Model TypedCopy(const ir::Model& model) {
  ir::Model loose = model;
  loose.graph->value_info.clear();
  for (ir::ValueInfo& output : loose.graph->outputs) {
    if (output.type && output.type->IsTensor()) output.type->shape.reset();
  }
  try {
    return onnx::InferShapes(loose);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::kUnsupported && error.code() != ErrorCode::kInvalidModel) throw;
    Log(LogLevel::kWarning, "quantize",
        std::string("shape inference failed, using the declared value types only: ") +
            error.what());
    return model;
  }
}

}  // namespace nncf::algorithms::quantization
