#include "core/exec/kernel.h"

namespace nncf::exec {

std::string NodeInfo::Label() const {
  return node_.op_type +
         (node_.name.empty() ? std::string(" #<no name>") : " '" + node_.name + "'");
}

void NodeInfo::Fail(ErrorCode code, const std::string& message) const {
  nncf::Fail(code, Label() + ": " + message);
}

namespace {
const ir::Attribute* Expect(const NodeInfo& info, const std::string& name, ir::AttributeType type) {
  const ir::Attribute* a = info.node().FindAttribute(name);
  if (a == nullptr) return nullptr;
  if (a->type != type) {
    info.Fail(ErrorCode::kInvalidModel, std::string("attribute '") + name + "' should be " +
                                            ir::AttributeTypeName(type) + ", got " +
                                            ir::AttributeTypeName(a->type));
  }
  return a;
}
}  // namespace

int64_t NodeInfo::GetInt(const std::string& name, int64_t default_value) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kInt);
  return a && a->i ? *a->i : default_value;
}

int64_t NodeInfo::RequireInt(const std::string& name) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kInt);
  if (!a || !a->i) Fail(ErrorCode::kInvalidModel, "required attribute '" + name + "' is missing");
  return *a->i;
}

float NodeInfo::GetFloat(const std::string& name, float default_value) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kFloat);
  return a && a->f ? *a->f : default_value;
}

std::string NodeInfo::GetString(const std::string& name, const std::string& default_value) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kString);
  return a && a->s ? *a->s : default_value;
}

std::vector<int64_t> NodeInfo::GetInts(const std::string& name,
                                       const std::vector<int64_t>& default_value) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kInts);
  return a ? a->ints : default_value;
}

std::vector<float> NodeInfo::GetFloats(const std::string& name,
                                       const std::vector<float>& default_value) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kFloats);
  return a ? a->floats : default_value;
}

std::vector<std::string> NodeInfo::GetStrings(const std::string& name) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kStrings);
  return a ? a->strings : std::vector<std::string>{};
}

const ir::Tensor* NodeInfo::GetTensor(const std::string& name) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kTensor);
  return a && a->t ? &*a->t : nullptr;
}

const ir::Graph* NodeInfo::GetGraph(const std::string& name) const {
  const ir::Attribute* a = Expect(*this, name, ir::AttributeType::kGraph);
  return a && a->g ? &**a->g : nullptr;
}

}  // namespace nncf::exec
