// The schema document itself and the validator that enforces it.
#include "core/config/config_schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/config/json_path.h"

namespace nncf::config {
namespace {

JsonPtr Parse(const std::string& text) {
  size_t offset = 0;
  JsonPtr json = ParseJson(text, &offset);
  EXPECT_NE(json, nullptr) << "at byte " << offset << " of " << text;
  return json;
}

// The message of the nncf::Error that validating text against node throws ("" if none).
std::string ValidationError(const Schema& schema, const cJSON* node, const std::string& text) {
  JsonPtr value = Parse(text);
  try {
    schema.Validate(node, value.get(), "$");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidConfig);
    return e.what();
  }
  return "";
}

std::string SchemaError(const std::string& text) {
  try {
    Schema schema(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
    return e.what();
  }
  return "";
}

// Visits every schema node reachable from the root and from the definitions, with a name saying
// where it is. $ref nodes are visited as themselves; their targets are visited as definitions.
void ForEachNode(const cJSON* node, const std::string& where,
                 const std::function<void(const cJSON*, const std::string&)>& visit) {
  visit(node, where);
  const cJSON* properties = cJSON_GetObjectItemCaseSensitive(node, "properties");
  const cJSON* property = nullptr;
  cJSON_ArrayForEach(property, properties) {
    ForEachNode(property, where + "/properties/" + property->string, visit);
  }
  const cJSON* items = cJSON_GetObjectItemCaseSensitive(node, "items");
  if (items != nullptr) ForEachNode(items, where + "/items", visit);
}

TEST(ConfigSchemaTest, SchemaTextIsJsonAndTheLibrarySchemaLoads) {
  size_t offset = 0;
  JsonPtr json = ParseJson(SchemaJson(), &offset);
  ASSERT_NE(json, nullptr) << "schema syntax error at byte " << offset;
  EXPECT_TRUE(cJSON_IsObject(json.get()));
  EXPECT_NO_THROW(Schema::Library());
  EXPECT_EQ(Schema::Library().PropertyNames(Schema::Library().root()),
            (std::vector<std::string>{"quantize", "accuracy_control", "compress_weights", "strip",
                                      "ignored_scope"}));
}

TEST(ConfigSchemaTest, EveryDefaultAndEnumValueValidatesAgainstItsOwnNode) {
  const Schema& schema = Schema::Library();
  JsonPtr root = Parse(SchemaJson());
  int defaults = 0;
  int enum_values = 0;
  auto visit = [&](const cJSON* node, const std::string& where) {
    SCOPED_TRACE(where);
    ASSERT_TRUE(cJSON_IsObject(node));
    const cJSON* default_value = cJSON_GetObjectItemCaseSensitive(node, "default");
    if (default_value != nullptr) {
      EXPECT_NO_THROW(schema.Validate(node, default_value, where));
      ++defaults;
    }
    const cJSON* choices = cJSON_GetObjectItemCaseSensitive(node, "enum");
    const cJSON* choice = nullptr;
    cJSON_ArrayForEach(choice, choices) {
      EXPECT_NO_THROW(schema.Validate(node, choice, where));
      EXPECT_TRUE(cJSON_IsString(choice)) << "NNCF enum values are strings";
      const std::string text = choice->valuestring;
      for (char c : text) EXPECT_FALSE(c >= 'A' && c <= 'Z') << text << " is not lower case";
      ++enum_values;
    }
    // Every member needs a default, given directly or built from its own members.
    const cJSON* properties = cJSON_GetObjectItemCaseSensitive(node, "properties");
    const cJSON* property = nullptr;
    cJSON_ArrayForEach(property, properties) {
      JsonPtr fallback = schema.Default(property);
      ASSERT_NE(fallback, nullptr) << property->string;
      EXPECT_NO_THROW(schema.Validate(property, fallback.get(), where)) << property->string;
    }
  };
  ForEachNode(root.get(), "#", visit);
  const cJSON* definition = nullptr;
  cJSON_ArrayForEach(definition, cJSON_GetObjectItemCaseSensitive(root.get(), "definitions")) {
    ForEachNode(definition, std::string("#/definitions/") + definition->string, visit);
  }
  EXPECT_GT(defaults, 80);
  EXPECT_GT(enum_values, 60);
  // The whole default document validates too.
  JsonPtr everything = schema.Default(schema.root());
  EXPECT_NO_THROW(schema.Validate(schema.root(), everything.get(), "$"));
}

TEST(ConfigSchemaTest, CoversEveryNncfParameter) {
  const Schema& schema = Schema::Library();
  const std::vector<std::string> keys = {
      // nncf.quantize
      "quantize.mode", "quantize.preset", "quantize.target_device", "quantize.subset_size",
      "quantize.fast_bias_correction", "quantize.model_type", "quantize.ignored_scope.names",
      "quantize.ignored_scope.patterns", "quantize.ignored_scope.types",
      "quantize.ignored_scope.subgraphs", "quantize.ignored_scope.validate",
      // AdvancedQuantizationParameters
      "quantize.advanced.overflow_fix", "quantize.advanced.quantize_outputs",
      "quantize.advanced.inplace_statistics", "quantize.advanced.disable_channel_alignment",
      "quantize.advanced.disable_bias_correction", "quantize.advanced.batchwise_statistics",
      "quantize.advanced.activations_quantization_params.num_bits",
      "quantize.advanced.activations_quantization_params.mode",
      "quantize.advanced.activations_quantization_params.signedness_to_force",
      "quantize.advanced.activations_quantization_params.per_channel",
      "quantize.advanced.activations_quantization_params.narrow_range",
      "quantize.advanced.activations_quantization_params.destination_type",
      "quantize.advanced.weights_quantization_params.num_bits",
      "quantize.advanced.weights_quantization_params.narrow_range",
      "quantize.advanced.quantizer_propagation_rule",
      "quantize.advanced.activations_range_estimator_params.min.statistics_type",
      "quantize.advanced.activations_range_estimator_params.min.aggregator_type",
      "quantize.advanced.activations_range_estimator_params.min.clipping_value",
      "quantize.advanced.activations_range_estimator_params.min.quantile_outlier_prob",
      "quantize.advanced.activations_range_estimator_params.max.statistics_type",
      "quantize.advanced.weights_range_estimator_params.max.aggregator_type",
      "quantize.advanced.bias_correction_params.apply_for_all_nodes",
      "quantize.advanced.bias_correction_params.threshold",
      "quantize.advanced.smooth_quant_alphas.convolution",
      "quantize.advanced.smooth_quant_alphas.matmul", "quantize.advanced.smooth_quant_alpha",
      "quantize.advanced.backend_params.compress_weights",
      "quantize.advanced.backend_params.external_data_dir",
      // nncf.quantize_with_accuracy_control
      "accuracy_control.max_drop", "accuracy_control.drop_type",
      "accuracy_control.advanced.max_num_iterations", "accuracy_control.advanced.tune_hyperparams",
      "accuracy_control.advanced.ranking_subset_size",
      "accuracy_control.advanced.num_ranking_workers",
      "accuracy_control.advanced.intermediate_model_dir", "accuracy_control.advanced.restore_mode",
      // nncf.compress_weights
      "compress_weights.mode", "compress_weights.ratio", "compress_weights.group_size",
      "compress_weights.all_layers", "compress_weights.sensitivity_metric",
      "compress_weights.subset_size", "compress_weights.awq", "compress_weights.scale_estimation",
      "compress_weights.gptq", "compress_weights.lora_correction", "compress_weights.backup_mode",
      "compress_weights.compression_format", "compress_weights.ignored_scope.names",
      // AdvancedCompressionParameters
      "compress_weights.advanced.statistics_path", "compress_weights.advanced.lora_adapter_rank",
      "compress_weights.advanced.group_size_fallback_mode",
      "compress_weights.advanced.min_adjusted_group_size",
      "compress_weights.advanced.awq_params.subset_size",
      "compress_weights.advanced.awq_params.percent_to_apply",
      "compress_weights.advanced.awq_params.alpha_min",
      "compress_weights.advanced.awq_params.alpha_max",
      "compress_weights.advanced.awq_params.steps",
      "compress_weights.advanced.awq_params.prefer_data_aware_scaling",
      "compress_weights.advanced.scale_estimation_params.subset_size",
      "compress_weights.advanced.scale_estimation_params.initial_steps",
      "compress_weights.advanced.scale_estimation_params.scale_steps",
      "compress_weights.advanced.scale_estimation_params.weight_penalty",
      "compress_weights.advanced.gptq_params.damp_percent",
      "compress_weights.advanced.gptq_params.block_size",
      "compress_weights.advanced.gptq_params.subset_size",
      "compress_weights.advanced.lora_correction_params.adapter_rank",
      "compress_weights.advanced.lora_correction_params.num_iterations",
      "compress_weights.advanced.lora_correction_params.apply_regularization",
      "compress_weights.advanced.lora_correction_params.subset_size",
      "compress_weights.advanced.lora_correction_params.use_int8_adapters",
      "compress_weights.advanced.backend_params.external_data_dir",
      "compress_weights.advanced.codebook",
      "compress_weights.advanced.adaptive_codebook_params.value_type",
      // nncf.strip
      "strip.strip_format",
      // shared
      "ignored_scope.names", "ignored_scope.validate"};
  for (const std::string& key : keys) {
    const cJSON* node = schema.root();
    for (const std::string& segment : SplitKey(key)) {
      node = schema.Property(node, segment);
      ASSERT_NE(node, nullptr) << key << " is missing at " << segment;
    }
  }
}

// docs/config.md is the user's reference: it must list every key the schema has.
TEST(ConfigSchemaTest, ReferenceDocumentListsEveryKey) {
  std::ifstream file(std::string(NNCF_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  const Schema& schema = Schema::Library();
  int keys = 0;
  std::function<void(const cJSON*, const std::string&)> walk = [&](const cJSON* node,
                                                                   const std::string& key) {
    if (!key.empty()) {
      EXPECT_NE(doc.find("| `" + key + "` |"), std::string::npos) << key << " is not documented";
      ++keys;
    }
    if (!schema.Allows(node, "object")) return;
    for (const std::string& name : schema.PropertyNames(node)) {
      walk(schema.Property(node, name), key.empty() ? name : key + "." + name);
    }
  };
  walk(schema.root(), "");
  EXPECT_GT(keys, 100);
}

TEST(ConfigSchemaTest, ValidatorMessagesNameThePathAndTheProblem) {
  const Schema schema(R"({
    "type": "object", "additionalProperties": false,
    "properties": {
      "n": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
      "x": {"type": ["number", "null"], "exclusiveMinimum": 0, "default": null},
      "e": {"type": ["string", "null"], "enum": ["a", "b"], "default": null},
      "l": {"type": "array", "items": {"type": "string"}, "minItems": 2, "default": ["a", "b"]},
      "s": {"type": "array", "default": [], "items": {
        "type": "object", "additionalProperties": false, "required": ["k"],
        "properties": {"k": {"type": "boolean", "default": false}}}}
    }})");
  const cJSON* root = schema.root();
  EXPECT_EQ(ValidationError(schema, root, R"({"n": 5, "x": null, "e": "a"})"), "");
  EXPECT_EQ(ValidationError(schema, root, R"({"n": "5"})"), "$.n: expected integer, got string");
  EXPECT_EQ(ValidationError(schema, root, R"({"n": 1.5})"), "$.n: expected integer, got 1.5");
  EXPECT_EQ(ValidationError(schema, root, R"({"n": 1e300})"), "$.n: expected integer, got 1e+300");
  EXPECT_EQ(ValidationError(schema, root, R"({"n": 0})"), "$.n: 0 is below the minimum 1");
  EXPECT_EQ(ValidationError(schema, root, R"({"n": 11})"), "$.n: 11 is above the maximum 10");
  EXPECT_EQ(ValidationError(schema, root, R"({"x": 0})"),
            "$.x: 0 is not above the exclusive minimum 0");
  EXPECT_EQ(ValidationError(schema, root, R"({"x": true})"),
            "$.x: expected number or null, got boolean");
  EXPECT_EQ(ValidationError(schema, root, R"({"x": 1e999})"), "$.x: number out of range");
  EXPECT_EQ(ValidationError(schema, root, R"({"e": "c"})"),
            "$.e: expected one of \"a\", \"b\", got \"c\"");
  EXPECT_EQ(ValidationError(schema, root, R"({"l": ["a"]})"),
            "$.l: expected at least 2 items, got 1");
  EXPECT_EQ(ValidationError(schema, root, R"({"l": ["a", 3]})"),
            "$.l[1]: expected string, got number");
  EXPECT_EQ(ValidationError(schema, root, R"({"s": [{"k": true}, {}]})"),
            "$.s[1]: missing required key \"k\"");
  EXPECT_EQ(ValidationError(schema, root, R"({"s": [{"k": true, "z": 1}]})"),
            "$.s[0].z: unknown key (known: k)");
  EXPECT_EQ(ValidationError(schema, root, R"({"n": 1, "n": 2})"), "$.n: duplicate key");
  EXPECT_EQ(ValidationError(schema, root, R"({"odd key": 1})"),
            "$[\"odd key\"]: unknown key (known: n, x, e, l, s)");
  EXPECT_EQ(ValidationError(schema, root, "[]"), "$: expected object, got array");
}

TEST(ConfigSchemaTest, DefaultsFillObjectsInSchemaOrder) {
  const Schema& schema = Schema::Library();
  const cJSON* alphas = schema.root();
  for (const char* segment : {"quantize", "advanced", "smooth_quant_alphas"}) {
    alphas = schema.Property(alphas, segment);
  }
  EXPECT_EQ(PrintJson(schema.Default(alphas).get(), false), R"({"convolution":-1,"matmul":0.95})");
  JsonPtr partial = Parse(R"({"matmul": 0.5})");
  EXPECT_EQ(PrintJson(schema.WithDefaults(alphas, partial.get()).get(), false),
            R"({"convolution":-1,"matmul":0.5})");
}

TEST(ConfigSchemaTest, MalformedSchemasAreRejected) {
  EXPECT_NE(SchemaError("{"), "");
  EXPECT_NE(SchemaError("[]"), "");
  const std::string unknown_keyword = SchemaError(
      R"({"type": "object", "additionalProperties": false, "properties": {
          "a": {"type": "string", "default": "", "pattern": "x"}}})");
  EXPECT_NE(unknown_keyword.find("unsupported keyword pattern"), std::string::npos)
      << unknown_keyword;
  const std::string open_object = SchemaError(R"({"type": "object", "properties": {}})");
  EXPECT_NE(open_object.find("additionalProperties"), std::string::npos) << open_object;
  const std::string bad_default = SchemaError(
      R"({"type": "object", "additionalProperties": false, "properties": {
          "a": {"type": "integer", "minimum": 1, "default": 0}}})");
  EXPECT_NE(bad_default.find("#/properties/a: default does not validate"), std::string::npos)
      << bad_default;
  const std::string no_default = SchemaError(
      R"({"type": "object", "additionalProperties": false, "properties": {
          "a": {"type": "integer"}}})");
  EXPECT_NE(no_default.find("#/properties/a: no default"), std::string::npos) << no_default;
  const std::string dangling = SchemaError(
      R"({"type": "object", "additionalProperties": false, "properties": {
          "a": {"$ref": "#/definitions/missing"}}})");
  EXPECT_NE(dangling.find("dangling $ref"), std::string::npos) << dangling;
  const std::string bad_type = SchemaError(
      R"({"type": "object", "additionalProperties": false, "properties": {
          "a": {"type": "float", "default": 1}}})");
  EXPECT_NE(bad_type.find("unknown type float"), std::string::npos) << bad_type;
  const std::string bad_required = SchemaError(
      R"({"type": "object", "additionalProperties": false, "required": ["b"], "properties": {}})");
  EXPECT_NE(bad_required.find("required names a key"), std::string::npos) << bad_required;
}

TEST(ConfigSchemaTest, ParseJsonReportsWhereItStopped) {
  size_t offset = 0;
  EXPECT_EQ(ParseJson("{\"a\": tru}", &offset), nullptr);
  EXPECT_EQ(offset, 6u);
  EXPECT_EQ(ParseJson("{} x", &offset), nullptr);
  EXPECT_EQ(offset, 3u);
  EXPECT_NE(ParseJson(" {}\n\t ", &offset), nullptr);
}

TEST(ConfigSchemaTest, PrintsCompactAndIndentedJson) {
  JsonPtr json =
      Parse(R"({"a": [1, "q\"\\\n\u0001é"], "b": {}, "c": [], "d": {"e": null, "f": false}})");
  EXPECT_EQ(PrintJson(json.get(), false),
            R"({"a":[1,"q\"\\\n\u0001é"],"b":{},"c":[],"d":{"e":null,"f":false}})");
  EXPECT_EQ(
      PrintJson(json.get(), true),
      "{\n  \"a\": [\n    1,\n    \"q\\\"\\\\\\n\\u0001é\"\n  ],\n  \"b\": {},\n  \"c\": [],\n"
      "  \"d\": {\n    \"e\": null,\n    \"f\": false\n  }\n}");
  JsonPtr reparsed = Parse(PrintJson(json.get(), true));
  EXPECT_TRUE(cJSON_Compare(json.get(), reparsed.get(), /*case_sensitive=*/1));
  JsonPtr tiny = Parse("[0.30000000000000004, 1e-300, -0.5]");
  EXPECT_EQ(PrintJson(tiny.get(), false), "[0.30000000000000004,1e-300,-0.5]");
}

TEST(ConfigSchemaTest, NumbersPrintShortestRoundTrip) {
  EXPECT_EQ(FormatNumber(1), "1");
  EXPECT_EQ(FormatNumber(-1), "-1");
  EXPECT_EQ(FormatNumber(0.002), "0.002");
  EXPECT_EQ(FormatNumber(1e-4), "0.0001");
  EXPECT_EQ(FormatNumber(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatNumber(1e300), "1e+300");
}

TEST(JsonPathTest, KeysPathsAndPositions) {
  EXPECT_EQ(SplitKey(""), std::vector<std::string>{});
  EXPECT_EQ(SplitKey("a.b.0"), (std::vector<std::string>{"a", "b", "0"}));
  for (const char* bad : {".a", "a.", "a..b", "."}) {
    try {
      SplitKey(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kNotFound);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  size_t index = 99;
  EXPECT_TRUE(ParseIndex("0", &index));
  EXPECT_EQ(index, 0u);
  EXPECT_TRUE(ParseIndex("42", &index));
  EXPECT_EQ(index, 42u);
  for (const char* bad : {"", "-1", "01", "1a", "+1", "1234567890"}) {
    EXPECT_FALSE(ParseIndex(bad, &index)) << bad;
  }
  EXPECT_EQ(MemberPath("$", "quantize"), "$.quantize");
  EXPECT_EQ(MemberPath("$.a", "b c"), "$.a[\"b c\"]");
  EXPECT_EQ(MemberPath("$", "q\"\n"), "$[\"q\\\"\\u000a\"]");
  EXPECT_EQ(ElementPath("$.a", 3), "$.a[3]");
  const TextPosition start = PositionAt("ab\ncd", 0);
  EXPECT_EQ(start.line, 1u);
  EXPECT_EQ(start.column, 1u);
  const TextPosition second_line = PositionAt("ab\ncd", 4);
  EXPECT_EQ(second_line.line, 2u);
  EXPECT_EQ(second_line.column, 2u);
}

TEST(JsonPathTest, Utf8Validation) {
  EXPECT_EQ(FindInvalidUtf8("plain"), 5u);
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), 14u);
  EXPECT_EQ(FindInvalidUtf8("ab\xFF"), 2u);             // never valid
  EXPECT_EQ(FindInvalidUtf8("a\xC0\xAF"), 1u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("a\xED\xA0\x80"), 1u);      // surrogate
  EXPECT_EQ(FindInvalidUtf8("a\xF4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("a\xE2\x82"), 1u);          // truncated
  EXPECT_EQ(FindInvalidUtf8("a\xE2\x28\xA1"), 1u);      // bad continuation
}

}  // namespace
}  // namespace nncf::config
