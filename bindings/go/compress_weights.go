package nncf

/*
#include <stdint.h>
#include <stdlib.h>
#include "nncf.h"

// Defined in shims.c: installs the exported Go progress callback with handle as user_data.
void nncf_go_compress_weights_params_set_progress(nncf_compress_weights_params* params,
                                                  uintptr_t handle);
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// CompressWeightsMode is nncf.CompressWeightsMode (nncf_compress_weights_mode).
type CompressWeightsMode int32

const (
	CompressWeightsModeInt8Asym CompressWeightsMode = C.NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM // default
	CompressWeightsModeInt8Sym  CompressWeightsMode = C.NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM
	CompressWeightsModeInt4Sym  CompressWeightsMode = C.NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM
	CompressWeightsModeInt4Asym CompressWeightsMode = C.NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM
	CompressWeightsModeNF4      CompressWeightsMode = C.NNCF_COMPRESS_WEIGHTS_MODE_NF4
	// CompressWeightsModeE2M1 is OCP MX FP4: group 32, power-of-two (e8m0) scales.
	CompressWeightsModeE2M1 CompressWeightsMode = C.NNCF_COMPRESS_WEIGHTS_MODE_E2M1
)

// String is the library's name of the mode ("int4_sym"); "unknown" for other values.
func (m CompressWeightsMode) String() string {
	return C.GoString(C.nncf_compress_weights_mode_name(C.nncf_compress_weights_mode(m)))
}

// BackupMode is nncf.BackupMode: the mode of layers outside the primary ratio.
type BackupMode int32

const (
	BackupModeInt8Asym BackupMode = C.NNCF_BACKUP_MODE_INT8_ASYM // default
	BackupModeInt8Sym  BackupMode = C.NNCF_BACKUP_MODE_INT8_SYM
	BackupModeNone     BackupMode = C.NNCF_BACKUP_MODE_NONE // non-primary layers stay float
)

func (m BackupMode) String() string {
	return C.GoString(C.nncf_backup_mode_name(C.nncf_backup_mode(m)))
}

// SensitivityMetric is nncf.SensitivityMetric: how layers are ranked for mixed precision.
type SensitivityMetric int32

const (
	// SensitivityMetricDefault: weight error without a dataset, else max activation variance.
	SensitivityMetricDefault                 SensitivityMetric = C.NNCF_SENSITIVITY_METRIC_DEFAULT
	SensitivityMetricWeightQuantizationError SensitivityMetric = C.NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR
	SensitivityMetricHessianInputActivation  SensitivityMetric = C.NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION
	SensitivityMetricMeanActivationVariance  SensitivityMetric = C.NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE
	SensitivityMetricMaxActivationVariance   SensitivityMetric = C.NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE
	SensitivityMetricMeanActivationMagnitude SensitivityMetric = C.NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE
)

func (m SensitivityMetric) String() string {
	return C.GoString(C.nncf_sensitivity_metric_name(C.nncf_sensitivity_metric(m)))
}

// WeightFormat is how compressed weights are written into the model (nncf_weight_format).
type WeightFormat int32

const (
	// WeightFormatDQ: DequantizeLinear (int4 blocked at opset 21; NF4 and E2M1 through a lookup).
	WeightFormatDQ          WeightFormat = C.NNCF_WEIGHT_FORMAT_DQ
	WeightFormatMatMulNBits WeightFormat = C.NNCF_WEIGHT_FORMAT_MATMUL_NBITS // com.microsoft MatMulNBits
	WeightFormatFQ          WeightFormat = C.NNCF_WEIGHT_FORMAT_FQ           // fake quantization, for training
	WeightFormatFQLoRA      WeightFormat = C.NNCF_WEIGHT_FORMAT_FQ_LORA      // FQ plus low-rank adapters
	WeightFormatDQFloat4    WeightFormat = C.NNCF_WEIGHT_FORMAT_DQ_FLOAT4    // opset-23 float4e2m1 DequantizeLinear
)

func (f WeightFormat) String() string {
	return C.GoString(C.nncf_weight_format_name(C.nncf_weight_format(f)))
}

// CompressWeightsOptions mirrors nncf_compress_weights_params. Get one from
// NewCompressWeightsOptions, which fills in the library's defaults; a zero value is refused,
// because several defaults are not zero.
type CompressWeightsOptions struct {
	Mode              CompressWeightsMode
	Ratio             float64 // share of ratio-defining parameters in Mode; default 1
	GroupSize         int     // 0 (default): NNCF's default for the mode; -1: per channel
	AllLayers         bool    // embeddings and the last layer in Mode too
	SensitivityMetric SensitivityMetric
	BackupMode        BackupMode
	Format            WeightFormat
	AccuracyLevel     int  // MatMulNBits accuracy_level attribute; default 4
	AllowOpsetUpgrade bool // raise the opset when the format needs it; default true
	NumThreads        int  // 0 (default): one per core; the output never depends on it
	SubsetSize        int  // dataset items reduced for the data-aware steps; default 128
	AWQ               bool // AWQ for the 4-bit layers; data-free scales without a dataset
	ScaleEstimation   bool // fitted per-group scales; needs a dataset
	GPTQ              bool // GPTQ for the 4-bit layers; needs a dataset
	LoRACorrection    bool // low-rank correction branch per 4-bit MatMul; not with GPTQ
	IgnoredScope      IgnoredScope
	Advanced          *Config // nil: defaults; its "compress_weights" section is read
	Progress          ProgressFunc
	fromDefaults      bool
}

// NewCompressWeightsOptions returns the library's defaults (nncf_compress_weights_params_default).
func NewCompressWeightsOptions() *CompressWeightsOptions {
	var p C.nncf_compress_weights_params
	C.nncf_compress_weights_params_default(&p, C.uint32_t(unsafe.Sizeof(p)))
	return &CompressWeightsOptions{
		Mode:              CompressWeightsMode(p.mode),
		Ratio:             float64(p.ratio),
		GroupSize:         int(p.group_size),
		AllLayers:         p.all_layers != 0,
		SensitivityMetric: SensitivityMetric(p.sensitivity_metric),
		BackupMode:        BackupMode(p.backup_mode),
		Format:            WeightFormat(p.format),
		AccuracyLevel:     int(p.accuracy_level),
		AllowOpsetUpgrade: p.allow_opset_upgrade != 0,
		NumThreads:        int(p.num_threads),
		SubsetSize:        int(p.subset_size),
		AWQ:               p.awq != 0,
		ScaleEstimation:   p.scale_estimation != 0,
		GPTQ:              p.gptq != 0,
		LoRACorrection:    p.lora_correction != 0,
		fromDefaults:      true,
	}
}

// int32Field converts an int option, naming it when it does not fit.
func int32Field(name string, value int) (C.int32_t, error) {
	if value < math.MinInt32 || value > math.MaxInt32 {
		return 0, &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf("%s is %d; it must fit in an int32", name, value)}
	}
	return C.int32_t(value), nil
}

func cBool(value bool) C.int32_t {
	if value {
		return 1
	}
	return 0
}

func notFromDefaults(what, constructor string) error {
	return &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf(
		"%s must come from %s (several library defaults are not zero values)", what, constructor)}
}

// compressParams is an nncf_compress_weights_params with what it points to; free releases it.
type compressParams struct {
	raw      C.nncf_compress_weights_params
	scope    *cIgnoredScope
	progress *progressState
}

func newCompressParams(o *CompressWeightsOptions) (*compressParams, error) {
	if o == nil {
		o = NewCompressWeightsOptions()
	}
	if !o.fromDefaults {
		return nil, notFromDefaults("CompressWeightsOptions", "NewCompressWeightsOptions")
	}
	if o.Advanced != nil && o.Advanced.ptr == nil {
		return nil, closedError("CompressWeightsOptions.Advanced config")
	}
	p := &compressParams{}
	C.nncf_compress_weights_params_default(&p.raw, C.uint32_t(unsafe.Sizeof(p.raw)))
	var err error
	if p.raw.group_size, err = int32Field("CompressWeightsOptions.GroupSize", o.GroupSize); err != nil {
		return nil, err
	}
	if p.raw.accuracy_level, err = int32Field("CompressWeightsOptions.AccuracyLevel", o.AccuracyLevel); err != nil {
		return nil, err
	}
	if p.raw.num_threads, err = int32Field("CompressWeightsOptions.NumThreads", o.NumThreads); err != nil {
		return nil, err
	}
	p.raw.mode = C.nncf_compress_weights_mode(o.Mode)
	p.raw.ratio = C.double(o.Ratio)
	p.raw.all_layers = cBool(o.AllLayers)
	p.raw.sensitivity_metric = C.nncf_sensitivity_metric(o.SensitivityMetric)
	p.raw.backup_mode = C.nncf_backup_mode(o.BackupMode)
	p.raw.format = C.nncf_weight_format(o.Format)
	p.raw.allow_opset_upgrade = cBool(o.AllowOpsetUpgrade)
	p.raw.subset_size = C.int64_t(o.SubsetSize)
	p.raw.awq = cBool(o.AWQ)
	p.raw.scale_estimation = cBool(o.ScaleEstimation)
	p.raw.gptq = cBool(o.GPTQ)
	p.raw.lora_correction = cBool(o.LoRACorrection)
	if o.Advanced != nil {
		p.raw.advanced = o.Advanced.ptr
	}
	p.scope = newCIgnoredScope(&o.IgnoredScope)
	p.raw.ignored_scope = p.scope.ptr()
	p.progress = newProgress(o.Progress)
	if p.progress != nil {
		C.nncf_go_compress_weights_params_set_progress(&p.raw, C.uintptr_t(p.progress.handle))
	}
	return p, nil
}

func (p *compressParams) free() {
	p.scope.free()
	p.progress.release()
}

// datasetPtr is NULL for a nil dataset.
func datasetPtr(d *Dataset) (*C.nncf_dataset, error) {
	if d == nil {
		return nil, nil
	}
	if d.ptr == nil {
		return nil, closedError("dataset")
	}
	return d.ptr, nil
}

// callError pairs the library's error with the Go error behind it: a progress panic for a
// cancelled call, else what a dataset function returned or panicked with. Both are taken, so
// nothing carries over to the next call.
func callError(err error, progress *progressState, dataset *Dataset) error {
	progressErr := progress.takeErr()
	var datasetErr error
	if dataset != nil && dataset.errs != nil {
		datasetErr = dataset.errs.take()
	}
	if e, ok := err.(*Error); ok && e.Code == CodeCancelled && progressErr != nil {
		return withCallbackError(err, progressErr)
	}
	if datasetErr != nil {
		return withCallbackError(err, datasetErr)
	}
	return withCallbackError(err, progressErr)
}

// CompressWeights compresses the model's weights into a new model (nncf.compress_weights) and
// returns it with the JSON report (per layer: node, weight, mode, bits, group size, error).
// dataset may be nil (data-free); options may be nil (defaults).
func (m *Model) CompressWeights(dataset *Dataset, options *CompressWeightsOptions) (*Model, string, error) {
	if m.ptr == nil {
		return nil, "", closedError("model")
	}
	data, err := datasetPtr(dataset)
	if err != nil {
		return nil, "", err
	}
	params, err := newCompressParams(options)
	if err != nil {
		return nil, "", err
	}
	defer params.free()
	var out *C.nncf_model
	var report *C.nncf_blob
	err = statusError(C.nncf_compress_weights(m.ptr, data, &params.raw, &out, &report))
	runtime.KeepAlive(m)
	runtime.KeepAlive(dataset)
	runtime.KeepAlive(options)
	if err = callError(err, params.progress, dataset); err != nil {
		return nil, "", err
	}
	return newModel(out), string(takeBlob(report)), nil
}

// CompressWeightsFile compresses the model file inputPath into outputPath, streaming one weight
// at a time so that peak memory stays near the largest weight, and returns the JSON report.
// dataset, options and save may be nil. save.Progress is used when options.Progress is nil.
func CompressWeightsFile(inputPath, outputPath string, dataset *Dataset, options *CompressWeightsOptions,
	save *SaveOptions) (string, error) {
	if err := ensureRuntime(); err != nil {
		return "", err
	}
	data, err := datasetPtr(dataset)
	if err != nil {
		return "", err
	}
	params, err := newCompressParams(options)
	if err != nil {
		return "", err
	}
	defer params.free()
	saveRaw, saveProgress, freeSave := saveParams(save)
	defer freeSave()
	cInput := C.CString(inputPath)
	defer C.free(unsafe.Pointer(cInput))
	cOutput := C.CString(outputPath)
	defer C.free(unsafe.Pointer(cOutput))
	var report *C.nncf_blob
	err = statusError(C.nncf_compress_weights_file(cInput, cOutput, data, &params.raw, &saveRaw, &report))
	runtime.KeepAlive(dataset)
	runtime.KeepAlive(options)
	progress := params.progress
	if progress == nil {
		progress = saveProgress
	}
	if err = callError(err, progress, dataset); err != nil {
		return "", err
	}
	return string(takeBlob(report)), nil
}
