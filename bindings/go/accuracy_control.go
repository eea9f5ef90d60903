package nncf

/*
#include <stdint.h>
#include <stdlib.h>
#include "nncf.h"
void nncf_go_accuracy_control_params_set_validate(nncf_accuracy_control_params* params, uintptr_t handle);
void nncf_go_accuracy_control_params_set_progress(nncf_accuracy_control_params* params, uintptr_t handle);
*/
import "C"

import (
	"runtime"

	"unsafe"
)

// DropType is nncf_drop_type: how the metric drop is measured.
type DropType int32

const (
	DropAbsolute DropType = C.NNCF_DROP_TYPE_ABSOLUTE // initial - quantized
	DropRelative DropType = C.NNCF_DROP_TYPE_RELATIVE // |1 - quantized / initial|
)

func (d DropType) String() string { return C.GoString(C.nncf_drop_type_name(C.nncf_drop_type(d))) }

// RestoreMode is nncf_restore_mode: what reverting an op removes.
type RestoreMode int32

const (
	RestoreActivationsAndWeights RestoreMode = C.NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS
	RestoreOnlyActivations       RestoreMode = C.NNCF_RESTORE_MODE_ONLY_ACTIVATIONS
)

func (r RestoreMode) String() string {
	return C.GoString(C.nncf_restore_mode_name(C.nncf_restore_mode(r)))
}

// RankingMode is nncf_ranking_mode: how quantizer groups are ranked without per-item values.
type RankingMode int32

const (
	// RankingAuto is NNCF's rule: metric mode unless the validate func fails with
	// CodeUnsupported on the one-item probe.
	RankingAuto             RankingMode = C.NNCF_RANKING_MODE_AUTO
	RankingMetric           RankingMode = C.NNCF_RANKING_MODE_METRIC
	RankingOutputDifference RankingMode = C.NNCF_RANKING_MODE_OUTPUT_DIFFERENCE
)

func (r RankingMode) String() string {
	return C.GoString(C.nncf_ranking_mode_name(C.nncf_ranking_mode(r)))
}

// Validation is what a ValidateFunc returns: the metric (higher is better) and optionally one
// value per item of the view, in its order.
type Validation struct {
	Metric  float64
	PerItem []float64
}

// ValidateFunc evaluates model on items. model is borrowed: valid during the call only (Infer,
// Save or SummaryJSON it; never keep it). items is a view of the validation dataset; its
// SourceIndex maps a view index to the validation dataset's index. Return an *Error with
// CodeCancelled to stop, with CodeUnsupported on a one-item view to ask for output-difference
// ranking (RankingAuto); any other error fails the call.
type ValidateFunc func(model *Model, items *Dataset) (Validation, error)

// validateState is the cgo.Handle value behind a ValidateFunc for one call.
type validateState struct {
	fn   ValidateFunc
	errs *callbackErrors
}

// AccuracyControlOptions mirror nncf_accuracy_control_params. Create them with
// NewAccuracyControlOptions.
type AccuracyControlOptions struct {
	Quantize          *QuantizeOptions // nil: defaults; its Progress is not used
	MaxDrop           float64          // default 0.01
	DropType          DropType
	MaxNumIterations  int // -1 (default): no limit; 0: the quantized model is returned
	TuneHyperparams   bool
	RankingSubsetSize int // 0 (default): Quantize.SubsetSize
	RestoreMode       RestoreMode
	Ranking           RankingMode
	// IntermediateModelDir, when set, receives intermediate_model.onnx (the quantized model
	// before any revert) if the call succeeds.
	IntermediateModelDir string
	Progress             ProgressFunc
	fromDefaults         bool
}

// NewAccuracyControlOptions returns the library's defaults.
func NewAccuracyControlOptions() *AccuracyControlOptions {
	var p C.nncf_accuracy_control_params
	C.nncf_accuracy_control_params_default(&p, C.uint32_t(unsafe.Sizeof(p)))
	return &AccuracyControlOptions{
		MaxDrop:           float64(p.max_drop),
		DropType:          DropType(p.drop_type),
		MaxNumIterations:  int(p.max_num_iterations),
		TuneHyperparams:   p.tune_hyperparams != 0,
		RankingSubsetSize: int(p.ranking_subset_size),
		RestoreMode:       RestoreMode(p.restore_mode),
		Ranking:           RankingMode(p.ranking),
		fromDefaults:      true,
	}
}

// AccuracyControlSummary is nncf_accuracy_control_summary.
type AccuracyControlSummary struct {
	InitialMetric   float64
	QuantizedMetric float64 // before any revert
	FinalMetric     float64 // of the returned model
	FinalDrop       float64
	TargetMet       bool // false: no model met MaxDrop; the best one seen is returned
	RevertedGroups  int64
	ValidationCalls int64
}

// QuantizeWithAccuracyControl quantizes the model as Quantize does, then reverts groups of
// quantizers to float until the metric drop is within MaxDrop
// (nncf.quantize_with_accuracy_control). It returns the best model seen, the summary and the
// JSON report. A missed target is not an error: the summary says so. options may be nil.
func (m *Model) QuantizeWithAccuracyControl(calibration, validation *Dataset, validate ValidateFunc,
	options *AccuracyControlOptions) (*Model, AccuracyControlSummary, string, error) {
	var summary AccuracyControlSummary
	if m.ptr == nil {
		return nil, summary, "", closedError("model")
	}
	if calibration == nil || calibration.ptr == nil {
		return nil, summary, "", closedError("calibration dataset")
	}
	if validation == nil || validation.ptr == nil {
		return nil, summary, "", closedError("validation dataset")
	}
	if validate == nil {
		return nil, summary, "", &Error{Code: CodeInvalidArgument, Message: "the validate func is nil"}
	}
	if options == nil {
		options = NewAccuracyControlOptions()
	}
	if !options.fromDefaults {
		return nil, summary, "", notFromDefaults("AccuracyControlOptions", "NewAccuracyControlOptions")
	}
	quantize, err := newQuantizeParams(options.Quantize)
	if err != nil {
		return nil, summary, "", err
	}
	defer quantize.free()
	// Both structs hold pointers, so they live in C memory (cgo forbids Go pointers to Go
	// pointers).
	cQuantize := (*C.nncf_quantize_params)(C.malloc(C.size_t(unsafe.Sizeof(quantize.raw))))
	defer C.free(unsafe.Pointer(cQuantize))
	*cQuantize = quantize.raw
	p := (*C.nncf_accuracy_control_params)(C.calloc(1, C.size_t(unsafe.Sizeof(C.nncf_accuracy_control_params{}))))
	defer C.free(unsafe.Pointer(p))
	C.nncf_accuracy_control_params_default(p, C.uint32_t(unsafe.Sizeof(*p)))
	p.quantize = cQuantize
	p.max_drop = C.double(options.MaxDrop)
	p.drop_type = C.nncf_drop_type(options.DropType)
	p.max_num_iterations = C.int64_t(options.MaxNumIterations)
	p.tune_hyperparams = cBool(options.TuneHyperparams)
	p.ranking_subset_size = C.int64_t(options.RankingSubsetSize)
	p.restore_mode = C.nncf_restore_mode(options.RestoreMode)
	p.ranking = C.nncf_ranking_mode(options.Ranking)
	if options.IntermediateModelDir != "" {
		dir := C.CString(options.IntermediateModelDir)
		defer C.free(unsafe.Pointer(dir))
		p.intermediate_model_dir = dir
	}
	state := &validateState{fn: validate, errs: &callbackErrors{}}
	handle := newHandle(state)
	defer deleteHandle(handle)
	C.nncf_go_accuracy_control_params_set_validate(p, C.uintptr_t(handle))
	progress := newProgress(options.Progress)
	defer progress.release()
	if progress != nil {
		C.nncf_go_accuracy_control_params_set_progress(p, C.uintptr_t(progress.handle))
	}
	var out *C.nncf_model
	var report *C.nncf_blob
	var cSummary C.nncf_accuracy_control_summary
	cSummary.struct_size = C.uint32_t(unsafe.Sizeof(cSummary))
	err = statusError(C.nncf_quantize_with_accuracy_control(m.ptr, calibration.ptr, validation.ptr, p,
		&out, &cSummary, &report))
	runtime.KeepAlive(m)
	runtime.KeepAlive(calibration)
	runtime.KeepAlive(validation)
	if validateErr := state.errs.take(); validateErr != nil && err != nil {
		return nil, summary, "", withCallbackError(err, validateErr)
	}
	if err = callError(err, progress, calibration); err != nil {
		return nil, summary, "", err
	}
	summary = AccuracyControlSummary{
		InitialMetric:   float64(cSummary.initial_metric),
		QuantizedMetric: float64(cSummary.quantized_metric),
		FinalMetric:     float64(cSummary.final_metric),
		FinalDrop:       float64(cSummary.final_drop),
		TargetMet:       cSummary.target_met != 0,
		RevertedGroups:  int64(cSummary.reverted_groups),
		ValidationCalls: int64(cSummary.validation_calls),
	}
	return newModel(out), summary, string(takeBlob(report)), nil
}

// SourceIndex maps item i of a view a ValidateFunc received to the validation dataset's index;
// for any other dataset it returns i.
func (d *Dataset) SourceIndex(i int) (int, error) {
	if d.ptr == nil {
		return 0, closedError("dataset")
	}
	var out C.int64_t
	err := statusError(C.nncf_dataset_source_index(d.ptr, C.int64_t(i), &out))
	runtime.KeepAlive(d)
	return int(out), err
}
