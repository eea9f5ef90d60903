// A whole model as ONNX's ModelProto: IR version, opset imports, metadata, the main graph and
// model-local functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ir/graph.h"

namespace nncf::ir {

struct OpsetId {
  std::string domain;  // "" = ai.onnx
  int64_t version = 0;
  std::string unknown_fields;
  uint32_t explicit_defaults = 0;
};

struct MetadataEntry {
  std::string key;
  std::string value;
  std::string unknown_fields;
  uint32_t explicit_defaults = 0;
};

struct Function {
  std::string name;
  std::string domain;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<std::string> attributes;        // attribute names without defaults
  std::vector<Attribute> attribute_defaults;  // attribute_proto
  std::vector<Node> nodes;
  std::vector<OpsetId> opset_imports;
  std::string doc_string;
  std::string unknown_fields;  // e.g. overload, value_info of newer IRs
  uint32_t explicit_defaults = 0;
};

struct Model {
  int64_t ir_version = 0;
  std::vector<OpsetId> opset_imports;
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc_string;
  std::optional<Graph> graph;
  std::vector<MetadataEntry> metadata_props;
  std::vector<std::string> training_info;  // serialized TrainingInfoProto, kept verbatim
  std::vector<Function> functions;
  std::string unknown_fields;
  uint32_t explicit_defaults = 0;

  // Version of the default (ai.onnx) opset; 0 when not imported.
  int64_t DefaultOpset() const;
  // Version imported for `domain` ("" or "ai.onnx" for the default domain); 0 when absent.
  int64_t OpsetFor(const std::string& domain) const;
  void SetOpset(const std::string& domain, int64_t version);
};

}  // namespace nncf::ir
