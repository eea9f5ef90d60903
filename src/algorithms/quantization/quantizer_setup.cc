// QuantizerConfig equality and the plan JSON of a QuantizationSetup.
#include "algorithms/quantization/quantizer_setup.h"

#include <cjson/cJSON.h>

#include <memory>

#include "core/common/error.h"

namespace nncf::algorithms::quantization {
namespace {

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonDeleter>;

template <typename T>
T* Checked(T* result) {
  if (result == nullptr)
    Fail(ErrorCode::kOutOfMemory, "out of memory writing the quantization plan");
  return result;
}

void Append(cJSON* array, cJSON* item) {
  if (!cJSON_AddItemToArray(array, item)) {
    cJSON_Delete(item);
    Checked<cJSON>(nullptr);
  }
}

cJSON* StringArray(const std::vector<std::string>& items) {
  cJSON* array = Checked(cJSON_CreateArray());
  for (const std::string& item : items) Append(array, Checked(cJSON_CreateString(item.c_str())));
  return array;
}

}  // namespace

bool QuantizerConfig::operator==(const QuantizerConfig& other) const {
  return num_bits == other.num_bits && mode == other.mode &&
         signedness_to_force == other.signedness_to_force && per_channel == other.per_channel &&
         narrow_range == other.narrow_range;
}

std::string QuantizationSetup::ToJson() const {
  JsonPtr root(Checked(cJSON_CreateObject()));
  cJSON* quantizer_array = Checked(cJSON_AddArrayToObject(root.get(), "quantizers"));
  for (const QuantizerSpec& spec : quantizers) {
    cJSON* q = Checked(cJSON_CreateObject());
    Append(quantizer_array, q);
    Checked(cJSON_AddNumberToObject(q, "id", spec.id));
    Checked(cJSON_AddStringToObject(q, "kind", InsertionKindName(spec.point.kind)));
    Checked(cJSON_AddStringToObject(q, "tensor", spec.point.tensor.c_str()));
    Checked(cJSON_AddStringToObject(q, "node", spec.point.node.c_str()));
    Checked(cJSON_AddNumberToObject(q, "port", spec.point.port));
    Checked(cJSON_AddBoolToObject(q, "is_weight", spec.is_weight));
    Checked(cJSON_AddNumberToObject(q, "bits", spec.config.num_bits));
    Checked(cJSON_AddStringToObject(
        q, "mode",
        spec.config.mode == QuantizationScheme::kSymmetric ? "symmetric" : "asymmetric"));
    if (spec.config.signedness_to_force) {
      Checked(cJSON_AddBoolToObject(q, "signed", *spec.config.signedness_to_force));
    } else {
      Checked(cJSON_AddNullToObject(q, "signed"));
    }
    Checked(cJSON_AddBoolToObject(q, "per_channel", spec.config.per_channel));
    Checked(cJSON_AddBoolToObject(q, "narrow_range", spec.config.narrow_range));
    if (spec.config.per_channel) {
      Checked(cJSON_AddNumberToObject(q, "axis", static_cast<double>(spec.axis)));
    } else {
      Checked(cJSON_AddNullToObject(q, "axis"));
    }
    Checked(cJSON_AddBoolToObject(q, "half_range", spec.half_range));
    if (spec.unified_group >= 0) {
      Checked(cJSON_AddNumberToObject(q, "unified_group", spec.unified_group));
    } else {
      Checked(cJSON_AddNullToObject(q, "unified_group"));
    }
    cJSON_AddItemToObject(q, "target_nodes", StringArray(spec.target_nodes));
  }
  cJSON* groups = Checked(cJSON_AddArrayToObject(root.get(), "unified_groups"));
  for (const std::vector<int>& group : unified_groups) {
    cJSON* ids = Checked(cJSON_CreateArray());
    Append(groups, ids);
    for (int id : group) Append(ids, Checked(cJSON_CreateNumber(id)));
  }
  cJSON_AddItemToObject(
      root.get(), "ignored_nodes",
      StringArray(std::vector<std::string>(ignored_nodes.begin(), ignored_nodes.end())));
  char* printed = Checked(cJSON_PrintUnformatted(root.get()));
  std::string text(printed);
  cJSON_free(printed);
  return text;
}

const char* InsertionKindName(InsertionKind kind) {
  switch (kind) {
    case InsertionKind::kWeight:
      return "weight";
    case InsertionKind::kPreLayer:
      return "pre_layer";
    case InsertionKind::kPostLayer:
      return "post_layer";
    case InsertionKind::kModelInput:
      return "model_input";
  }
  return "post_layer";
}

}  // namespace nncf::algorithms::quantization
