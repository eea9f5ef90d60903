#include "core/ir/model.h"

namespace nncf::ir {
namespace {
bool IsDefaultDomain(const std::string& domain) {
  return domain.empty() || domain == "ai.onnx";
}
}  // namespace

int64_t Model::DefaultOpset() const {
  return OpsetFor("");
}

int64_t Model::OpsetFor(const std::string& domain) const {
  const bool want_default = IsDefaultDomain(domain);
  for (const OpsetId& id : opset_imports) {
    if (want_default ? IsDefaultDomain(id.domain) : id.domain == domain) return id.version;
  }
  return 0;
}

void Model::SetOpset(const std::string& domain, int64_t version) {
  const bool want_default = IsDefaultDomain(domain);
  for (OpsetId& id : opset_imports) {
    if (want_default ? IsDefaultDomain(id.domain) : id.domain == domain) {
      id.version = version;
      return;
    }
  }
  OpsetId id;
  id.domain = want_default ? "" : domain;
  id.version = version;
  opset_imports.push_back(id);
}

}  // namespace nncf::ir
