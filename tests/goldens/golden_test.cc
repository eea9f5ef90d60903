// Quantizes our rebuilds of NNCF's synthetic models as NNCF's own tests did (golden_cases.h) and
// compares the result with NNCF's references:
// - quantization/<name>.dot: the quantized graph as NNCF's graph builder sees it, every node
//   (QuantizeLinear_<tensor>_<k> / DequantizeLinear_<tensor>_<k> by name), every edge with its
//   shape and float/integer style, so where each pair sits and what consumes each DQ output; and
//   each QuantizeLinear reads the tensor its name says;
// - scales/<name>.json: every QuantizeLinear's scale and zero point, compared as NNCF's
//   compare_stats does (same QuantizeLinear count, same shapes, numpy allclose with rtol 1e-5 and
//   atol 1e-5).
#include <gtest/gtest.h>

#include <cjson/cJSON.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/config/config_schema.h"
#include "dot_graph.h"
#include "golden_cases.h"
#include "model_structure.h"
#include "quantize_case.h"
#include "test_process.h"

namespace nncf::testing::goldens {
namespace {

namespace fs = std::filesystem;

#define SKIP_WITHOUT_REFERENCES()                                                \
  if (ReferenceDir().empty())                                                    \
  GTEST_SKIP() << "NNCF's reference data (../shared/reference/nncf_goldens, or " \
                  "$NNCF_GOLDENS_DIR) is absent"

std::set<std::string> Stems(const fs::path& dir, const std::string& extension) {
  std::set<std::string> stems;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) stems.insert(entry.path().stem().string());
  }
  return stems;
}

TEST(GoldenReferences, EveryReferenceHasACase) {
  SKIP_WITHOUT_REFERENCES();
  std::set<std::string> graphs, scales;
  for (const GraphCase& c : GraphCases()) graphs.insert(c.reference);
  for (const ScalesCase& c : ScalesCases()) scales.insert(c.reference);
  EXPECT_EQ(Stems(ReferenceDir() / "quantization", ".dot"), graphs);
  EXPECT_EQ(Stems(ReferenceDir() / "scales", ".json"), scales);
}

// "QuantizeLinear_conv_1_1" -> "conv_1": NNCF names a pair after the tensor and a counter.
std::string TensorOfQuantizerName(const std::string& name) {
  const std::string prefix = "QuantizeLinear_";
  const size_t last = name.rfind('_');
  if (name.rfind(prefix, 0) != 0 || last == std::string::npos || last < prefix.size()) return "";
  return name.substr(prefix.size(), last - prefix.size());
}

class QuantizedGraph : public ::testing::TestWithParam<GraphCase> {};

TEST_P(QuantizedGraph, MatchesNncfReference) {
  SKIP_WITHOUT_REFERENCES();
  const GraphCase& c = GetParam();
  const DotGraph expected =
      ReadDotFile((ReferenceDir() / "quantization" / (c.reference + ".dot")).string());
  ir::Model quantized;
  try {
    quantized = QuantizeGraphCase(c);
  } catch (const Error& e) {
    std::printf("[ golden ] graph %s: quantization failed: %s\n", c.reference.c_str(), e.what());
    FAIL() << c.reference << ": quantization failed: " << e.what();
  }
  const DotGraph actual = ModelStructure(InferLikeNncf(quantized));
  std::vector<std::string> diffs = DotGraphDifferences(expected, actual);
  for (const DotNode& node : expected.nodes) {
    if (node.type != "QuantizeLinear") continue;
    const std::string tensor = TensorOfQuantizerName(node.name);
    for (const ir::Node& ours : quantized.graph->nodes) {
      if (ours.name == node.name && (ours.inputs.empty() || ours.inputs[0] != tensor)) {
        diffs.push_back(node.name + " quantizes '" + (ours.inputs.empty() ? "" : ours.inputs[0]) +
                        "', expected '" + tensor + "'");
      }
    }
  }
  std::string report;
  for (const std::string& d : diffs) report += "\n  " + d;
  std::printf("[ golden ] graph %s: %s%s\n", c.reference.c_str(),
              diffs.empty() ? "matches" : "DIFFERS",
              c.placement_only_reason.empty() ? "" : " (placement only, no calibration)");
  EXPECT_TRUE(diffs.empty()) << c.reference << " differs from NNCF's quantized graph:" << report;
}

INSTANTIATE_TEST_SUITE_P(Nncf, QuantizedGraph, ::testing::ValuesIn(GraphCases()),
                         [](const ::testing::TestParamInfo<GraphCase>& info) {
                           return info.param.reference;
                         });

// A JSON number or array of numbers as (shape, values): shape {} for a number, {n} for an array.
bool ReadNumbers(const cJSON* json, std::vector<int64_t>* shape, std::vector<double>* values) {
  if (cJSON_IsNumber(json)) {
    shape->clear();
    values->assign(1, json->valuedouble);
    return true;
  }
  if (!cJSON_IsArray(json)) return false;
  values->clear();
  for (const cJSON* item = json->child; item; item = item->next) {
    if (!cJSON_IsNumber(item)) return false;
    values->push_back(item->valuedouble);
  }
  shape->assign(1, static_cast<int64_t>(values->size()));
  return true;
}

struct QuantizerValues {
  std::vector<int64_t> scale_shape, zero_point_shape;
  std::vector<double> scale, zero_point;
};

std::map<std::string, QuantizerValues> QuantizeLinearValues(const ir::Model& model) {
  std::map<std::string, QuantizerValues> result;
  for (const ir::Node& node : model.graph->nodes) {
    if (node.op_type != "QuantizeLinear") continue;
    QuantizerValues v;
    for (size_t port : {size_t{1}, size_t{2}}) {
      const ir::Tensor* t =
          node.inputs.size() > port ? model.graph->FindInitializer(node.inputs[port]) : nullptr;
      if (t == nullptr) {
        ADD_FAILURE() << node.name << ": input " << port << " is not an initializer";
        continue;
      }
      std::vector<double>& values = port == 1 ? v.scale : v.zero_point;
      for (int64_t i = 0; i < t->NumElements(); ++i) values.push_back(t->GetAsDouble(i));
      (port == 1 ? v.scale_shape : v.zero_point_shape) = t->dims;
    }
    result[node.name] = v;
  }
  return result;
}

// numpy.allclose(expected, actual, rtol=1e-5, atol=1e-5); "" when close, else the worst element.
std::string CloseOrWorst(const std::vector<double>& expected, const std::vector<double>& actual) {
  double worst = 0.0;
  size_t at = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double excess =
        std::fabs(actual[i] - expected[i]) - (1e-5 + 1e-5 * std::fabs(expected[i]));
    if (excess > worst || std::isnan(actual[i])) {
      worst = std::isnan(actual[i]) ? INFINITY : excess;
      at = i;
    }
  }
  if (worst <= 0.0) return "";
  char buf[160];
  std::snprintf(buf, sizeof(buf), "[%zu] ours %.9g, NNCF %.9g (of %zu)", at, actual[at],
                expected[at], expected.size());
  return buf;
}

class QuantizerScales : public ::testing::TestWithParam<ScalesCase> {};

TEST_P(QuantizerScales, MatchNncfReference) {
  SKIP_WITHOUT_REFERENCES();
  const ScalesCase& c = GetParam();
  const fs::path path = ReferenceDir() / "scales" / (c.reference + ".json");
  const std::string text = ReadText(path);
  size_t error_offset = 0;
  const config::JsonPtr json = config::ParseJson(text, &error_offset);
  ASSERT_TRUE(json && cJSON_IsObject(json.get())) << path << ": not a JSON object";
  ir::Model quantized;
  try {
    quantized = QuantizeScalesCase(c);
  } catch (const Error& e) {
    std::printf("[ golden ] scales %s: quantization failed: %s\n", c.reference.c_str(), e.what());
    FAIL() << c.reference << ": quantization failed: " << e.what();
  }
  const std::map<std::string, QuantizerValues> ours = QuantizeLinearValues(quantized);
  std::vector<std::string> diffs;
  std::set<std::string> expected_names;
  for (const cJSON* entry = json->child; entry; entry = entry->next) {
    const std::string name = entry->string;
    expected_names.insert(name);
    auto it = ours.find(name);
    if (it == ours.end()) {
      diffs.push_back("no QuantizeLinear named " + name);
      continue;
    }
    for (const char* field : {"scale", "zero_point"}) {
      std::vector<int64_t> shape;
      std::vector<double> values;
      if (!ReadNumbers(cJSON_GetObjectItemCaseSensitive(entry, field), &shape, &values)) {
        diffs.push_back(name + "." + field + ": not a number or list in the reference");
        continue;
      }
      const bool is_scale = std::string(field) == "scale";
      const std::vector<int64_t>& our_shape =
          is_scale ? it->second.scale_shape : it->second.zero_point_shape;
      const std::vector<double>& our_values = is_scale ? it->second.scale : it->second.zero_point;
      if (our_shape != shape) {
        diffs.push_back(name + "." + field + ": shape rank " + std::to_string(our_shape.size()) +
                        " with " + std::to_string(our_values.size()) + " values, NNCF rank " +
                        std::to_string(shape.size()) + " with " + std::to_string(values.size()));
        continue;
      }
      const std::string worst = CloseOrWorst(values, our_values);
      if (!worst.empty()) diffs.push_back(name + "." + field + ": " + worst);
    }
  }
  for (const auto& [name, values] : ours) {
    if (!expected_names.count(name)) diffs.push_back("unexpected QuantizeLinear " + name);
  }
  std::string report;
  for (const std::string& d : diffs) report += "\n  " + d;
  std::printf("[ golden ] scales %s: %s\n", c.reference.c_str(),
              diffs.empty() ? "match" : "DIFFER");
  EXPECT_TRUE(diffs.empty()) << c.reference << " differs from NNCF's scales:" << report;
}

INSTANTIATE_TEST_SUITE_P(Nncf, QuantizerScales, ::testing::ValuesIn(ScalesCases()),
                         [](const ::testing::TestParamInfo<ScalesCase>& info) {
                           return info.param.reference;
                         });

}  // namespace
}  // namespace nncf::testing::goldens
