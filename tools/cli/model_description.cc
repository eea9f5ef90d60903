#include "model_description.h"

#include <map>
#include <sstream>

#include "cli_error.h"
#include "graph_structure.h"
#include "handles.h"

namespace nncf_cli {

namespace {

std::string ShapeText(const cJSON* shape) {
  if (!cJSON_IsArray(shape)) return "(unknown rank)";
  std::string text = "[";
  const cJSON* dim = nullptr;
  bool first = true;
  cJSON_ArrayForEach(dim, shape) {
    if (!first) text += ", ";
    first = false;
    if (cJSON_IsNumber(dim)) {
      text += std::to_string(static_cast<long long>(dim->valuedouble));
    } else if (cJSON_IsString(dim)) {
      text += dim->valuestring;
    } else {
      text += "?";
    }
  }
  return text + "]";
}

void ValuesText(std::ostringstream& out, const char* title, const cJSON* values) {
  out << title << ":\n";
  const cJSON* value = nullptr;
  cJSON_ArrayForEach(value, values) {
    const cJSON* name = cJSON_GetObjectItemCaseSensitive(value, "name");
    const cJSON* dtype = cJSON_GetObjectItemCaseSensitive(value, "dtype");
    out << "  " << (cJSON_IsString(name) ? name->valuestring : "?") << "  "
        << (cJSON_IsString(dtype) ? dtype->valuestring : "?") << "  "
        << ShapeText(cJSON_GetObjectItemCaseSensitive(value, "shape")) << "\n";
  }
}

long long Integer(const cJSON* object, const char* key) {
  return static_cast<long long>(JsonNumber(object, key, 0));
}

}  // namespace

JsonPtr DescribeModel(const nncf_model* model, const std::string& path) {
  nncf_blob* raw = nullptr;
  Check(nncf_model_summary_json(model, &raw), "describing '" + path + "'");
  BlobPtr blob(raw);
  JsonPtr description = ParseJson(BlobText(blob.get()), "the model summary");
  cJSON_AddStringToObject(description.get(), "path", path.c_str());

  const GraphStructure graph = ReadGraphStructure(path);
  const auto weights = CompressedWeights(graph);
  std::map<std::string, int> by_dtype;
  for (const auto& [name, tensor] : weights) ++by_dtype[nncf_dtype_name(tensor->dtype)];
  cJSON_AddNumberToObject(description.get(), "compressed_weights",
                          static_cast<double>(weights.size()));
  JsonPtr dtypes(cJSON_CreateObject());
  for (const auto& [dtype, count] : by_dtype)
    cJSON_AddNumberToObject(dtypes.get(), dtype.c_str(), count);
  AddJson(description.get(), "compressed_weights_by_dtype", std::move(dtypes));
  return description;
}

std::string DescriptionText(const cJSON* description) {
  std::ostringstream out;
  const cJSON* path = cJSON_GetObjectItemCaseSensitive(description, "path");
  const cJSON* producer = cJSON_GetObjectItemCaseSensitive(description, "producer_name");
  out << "model: " << (cJSON_IsString(path) ? path->valuestring : "?") << "\n";
  out << "  ir_version " << Integer(description, "ir_version") << ", producer "
      << (cJSON_IsString(producer) && producer->valuestring[0] ? producer->valuestring : "-")
      << ", opsets:";
  const cJSON* opset = nullptr;
  cJSON_ArrayForEach(opset, cJSON_GetObjectItemCaseSensitive(description, "opset_imports")) {
    const cJSON* domain = cJSON_GetObjectItemCaseSensitive(opset, "domain");
    const bool default_domain = !cJSON_IsString(domain) || domain->valuestring[0] == '\0';
    out << " " << (default_domain ? "ai.onnx" : domain->valuestring) << " "
        << Integer(opset, "version");
  }
  out << "\n";
  ValuesText(out, "inputs", cJSON_GetObjectItemCaseSensitive(description, "inputs"));
  ValuesText(out, "outputs", cJSON_GetObjectItemCaseSensitive(description, "outputs"));
  out << "ops (" << Integer(description, "node_count") << " nodes):\n";
  const cJSON* op = nullptr;
  cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(description, "op_histogram")) {
    out << "  " << op->string << "  " << static_cast<long long>(op->valuedouble) << "\n";
  }
  out << "initializers: " << Integer(description, "initializer_count") << " ("
      << Integer(description, "initializer_bytes") << " bytes)\n";
  out << "quantization: " << Integer(description, "quantize_linear_count") << " QuantizeLinear, "
      << Integer(description, "dequantize_linear_count") << " DequantizeLinear\n";
  out << "quantized or compressed weights: " << Integer(description, "compressed_weights");
  const cJSON* dtype = nullptr;
  bool first = true;
  cJSON_ArrayForEach(dtype,
                     cJSON_GetObjectItemCaseSensitive(description, "compressed_weights_by_dtype")) {
    out << (first ? " (" : ", ") << dtype->string << " "
        << static_cast<long long>(dtype->valuedouble);
    first = false;
  }
  out << (first ? "" : ")") << "\n";
  return out.str();
}

}  // namespace nncf_cli
