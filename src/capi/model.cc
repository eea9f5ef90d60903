// Model handles: load, save, describe. Models are immutable once loaded, so one handle may be
// read by several threads at once.
#include <memory>
#include <string>
#include <utility>

#include "capi/api_impl.h"
#include "capi/common_params.h"
#include "core/common/context.h"
#include "core/common/logging.h"
#include "core/ir/model_summary.h"
#include "onnx/model_io.h"

namespace nncf::capi {
namespace {

NncfValueView MakeView(const ir::ValueInfo& value) {
  NncfValueView view;
  view.name = value.name;
  if (!value.type) return view;
  const ir::Type& type = *value.type;
  if (type.kind != ir::Type::Kind::kTensor && type.kind != ir::Type::Kind::kSparseTensor) {
    return view;  // sequence, map, optional, opaque: no single dtype or shape
  }
  view.dtype = type.elem_type;
  if (!type.shape) return view;
  view.has_shape = true;
  for (const ir::Dim& dim : type.shape->dims) {
    view.shape.push_back(dim.value ? *dim.value : -1);
    view.dim_param_names.push_back(dim.param ? *dim.param : std::string());
    if (dim.param && !dim.value) view.any_dim_param = true;
  }
  return view;
}

// dim_params points into the strings, so it is filled once the views sit in their final place.
void LinkDimParams(std::vector<NncfValueView>& views) {
  for (NncfValueView& view : views) {
    view.dim_params.clear();
    for (size_t i = 0; i < view.dim_param_names.size(); ++i) {
      const bool named = !view.dim_param_names[i].empty() && view.shape[i] < 0;
      view.dim_params.push_back(named ? view.dim_param_names[i].c_str() : nullptr);
    }
  }
}

void DefaultLoadParams(nncf_model_load_params* params, uint32_t struct_size) {
  nncf_model_load_params_default(params, struct_size);
}

void DefaultSaveParams(nncf_model_save_params* params, uint32_t struct_size) {
  nncf_model_save_params_default(params, struct_size);
}

onnx::LoadOptions ToLoadOptions(const nncf_model_load_params* params) {
  const nncf_model_load_params full =
      ReadVersionedStruct(params, "nncf_model_load_params", DefaultLoadParams);
  onnx::LoadOptions options;
  if (full.base_dir) options.base_dir = full.base_dir;
  options.mmap_external_data = full.mmap_external_data != 0;
  options.validate = full.validate != 0;
  return options;
}

size_t NodeCount(const ir::Model& model) {
  return model.graph ? model.graph->nodes.size() : 0;
}

void FillInfo(const NncfValueView& view, nncf_tensor_info* info) {
  nncf_tensor_info full;
  std::memset(&full, 0, sizeof full);
  full.struct_size = sizeof full;
  full.name = view.name.c_str();
  full.dtype = view.dtype;
  full.ndim = view.shape.size();
  full.shape = view.shape.empty() ? nullptr : view.shape.data();
  full.dim_params = view.any_dim_param ? view.dim_params.data() : nullptr;
  full.has_shape = view.has_shape ? 1 : 0;
  full.data = nullptr;
  full.nbytes = 0;
  WriteVersionedStruct(full, info, "nncf_tensor_info");
}

const NncfValueView& ViewAt(const std::vector<NncfValueView>& views, size_t index,
                            const char* function, const char* what) {
  if (index >= views.size()) {
    Fail(ErrorCode::kInvalidArgument, std::string(function) + ": index " + std::to_string(index) +
                                          " is out of range; the model has " +
                                          std::to_string(views.size()) + " " + what);
  }
  return views[index];
}

}  // namespace

std::unique_ptr<nncf_model> MakeModelHandle(std::shared_ptr<const ir::Model> model) {
  auto handle = std::make_unique<nncf_model>();
  if (model->graph) {
    for (const ir::ValueInfo* input : model->graph->RealInputs()) {
      handle->inputs.push_back(MakeView(*input));
    }
    for (const ir::ValueInfo& output : model->graph->outputs) {
      handle->outputs.push_back(MakeView(output));
    }
  }
  LinkDimParams(handle->inputs);
  LinkDimParams(handle->outputs);
  handle->impl = std::move(model);
  return handle;
}

std::unique_ptr<nncf_model> MakeModelHandle(ir::Model model) {
  return MakeModelHandle(std::make_shared<const ir::Model>(std::move(model)));
}

}  // namespace nncf::capi

extern "C" {

nncf_status* nncf_model_load_file(const char* path, const nncf_model_load_params* params,
                                  nncf_model** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(path);
  NNCF_CHECK_ARG(out);
  const nncf::onnx::LoadOptions options = nncf::capi::ToLoadOptions(params);
  nncf::ir::Model model = nncf::onnx::LoadModelFile(path, options);
  const size_t nodes = nncf::capi::NodeCount(model);
  std::unique_ptr<nncf_model> handle = nncf::capi::MakeModelHandle(std::move(model));
  nncf::Log(nncf::LogLevel::kInfo, "model",
            std::string("loaded '") + path + "' (" + std::to_string(nodes) + " nodes)");
  *out = handle.release();
  NNCF_API_END
}

nncf_status* nncf_model_load_memory(const void* data, size_t size,
                                    const nncf_model_load_params* params, nncf_model** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(data);
  NNCF_CHECK_ARG(out);
  const nncf::onnx::LoadOptions options = nncf::capi::ToLoadOptions(params);
  nncf::ir::Model model = nncf::onnx::LoadModelBytes(data, size, options);
  const size_t nodes = nncf::capi::NodeCount(model);
  std::unique_ptr<nncf_model> handle = nncf::capi::MakeModelHandle(std::move(model));
  nncf::Log(nncf::LogLevel::kInfo, "model",
            "loaded a model from " + std::to_string(size) + " bytes (" + std::to_string(nodes) +
                " nodes)");
  *out = handle.release();
  NNCF_API_END
}

nncf_status* nncf_model_save_file(const nncf_model* model, const char* path,
                                  const nncf_model_save_params* params) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(path);
  const nncf_model_save_params full = nncf::capi::ReadVersionedStruct(
      params, "nncf_model_save_params", nncf::capi::DefaultSaveParams);
  nncf::onnx::SaveOptions options;
  switch (full.external_data) {
    case NNCF_EXTERNAL_DATA_AUTO:
      options.external_data = nncf::onnx::ExternalDataMode::kAuto;
      break;
    case NNCF_EXTERNAL_DATA_ALWAYS:
      options.external_data = nncf::onnx::ExternalDataMode::kAlways;
      break;
    case NNCF_EXTERNAL_DATA_NEVER:
      options.external_data = nncf::onnx::ExternalDataMode::kNever;
      break;
    default:
      nncf::Fail(nncf::ErrorCode::kInvalidArgument,
                 "nncf_model_save_file: nncf_model_save_params.external_data is " +
                     std::to_string(full.external_data) +
                     "; expected NNCF_EXTERNAL_DATA_AUTO, _ALWAYS or _NEVER");
  }
  if (full.external_data_file) options.external_data_file = full.external_data_file;
  options.size_threshold = full.size_threshold;
  const nncf::Context context =
      nncf::capi::MakeProgressContext(full.progress, full.progress_user_data);
  nncf::onnx::SaveModelFile(*model->impl, path, options, context);
  nncf::Log(nncf::LogLevel::kInfo, "model", std::string("saved '") + path + "'");
  NNCF_API_END
}

nncf_status* nncf_model_save_memory(const nncf_model* model, nncf_blob** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(out);
  *out = nncf::capi::NewBlob(nncf::onnx::SaveModelBytes(*model->impl));
  NNCF_API_END
}

void nncf_model_free(nncf_model* model) {
  delete model;
}

size_t nncf_model_num_inputs(const nncf_model* model) {
  return model ? model->inputs.size() : 0;
}

size_t nncf_model_num_outputs(const nncf_model* model) {
  return model ? model->outputs.size() : 0;
}

nncf_status* nncf_model_input_info(const nncf_model* model, size_t index, nncf_tensor_info* info) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(info);
  nncf::capi::FillInfo(nncf::capi::ViewAt(model->inputs, index, "nncf_model_input_info", "inputs"),
                       info);
  NNCF_API_END
}

nncf_status* nncf_model_output_info(const nncf_model* model, size_t index, nncf_tensor_info* info) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(info);
  nncf::capi::FillInfo(
      nncf::capi::ViewAt(model->outputs, index, "nncf_model_output_info", "outputs"), info);
  NNCF_API_END
}

nncf_status* nncf_model_summary_json(const nncf_model* model, nncf_blob** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(out);
  *out = nncf::capi::NewBlob(nncf::ir::ModelSummaryJson(*model->impl));
  NNCF_API_END
}

}  // extern "C"
