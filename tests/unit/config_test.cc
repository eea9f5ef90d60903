// The config handle: parsing, validation messages, Get/Set by key, defaults, copies, files.
#include "core/config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/config/config_schema.h"

namespace nncf::config {
namespace {

// Runs body, which must throw nncf::Error with code; returns the message.
std::string ErrorOf(ErrorCode code, const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

std::string FromJsonError(const std::string& json) {
  return ErrorOf(ErrorCode::kInvalidConfig, [&] { Config::FromJson(json); });
}

// Calls visit(key, node) for every leaf key of the schema (lists are leaves).
void ForEachLeaf(const Schema& schema, const cJSON* node, const std::string& key,
                 const std::function<void(const std::string&, const cJSON*)>& visit) {
  if (schema.Allows(node, "object")) {
    for (const std::string& name : schema.PropertyNames(node)) {
      ForEachLeaf(schema, schema.Property(node, name), key.empty() ? name : key + "." + name,
                  visit);
    }
    if (!schema.Allows(node, "null")) return;  // a nullable object is also a leaf (its null)
  }
  visit(key, schema.Resolve(node));
}

const char kFullDocument[] = R"({
  "quantize": {
    "preset": "mixed",
    "target_device": "cpu",
    "subset_size": 64,
    "fast_bias_correction": false,
    "model_type": "transformer",
    "ignored_scope": {
      "names": ["conv1", "head/MatMul"],
      "patterns": ["^encoder\\..*"],
      "types": ["Softmax"],
      "subgraphs": [{"inputs": ["a"], "outputs": ["b", "c"]}],
      "validate": false
    },
    "advanced": {
      "overflow_fix": "disable",
      "quantize_outputs": true,
      "activations_quantization_params": {"num_bits": 8, "mode": "asymmetric", "per_channel": false},
      "weights_range_estimator_params": {"min": {"statistics_type": "quantile", "aggregator_type": "median", "quantile_outlier_prob": 0.001}},
      "bias_correction_params": {"threshold": 1000},
      "smooth_quant_alphas": {"matmul": 0.5},
      "backend_params": {"compress_weights": false, "external_data_dir": "/data/model"}
    }
  },
  "accuracy_control": {"max_drop": 0.02, "drop_type": "relative", "advanced": {"max_num_iterations": 5}},
  "compress_weights": {
    "mode": "int4_asym", "ratio": 0.8, "group_size": 64, "all_layers": true,
    "sensitivity_metric": "max_activation_variance", "awq": true, "scale_estimation": true,
    "backup_mode": "int8_sym",
    "advanced": {"group_size_fallback_mode": "adjust", "awq_params": {"alpha_max": 0.9}, "codebook": [-1, -0.25, 0.25, 1]}
  },
  "strip": {"strip_format": "dequantize"},
  "ignored_scope": {"types": ["Gather"]}
})";

TEST(ConfigTest, EmptyConfigAnswersWithSchemaDefaults) {
  const Config config;
  EXPECT_EQ(config.ToJson(), "{}");
  EXPECT_EQ(config.Get("quantize.subset_size"), "300");
  EXPECT_EQ(config.Get("quantize.target_device"), "\"any\"");
  EXPECT_EQ(config.Get("quantize.preset"), "null");
  EXPECT_EQ(config.Get("quantize.fast_bias_correction"), "true");
  EXPECT_EQ(config.Get("quantize.advanced.inplace_statistics"), "true");
  EXPECT_EQ(config.Get("quantize.advanced.activations_quantization_params"), "null");
  EXPECT_EQ(config.Get("quantize.advanced.activations_quantization_params.num_bits"), "null");
  EXPECT_EQ(config.Get("quantize.advanced.quantizer_propagation_rule"), "\"merge_all_in_one\"");
  EXPECT_EQ(config.Get("quantize.advanced.smooth_quant_alphas"),
            R"({"convolution":-1,"matmul":0.95})");
  EXPECT_EQ(config.Get("quantize.advanced.activations_range_estimator_params.max"),
            R"({"statistics_type":null,"aggregator_type":null,"clipping_value":null,)"
            R"("quantile_outlier_prob":0.0001})");
  EXPECT_EQ(config.Get("accuracy_control.max_drop"), "0.01");
  EXPECT_EQ(config.Get("accuracy_control.drop_type"), "\"absolute\"");
  EXPECT_EQ(config.Get("accuracy_control.advanced.max_num_iterations"), "null");
  EXPECT_EQ(config.Get("accuracy_control.advanced.restore_mode"), "\"activations_and_weights\"");
  EXPECT_EQ(config.Get("compress_weights.mode"), "\"int8_asym\"");
  EXPECT_EQ(config.Get("compress_weights.subset_size"), "128");
  EXPECT_EQ(config.Get("compress_weights.compression_format"), "\"dequantize\"");
  EXPECT_EQ(config.Get("compress_weights.advanced.lora_adapter_rank"), "256");
  EXPECT_EQ(config.Get("compress_weights.advanced.min_adjusted_group_size"), "32");
  EXPECT_EQ(config.Get("compress_weights.advanced.awq_params"),
            R"({"subset_size":32,"percent_to_apply":0.002,"alpha_min":0,"alpha_max":1,)"
            R"("steps":100,"prefer_data_aware_scaling":true})");
  EXPECT_EQ(config.Get("compress_weights.advanced.scale_estimation_params"),
            R"({"subset_size":64,"initial_steps":5,"scale_steps":5,"weight_penalty":-1})");
  EXPECT_EQ(config.Get("compress_weights.advanced.gptq_params"),
            R"({"damp_percent":0.1,"block_size":128,"subset_size":128})");
  EXPECT_EQ(config.Get("compress_weights.advanced.lora_correction_params"),
            R"({"adapter_rank":8,"num_iterations":3,"apply_regularization":true,)"
            R"("subset_size":128,"use_int8_adapters":true})");
  EXPECT_EQ(config.Get("strip.strip_format"), "\"native\"");
  EXPECT_EQ(config.Get("ignored_scope"),
            R"({"names":[],"patterns":[],"types":[],"subgraphs":[],"validate":true})");
  EXPECT_FALSE(config.Has("quantize"));
  EXPECT_FALSE(config.Has("quantize.subset_size"));
}

TEST(ConfigTest, EveryLeafDefaultComesFromTheSchema) {
  const Schema& schema = Schema::Library();
  const Config config;
  int leaves = 0;
  ForEachLeaf(schema, schema.root(), "", [&](const std::string& key, const cJSON* node) {
    JsonPtr fallback = schema.Default(node);
    ASSERT_NE(fallback, nullptr) << key;
    EXPECT_EQ(config.Get(key), PrintJson(fallback.get(), false)) << key;
    ++leaves;
  });
  EXPECT_GT(leaves, 100);
}

TEST(ConfigTest, EveryEnumValueIsAcceptedWhereverItAppears) {
  const Schema& schema = Schema::Library();
  int accepted = 0;
  ForEachLeaf(schema, schema.root(), "", [&](const std::string& key, const cJSON* node) {
    const cJSON* choices = cJSON_GetObjectItemCaseSensitive(node, "enum");
    const cJSON* choice = nullptr;
    cJSON_ArrayForEach(choice, choices) {
      const std::string text = PrintJson(choice, false);
      Config config;
      ASSERT_NO_THROW(config.Set(key, text)) << key << " = " << text;
      EXPECT_EQ(config.Get(key), text);
      EXPECT_EQ(config.GetString(key), choice->valuestring);
      // The same value also loads from a document.
      const Config loaded = Config::FromJson(config.ToJson());
      EXPECT_EQ(loaded.Get(key), text);
      ++accepted;
    }
  });
  EXPECT_GT(accepted, 60);
  // Spot checks of NNCF spellings.
  Config config;
  config.Set("compress_weights.mode", "\"int4_sym\"");
  config.Set("quantize.mode", "\"fp8_e4m3\"");
  config.Set("quantize.preset", "\"performance\"");
  config.Set("quantize.target_device", "\"cpu_spr\"");
  config.Set("quantize.advanced.overflow_fix", "\"first_layer_only\"");
  EXPECT_EQ(config.GetString("quantize.target_device"), "cpu_spr");
}

TEST(ConfigTest, ErrorMessagesGiveTheJsonPath) {
  EXPECT_EQ(FromJsonError(R"({"quantize": {"advanced": {"overflow_fix": "sometimes"}}})"),
            "$.quantize.advanced.overflow_fix: expected one of \"enable\", \"disable\", "
            "\"first_layer_only\", got \"sometimes\"");
  EXPECT_EQ(FromJsonError(R"({"compress_weights": {"ratio": 1.5}})"),
            "$.compress_weights.ratio: 1.5 is above the maximum 1");
  EXPECT_EQ(FromJsonError(R"({"compress_weights": {"ratio": -0.5}})"),
            "$.compress_weights.ratio: -0.5 is below the minimum 0");
  EXPECT_EQ(FromJsonError(R"({"quantize": {"foo": 1}})"),
            "$.quantize.foo: unknown key (known: mode, preset, target_device, subset_size, "
            "fast_bias_correction, model_type, ignored_scope, advanced)");
  EXPECT_EQ(FromJsonError(R"({"quantize": {"subset_size": "300"}})"),
            "$.quantize.subset_size: expected integer, got string");
  EXPECT_EQ(FromJsonError(R"({"quantize": {"subset_size": 0}})"),
            "$.quantize.subset_size: 0 is below the minimum 1");
  EXPECT_EQ(FromJsonError(R"({"quantize": {"subset_size": 2.5}})"),
            "$.quantize.subset_size: expected integer, got 2.5");
  EXPECT_EQ(FromJsonError(R"({"compress_weights": {"group_size": null, "awq": "yes"}})"),
            "$.compress_weights.awq: expected boolean or null, got string");
  EXPECT_EQ(FromJsonError(R"({"quantize": {"ignored_scope": {"names": ["a", 1]}}})"),
            "$.quantize.ignored_scope.names[1]: expected string, got number");
  EXPECT_EQ(FromJsonError(R"({"ignored_scope": {"subgraphs": [{"inputs": ["a"]}]}})"),
            "$.ignored_scope.subgraphs[0]: missing required key \"outputs\"");
  EXPECT_EQ(FromJsonError(R"({"compress_weights": {"advanced": {"codebook": [1]}}})"),
            "$.compress_weights.advanced.codebook: expected at least 2 items, got 1");
  EXPECT_EQ(FromJsonError(R"({"quantize": {"subset_size": 1, "subset_size": 2}})"),
            "$.quantize.subset_size: duplicate key");
  EXPECT_EQ(FromJsonError(R"({"training": {}})"),
            "$.training: unknown key (known: quantize, accuracy_control, compress_weights, strip, "
            "ignored_scope)");
  EXPECT_EQ(FromJsonError(R"({"Quantize": {}})").substr(0, 25), "$.Quantize: unknown key (");
  EXPECT_EQ(FromJsonError("[1, 2]"), "$: expected object, got array");
  EXPECT_EQ(FromJsonError("\"quantize\""), "$: expected object, got string");
  EXPECT_EQ(FromJsonError(R"({"accuracy_control": {"max_drop": 1e999}})"),
            "$.accuracy_control.max_drop: number out of range");
}

TEST(ConfigTest, ParseErrorsNameLineAndColumn) {
  EXPECT_EQ(FromJsonError("{\n  \"quantize\": {\n    \"subset_size\": ,\n  }\n}"),
            "config JSON: parse error at line 3, column 20 (byte 37), near ',   } }'");
  EXPECT_EQ(FromJsonError("{\"a\": 1} trailing"),
            "config JSON: parse error at line 1, column 10 (byte 9), near 'trailing'");
  EXPECT_EQ(FromJsonError("{\"quantize\": {"),
            "config JSON: parse error at line 1, column 15 (byte 14), at the end");
  EXPECT_EQ(FromJsonError(""), "config JSON is empty");
  EXPECT_EQ(FromJsonError(" \n\t "), "config JSON is empty");
  EXPECT_EQ(FromJsonError("{\"strip\": {\"strip_format\": \"na\xFFtive\"}}"),
            "config JSON: invalid UTF-8 at line 1, column 31 (byte 30)");
  EXPECT_EQ(FromJsonError(std::string("{}\0{}", 5)),
            "config JSON: NUL byte at line 1, column 3 (byte 2)");
}

TEST(ConfigTest, GetUnknownKeysIsNotFound) {
  const Config config;
  const std::string unknown =
      ErrorOf(ErrorCode::kNotFound, [&] { config.Get("quantize.subset_sise"); });
  EXPECT_EQ(unknown,
            "config key \"quantize.subset_sise\" is not in the schema (keys under \"quantize\": "
            "mode, preset, target_device, subset_size, fast_bias_correction, model_type, "
            "ignored_scope, advanced)");
  EXPECT_NE(ErrorOf(ErrorCode::kNotFound, [&] { config.Get("nope"); }).find("top-level keys"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(ErrorCode::kNotFound, [&] { config.Get("quantize.subset_size.x"); }),
            "config key \"quantize.subset_size.x\": \"quantize.subset_size\" is a value, not a "
            "section");
  EXPECT_EQ(ErrorOf(ErrorCode::kNotFound, [&] { config.Get("ignored_scope.names.first"); }),
            "config key \"ignored_scope.names.first\": \"ignored_scope.names\" is a list, "
            "\"first\" is not an index");
  EXPECT_EQ(ErrorOf(ErrorCode::kNotFound, [&] { config.Get("ignored_scope.names.0"); }),
            "config key \"ignored_scope.names.0\" ($.ignored_scope.names[0]) is not set and has "
            "no default");
  ErrorOf(ErrorCode::kNotFound, [&] { config.Get("quantize..subset_size"); });
  ErrorOf(ErrorCode::kNotFound, [&] { config.Has("quantize.foo"); });
  ErrorOf(ErrorCode::kNotFound, [&] { config.GetInt("quantize.foo"); });
}

TEST(ConfigTest, GetFillsSectionsAndFollowsListElements) {
  const Config config = Config::FromJson(kFullDocument);
  EXPECT_EQ(config.Get("quantize.subset_size"), "64");
  EXPECT_EQ(config.Get("quantize.advanced.smooth_quant_alphas"),
            R"({"convolution":-1,"matmul":0.5})");
  EXPECT_EQ(config.Get("quantize.advanced.activations_quantization_params"),
            R"({"num_bits":8,"mode":"asymmetric","signedness_to_force":null,"per_channel":false,)"
            R"("narrow_range":null,"destination_type":null})");
  EXPECT_EQ(config.Get("quantize.advanced.weights_quantization_params.num_bits"), "null");
  EXPECT_EQ(config.Get("quantize.ignored_scope.subgraphs.0"),
            R"({"inputs":["a"],"outputs":["b","c"]})");
  EXPECT_EQ(config.Get("quantize.ignored_scope.subgraphs.0.outputs.1"), "\"c\"");
  EXPECT_EQ(config.Get("quantize.ignored_scope.names.1"), "\"head/MatMul\"");
  EXPECT_EQ(config.Get("ignored_scope"),
            R"({"names":[],"patterns":[],"types":["Gather"],"subgraphs":[],"validate":true})");
  EXPECT_EQ(config.Get("quantize.ignored_scope.patterns.0"), "\"^encoder\\\\..*\"");
  EXPECT_TRUE(config.Has("quantize.ignored_scope.subgraphs.0.inputs"));
  EXPECT_FALSE(config.Has("quantize.ignored_scope.subgraphs.1"));
  EXPECT_TRUE(config.Has("compress_weights.advanced.awq_params"));
  EXPECT_FALSE(config.Has("compress_weights.advanced.awq_params.steps"));
  EXPECT_TRUE(config.Has(""));
  // The whole effective configuration: every default filled in, still valid.
  const Config effective = Config::FromJson(config.Get(""));
  EXPECT_EQ(effective.Get(""), config.Get(""));
  EXPECT_EQ(effective.Get("compress_weights.advanced.awq_params.alpha_max"), "0.9");
  EXPECT_TRUE(effective.Has("strip.strip_format"));
}

TEST(ConfigTest, TypedGetters) {
  const Config config = Config::FromJson(kFullDocument);
  EXPECT_EQ(config.GetInt("quantize.subset_size"), 64);
  EXPECT_EQ(config.GetInt("compress_weights.subset_size"), 128);  // default
  EXPECT_DOUBLE_EQ(config.GetNumber("compress_weights.ratio"), 0.8);
  EXPECT_DOUBLE_EQ(config.GetNumber("accuracy_control.max_drop"), 0.02);
  EXPECT_DOUBLE_EQ(config.GetNumber("quantize.advanced.smooth_quant_alphas.convolution"), -1.0);
  EXPECT_DOUBLE_EQ(config.GetNumber("quantize.subset_size"), 64.0);
  EXPECT_FALSE(config.GetBool("quantize.fast_bias_correction"));
  EXPECT_TRUE(config.GetBool("compress_weights.awq"));
  EXPECT_EQ(config.GetString("compress_weights.mode"), "int4_asym");
  EXPECT_EQ(config.GetString("strip.strip_format"), "dequantize");
  EXPECT_EQ(config.GetStringList("quantize.ignored_scope.names"),
            (std::vector<std::string>{"conv1", "head/MatMul"}));
  EXPECT_EQ(config.GetStringList("compress_weights.ignored_scope.names"),
            std::vector<std::string>{});
  EXPECT_EQ(config.GetNumberList("compress_weights.advanced.codebook"),
            (std::vector<double>{-1, -0.25, 0.25, 1}));
  EXPECT_TRUE(config.IsNull("compress_weights.gptq"));
  EXPECT_FALSE(config.IsNull("compress_weights.awq"));
  EXPECT_TRUE(config.IsNull("quantize.advanced.weights_quantization_params"));

  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.GetInt("compress_weights.ratio"); }),
            "$.compress_weights.ratio: expected integer, got 0.8");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.GetBool("compress_weights.gptq"); }),
            "$.compress_weights.gptq: expected boolean, got null");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.GetString("quantize.subset_size"); }),
            "$.quantize.subset_size: expected string, got 64");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.GetNumber("strip.strip_format"); }),
            "$.strip.strip_format: expected number, got string");
  EXPECT_EQ(
      ErrorOf(ErrorCode::kInvalidConfig, [&] { config.GetStringList("quantize.subset_size"); }),
      "$.quantize.subset_size: expected list of strings, got 64");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig,
                    [&] { config.GetNumberList("compress_weights.advanced.codebook.0"); }),
            "$.compress_weights.advanced.codebook[0]: expected list of numbers, got -1");
}

TEST(ConfigTest, SetValidatesAndCreatesParents) {
  Config config;
  config.Set("quantize.advanced.bias_correction_params.threshold", "2.5");
  EXPECT_EQ(config.Get("quantize.advanced.bias_correction_params"),
            R"({"apply_for_all_nodes":false,"threshold":2.5})");
  EXPECT_TRUE(config.Has("quantize.advanced"));
  EXPECT_EQ(PrintJson(ParseJson(config.ToJson(), nullptr).get(), false),
            R"({"quantize":{"advanced":{"bias_correction_params":{"threshold":2.5}}}})");

  // Replacing keeps the key's position.
  config.Set("quantize.subset_size", "10");
  config.Set("quantize.advanced.bias_correction_params.threshold", "null");
  EXPECT_EQ(PrintJson(ParseJson(config.ToJson(), nullptr).get(), false),
            R"({"quantize":{"advanced":{"bias_correction_params":{"threshold":null}},)"
            R"("subset_size":10}})");

  // A null section becomes an object when a member is set.
  config.Set("quantize.advanced.weights_quantization_params", "null");
  config.Set("quantize.advanced.weights_quantization_params.num_bits", "4");
  EXPECT_EQ(config.GetInt("quantize.advanced.weights_quantization_params.num_bits"), 4);

  // Whole sections and the whole document.
  config.Set("strip", R"({"strip_format": "in_place"})");
  EXPECT_EQ(config.GetString("strip.strip_format"), "in_place");
  config.Set("", R"({"compress_weights": {"mode": "nf4"}})");
  EXPECT_EQ(config.Get(""), Config::FromJson(R"({"compress_weights": {"mode": "nf4"}})").Get(""));
  EXPECT_FALSE(config.Has("quantize"));
}

TEST(ConfigTest, SetListElements) {
  Config config;
  config.Set("ignored_scope.names.0", "\"a\"");  // creates the list
  config.Set("ignored_scope.names.1", "\"b\"");  // appends
  config.Set("ignored_scope.names.0", "\"A\"");  // replaces
  EXPECT_EQ(config.GetStringList("ignored_scope.names"), (std::vector<std::string>{"A", "b"}));
  EXPECT_EQ(ErrorOf(ErrorCode::kNotFound, [&] { config.Set("ignored_scope.names.5", "\"x\""); }),
            "config key \"ignored_scope.names.5\": $.ignored_scope.names has 2 elements, cannot "
            "set element 5");
  config.Set("ignored_scope.subgraphs.0", R"({"inputs": ["x"], "outputs": ["y"]})");
  config.Set("ignored_scope.subgraphs.0.outputs.1", "\"z\"");
  EXPECT_EQ(config.Get("ignored_scope.subgraphs"), R"([{"inputs":["x"],"outputs":["y","z"]}])");
  // Creating a subgraph element member by member would leave it without "outputs".
  const std::string before = config.ToJson();
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig,
                    [&] { config.Set("ignored_scope.subgraphs.1.inputs", R"(["p"])"); }),
            "$.ignored_scope.subgraphs[1]: missing required key \"outputs\"");
  EXPECT_EQ(config.ToJson(), before);
}

TEST(ConfigTest, FailedSetLeavesTheConfigUnchanged) {
  Config config = Config::FromJson(kFullDocument);
  const std::string before = config.ToJson();
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig,
                    [&] { config.Set("quantize.advanced.overflow_fix", "\"sometimes\""); }),
            "$.quantize.advanced.overflow_fix: expected one of \"enable\", \"disable\", "
            "\"first_layer_only\", got \"sometimes\"");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.Set("compress_weights.ratio", "2"); }),
            "$.compress_weights.ratio: 2 is above the maximum 1");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig,
                    [&] { config.Set("quantize", R"({"subset_size": 1, "bogus": 2})"); }),
            "$.quantize.bogus: unknown key (known: mode, preset, target_device, subset_size, "
            "fast_bias_correction, model_type, ignored_scope, advanced)");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.Set("quantize.subset_size", "'3'"); }),
            "value for config key \"quantize.subset_size\": parse error at line 1, column 1 "
            "(byte 0), near ''3''");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.Set("quantize.subset_size", ""); }),
            "value for config key \"quantize.subset_size\" is empty");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { config.Set("", "[]"); }),
            "$: expected object, got array");
  ErrorOf(ErrorCode::kNotFound, [&] { config.Set("quantize.subset", "3"); });
  ErrorOf(ErrorCode::kNotFound, [&] { config.Set("quantize.subset_size.deeper", "3"); });
  EXPECT_EQ(config.ToJson(), before);
}

TEST(ConfigTest, ToJsonRoundTripsAndIsDeterministic) {
  const Config config = Config::FromJson(kFullDocument);
  const std::string text = config.ToJson();
  const Config again = Config::FromJson(text);
  EXPECT_EQ(again.ToJson(), text);
  EXPECT_EQ(Config::FromJson(kFullDocument).ToJson(), text);
  size_t offset = 0;
  JsonPtr original = ParseJson(kFullDocument, &offset);
  JsonPtr round_tripped = ParseJson(text, &offset);
  EXPECT_TRUE(cJSON_Compare(original.get(), round_tripped.get(), /*case_sensitive=*/1));
  // Numbers keep every bit.
  Config precise;
  precise.Set("accuracy_control.max_drop", "0.30000000000000004");
  EXPECT_EQ(Config::FromJson(precise.ToJson()).GetNumber("accuracy_control.max_drop"), 0.1 + 0.2);
  // Set then ToJson gives the same text as loading that text.
  Config built;
  built.Set("compress_weights.mode", "\"int4_sym\"");
  built.Set("compress_weights.group_size", "-1");
  EXPECT_EQ(
      built.ToJson(),
      Config::FromJson(R"({"compress_weights":{"mode":"int4_sym","group_size":-1}})").ToJson());
}

TEST(ConfigTest, CopiesAreDeepAndMovesLeaveAUsableConfig) {
  Config original = Config::FromJson(R"({"quantize": {"subset_size": 5}})");
  Config copy(original);
  copy.Set("quantize.subset_size", "6");
  EXPECT_EQ(original.GetInt("quantize.subset_size"), 5);
  EXPECT_EQ(copy.GetInt("quantize.subset_size"), 6);

  Config assigned;
  assigned = copy;
  copy.Set("quantize.subset_size", "7");
  EXPECT_EQ(assigned.GetInt("quantize.subset_size"), 6);
  assigned = *&assigned;  // self-assignment
  EXPECT_EQ(assigned.GetInt("quantize.subset_size"), 6);

  Config moved(std::move(copy));
  EXPECT_EQ(moved.GetInt("quantize.subset_size"), 7);
  // A moved-from config reads as empty and can be used again.
  EXPECT_EQ(copy.ToJson(), "{}");  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(copy.GetInt("quantize.subset_size"), 300);
  Config from_moved(copy);
  EXPECT_EQ(from_moved.ToJson(), "{}");
  copy.Set("quantize.subset_size", "8");
  EXPECT_EQ(copy.GetInt("quantize.subset_size"), 8);
  Config target;
  target = std::move(moved);
  EXPECT_EQ(target.GetInt("quantize.subset_size"), 7);
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = ::testing::TempDir() + "nncf_config_test_" + std::to_string(::getpid());
    ASSERT_EQ(std::system(("mkdir -p '" + directory_ + "'").c_str()), 0);
  }
  void TearDown() override { std::system(("rm -rf '" + directory_ + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = directory_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string directory_;
};

TEST_F(ConfigFileTest, LoadsFilesAndNamesThemInErrors) {
  const Config config = Config::FromFile(Write("good.json", kFullDocument));
  EXPECT_EQ(config.ToJson(), Config::FromJson(kFullDocument).ToJson());

  const std::string bad = Write("bad.json", "{\n\"strip\": {\"strip_format\": \"fq\"}}");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { Config::FromFile(bad); }),
            "config file \"" + bad +
                "\": $.strip.strip_format: expected one of \"native\", \"dequantize\", "
                "\"in_place\", got \"fq\"");
  const std::string broken = Write("broken.json", "{\n\n  oops\n}");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { Config::FromFile(broken); }),
            "config file \"" + broken +
                "\": config JSON: parse error at line 3, column 4 (byte 6), near 'ops }'");
  const std::string missing = directory_ + "/missing.json";
  EXPECT_EQ(ErrorOf(ErrorCode::kNotFound, [&] { Config::FromFile(missing); }),
            "config file \"" + missing + "\": No such file or directory");
  EXPECT_EQ(ErrorOf(ErrorCode::kIo, [&] { Config::FromFile(directory_); }),
            "config file \"" + directory_ + "\": is a directory");
  const std::string empty = Write("empty.json", "");
  EXPECT_EQ(ErrorOf(ErrorCode::kInvalidConfig, [&] { Config::FromFile(empty); }),
            "config file \"" + empty + "\": config JSON is empty");
}

TEST(ConfigTest, SchemaJsonIsPublished) {
  EXPECT_EQ(SchemaJson().front(), '{');
  EXPECT_NE(SchemaJson().find("\"overflow_fix\""), std::string::npos);
}

}  // namespace
}  // namespace nncf::config
