#include "core/ir/model_summary.h"

#include <cjson/cJSON.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ir/dtype.h"

namespace nncf::ir {

namespace {

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using JsonPtr = std::unique_ptr<cJSON, JsonDeleter>;

// cJSON reports allocation failure as null; every builder call goes through here.
template <typename T>
T* Checked(T* result) {
  if (result == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory building the model summary");
  return result;
}

void AddNumber(cJSON* object, const char* key, double value) {
  Checked(cJSON_AddNumberToObject(object, key, value));
}

void AddString(cJSON* object, const char* key, const std::string& value) {
  Checked(cJSON_AddStringToObject(object, key, value.c_str()));
}

// Attaches `item` to `array`, which then owns it.
void Append(cJSON* array, JsonPtr item) {
  if (!cJSON_AddItemToArray(array, item.get())) Checked<cJSON>(nullptr);
  item.release();
}

JsonPtr MakeShape(const Type& type) {
  if (!type.shape) return JsonPtr(Checked(cJSON_CreateNull()));
  JsonPtr shape(Checked(cJSON_CreateArray()));
  for (const Dim& dim : type.shape->dims) {
    if (dim.value) {
      Append(shape.get(), JsonPtr(Checked(cJSON_CreateNumber(static_cast<double>(*dim.value)))));
    } else if (dim.param) {
      Append(shape.get(), JsonPtr(Checked(cJSON_CreateString(dim.param->c_str()))));
    } else {
      Append(shape.get(), JsonPtr(Checked(cJSON_CreateNull())));
    }
  }
  return shape;
}

JsonPtr MakeValue(const ValueInfo& value) {
  JsonPtr object(Checked(cJSON_CreateObject()));
  AddString(object.get(), "name", value.name);
  const bool has_elements = value.type && (value.type->kind == Type::Kind::kTensor ||
                                           value.type->kind == Type::Kind::kSparseTensor);
  if (has_elements && value.type->elem_type_set) {
    AddString(object.get(), "dtype", DTypeName(value.type->tensor_dtype()));
  } else {
    Checked(cJSON_AddNullToObject(object.get(), "dtype"));
  }
  JsonPtr shape = has_elements ? MakeShape(*value.type) : JsonPtr(Checked(cJSON_CreateNull()));
  if (!cJSON_AddItemToObject(object.get(), "shape", shape.get())) Checked<cJSON>(nullptr);
  shape.release();
  return object;
}

void AddValues(cJSON* object, const char* key, const std::vector<const ValueInfo*>& values) {
  cJSON* array = Checked(cJSON_AddArrayToObject(object, key));
  for (const ValueInfo* value : values) Append(array, MakeValue(*value));
}

std::string HistogramKey(const Node& node) {
  return node.IsDefaultDomain() ? node.op_type : node.domain + "." + node.op_type;
}

size_t HeldBytes(const Tensor& tensor) {
  if (tensor.data) return tensor.data->size();
  size_t total = 0;
  for (const std::string& element : tensor.strings) total += element.size();
  return total;
}

}  // namespace

std::string ModelSummaryJson(const Model& model) {
  JsonPtr root(Checked(cJSON_CreateObject()));
  cJSON* json = root.get();
  AddNumber(json, "ir_version", static_cast<double>(model.ir_version));
  AddString(json, "producer_name", model.producer_name);
  AddString(json, "producer_version", model.producer_version);

  cJSON* opsets = Checked(cJSON_AddArrayToObject(json, "opset_imports"));
  for (const OpsetId& opset : model.opset_imports) {
    JsonPtr entry(Checked(cJSON_CreateObject()));
    AddString(entry.get(), "domain", opset.domain);
    AddNumber(entry.get(), "version", static_cast<double>(opset.version));
    Append(opsets, std::move(entry));
  }

  const Graph no_graph;
  const Graph& graph = model.graph ? *model.graph : no_graph;
  if (model.graph) {
    AddString(json, "graph_name", graph.name);
  } else {
    Checked(cJSON_AddNullToObject(json, "graph_name"));
  }
  AddNumber(json, "node_count", static_cast<double>(graph.nodes.size()));

  std::map<std::string, int64_t> histogram;
  int64_t quantize_count = 0;
  int64_t dequantize_count = 0;
  for (const Node& node : graph.nodes) {
    ++histogram[HistogramKey(node)];
    if (node.op_type == "QuantizeLinear") ++quantize_count;
    if (node.op_type == "DequantizeLinear") ++dequantize_count;
  }
  cJSON* ops = Checked(cJSON_AddObjectToObject(json, "op_histogram"));
  for (const auto& [op, count] : histogram) AddNumber(ops, op.c_str(), static_cast<double>(count));

  AddValues(json, "inputs", graph.RealInputs());
  std::vector<const ValueInfo*> outputs;
  for (const ValueInfo& output : graph.outputs) outputs.push_back(&output);
  AddValues(json, "outputs", outputs);

  size_t initializer_bytes = 0;
  for (const Tensor& tensor : graph.initializers) initializer_bytes += HeldBytes(tensor);
  AddNumber(json, "initializer_count", static_cast<double>(graph.initializers.size()));
  AddNumber(json, "initializer_bytes", static_cast<double>(initializer_bytes));
  AddNumber(json, "function_count", static_cast<double>(model.functions.size()));
  AddNumber(json, "quantize_linear_count", static_cast<double>(quantize_count));
  AddNumber(json, "dequantize_linear_count", static_cast<double>(dequantize_count));

  char* printed = Checked(cJSON_PrintUnformatted(json));
  std::string text(printed);
  cJSON_free(printed);
  return text;
}

}  // namespace nncf::ir
