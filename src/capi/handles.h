// The structs behind the opaque handles of include/nncf.h. Handles only hold and adapt core
// objects; all logic lives in src/core and src/onnx.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capi/plan_cache.h"
#include "core/config/config.h"
#include "core/data/dataset.h"
#include "core/data/sample.h"
#include "core/ir/model.h"
#include "nncf.h"

struct nncf_status {
  nncf_code code = NNCF_OK;
  std::string message;
  // The preallocated out-of-memory status is shared and never deleted.
  bool is_static = false;
};

struct nncf_blob {
  std::string bytes;
};

// What nncf_tensor_info borrows for one model input or output: built once when the model handle is
// made, so that concurrent readers of a shared model only read.
struct NncfValueView {
  std::string name;
  nncf_dtype dtype = NNCF_DTYPE_UNDEFINED;
  bool has_shape = false;
  std::vector<int64_t> shape;
  std::vector<std::string> dim_param_names;
  std::vector<const char*> dim_params;  // into dim_param_names, NULL where a dim has no name
  bool any_dim_param = false;
};

struct nncf_model {
  std::shared_ptr<const nncf::ir::Model> impl;
  std::vector<NncfValueView> inputs;  // graph inputs that are not initializers
  std::vector<NncfValueView> outputs;
  // Compiled plans of nncf_model_infer (mutable: inference takes a const handle).
  mutable nncf::capi::PlanCache plans;
};

struct nncf_sample {
  nncf::data::Sample impl;
};

struct nncf_dataset {
  std::unique_ptr<nncf::data::Dataset> impl;
};

struct nncf_config {
  nncf::config::Config impl;
};

namespace nncf::capi {

// Builds a model handle over a loaded model (fills the input/output views).
std::unique_ptr<nncf_model> MakeModelHandle(ir::Model model);
// The same over a model shared with the library (no copy): borrowed handles for callbacks.
std::unique_ptr<nncf_model> MakeModelHandle(std::shared_ptr<const ir::Model> model);

// A dataset handle over `source`'s items at `indices` (the source must outlive it).
std::unique_ptr<nncf_dataset> MakeDatasetView(data::Dataset& source, std::vector<int64_t> indices);
// For a view, the source index of item `index` (kNotFound out of range); else `index`.
int64_t DatasetSourceIndex(const nncf_dataset& dataset, int64_t index);

}  // namespace nncf::capi
