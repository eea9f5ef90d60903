/* C shims that install the exported Go callbacks. The cgo.Handle travels as uintptr_t and is
 * cast to the library's void* user_data here, where go vet does not see it. */
#include <stdint.h>

#include "_cgo_export.h"
#include "nncf.h"

static int64_t dataset_length(void* user_data) {
  return nncfGoDatasetLength((uintptr_t)user_data);
}

static nncf_status* dataset_get_item(void* user_data, int64_t index, nncf_sample* out) {
  return nncfGoDatasetGetItem((uintptr_t)user_data, index, out);
}

static nncf_status* dataset_transform(void* user_data, const nncf_sample* item, nncf_sample* out) {
  return nncfGoDatasetTransform((uintptr_t)user_data, (nncf_sample*)item, out);
}

static void delete_handle(void* user_data) {
  nncfGoHandleDelete((uintptr_t)user_data);
}

static int32_t report_progress(void* user_data, const char* stage, double fraction) {
  return nncfGoProgress((uintptr_t)user_data, (char*)stage, fraction);
}

static void log_message(void* user_data, nncf_log_level level, const char* component,
                        const char* message) {
  nncfGoLog((uintptr_t)user_data, level, (char*)component, (char*)message);
}

nncf_status* nncf_go_dataset_create(uintptr_t handle, int64_t batch_size, nncf_dataset** out) {
  nncf_dataset_callbacks callbacks;
  NNCF_DATASET_CALLBACKS_INIT(&callbacks);
  callbacks.user_data = (void*)handle;
  callbacks.length = dataset_length;
  callbacks.get_item = dataset_get_item;
  callbacks.destroy = delete_handle;
  callbacks.batch_size = batch_size;
  return nncf_dataset_create(&callbacks, out);
}

nncf_status* nncf_go_dataset_set_transform(nncf_dataset* dataset, uintptr_t handle) {
  if (handle == 0) return nncf_dataset_set_transform(dataset, NULL, NULL, NULL);
  return nncf_dataset_set_transform(dataset, dataset_transform, (void*)handle, delete_handle);
}

void nncf_go_save_params_set_progress(nncf_model_save_params* params, uintptr_t handle) {
  params->progress = report_progress;
  params->progress_user_data = (void*)handle;
}

void nncf_go_compress_weights_params_set_progress(nncf_compress_weights_params* params,
                                                  uintptr_t handle) {
  params->progress = report_progress;
  params->progress_user_data = (void*)handle;
}

void nncf_go_quantize_params_set_progress(nncf_quantize_params* params, uintptr_t handle) {
  params->progress = report_progress;
  params->progress_user_data = (void*)handle;
}

static void discard_message(void* user_data, nncf_log_level level, const char* component,
                            const char* message) {
  (void)user_data;
  (void)level;
  (void)component;
  (void)message;
}

void nncf_go_set_log_callback(uintptr_t handle, int32_t min_level, int32_t mode) {
  /* mode 0: the Go logger behind handle; 1: discard everything; 2: the library default. */
  if (mode == 0) {
    nncf_set_log_callback(log_message, (void*)handle, min_level);
  } else if (mode == 1) {
    nncf_set_log_callback(discard_message, NULL, NNCF_LOG_NONE);
  } else {
    nncf_set_log_callback(NULL, NULL, NNCF_LOG_WARNING);
  }
}

static nncf_status* validate_model(void* user_data, const nncf_model* model, nncf_dataset* items,
                                   nncf_validation_output* output) {
  return nncfGoValidate((uintptr_t)user_data, (nncf_model*)model, items, output);
}

void nncf_go_accuracy_control_params_set_validate(nncf_accuracy_control_params* params,
                                                  uintptr_t handle) {
  params->validate = validate_model;
  params->validate_user_data = (void*)handle;
}

void nncf_go_accuracy_control_params_set_progress(nncf_accuracy_control_params* params,
                                                  uintptr_t handle) {
  params->progress = report_progress;
  params->progress_user_data = (void*)handle;
}
