#include "quantize_case.h"

#include <string>
#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "algorithms/quantization/qdq_insertion.h"
#include "algorithms/quantization/quantize.h"
#include "algorithms/quantization/quantizer_parameters.h"
#include "algorithms/quantization/quantizer_placement.h"
#include "algorithms/quantization/typed_model.h"
#include "core/common/context.h"
#include "core/common/error.h"
#include "onnx/opset_conversion.h"

namespace nncf::testing::goldens {

namespace q = algorithms::quantization;

namespace {

// Channels of `tensor` along `axis`, from an initializer or an inferred value type.
int64_t ChannelCount(const ir::Model& model, const std::string& tensor, int64_t axis) {
  std::vector<int64_t> dims;
  if (const ir::Tensor* init = model.graph->FindInitializer(tensor)) {
    dims = init->dims;
  } else if (const ir::ValueInfo* info = model.graph->FindValueInfo(tensor);
             info && info->type && info->type->shape) {
    for (const ir::Dim& d : info->type->shape->dims) dims.push_back(d.IsStatic() ? *d.value : -1);
  }
  const int64_t rank = static_cast<int64_t>(dims.size());
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || dims[static_cast<size_t>(a)] <= 0) {
    Fail(ErrorCode::kInvalidModel, "per-channel quantizer on '" + tensor +
                                       "': no static dim on axis " + std::to_string(axis));
  }
  return dims[static_cast<size_t>(a)];
}

ir::Model PlaceWithoutCalibration(const ir::Model& model, const q::QuantizeParams& params) {
  const ir::Model inferred = q::TypedCopy(model);
  const q::NncfGraph graph = q::NncfGraph::Build(inferred);
  const q::QuantizationSetup setup = q::FindQuantizationSetup(inferred, graph, params);
  std::vector<q::PlacedQuantizer> placed;
  for (const q::QuantizerSpec& spec : setup.quantizers) {
    const size_t channels =
        spec.config.per_channel
            ? static_cast<size_t>(ChannelCount(inferred, spec.point.tensor, spec.axis))
            : 1;
    q::MinMaxValues range{std::vector<float>(channels, -1.0f), std::vector<float>(channels, 1.0f)};
    placed.push_back({&spec, q::CalculateQuantizerParameters(range, spec.config, spec.is_weight,
                                                             spec.half_range)});
  }
  return q::InsertQuantizers(model, placed, params.allow_opset_upgrade);
}

}  // namespace

ir::Model QuantizeGraphCase(const GraphCase& c) {
  const ir::Model model = LoadGoldenModel(c.model);
  const q::QuantizeParams params = ParamsFor(c);
  ir::Model quantized;
  if (!c.placement_only_reason.empty()) {
    quantized = PlaceWithoutCalibration(model, params);
  } else {
    RepeatedItemDataset dataset(CalibrationInputs(model, c.model), 10);
    quantized = q::Quantize(model, dataset, params, Context(), nullptr);
  }
  RemoveQdqPairs(quantized, c.removed_tensors);
  return quantized;
}

ir::Model QuantizeScalesCase(const ScalesCase& c) {
  const ir::Model model = LoadGoldenModel(c.model);
  RepeatedItemDataset dataset(CalibrationInputs(model, c.model), 10);
  return q::Quantize(model, dataset, ParamsFor(c), Context(), nullptr);
}

}  // namespace nncf::testing::goldens
