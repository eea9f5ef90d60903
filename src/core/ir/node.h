// An operator application: op type in a domain, named inputs and outputs ("" = omitted optional
// input), attributes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ir/attribute.h"

namespace nncf::ir {

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // "" and "ai.onnx" are the default domain
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;
  std::string doc_string;
  std::string unknown_fields;  // e.g. IR 10 overload / metadata_props
  uint32_t explicit_defaults = 0;

  const Attribute* FindAttribute(const std::string& attr_name) const;
  Attribute* FindAttribute(const std::string& attr_name);
  bool IsDefaultDomain() const { return domain.empty() || domain == "ai.onnx"; }
};

}  // namespace nncf::ir
