#include "core/ir/node.h"

namespace nncf::ir {

const Attribute* Node::FindAttribute(const std::string& attr_name) const {
  for (const Attribute& a : attributes) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

Attribute* Node::FindAttribute(const std::string& attr_name) {
  for (Attribute& a : attributes) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

}  // namespace nncf::ir
