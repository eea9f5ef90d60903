// The shared pieces of params structs: ignored scope and progress callback.
#include "capi/common_params.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "capi/api_impl.h"

namespace nncf::capi {
namespace {

using algorithms::IgnoredScope;
using algorithms::Subgraph;

std::vector<std::string> ReadStrings(const char* const* items, size_t count,
                                     const std::string& field) {
  std::vector<std::string> values;
  if (count == 0) return values;
  if (items == nullptr) {
    Fail(ErrorCode::kInvalidArgument, field + " is NULL but its count is " + std::to_string(count));
  }
  for (size_t i = 0; i < count; ++i) {
    if (items[i] == nullptr) {
      Fail(ErrorCode::kInvalidArgument, field + "[" + std::to_string(i) + "] is NULL");
    }
    values.emplace_back(items[i]);
  }
  return values;
}

}  // namespace

IgnoredScope ReadIgnoredScope(const nncf_ignored_scope* in) {
  const nncf_ignored_scope full =
      ReadVersionedStruct(in, "nncf_ignored_scope", &nncf_ignored_scope_default);
  IgnoredScope scope;
  scope.names = ReadStrings(full.names, full.n_names, "nncf_ignored_scope.names");
  scope.patterns = ReadStrings(full.patterns, full.n_patterns, "nncf_ignored_scope.patterns");
  scope.types = ReadStrings(full.types, full.n_types, "nncf_ignored_scope.types");
  if (full.n_subgraphs > 0 && full.subgraphs == nullptr) {
    Fail(ErrorCode::kInvalidArgument, "nncf_ignored_scope.subgraphs is NULL but n_subgraphs is " +
                                          std::to_string(full.n_subgraphs));
  }
  for (size_t i = 0; i < full.n_subgraphs; ++i) {
    const std::string field = "nncf_ignored_scope.subgraphs[" + std::to_string(i) + "]";
    Subgraph subgraph;
    subgraph.inputs =
        ReadStrings(full.subgraphs[i].inputs, full.subgraphs[i].n_inputs, field + ".inputs");
    subgraph.outputs =
        ReadStrings(full.subgraphs[i].outputs, full.subgraphs[i].n_outputs, field + ".outputs");
    scope.subgraphs.push_back(std::move(subgraph));
  }
  scope.validate = full.validate != 0;
  return scope;
}

Context MakeProgressContext(nncf_progress_fn progress, void* user_data) {
  if (!progress) return Context();
  return Context([progress, user_data](const std::string& stage, double fraction) {
    return progress(user_data, stage.c_str(), fraction) != 0;
  });
}

}  // namespace nncf::capi

void nncf_ignored_scope_default(nncf_ignored_scope* scope, uint32_t struct_size) {
  nncf_ignored_scope defaults;
  std::memset(&defaults, 0, sizeof defaults);
  defaults.struct_size = sizeof defaults;
  defaults.validate = 1;
  nncf::capi::FillDefaultsForCaller(defaults, scope, struct_size);
}
