// nncf_quantize_with_accuracy_control: the C callback becomes a ValidationFn that hands the
// callback a borrowed model handle and a view of the validation dataset.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/accuracy_control/accuracy_control.h"
#include "capi/api_impl.h"
#include "capi/common_params.h"
#include "capi/quantize_params.h"

namespace nncf::capi {
namespace {

namespace ac = algorithms::accuracy_control;
constexpr const char* kParamsName = "nncf_accuracy_control_params";

ac::ValidationFn MakeValidationFn(nncf_validation_fn fn, void* user_data, nncf_dataset* dataset) {
  return [fn, user_data, dataset](std::shared_ptr<const ir::Model> model,
                                  const std::vector<int64_t>& indices) {
    std::unique_ptr<nncf_model> handle = MakeModelHandle(std::move(model));
    std::unique_ptr<nncf_dataset> view = MakeDatasetView(*dataset->impl, indices);
    std::vector<double> per_item(indices.size(), std::numeric_limits<double>::quiet_NaN());
    nncf_validation_output output;
    std::memset(&output, 0, sizeof output);
    output.struct_size = sizeof output;
    output.metric = std::numeric_limits<double>::quiet_NaN();
    output.per_item = per_item.data();
    output.n_items = per_item.size();
    output.per_item_filled = 0;
    nncf_status* status = fn(user_data, handle.get(), view.get(), &output);
    if (status != nullptr) {
      const nncf_code code = nncf_status_code(status);
      const std::string message = nncf_status_message(status);
      nncf_status_free(status);
      if (code == NNCF_ERR_CANCELLED) {
        Fail(ErrorCode::kCancelled, "cancelled by the validation callback: " + message);
      }
      if (code == NNCF_ERR_UNSUPPORTED) {
        Fail(ErrorCode::kUnsupported,
             "the validation callback cannot score these items: " + message);
      }
      Fail(ErrorCode::kCallback, std::string("the validation callback failed with ") +
                                     nncf_code_string(code) + ": " + message);
    }
    ac::ValidationResult result;
    result.metric = output.metric;
    if (output.per_item_filled) result.per_item = per_item;
    return result;
  };
}

ac::AccuracyControlParams ReadParams(const nncf_accuracy_control_params* in, Context* context,
                                     nncf_validation_fn* fn, void** user_data) {
  const nncf_accuracy_control_params p =
      ReadVersionedStruct(in, kParamsName, &nncf_accuracy_control_params_default);
  ac::AccuracyControlParams params;
  Context ignored;
  params.quantize = ReadQuantizeParams(p.quantize, &ignored);
  // The config's accuracy_control section first; struct fields left at their defaults do not
  // override it.
  if (p.quantize && p.quantize->advanced) params.ApplyConfig(p.quantize->advanced->impl);
  nncf_accuracy_control_params defaults;
  nncf_accuracy_control_params_default(&defaults, sizeof defaults);
  if (p.validate == nullptr) {
    Fail(ErrorCode::kInvalidArgument,
         std::string(kParamsName) + ".validate is NULL (it is required)");
  }
  *fn = p.validate;
  *user_data = p.validate_user_data;
  if (p.max_drop != defaults.max_drop) params.max_drop = p.max_drop;
  switch (p.drop_type) {
    case NNCF_DROP_TYPE_ABSOLUTE:
      break;
    case NNCF_DROP_TYPE_RELATIVE:
      params.drop_type = ac::DropType::kRelative;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".drop_type " +
                                            std::to_string(p.drop_type) + " is not a drop type");
  }
  if (p.max_num_iterations < -1) {
    Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".max_num_iterations is " +
                                          std::to_string(p.max_num_iterations) +
                                          "; expected -1 (no limit) or a count");
  }
  if (p.max_num_iterations >= 0) params.max_num_iterations = p.max_num_iterations;
  if (p.tune_hyperparams != 0) params.tune_hyperparams = true;
  if (p.ranking_subset_size < 0) {
    Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".ranking_subset_size is " +
                                          std::to_string(p.ranking_subset_size) +
                                          "; expected 0 (default) or a count");
  }
  if (p.ranking_subset_size > 0) params.ranking_subset_size = p.ranking_subset_size;
  switch (p.restore_mode) {
    case NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS:
      break;
    case NNCF_RESTORE_MODE_ONLY_ACTIVATIONS:
      params.restore_mode = ac::RestoreMode::kOnlyActivations;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".restore_mode " +
                                            std::to_string(p.restore_mode) +
                                            " is not a restore mode");
  }
  switch (p.ranking) {
    case NNCF_RANKING_MODE_AUTO:
      params.ranking = ac::RankingMode::kAuto;
      break;
    case NNCF_RANKING_MODE_METRIC:
      params.ranking = ac::RankingMode::kMetric;
      break;
    case NNCF_RANKING_MODE_OUTPUT_DIFFERENCE:
      params.ranking = ac::RankingMode::kOutputDifference;
      break;
    default:
      Fail(ErrorCode::kInvalidArgument, std::string(kParamsName) + ".ranking " +
                                            std::to_string(p.ranking) + " is not a ranking mode");
  }
  if (p.intermediate_model_dir) params.intermediate_model_dir = p.intermediate_model_dir;
  *context = MakeProgressContext(p.progress, p.progress_user_data);
  return params;
}

}  // namespace
}  // namespace nncf::capi

extern "C" {

void nncf_accuracy_control_params_default(nncf_accuracy_control_params* params,
                                          uint32_t struct_size) {
  if (params == nullptr) return;
  nncf_accuracy_control_params defaults;
  std::memset(&defaults, 0, sizeof defaults);
  defaults.struct_size = sizeof defaults;
  defaults.quantize = nullptr;
  defaults.validate = nullptr;
  defaults.validate_user_data = nullptr;
  defaults.max_drop = 0.01;
  defaults.drop_type = NNCF_DROP_TYPE_ABSOLUTE;
  defaults.max_num_iterations = -1;
  defaults.tune_hyperparams = 0;
  defaults.ranking_subset_size = 0;
  defaults.restore_mode = NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS;
  defaults.ranking = NNCF_RANKING_MODE_AUTO;
  defaults.intermediate_model_dir = nullptr;
  defaults.progress = nullptr;
  defaults.progress_user_data = nullptr;
  nncf::capi::FillDefaultsForCaller(defaults, params, struct_size);
}

nncf_status* nncf_quantize_with_accuracy_control(
    const nncf_model* model, nncf_dataset* calibration_dataset, nncf_dataset* validation_dataset,
    const nncf_accuracy_control_params* params, nncf_model** out,
    nncf_accuracy_control_summary* summary, nncf_blob** report) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(out);
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(calibration_dataset);
  NNCF_CHECK_ARG(validation_dataset);
  NNCF_CHECK_ARG(params);
  if (summary) {
    nncf::capi::CheckStructSize(summary->struct_size, sizeof(nncf_accuracy_control_summary),
                                "nncf_accuracy_control_summary");
  }
  nncf::Context context;
  nncf_validation_fn fn = nullptr;
  void* user_data = nullptr;
  const auto internal = nncf::capi::ReadParams(params, &context, &fn, &user_data);
  const auto validate = nncf::capi::MakeValidationFn(fn, user_data, validation_dataset);
  nncf::algorithms::accuracy_control::AccuracyControlReport ac_report;
  nncf::ir::Model result = nncf::algorithms::accuracy_control::QuantizeWithAccuracyControl(
      *model->impl, *calibration_dataset->impl, *validation_dataset->impl, validate, internal,
      context, &ac_report);
  std::unique_ptr<nncf_model> handle = nncf::capi::MakeModelHandle(std::move(result));
  std::unique_ptr<nncf_blob> report_blob;
  if (report) report_blob.reset(nncf::capi::NewBlob(ac_report.ToJson(internal)));
  if (summary) {
    nncf_accuracy_control_summary full;
    std::memset(&full, 0, sizeof full);
    full.struct_size = sizeof full;
    full.initial_metric = ac_report.initial_metric;
    full.quantized_metric = ac_report.quantized_metric;
    full.final_metric = ac_report.final_metric;
    full.final_drop = ac_report.final_drop;
    full.target_met = ac_report.target_met ? 1 : 0;
    full.reverted_groups = ac_report.reverted_groups;
    full.validation_calls = ac_report.validation_calls;
    nncf::capi::WriteVersionedStruct(full, summary, "nncf_accuracy_control_summary");
  }
  *out = handle.release();
  if (report) *report = report_blob.release();
  NNCF_API_END
}

const char* nncf_drop_type_name(nncf_drop_type type) {
  switch (type) {
    case NNCF_DROP_TYPE_ABSOLUTE:
      return "absolute";
    case NNCF_DROP_TYPE_RELATIVE:
      return "relative";
    default:
      return "unknown";
  }
}

const char* nncf_restore_mode_name(nncf_restore_mode mode) {
  switch (mode) {
    case NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS:
      return "activations_and_weights";
    case NNCF_RESTORE_MODE_ONLY_ACTIVATIONS:
      return "only_activations";
    default:
      return "unknown";
  }
}

const char* nncf_ranking_mode_name(nncf_ranking_mode mode) {
  switch (mode) {
    case NNCF_RANKING_MODE_AUTO:
      return "auto";
    case NNCF_RANKING_MODE_METRIC:
      return "metric";
    case NNCF_RANKING_MODE_OUTPUT_DIFFERENCE:
      return "output_difference";
    default:
      return "unknown";
  }
}

}  // extern "C"
