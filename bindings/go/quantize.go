package nncf

/*
#include <stdint.h>
#include <stdlib.h>
#include "nncf.h"

// Defined in shims.c: installs the exported Go progress callback with handle as user_data.
void nncf_go_quantize_params_set_progress(nncf_quantize_params* params, uintptr_t handle);
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// QuantizationMode is nncf.QuantizationMode (nncf_quantization_mode).
type QuantizationMode int32

const (
	QuantizationModeInt8    QuantizationMode = C.NNCF_QUANTIZATION_MODE_INT8     // NNCF's None (default)
	QuantizationModeFP8E4M3 QuantizationMode = C.NNCF_QUANTIZATION_MODE_FP8_E4M3 // float8e4m3fn, opset 19
	QuantizationModeFP8E5M2 QuantizationMode = C.NNCF_QUANTIZATION_MODE_FP8_E5M2 // float8e5m2, opset 19
)

func (m QuantizationMode) String() string {
	return C.GoString(C.nncf_quantization_mode_name(C.nncf_quantization_mode(m)))
}

// QuantizationPreset is nncf.QuantizationPreset (nncf_quantization_preset).
type QuantizationPreset int32

const (
	// PresetDefault is NNCF's None: PresetMixed for transformers, else PresetPerformance.
	PresetDefault     QuantizationPreset = C.NNCF_PRESET_DEFAULT
	PresetPerformance QuantizationPreset = C.NNCF_PRESET_PERFORMANCE // symmetric weights and activations
	PresetMixed       QuantizationPreset = C.NNCF_PRESET_MIXED       // symmetric weights, asymmetric activations
)

func (p QuantizationPreset) String() string {
	return C.GoString(C.nncf_quantization_preset_name(C.nncf_quantization_preset(p)))
}

// TargetDevice is nncf.TargetDevice (nncf_target_device).
type TargetDevice int32

const (
	TargetDeviceAny    TargetDevice = C.NNCF_TARGET_DEVICE_ANY // default
	TargetDeviceCPU    TargetDevice = C.NNCF_TARGET_DEVICE_CPU
	TargetDeviceGPU    TargetDevice = C.NNCF_TARGET_DEVICE_GPU
	TargetDeviceNPU    TargetDevice = C.NNCF_TARGET_DEVICE_NPU
	TargetDeviceCPUSPR TargetDevice = C.NNCF_TARGET_DEVICE_CPU_SPR // refused for ONNX models, as NNCF does
)

func (d TargetDevice) String() string {
	return C.GoString(C.nncf_target_device_name(C.nncf_target_device(d)))
}

// ModelType is nncf.ModelType (nncf_model_type).
type ModelType int32

const (
	ModelTypeDefault ModelType = C.NNCF_MODEL_TYPE_DEFAULT // NNCF's None
	// ModelTypeTransformer enables transformer patterns, ignored metatypes and SmoothQuant.
	ModelTypeTransformer ModelType = C.NNCF_MODEL_TYPE_TRANSFORMER
)

func (t ModelType) String() string {
	return C.GoString(C.nncf_model_type_name(C.nncf_model_type(t)))
}

// OverflowFix is nncf.OverflowFix (nncf_overflow_fix).
type OverflowFix int32

const (
	// OverflowFixDefault is OverflowFixFirstLayer, or OverflowFixDisable when a bit width is not 8.
	OverflowFixDefault    OverflowFix = C.NNCF_OVERFLOW_FIX_DEFAULT
	OverflowFixEnable     OverflowFix = C.NNCF_OVERFLOW_FIX_ENABLE
	OverflowFixFirstLayer OverflowFix = C.NNCF_OVERFLOW_FIX_FIRST_LAYER // NNCF's "first_layer_only"
	OverflowFixDisable    OverflowFix = C.NNCF_OVERFLOW_FIX_DISABLE
)

func (f OverflowFix) String() string {
	return C.GoString(C.nncf_overflow_fix_name(C.nncf_overflow_fix(f)))
}

// QuantizationScheme is nncf.QuantizationScheme (nncf_quantization_scheme). The header has no
// name function for it, so String spells the names here.
type QuantizationScheme int32

const (
	QuantizationSchemeDefault    QuantizationScheme = C.NNCF_QUANTIZATION_SCHEME_DEFAULT // from the preset
	QuantizationSchemeSymmetric  QuantizationScheme = C.NNCF_QUANTIZATION_SCHEME_SYMMETRIC
	QuantizationSchemeAsymmetric QuantizationScheme = C.NNCF_QUANTIZATION_SCHEME_ASYMMETRIC
)

func (s QuantizationScheme) String() string {
	switch s {
	case QuantizationSchemeDefault:
		return "default"
	case QuantizationSchemeSymmetric:
		return "symmetric"
	case QuantizationSchemeAsymmetric:
		return "asymmetric"
	}
	return "unknown"
}

// Bool returns a pointer to v, for the optional (tri-state) bool fields.
func Bool(v bool) *bool { return &v }

func triState(v *bool) C.int32_t {
	if v == nil {
		return -1
	}
	return cBool(*v)
}

// QuantizationParameters is nncf.QuantizationParameters for weights or activations
// (nncf_quantization_parameters). Get one from NewQuantizationParameters, whose every field is
// NNCF's None (the hardware config and the preset decide); a literal is refused, because the
// zero Mode is Symmetric, not the default. Nil pointers mean unset.
type QuantizationParameters struct {
	NumBits           int // 0: 8
	Mode              QuantizationScheme
	SignednessToForce *bool // true: signed, false: unsigned
	PerChannel        *bool
	NarrowRange       *bool
	fromDefaults      bool
}

// NewQuantizationParameters returns the library's defaults (Mode QuantizationSchemeDefault).
func NewQuantizationParameters() *QuantizationParameters {
	var p C.nncf_quantization_parameters
	C.nncf_quantization_parameters_default(&p, C.uint32_t(unsafe.Sizeof(p)))
	return &QuantizationParameters{NumBits: int(p.num_bits), Mode: QuantizationScheme(p.mode), fromDefaults: true}
}

// newCQuantizationParameters returns the parameters in C memory (nil for nil).
func newCQuantizationParameters(p *QuantizationParameters, name string) (*C.nncf_quantization_parameters, error) {
	if p == nil {
		return nil, nil
	}
	if !p.fromDefaults {
		return nil, notFromDefaults("QuantizeOptions."+name, "NewQuantizationParameters")
	}
	bits, err := int32Field("QuantizeOptions."+name+".NumBits", p.NumBits)
	if err != nil {
		return nil, err
	}
	c := (*C.nncf_quantization_parameters)(C.calloc(1, C.size_t(unsafe.Sizeof(C.nncf_quantization_parameters{}))))
	C.nncf_quantization_parameters_default(c, C.uint32_t(unsafe.Sizeof(*c)))
	c.num_bits = bits
	c.mode = C.nncf_quantization_scheme(p.Mode)
	c.signedness_to_force = triState(p.SignednessToForce)
	c.per_channel = triState(p.PerChannel)
	c.narrow_range = triState(p.NarrowRange)
	return c, nil
}

// QuantizeOptions mirrors nncf_quantize_params (nncf.quantize's parameters with
// nncf.AdvancedQuantizationParameters flattened in). Get one from NewQuantizeOptions, which
// fills in the library's defaults; a zero value is refused, because several defaults are not
// zero. A field left at its default does not override the Advanced config.
type QuantizeOptions struct {
	Mode                        QuantizationMode
	Preset                      QuantizationPreset
	TargetDevice                TargetDevice
	SubsetSize                  int64 // dataset items used for statistics; default 300
	FastBiasCorrection          bool  // default true; false: the full BiasCorrection
	ModelType                   ModelType
	IgnoredScope                IgnoredScope
	OverflowFix                 OverflowFix
	QuantizeOutputs             bool // quantize model outputs too
	DisableBiasCorrection       bool
	BatchwiseStatistics         *bool                   // nil (default): true when the dataset's batch size is > 1
	Activations                 *QuantizationParameters // nil: defaults
	Weights                     *QuantizationParameters // nil: defaults
	SmoothQuantAlphaMatMul      float64                 // default 0.95; negative disables
	SmoothQuantAlphaConvolution float64                 // default -1 (off)
	BiasCorrectionThreshold     float64                 // 0 (default): 2 for fast, 1000 for full bias correction
	FoldWeights                 bool                    // int8 weight initializers behind DequantizeLinear; default true
	AllowOpsetUpgrade           bool                    // default false: fail naming the opset the output needs
	NumThreads                  int                     // 0 (default): one per core
	Advanced                    *Config                 // nil: defaults; its "quantize" section is read first
	Progress                    ProgressFunc
	fromDefaults                bool
}

// NewQuantizeOptions returns the library's defaults (nncf_quantize_params_default).
func NewQuantizeOptions() *QuantizeOptions {
	var p C.nncf_quantize_params
	C.nncf_quantize_params_default(&p, C.uint32_t(unsafe.Sizeof(p)))
	o := &QuantizeOptions{
		Mode:                        QuantizationMode(p.mode),
		Preset:                      QuantizationPreset(p.preset),
		TargetDevice:                TargetDevice(p.target_device),
		SubsetSize:                  int64(p.subset_size),
		FastBiasCorrection:          p.fast_bias_correction != 0,
		ModelType:                   ModelType(p.model_type),
		OverflowFix:                 OverflowFix(p.overflow_fix),
		QuantizeOutputs:             p.quantize_outputs != 0,
		DisableBiasCorrection:       p.disable_bias_correction != 0,
		SmoothQuantAlphaMatMul:      float64(p.smooth_quant_alpha_matmul),
		SmoothQuantAlphaConvolution: float64(p.smooth_quant_alpha_convolution),
		BiasCorrectionThreshold:     float64(p.bias_correction_threshold),
		FoldWeights:                 p.fold_weights != 0,
		AllowOpsetUpgrade:           p.allow_opset_upgrade != 0,
		NumThreads:                  int(p.num_threads),
		fromDefaults:                true,
	}
	if p.batchwise_statistics >= 0 {
		o.BatchwiseStatistics = Bool(p.batchwise_statistics != 0)
	}
	return o
}

// quantizeParams is an nncf_quantize_params with what it points to; free releases it.
type quantizeParams struct {
	raw         C.nncf_quantize_params
	scope       *cIgnoredScope
	activations *C.nncf_quantization_parameters
	weights     *C.nncf_quantization_parameters
	progress    *progressState
}

func newQuantizeParams(o *QuantizeOptions) (*quantizeParams, error) {
	if o == nil {
		o = NewQuantizeOptions()
	}
	if !o.fromDefaults {
		return nil, notFromDefaults("QuantizeOptions", "NewQuantizeOptions")
	}
	if o.Advanced != nil && o.Advanced.ptr == nil {
		return nil, closedError("QuantizeOptions.Advanced config")
	}
	p := &quantizeParams{}
	C.nncf_quantize_params_default(&p.raw, C.uint32_t(unsafe.Sizeof(p.raw)))
	var err error
	if p.raw.num_threads, err = int32Field("QuantizeOptions.NumThreads", o.NumThreads); err != nil {
		return nil, err
	}
	if p.activations, err = newCQuantizationParameters(o.Activations, "Activations"); err != nil {
		return nil, err
	}
	if p.weights, err = newCQuantizationParameters(o.Weights, "Weights"); err != nil {
		p.free()
		return nil, err
	}
	p.raw.mode = C.nncf_quantization_mode(o.Mode)
	p.raw.preset = C.nncf_quantization_preset(o.Preset)
	p.raw.target_device = C.nncf_target_device(o.TargetDevice)
	p.raw.subset_size = C.int64_t(o.SubsetSize)
	p.raw.fast_bias_correction = cBool(o.FastBiasCorrection)
	p.raw.model_type = C.nncf_model_type(o.ModelType)
	p.raw.overflow_fix = C.nncf_overflow_fix(o.OverflowFix)
	p.raw.quantize_outputs = cBool(o.QuantizeOutputs)
	p.raw.disable_bias_correction = cBool(o.DisableBiasCorrection)
	p.raw.batchwise_statistics = triState(o.BatchwiseStatistics)
	p.raw.activations = p.activations
	p.raw.weights = p.weights
	p.raw.smooth_quant_alpha_matmul = C.double(o.SmoothQuantAlphaMatMul)
	p.raw.smooth_quant_alpha_convolution = C.double(o.SmoothQuantAlphaConvolution)
	p.raw.bias_correction_threshold = C.double(o.BiasCorrectionThreshold)
	p.raw.fold_weights = cBool(o.FoldWeights)
	p.raw.allow_opset_upgrade = cBool(o.AllowOpsetUpgrade)
	if o.Advanced != nil {
		p.raw.advanced = o.Advanced.ptr
	}
	p.scope = newCIgnoredScope(&o.IgnoredScope)
	p.raw.ignored_scope = p.scope.ptr()
	p.progress = newProgress(o.Progress)
	if p.progress != nil {
		C.nncf_go_quantize_params_set_progress(&p.raw, C.uintptr_t(p.progress.handle))
	}
	return p, nil
}

func (p *quantizeParams) free() {
	p.scope.free()
	C.free(unsafe.Pointer(p.activations))
	C.free(unsafe.Pointer(p.weights))
	p.progress.release()
}

// Quantize quantizes the model into a new one with QuantizeLinear/DequantizeLinear pairs,
// calibrated on the first SubsetSize items of dataset (nncf.quantize), and returns it with the
// JSON report: per quantizer the tensor, dtype, axis, scale, zero point and observed range; per
// corrected layer the bias shift. options may be nil (defaults).
func (m *Model) Quantize(dataset *Dataset, options *QuantizeOptions) (*Model, string, error) {
	if m.ptr == nil {
		return nil, "", closedError("model")
	}
	if dataset == nil || dataset.ptr == nil {
		return nil, "", closedError("dataset")
	}
	params, err := newQuantizeParams(options)
	if err != nil {
		return nil, "", err
	}
	defer params.free()
	var out *C.nncf_model
	var report *C.nncf_blob
	err = statusError(C.nncf_quantize(m.ptr, dataset.ptr, &params.raw, &out, &report))
	runtime.KeepAlive(m)
	runtime.KeepAlive(dataset)
	runtime.KeepAlive(options)
	if err = callError(err, params.progress, dataset); err != nil {
		return nil, "", err
	}
	return newModel(out), string(takeBlob(report)), nil
}

// QuantizePlan returns where quantizers would go, as JSON, without calibrating (no dataset
// needed). options may be nil (defaults).
func (m *Model) QuantizePlan(options *QuantizeOptions) (string, error) {
	if m.ptr == nil {
		return "", closedError("model")
	}
	params, err := newQuantizeParams(options)
	if err != nil {
		return "", err
	}
	defer params.free()
	var plan *C.nncf_blob
	err = statusError(C.nncf_quantize_plan(m.ptr, &params.raw, &plan))
	runtime.KeepAlive(m)
	runtime.KeepAlive(options)
	if err = callError(err, params.progress, nil); err != nil {
		return "", err
	}
	return string(takeBlob(plan)), nil
}
