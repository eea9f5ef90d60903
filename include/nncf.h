/*
 * libnncf: neural network compression for ONNX models behind a stable C ABI.
 *
 * Conventions (see docs/c_api.md for the full guide):
 * - Every fallible call returns nncf_status*; NULL means success. A non-NULL status must be
 *   released with nncf_status_free().
 * - Handles are opaque. Every *_free accepts NULL. Inputs are never modified; algorithms return
 *   new handles.
 * - Params structs begin with struct_size and are filled with defaults by their _default()
 *   function (use the NNCF_*_INIT macros). Passing NULL for a params pointer means defaults.
 *   A struct_size smaller than the library's struct (a caller built against an older header)
 *   is accepted and the missing fields get their defaults; struct_size 0 or larger than the
 *   library's struct fails with NNCF_ERR_VERSION_MISMATCH naming the struct and both sizes.
 * - On failure, output arguments are left unchanged.
 * - Strings and arrays passed in are copied before the call returns. A returned const char*
 *   lives as long as the handle it came from.
 * - Callbacks get user_data and run synchronously on the calling thread, one at a time, never
 *   after the call that runs them returns (exceptions: the log callback, and a dataset's destroy).
 *
 * Thread safety: a model handle is immutable once loaded and may be read from several threads at
 * once (describe, save, and use as input to algorithms); only nncf_model_free needs exclusive
 * access. A dataset, sample or config handle must not be used by two threads at once; different
 * handles may be used concurrently. Status objects and blobs are plain values: any thread may
 * read or free them, one at a time. nncf_set_log_callback may be called at any time from any
 * thread (but not from inside the log callback itself).
 */
#ifndef NNCF_H_
#define NNCF_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Export and attribute macros
 * ------------------------------------------------------------------------------------------- */
#if defined(NNCF_STATIC)
#define NNCF_API
#elif defined(_WIN32)
#ifdef NNCF_BUILDING
#define NNCF_API __declspec(dllexport)
#else
#define NNCF_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define NNCF_API __attribute__((visibility("default")))
#else
#define NNCF_API
#endif

#if defined(__GNUC__)
#define NNCF_NODISCARD __attribute__((warn_unused_result))
#else
#define NNCF_NODISCARD
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------- */
#define NNCF_VERSION_MAJOR 0
#define NNCF_VERSION_MINOR 1
#define NNCF_VERSION_PATCH 0
#define NNCF_VERSION_NUMBER \
  (NNCF_VERSION_MAJOR * 10000 + NNCF_VERSION_MINOR * 100 + NNCF_VERSION_PATCH)
/* Bumped on every additive ABI change; bindings refuse a runtime with a smaller value. */
#define NNCF_API_VERSION 3

NNCF_API int32_t nncf_version_number(void);
NNCF_API const char* nncf_version_string(void);
NNCF_API int32_t nncf_api_version(void);

/* ---------------------------------------------------------------------------------------------
 * Status
 * ------------------------------------------------------------------------------------------- */
typedef int32_t nncf_code;
enum {
  NNCF_OK = 0,
  NNCF_ERR_INVALID_ARGUMENT = 1, /* a NULL, out-of-range or inconsistent argument */
  NNCF_ERR_NOT_FOUND = 2,        /* a named thing (file, tensor, key) does not exist */
  NNCF_ERR_INVALID_MODEL = 3,    /* the model is malformed or not ONNX */
  NNCF_ERR_UNSUPPORTED = 4,      /* valid input the library does not handle */
  NNCF_ERR_IO = 5,               /* reading or writing a file failed */
  NNCF_ERR_OUT_OF_MEMORY = 6,
  NNCF_ERR_CANCELLED = 7,        /* a progress callback asked to stop */
  NNCF_ERR_CALLBACK = 8,         /* a user callback failed */
  NNCF_ERR_VERSION_MISMATCH = 9, /* struct_size from the future, or an opset the caller forbade */
  NNCF_ERR_INVALID_CONFIG = 10,  /* configuration JSON does not match the schema */
  NNCF_ERR_INTERNAL = 11
};

typedef struct nncf_status nncf_status;

NNCF_API nncf_code nncf_status_code(const nncf_status* status); /* NULL -> NNCF_OK */
NNCF_API const char* nncf_status_message(const nncf_status* status); /* NULL -> "" */
NNCF_API void nncf_status_free(nncf_status* status);
/* For callbacks that report a failure back to the library. Returns NULL for NNCF_OK. */
NNCF_API nncf_status* nncf_status_create(nncf_code code, const char* message);
/* Static name of a code, e.g. "NNCF_ERR_IO". */
NNCF_API const char* nncf_code_string(nncf_code code);

/* ---------------------------------------------------------------------------------------------
 * Logging and progress
 * ------------------------------------------------------------------------------------------- */
typedef int32_t nncf_log_level;
enum {
  NNCF_LOG_DEBUG = 0,
  NNCF_LOG_INFO = 1,
  NNCF_LOG_WARNING = 2,
  NNCF_LOG_ERROR = 3,
  NNCF_LOG_NONE = 4
};

typedef void (*nncf_log_fn)(void* user_data, nncf_log_level level, const char* component,
                            const char* message);

/* Installs the process-wide logger (NULL fn restores the default, which writes warnings and
 * errors to stderr). Safe to call from any thread at any time, except from inside the log
 * callback. The callback may be called from any thread that runs a library call, never by two
 * threads at once. Once this function returns, the previous callback is not running and will
 * not be called again, so its user_data may be released. min_level is clamped to
 * [NNCF_LOG_DEBUG, NNCF_LOG_NONE]. */
NNCF_API void nncf_set_log_callback(nncf_log_fn fn, void* user_data, nncf_log_level min_level);

/* Returns 0 to cancel the running operation (it then fails with NNCF_ERR_CANCELLED). */
typedef int32_t (*nncf_progress_fn)(void* user_data, const char* stage, double fraction);

/* ---------------------------------------------------------------------------------------------
 * Blobs: byte buffers owned by the library
 * ------------------------------------------------------------------------------------------- */
typedef struct nncf_blob nncf_blob;
typedef struct nncf_config nncf_config;

NNCF_API const void* nncf_blob_data(const nncf_blob* blob);
NNCF_API size_t nncf_blob_size(const nncf_blob* blob);
NNCF_API void nncf_blob_free(nncf_blob* blob);

/* ---------------------------------------------------------------------------------------------
 * Tensor element types (values are ONNX TensorProto.DataType numbers)
 * ------------------------------------------------------------------------------------------- */
typedef int32_t nncf_dtype;
enum {
  NNCF_DTYPE_UNDEFINED = 0,
  NNCF_DTYPE_FLOAT = 1,
  NNCF_DTYPE_UINT8 = 2,
  NNCF_DTYPE_INT8 = 3,
  NNCF_DTYPE_UINT16 = 4,
  NNCF_DTYPE_INT16 = 5,
  NNCF_DTYPE_INT32 = 6,
  NNCF_DTYPE_INT64 = 7,
  NNCF_DTYPE_STRING = 8,
  NNCF_DTYPE_BOOL = 9,
  NNCF_DTYPE_FLOAT16 = 10,
  NNCF_DTYPE_DOUBLE = 11,
  NNCF_DTYPE_UINT32 = 12,
  NNCF_DTYPE_UINT64 = 13,
  NNCF_DTYPE_COMPLEX64 = 14,
  NNCF_DTYPE_COMPLEX128 = 15,
  NNCF_DTYPE_BFLOAT16 = 16,
  NNCF_DTYPE_FLOAT8E4M3FN = 17,
  NNCF_DTYPE_FLOAT8E4M3FNUZ = 18,
  NNCF_DTYPE_FLOAT8E5M2 = 19,
  NNCF_DTYPE_FLOAT8E5M2FNUZ = 20,
  NNCF_DTYPE_UINT4 = 21,
  NNCF_DTYPE_INT4 = 22,
  NNCF_DTYPE_FLOAT4E2M1 = 23
};

/* Static lower-case ONNX name ("float", "int4", "float8e4m3fn"); "unknown" for bad values. */
NNCF_API const char* nncf_dtype_name(nncf_dtype dtype);
/* Bits per element (4 for int4/uint4/float4e2m1); 0 for string and unknown values. */
NNCF_API size_t nncf_dtype_bits(nncf_dtype dtype);

/* A borrowed view of a tensor, filled by the *_info functions. Set struct_size (to
 * sizeof(nncf_tensor_info)) before the call; the library writes at most struct_size bytes.
 * Shape entries are -1 for a dynamic dimension (see dim_params). */
typedef struct nncf_tensor_info {
  uint32_t struct_size;
  const char* name;
  nncf_dtype dtype;
  size_t ndim;
  const int64_t* shape;
  const char* const* dim_params; /* per dim: symbolic name or NULL; NULL array if none */
  int32_t has_shape;             /* 0 when the rank itself is unknown */
  const void* data;              /* samples only: element data, 4-bit types packed */
  size_t nbytes;
} nncf_tensor_info;

/* ---------------------------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------------------------- */
typedef struct nncf_model nncf_model;

typedef struct nncf_model_load_params {
  uint32_t struct_size;
  /* Directory that external-data locations are relative to. Defaults to the model file's own
   * directory; required for nncf_model_load_memory when the model has external data. */
  const char* base_dir;
  /* 1 (default): map external data read-only; 0: read it into memory. */
  int32_t mmap_external_data;
  /* 1 (default): check the model's structure (names resolve, initializers exist, opsets). */
  int32_t validate;
} nncf_model_load_params;

NNCF_API void nncf_model_load_params_default(nncf_model_load_params* params, uint32_t struct_size);
#define NNCF_MODEL_LOAD_PARAMS_INIT(p) nncf_model_load_params_default((p), sizeof *(p))

typedef int32_t nncf_external_data_mode;
enum {
  NNCF_EXTERNAL_DATA_AUTO = 0,   /* external only when the protobuf would pass 2 GB */
  NNCF_EXTERNAL_DATA_ALWAYS = 1, /* every tensor of at least size_threshold bytes */
  NNCF_EXTERNAL_DATA_NEVER = 2   /* fails with NNCF_ERR_UNSUPPORTED past 2 GB */
};

typedef struct nncf_model_save_params {
  uint32_t struct_size;
  nncf_external_data_mode external_data;
  /* File name (relative to the model's directory) for external data; NULL means
   * "<model file name>.data". */
  const char* external_data_file;
  /* Tensors smaller than this stay inline when external data is written. Default 1024. */
  uint64_t size_threshold;
  nncf_progress_fn progress;
  void* progress_user_data;
} nncf_model_save_params;

NNCF_API void nncf_model_save_params_default(nncf_model_save_params* params, uint32_t struct_size);
#define NNCF_MODEL_SAVE_PARAMS_INIT(p) nncf_model_save_params_default((p), sizeof *(p))

NNCF_API NNCF_NODISCARD nncf_status* nncf_model_load_file(const char* path,
                                                          const nncf_model_load_params* params,
                                                          nncf_model** out);
/* data is copied; blobs over 2 GB are refused (protobuf's limit). */
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_load_memory(const void* data, size_t size,
                                                            const nncf_model_load_params* params,
                                                            nncf_model** out);
/* Writes to a temporary file in the same directory, then renames it into place, so saving over
 * the file the model was loaded from works and a failure leaves no partial file. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_save_file(const nncf_model* model, const char* path,
                                                          const nncf_model_save_params* params);
/* The whole model as one protobuf; fails with NNCF_ERR_UNSUPPORTED past 2 GB. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_save_memory(const nncf_model* model,
                                                            nncf_blob** out);
NNCF_API void nncf_model_free(nncf_model* model);

NNCF_API size_t nncf_model_num_inputs(const nncf_model* model);
NNCF_API size_t nncf_model_num_outputs(const nncf_model* model);
/* Graph inputs that are initializers are not listed. info lives as long as the model. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_input_info(const nncf_model* model, size_t index,
                                                           nncf_tensor_info* info);
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_output_info(const nncf_model* model, size_t index,
                                                            nncf_tensor_info* info);
/* JSON description: IR version, opsets, producer, op histogram, inputs, outputs, initializers. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_summary_json(const nncf_model* model,
                                                             nncf_blob** out);

/* ---------------------------------------------------------------------------------------------
 * Samples and datasets (nncf.Dataset)
 * ------------------------------------------------------------------------------------------- */
typedef struct nncf_sample nncf_sample;
typedef struct nncf_dataset nncf_dataset;

NNCF_API NNCF_NODISCARD nncf_status* nncf_sample_create(nncf_sample** out);
NNCF_API void nncf_sample_free(nncf_sample* sample);
/* Adds or replaces a named tensor; data is copied. Names that are not model inputs (labels) are
 * allowed. nbytes must equal the size implied by dtype and shape (4-bit types packed). */
NNCF_API NNCF_NODISCARD nncf_status* nncf_sample_set_tensor(nncf_sample* sample, const char* name,
                                                            nncf_dtype dtype, const int64_t* shape,
                                                            size_t ndim, const void* data,
                                                            size_t nbytes);
NNCF_API size_t nncf_sample_num_tensors(const nncf_sample* sample);
/* info->data points into the sample and lives until the sample changes or is freed. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_sample_tensor_info(const nncf_sample* sample,
                                                             size_t index, nncf_tensor_info* info);
NNCF_API NNCF_NODISCARD nncf_status* nncf_sample_find_tensor(const nncf_sample* sample,
                                                             const char* name,
                                                             nncf_tensor_info* info);

/* Fills `out` (an empty sample owned by the library, valid only during the call) with item
 * `index`. Returning NULL with `out` left empty is an error. A returned status is freed by the
 * library; NNCF_ERR_CANCELLED keeps its code, NNCF_ERR_NOT_FOUND marks the end of a dataset of
 * unknown length, and any other code reaches the caller as NNCF_ERR_CALLBACK carrying the
 * callback's code name and message. The same rules apply to transforms. */
typedef nncf_status* (*nncf_get_item_fn)(void* user_data, int64_t index, nncf_sample* out);
/* Like nncf.Dataset's transform_func: turns a raw item into model inputs. */
typedef nncf_status* (*nncf_transform_fn)(void* user_data, const nncf_sample* item,
                                          nncf_sample* out);

typedef struct nncf_dataset_callbacks {
  uint32_t struct_size;
  void* user_data;
  /* Number of items, or -1 when unknown (items are then read until get_item reports
   * NNCF_ERR_NOT_FOUND). NULL means unknown. */
  int64_t (*length)(void* user_data);
  nncf_get_item_fn get_item; /* required */
  nncf_transform_fn transform; /* optional; gets the same user_data */
  void (*destroy)(void* user_data); /* optional; called once by nncf_dataset_free */
  int64_t batch_size; /* items' batch size if known, else 0 */
} nncf_dataset_callbacks;

NNCF_API void nncf_dataset_callbacks_default(nncf_dataset_callbacks* callbacks,
                                             uint32_t struct_size);
#define NNCF_DATASET_CALLBACKS_INIT(p) nncf_dataset_callbacks_default((p), sizeof *(p))

/* On success the dataset owns user_data (destroy runs in nncf_dataset_free); on failure
 * destroy is not called and the caller still owns user_data. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_create(const nncf_dataset_callbacks* callbacks,
                                                         nncf_dataset** out);
/* A dataset over copies of the given samples. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_create_from_samples(
    const nncf_sample* const* samples, size_t n_samples, nncf_dataset** out);
/* Sets (or with fn NULL clears) a transform on any dataset; destroy(user_data) runs when it is
 * replaced (unless by the same user_data and destroy) or the dataset is freed. On failure
 * destroy is not called. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_set_transform(nncf_dataset* dataset,
                                                                nncf_transform_fn fn,
                                                                void* user_data,
                                                                void (*destroy)(void* user_data));
NNCF_API void nncf_dataset_free(nncf_dataset* dataset);
/* -1 when unknown. nncf_dataset_get_item fails with NNCF_ERR_NOT_FOUND for an index at or past
 * the length. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_length(const nncf_dataset* dataset,
                                                         int64_t* out);
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_batch_size(const nncf_dataset* dataset,
                                                             int64_t* out);
/* Item `index` after the transform (nncf.Dataset.get_inference_data for one item). The caller
 * frees *out with nncf_sample_free. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_get_item(nncf_dataset* dataset, int64_t index,
                                                           nncf_sample** out);

/* ---------------------------------------------------------------------------------------------
 * Inference (evaluate original and compressed models without another runtime)
 * ------------------------------------------------------------------------------------------- */
typedef struct nncf_infer_params {
  uint32_t struct_size;
  int32_t num_threads;             /* 0 (default): one per core */
  const char* const* output_names; /* NULL (default): the graph outputs */
  size_t n_output_names;
} nncf_infer_params;

NNCF_API void nncf_infer_params_default(nncf_infer_params* params, uint32_t struct_size);
#define NNCF_INFER_PARAMS_INIT(p) nncf_infer_params_default((p), sizeof *(p))

/* Runs the model on the named tensors of `inputs` (tensors that are not model inputs, such as
 * labels, are ignored) and returns the requested outputs in a new sample, in order. Several
 * threads may call this on the same model at once: the compiled plan is shared read-only and
 * each call has its own buffers. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_model_infer(const nncf_model* model,
                                                      const nncf_sample* inputs,
                                                      const nncf_infer_params* params,
                                                      nncf_sample** outputs);

/* ---------------------------------------------------------------------------------------------
 * Ignored scope (nncf.IgnoredScope), shared by every algorithm
 * ------------------------------------------------------------------------------------------- */
/* An array element, so it has no struct_size: its layout is frozen for good. */
typedef struct nncf_subgraph {
  const char* const* inputs; /* value names where the subgraph starts */
  size_t n_inputs;
  const char* const* outputs; /* value names where it ends */
  size_t n_outputs;
} nncf_subgraph;

typedef struct nncf_ignored_scope {
  uint32_t struct_size;
  const char* const* names; /* exact node names */
  size_t n_names;
  const char* const* patterns; /* ECMAScript regexes matched at the start of node names */
  size_t n_patterns;
  const char* const* types; /* op types */
  size_t n_types;
  const nncf_subgraph* subgraphs; /* every node on a path from an input to an output */
  size_t n_subgraphs;
  int32_t validate; /* 1 (default): a rule that matches nothing is an error listing it */
} nncf_ignored_scope;

NNCF_API void nncf_ignored_scope_default(nncf_ignored_scope* scope, uint32_t struct_size);
#define NNCF_IGNORED_SCOPE_INIT(p) nncf_ignored_scope_default((p), sizeof *(p))

/* ---------------------------------------------------------------------------------------------
 * Weight compression (nncf.compress_weights) and strip (nncf.strip)
 * ------------------------------------------------------------------------------------------- */
typedef int32_t nncf_compress_weights_mode;
enum {
  NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM = 0, /* default */
  NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM = 1,
  NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM = 2,
  NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM = 3,
  NNCF_COMPRESS_WEIGHTS_MODE_NF4 = 4,
  NNCF_COMPRESS_WEIGHTS_MODE_E2M1 = 5 /* OCP MX FP4: group 32, power-of-two (e8m0) scales */
};

typedef int32_t nncf_backup_mode;
enum {
  NNCF_BACKUP_MODE_INT8_ASYM = 0, /* default */
  NNCF_BACKUP_MODE_INT8_SYM = 1,
  NNCF_BACKUP_MODE_NONE = 2 /* non-primary layers stay float */
};

typedef int32_t nncf_sensitivity_metric;
enum {
  NNCF_SENSITIVITY_METRIC_DEFAULT = -1, /* weight error without a dataset, else max activation
                                          variance; the activation metrics need a dataset */
  NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR = 0,
  NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION = 1,
  NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE = 2,
  NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE = 3,
  NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE = 4
};

/* How compressed weights are written into the model. */
typedef int32_t nncf_weight_format;
enum {
  /* DequantizeLinear: int8/uint8 per-axis; int4/uint4 blocked (opset 21); NF4 and E2M1 as uint4
   * codes decoded through a small lookup (Cast, Gather) times the scale. Default. */
  NNCF_WEIGHT_FORMAT_DQ = 0,
  NNCF_WEIGHT_FORMAT_MATMUL_NBITS = 1, /* com.microsoft MatMulNBits (4-bit modes on MatMul) */
  NNCF_WEIGHT_FORMAT_FQ = 2,           /* float weights with fake quantization, for training */
  NNCF_WEIGHT_FORMAT_FQ_LORA = 3,      /* FQ plus low-rank adapters */
  NNCF_WEIGHT_FORMAT_DQ_FLOAT4 = 4     /* E2M1 as opset-23 float4e2m1 DequantizeLinear */
};

typedef struct nncf_compress_weights_params {
  uint32_t struct_size;
  nncf_compress_weights_mode mode;
  double ratio;       /* share of ratio-defining parameters in `mode`; default 1 */
  int32_t group_size; /* 0 (default): NNCF's default for the mode; -1: per channel */
  int32_t all_layers; /* 1: embeddings and the last layer in `mode` too */
  nncf_sensitivity_metric sensitivity_metric;
  nncf_backup_mode backup_mode;
  nncf_weight_format format;
  int32_t accuracy_level;    /* MatMulNBits accuracy_level attribute; default 4 */
  int32_t allow_opset_upgrade; /* 1 (default): raise the opset when the format needs it */
  int32_t num_threads;       /* 0 (default): one per core; output bytes never depend on it */
  const nncf_ignored_scope* ignored_scope; /* NULL: none */
  const nncf_config* advanced; /* NULL: defaults; reads the "compress_weights" section */
  nncf_progress_fn progress;
  void* progress_user_data;
  /* API version 2. Dataset items reduced for the data-aware steps; default 128. */
  int64_t subset_size;
  /* API version 3. Data-aware algorithms for the 4-bit layers (docs/weight_compression.md). Their
   * advanced parameters (AWQ's alpha grid, scale-estimation steps, GPTQ's damping and block size,
   * LoRA rank and iterations) come from the "compress_weights.advanced" section of `advanced`,
   * which is applied after these fields. Progress and cancellation work per layer. */
  int32_t awq;              /* 1: AWQ; NNCF's data-free scales when dataset is NULL; default 0 */
  int32_t scale_estimation; /* 1: fitted per-group scales; needs a dataset; default 0 */
  int32_t gptq;             /* 1: GPTQ (with scale estimation inside when both are set); needs a
                               dataset; default 0 */
  int32_t lora_correction;  /* 1: a low-rank correction branch per 4-bit MatMul; needs a dataset;
                               not together with gptq (as in NNCF); default 0 */
} nncf_compress_weights_params;

NNCF_API void nncf_compress_weights_params_default(nncf_compress_weights_params* params,
                                                   uint32_t struct_size);
#define NNCF_COMPRESS_WEIGHTS_PARAMS_INIT(p) nncf_compress_weights_params_default((p), sizeof *(p))

/* Compresses the weights of `model` into a new model. dataset may be NULL (data-free). With a
 * dataset, one pass over its first subset_size items measures the input activations of the
 * ratio-defining layers when ratio < 1 (mixed precision then ranks layers by a data-aware
 * metric, default MAX_ACTIVATION_VARIANCE, as NNCF) or when a data-aware algorithm is on (the
 * dataset must then hold at least subset_size items); it is not read otherwise. When `report` is
 * not NULL it receives a JSON report (per layer: mode, bits, group size, error; per algorithm:
 * what it changed in each layer). */
NNCF_API NNCF_NODISCARD nncf_status* nncf_compress_weights(const nncf_model* model,
                                                           nncf_dataset* dataset,
                                                           const nncf_compress_weights_params* params,
                                                           nncf_model** out, nncf_blob** report);
/* File to file, streamed: weights are read from memory-mapped external data and written one at a
 * time to the output's external-data file, so peak memory stays near the largest weight. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_compress_weights_file(
    const char* input_path, const char* output_path, nncf_dataset* dataset,
    const nncf_compress_weights_params* params, const nncf_model_save_params* save_params,
    nncf_blob** report);

typedef int32_t nncf_strip_format;
enum {
  NNCF_STRIP_FORMAT_NATIVE = 0,  /* fake quantizers become Q/DQ pairs */
  NNCF_STRIP_FORMAT_DQ = 1,      /* weights stored quantized behind DequantizeLinear */
  NNCF_STRIP_FORMAT_IN_PLACE = 2 /* quantization baked into float weights; quantizers removed */
};

/* nncf.strip: removes training-time structure (fake quantizers, adapters) from a model. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_strip(const nncf_model* model,
                                                nncf_strip_format format, nncf_model** out);

/* Static names of enum values ("int4_sym", "int8_asym", "dq", "in_place"); "unknown" otherwise. */
NNCF_API const char* nncf_compress_weights_mode_name(nncf_compress_weights_mode mode);
NNCF_API const char* nncf_backup_mode_name(nncf_backup_mode mode);
NNCF_API const char* nncf_sensitivity_metric_name(nncf_sensitivity_metric metric);
NNCF_API const char* nncf_weight_format_name(nncf_weight_format format);
NNCF_API const char* nncf_strip_format_name(nncf_strip_format format);

/* ---------------------------------------------------------------------------------------------
 * Post-training quantization (nncf.quantize)
 * ------------------------------------------------------------------------------------------- */
typedef int32_t nncf_quantization_mode;
enum {
  NNCF_QUANTIZATION_MODE_INT8 = 0,     /* NNCF's None: integer Q/DQ (default) */
  NNCF_QUANTIZATION_MODE_FP8_E4M3 = 1, /* float8e4m3fn Q/DQ at opset 19 */
  NNCF_QUANTIZATION_MODE_FP8_E5M2 = 2  /* float8e5m2 Q/DQ at opset 19 */
};

typedef int32_t nncf_quantization_preset;
enum {
  NNCF_PRESET_DEFAULT = -1,    /* NNCF's None: MIXED for transformers, else PERFORMANCE */
  NNCF_PRESET_PERFORMANCE = 0, /* symmetric weights and activations */
  NNCF_PRESET_MIXED = 1        /* symmetric weights, asymmetric activations */
};

typedef int32_t nncf_target_device;
enum {
  NNCF_TARGET_DEVICE_ANY = 0, /* default */
  NNCF_TARGET_DEVICE_CPU = 1,
  NNCF_TARGET_DEVICE_GPU = 2,
  NNCF_TARGET_DEVICE_NPU = 3,
  NNCF_TARGET_DEVICE_CPU_SPR = 4 /* refused for ONNX models, as NNCF does */
};

typedef int32_t nncf_model_type;
enum {
  NNCF_MODEL_TYPE_DEFAULT = 0,    /* NNCF's None */
  NNCF_MODEL_TYPE_TRANSFORMER = 1 /* transformer patterns, ignored metatypes and SmoothQuant */
};

typedef int32_t nncf_overflow_fix;
enum {
  NNCF_OVERFLOW_FIX_DEFAULT = -1, /* FIRST_LAYER, or DISABLE when a bit width is not 8 */
  NNCF_OVERFLOW_FIX_ENABLE = 0,
  NNCF_OVERFLOW_FIX_FIRST_LAYER = 1, /* NNCF's "first_layer_only" */
  NNCF_OVERFLOW_FIX_DISABLE = 2
};

typedef int32_t nncf_quantization_scheme;
enum {
  NNCF_QUANTIZATION_SCHEME_DEFAULT = -1, /* from the preset */
  NNCF_QUANTIZATION_SCHEME_SYMMETRIC = 0,
  NNCF_QUANTIZATION_SCHEME_ASYMMETRIC = 1
};

/* nncf.QuantizationParameters for weights or activations. Every field's default means NNCF's
 * None: the hardware config and preset decide. Tri-state fields take -1 (unset), 0 or 1. */
typedef struct nncf_quantization_parameters {
  uint32_t struct_size;
  int32_t num_bits; /* 0 (default): 8 */
  nncf_quantization_scheme mode;
  int32_t signedness_to_force; /* -1, 0 (unsigned), 1 (signed) */
  int32_t per_channel;         /* -1, 0, 1 */
  int32_t narrow_range;        /* -1, 0, 1 */
} nncf_quantization_parameters;

NNCF_API void nncf_quantization_parameters_default(nncf_quantization_parameters* params,
                                                   uint32_t struct_size);
#define NNCF_QUANTIZATION_PARAMETERS_INIT(p) \
  nncf_quantization_parameters_default((p), sizeof *(p))

/* Parameters of nncf.quantize. Every advanced parameter (range estimators, propagation rule,
 * ...) can also come from `advanced`, a config whose "quantize" section is read first; a struct
 * field left at its default does not override the config. */
typedef struct nncf_quantize_params {
  uint32_t struct_size;
  nncf_quantization_mode mode;
  nncf_quantization_preset preset;
  nncf_target_device target_device;
  int64_t subset_size;          /* dataset items used for statistics; default 300 */
  int32_t fast_bias_correction; /* 1 (default): FastBiasCorrection; 0: BiasCorrection */
  nncf_model_type model_type;
  const nncf_ignored_scope* ignored_scope; /* NULL: none */
  /* Advanced parameters (nncf.AdvancedQuantizationParameters). */
  nncf_overflow_fix overflow_fix;
  int32_t quantize_outputs;        /* 1: quantize model outputs too; default 0 */
  int32_t disable_bias_correction; /* default 0 */
  int32_t batchwise_statistics;    /* -1 (default): 1 when the dataset's batch size is > 1 */
  const nncf_quantization_parameters* activations; /* NULL: defaults */
  const nncf_quantization_parameters* weights;     /* NULL: defaults */
  double smooth_quant_alpha_matmul;      /* default 0.95; negative disables */
  double smooth_quant_alpha_convolution; /* default -1 (off) */
  double bias_correction_threshold;      /* 0 (default): 2 for fast, 1000 for full */
  int32_t fold_weights;        /* 1 (default): int8 weight initializers behind DequantizeLinear */
  int32_t allow_opset_upgrade; /* 0 (default): fail naming the opset the output needs */
  int32_t num_threads;         /* 0 (default): one per core */
  const nncf_config* advanced; /* NULL: defaults */
  nncf_progress_fn progress;
  void* progress_user_data;
} nncf_quantize_params;

NNCF_API void nncf_quantize_params_default(nncf_quantize_params* params, uint32_t struct_size);
#define NNCF_QUANTIZE_PARAMS_INIT(p) nncf_quantize_params_default((p), sizeof *(p))

/* Quantizes `model` into a new model with QuantizeLinear/DequantizeLinear pairs, calibrated on the
 * first subset_size items of `dataset`. When `report` is not NULL it receives a JSON report: per
 * quantizer the tensor, dtype, axis, scale, zero point and observed range; per corrected layer
 * the bias shift. Nothing is returned on failure. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_quantize(const nncf_model* model, nncf_dataset* dataset,
                                                   const nncf_quantize_params* params,
                                                   nncf_model** out, nncf_blob** report);
/* Where quantizers would go, as JSON, without calibrating (no dataset needed). */
NNCF_API NNCF_NODISCARD nncf_status* nncf_quantize_plan(const nncf_model* model,
                                                        const nncf_quantize_params* params,
                                                        nncf_blob** plan);

/* Static names ("fp8_e4m3", "mixed", "cpu", "transformer", "first_layer_only"). */
NNCF_API const char* nncf_quantization_mode_name(nncf_quantization_mode mode);
NNCF_API const char* nncf_quantization_preset_name(nncf_quantization_preset preset);
NNCF_API const char* nncf_target_device_name(nncf_target_device device);
NNCF_API const char* nncf_model_type_name(nncf_model_type type);
NNCF_API const char* nncf_overflow_fix_name(nncf_overflow_fix fix);

/* ---------------------------------------------------------------------------------------------
 * Quantization with accuracy control (nncf.quantize_with_accuracy_control)
 * ------------------------------------------------------------------------------------------- */
typedef int32_t nncf_drop_type;
enum {
  NNCF_DROP_TYPE_ABSOLUTE = 0, /* default: initial - quantized */
  NNCF_DROP_TYPE_RELATIVE = 1  /* |1 - quantized / initial| */
};

typedef int32_t nncf_restore_mode;
enum {
  NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS = 0, /* default: a reverted op loses its weight
                                                    quantizers too */
  NNCF_RESTORE_MODE_ONLY_ACTIVATIONS = 1         /* weight quantizers stay */
};

/* How quantizer groups are ranked when the validation callback returns no per-item values. */
typedef int32_t nncf_ranking_mode;
enum {
  /* Default, NNCF's rule: metric mode, unless the callback fails with NNCF_ERR_UNSUPPORTED on
   * the one-item probe call, which selects output difference. */
  NNCF_RANKING_MODE_AUTO = 0,
  NNCF_RANKING_MODE_METRIC = 1, /* per-item values from one-item validation calls */
  /* Normalized MSE of the model outputs against the float model's, run on the library's
   * executor (NNCF offers it for OpenVINO only): no validation calls for ranking. */
  NNCF_RANKING_MODE_OUTPUT_DIFFERENCE = 2
};

/* What a validation callback fills in. The library sets struct_size, per_item and n_items. */
typedef struct nncf_validation_output {
  uint32_t struct_size;
  double metric;   /* required; higher is better; NaN or infinity is an error */
  double* per_item; /* n_items slots owned by the library; optional to fill */
  size_t n_items;
  int32_t per_item_filled; /* set to 1 after filling per_item (one value per item, higher better) */
} nncf_validation_output;

/* Evaluates `model` on `items`. `model` is borrowed and valid during the call only (infer it,
 * save it, describe it; never free it). `items` is a view of the validation dataset holding only
 * the items being evaluated (all of them, one item, or a ranking subset) in ascending order of
 * their index; nncf_dataset_source_index maps a view index to the validation dataset's index (to
 * look up labels kept outside the samples). Returning a status fails the whole call:
 * NNCF_ERR_CANCELLED stops it as cancelled, any other code reaches the caller as
 * NNCF_ERR_CALLBACK (except NNCF_ERR_UNSUPPORTED on the AUTO ranking probe, see above). */
typedef nncf_status* (*nncf_validation_fn)(void* user_data, const nncf_model* model,
                                           nncf_dataset* items, nncf_validation_output* output);

/* For a dataset view passed to a validation callback: the index of view item `index` in the
 * dataset the view was made from. For any other dataset: `index` itself. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_dataset_source_index(const nncf_dataset* dataset,
                                                               int64_t index, int64_t* out);

typedef struct nncf_accuracy_control_params {
  uint32_t struct_size;
  /* Everything nncf_quantize takes (NULL: its defaults). Its progress callback is not used; its
   * fold_weights applies to the final model. mode must be INT8, as NNCF has no mode here. */
  const nncf_quantize_params* quantize;
  nncf_validation_fn validate; /* required */
  void* validate_user_data;
  double max_drop;            /* default 0.01 */
  nncf_drop_type drop_type;   /* default ABSOLUTE */
  /* Restorer parameters (nncf.AdvancedAccuracyRestorerParameters). */
  int64_t max_num_iterations;  /* groups reverted at most; -1 (default): no limit; 0: none, the
                                  quantized model is returned with its metrics */
  int32_t tune_hyperparams;    /* 1: try NNCF's hyperparameter grid first; default 0 */
  int64_t ranking_subset_size; /* 0 (default): the quantize subset_size */
  nncf_restore_mode restore_mode;
  nncf_ranking_mode ranking;
  const char* intermediate_model_dir; /* NULL (default); else the quantized model before any
                                         revert is saved there as intermediate_model.onnx */
  nncf_progress_fn progress;
  void* progress_user_data;
} nncf_accuracy_control_params;

NNCF_API void nncf_accuracy_control_params_default(nncf_accuracy_control_params* params,
                                                   uint32_t struct_size);
#define NNCF_ACCURACY_CONTROL_PARAMS_INIT(p) nncf_accuracy_control_params_default((p), sizeof *(p))

/* The outcome in numbers (the JSON report has the details). The caller sets struct_size. */
typedef struct nncf_accuracy_control_summary {
  uint32_t struct_size;
  double initial_metric;
  double quantized_metric; /* before any revert */
  double final_metric;     /* of the returned model */
  double final_drop;
  int32_t target_met;      /* 0: no model met max_drop; the best one seen is returned */
  int64_t reverted_groups; /* groups reverted in the returned model */
  int64_t validation_calls;
} nncf_accuracy_control_summary;

/* Quantizes `model` as nncf_quantize does, then reverts groups of quantizers to float until the
 * metric drop is within max_drop. On success *out is the best model seen: the first that meets
 * the target, or when none does the one with the smallest drop (summary->target_met = 0 and a
 * warning is logged; this is not a failure). summary and report may be NULL; report receives
 * JSON: initial and quantized metric, drop, each reverted group (quantizers and operations),
 * validation calls and time per step, whether the target was met. Failing, NaN-returning or
 * cancelling callbacks fail the call and nothing is returned or written. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_quantize_with_accuracy_control(
    const nncf_model* model, nncf_dataset* calibration_dataset, nncf_dataset* validation_dataset,
    const nncf_accuracy_control_params* params, nncf_model** out,
    nncf_accuracy_control_summary* summary, nncf_blob** report);

NNCF_API const char* nncf_drop_type_name(nncf_drop_type type);
NNCF_API const char* nncf_restore_mode_name(nncf_restore_mode mode);
NNCF_API const char* nncf_ranking_mode_name(nncf_ranking_mode mode);

/* ---------------------------------------------------------------------------------------------
 * Configs (nncf.NNCFConfig and advanced parameters as JSON)
 * ------------------------------------------------------------------------------------------- */
/* json need not be NUL-terminated. Validated against the schema; errors name the JSON path
 * ("$.quantize.advanced.overflow_fix: expected one of ...") with NNCF_ERR_INVALID_CONFIG. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_config_from_json(const char* json, size_t length,
                                                           nncf_config** out);
NNCF_API NNCF_NODISCARD nncf_status* nncf_config_from_file(const char* path, nncf_config** out);
NNCF_API void nncf_config_free(nncf_config* config);
NNCF_API NNCF_NODISCARD nncf_status* nncf_config_to_json(const nncf_config* config,
                                                         nncf_blob** out);
/* key is a dotted path ("quantize.advanced.overflow_fix"). get returns the JSON text of the
 * value, or the schema default when the key is unset; NNCF_ERR_NOT_FOUND for keys the schema
 * does not have. set validates the value against the schema before storing it. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_config_get(const nncf_config* config, const char* key,
                                                     nncf_blob** json_value);
NNCF_API NNCF_NODISCARD nncf_status* nncf_config_set(nncf_config* config, const char* key,
                                                     const char* json_value);
/* The JSON schema the library validates configs against. */
NNCF_API NNCF_NODISCARD nncf_status* nncf_config_schema_json(nncf_blob** out);

/* ---------------------------------------------------------------------------------------------
 * ABI checks for hand-written bindings
 * ------------------------------------------------------------------------------------------- */
/* sizeof of a public struct by name ("nncf_model_save_params"); 0 for unknown names. */
NNCF_API size_t nncf_abi_sizeof(const char* type_name);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NNCF_H_ */
