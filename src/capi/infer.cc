// nncf_model_infer: runs a model on the library's own executor.
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "capi/api_impl.h"
#include "core/exec/executor.h"

extern "C" {

void nncf_infer_params_default(nncf_infer_params* params, uint32_t struct_size) {
  nncf_infer_params defaults;
  std::memset(&defaults, 0, sizeof defaults);
  defaults.struct_size = sizeof defaults;
  defaults.num_threads = 0;
  defaults.output_names = nullptr;
  defaults.n_output_names = 0;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

nncf_status* nncf_model_infer(const nncf_model* model, const nncf_sample* inputs,
                              const nncf_infer_params* params, nncf_sample** outputs) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(inputs);
  NNCF_CHECK_ARG(outputs);
  *outputs = nullptr;
  const nncf_infer_params p =
      nncf::capi::ReadVersionedStruct(params, "nncf_infer_params", &nncf_infer_params_default);
  if (p.num_threads < 0) {
    nncf::Fail(nncf::ErrorCode::kInvalidArgument,
               "nncf_model_infer: num_threads must be >= 0 (0 = one per core), got " +
                   std::to_string(p.num_threads));
  }
  if (p.output_names == nullptr && p.n_output_names > 0) {
    nncf::Fail(nncf::ErrorCode::kInvalidArgument,
               "nncf_model_infer: output_names is NULL but n_output_names is " +
                   std::to_string(p.n_output_names));
  }
  nncf::exec::ExecutorOptions options;
  options.num_threads = p.num_threads;
  std::set<std::string> seen;
  for (size_t i = 0; i < p.n_output_names; ++i) {
    if (p.output_names[i] == nullptr) {
      nncf::Fail(nncf::ErrorCode::kInvalidArgument,
                 "nncf_model_infer: output_names[" + std::to_string(i) + "] is NULL");
    }
    // The result sample keys tensors by name, so a repeated name could not come back twice.
    if (!seen.insert(p.output_names[i]).second) {
      nncf::Fail(nncf::ErrorCode::kInvalidArgument, std::string("nncf_model_infer: output '") +
                                                        p.output_names[i] + "' is requested twice");
    }
    options.outputs.emplace_back(p.output_names[i]);
  }
  // Compiling a plan (kernel selection, oneDNN primitives, fusion) costs about as much as a run
  // of a small model, so plans are kept on the handle, each reused by the thread that made it.
  nncf::capi::PlanCache::Key key;
  key.model = model->impl.get();
  key.outputs = options.outputs;
  key.num_threads = options.num_threads;
  key.thread = std::this_thread::get_id();
  struct Lease {
    nncf::capi::PlanCache& cache;
    nncf::capi::PlanCache::Key key;
    std::unique_ptr<nncf::exec::Executor> executor;
    ~Lease() { cache.Release(std::move(key), std::move(executor)); }
  };
  Lease lease{model->plans, key, model->plans.Acquire(key, [&] {
                return std::make_unique<nncf::exec::Executor>(model->impl, std::move(options));
              })};
  nncf::exec::NamedTensors feeds;
  feeds.reserve(inputs->impl.size());
  // Tensors share their storage: the feeds reference the sample's bytes without copying them.
  for (const nncf::ir::Tensor& tensor : inputs->impl.tensors()) {
    feeds.emplace_back(tensor.name, tensor);
  }
  nncf::exec::NamedTensors results = lease.executor->Run(feeds);
  auto sample = std::make_unique<nncf_sample>();
  for (auto& [name, tensor] : results) {
    tensor.name = name;
    sample->impl.Set(std::move(tensor));
  }
  *outputs = sample.release();
  NNCF_API_END
}

}  // extern "C"
