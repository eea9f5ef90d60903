package nncf

/*
#include <stdlib.h>
#include "nncf.h"

// Defined in shims.c: installs the exported Go progress callback with handle as user_data.
void nncf_go_save_params_set_progress(nncf_model_save_params* params, uintptr_t handle);
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Model is an ONNX model. It is immutable once loaded, so its methods may be called from several
// goroutines at once; only Close needs exclusive access.
type Model struct {
	ptr *C.nncf_model
}

// Dim is one dimension of a model input or output: Size >= 0, or Size == -1 with the symbolic
// name (possibly empty) in Param.
type Dim struct {
	Size  int64
	Param string
}

// ValueInfo describes a model input or output. HasShape is false when even the rank is unknown.
type ValueInfo struct {
	Name     string
	DType    DType
	HasShape bool
	Shape    []Dim
}

// LoadOptions mirrors nncf_model_load_params; the zero value means the library defaults.
type LoadOptions struct {
	BaseDir        string // directory external data is relative to; "" = the model's directory
	NoMmap         bool   // read external data into memory instead of mapping it
	SkipValidation bool   // skip the structural check of the model
}

// ExternalData selects where tensors go when saving (nncf_external_data_mode).
type ExternalData int32

const (
	ExternalDataAuto   ExternalData = C.NNCF_EXTERNAL_DATA_AUTO
	ExternalDataAlways ExternalData = C.NNCF_EXTERNAL_DATA_ALWAYS
	ExternalDataNever  ExternalData = C.NNCF_EXTERNAL_DATA_NEVER
)

// SaveOptions mirrors nncf_model_save_params; the zero value means the library defaults.
type SaveOptions struct {
	ExternalData     ExternalData
	ExternalDataFile string // "" = "<model file>.data"
	SizeThreshold    uint64 // 0 = the library default (1024 bytes)
	// Progress, if set, gets (stage, fraction in [0,1]); returning false cancels the save, which
	// then fails with ErrCancelled.
	Progress func(stage string, fraction float64) bool
}

// InferOptions mirrors nncf_infer_params.
type InferOptions struct {
	NumThreads int      // 0 = one per core
	Outputs    []string // nil = the graph outputs
}

func loadParams(options *LoadOptions) (C.nncf_model_load_params, func()) {
	var params C.nncf_model_load_params
	C.nncf_model_load_params_default(&params, C.uint32_t(unsafe.Sizeof(params)))
	free := func() {}
	if options == nil {
		return params, free
	}
	if options.BaseDir != "" {
		dir := C.CString(options.BaseDir)
		params.base_dir = dir
		free = func() { C.free(unsafe.Pointer(dir)) }
	}
	if options.NoMmap {
		params.mmap_external_data = 0
	}
	if options.SkipValidation {
		params.validate = 0
	}
	return params, free
}

func newModel(ptr *C.nncf_model) *Model {
	m := &Model{ptr: ptr}
	runtime.SetFinalizer(m, (*Model).Close)
	return m
}

// LoadModel loads an ONNX file; options may be nil.
func LoadModel(path string, options *LoadOptions) (*Model, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))
	params, free := loadParams(options)
	defer free()
	var ptr *C.nncf_model
	if err := statusError(C.nncf_model_load_file(cPath, &params, &ptr)); err != nil {
		return nil, err
	}
	return newModel(ptr), nil
}

// LoadModelBytes loads a serialized ModelProto (copied); options may be nil.
func LoadModelBytes(data []byte, options *LoadOptions) (*Model, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	params, free := loadParams(options)
	defer free()
	// The library rejects NULL data even for size 0, so an empty slice gets a one-byte buffer.
	buffer := data
	if len(buffer) == 0 {
		buffer = []byte{0}
	}
	var ptr *C.nncf_model
	err := statusError(C.nncf_model_load_memory(unsafe.Pointer(&buffer[0]), C.size_t(len(data)), &params, &ptr))
	if err != nil {
		return nil, err
	}
	return newModel(ptr), nil
}

// Close frees the model; it is idempotent.
func (m *Model) Close() {
	if m.ptr == nil {
		return
	}
	C.nncf_model_free(m.ptr)
	m.ptr = nil
	runtime.SetFinalizer(m, nil)
}

// Save writes the model to path (through a temporary file, so a failure leaves no partial file);
// options may be nil.
func (m *Model) Save(path string, options *SaveOptions) error {
	if m.ptr == nil {
		return closedError("model")
	}
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))
	params, progress, free := saveParams(options)
	defer free()
	err := statusError(C.nncf_model_save_file(m.ptr, cPath, &params))
	runtime.KeepAlive(m)
	return withCallbackError(err, progress.takeErr())
}

// saveParams converts options (nil: defaults) into nncf_model_save_params, with the options'
// progress function installed; free releases what the params point to.
func saveParams(options *SaveOptions) (params C.nncf_model_save_params, progress *progressState, free func()) {
	C.nncf_model_save_params_default(&params, C.uint32_t(unsafe.Sizeof(params)))
	var file *C.char
	free = func() {
		if file != nil {
			C.free(unsafe.Pointer(file))
		}
		progress.release()
	}
	if options == nil {
		return params, nil, free
	}
	params.external_data = C.nncf_external_data_mode(options.ExternalData)
	if options.ExternalDataFile != "" {
		file = C.CString(options.ExternalDataFile)
		params.external_data_file = file
	}
	if options.SizeThreshold != 0 {
		params.size_threshold = C.uint64_t(options.SizeThreshold)
	}
	progress = newProgress(options.Progress)
	if progress != nil {
		C.nncf_go_save_params_set_progress(&params, C.uintptr_t(progress.handle))
	}
	return params, progress, free
}

// Bytes serializes the whole model as one ModelProto.
func (m *Model) Bytes() ([]byte, error) {
	if m.ptr == nil {
		return nil, closedError("model")
	}
	var blob *C.nncf_blob
	err := statusError(C.nncf_model_save_memory(m.ptr, &blob))
	runtime.KeepAlive(m)
	if err != nil {
		return nil, err
	}
	return takeBlob(blob), nil
}

// SummaryJSON describes the model: IR version, opsets, producer, op histogram, inputs, outputs.
func (m *Model) SummaryJSON() (string, error) {
	if m.ptr == nil {
		return "", closedError("model")
	}
	var blob *C.nncf_blob
	err := statusError(C.nncf_model_summary_json(m.ptr, &blob))
	runtime.KeepAlive(m)
	if err != nil {
		return "", err
	}
	return string(takeBlob(blob)), nil
}

// Inputs lists the graph inputs that are not initializers.
func (m *Model) Inputs() ([]ValueInfo, error) { return m.values(false) }

// Outputs lists the graph outputs.
func (m *Model) Outputs() ([]ValueInfo, error) { return m.values(true) }

func (m *Model) values(outputs bool) ([]ValueInfo, error) {
	if m.ptr == nil {
		return nil, closedError("model")
	}
	defer runtime.KeepAlive(m)
	n := C.nncf_model_num_inputs(m.ptr)
	if outputs {
		n = C.nncf_model_num_outputs(m.ptr)
	}
	result := make([]ValueInfo, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		info := newTensorInfo()
		var status *C.nncf_status
		if outputs {
			status = C.nncf_model_output_info(m.ptr, i, &info)
		} else {
			status = C.nncf_model_input_info(m.ptr, i, &info)
		}
		if err := statusError(status); err != nil {
			return nil, err
		}
		v := ValueInfo{Name: C.GoString(info.name), DType: DType(info.dtype), HasShape: info.has_shape != 0}
		if v.HasShape {
			sizes := unsafe.Slice((*int64)(unsafe.Pointer(info.shape)), int(info.ndim))
			var params []*C.char
			if info.dim_params != nil {
				params = unsafe.Slice((**C.char)(unsafe.Pointer(info.dim_params)), int(info.ndim))
			}
			v.Shape = make([]Dim, int(info.ndim))
			for d := range v.Shape {
				v.Shape[d].Size = sizes[d]
				if sizes[d] < 0 && params != nil && params[d] != nil {
					v.Shape[d].Param = C.GoString(params[d])
				}
			}
		}
		result = append(result, v)
	}
	return result, nil
}

// Infer runs the model on the tensors of inputs (extra tensors such as labels are ignored) and
// returns the requested outputs in a new sample; options may be nil.
func (m *Model) Infer(inputs *Sample, options *InferOptions) (*Sample, error) {
	if m.ptr == nil {
		return nil, closedError("model")
	}
	if inputs == nil || inputs.ptr == nil {
		return nil, closedError("input sample")
	}
	var params C.nncf_infer_params
	C.nncf_infer_params_default(&params, C.uint32_t(unsafe.Sizeof(params)))
	if options != nil {
		if options.NumThreads < 0 {
			return nil, &Error{Code: CodeInvalidArgument, Message: "InferOptions.NumThreads must be >= 0"}
		}
		params.num_threads = C.int32_t(options.NumThreads)
		names := newCStrings(options.Outputs)
		defer names.free()
		params.output_names = names.ptr()
		params.n_output_names = C.size_t(len(options.Outputs))
	}
	var out *C.nncf_sample
	err := statusError(C.nncf_model_infer(m.ptr, inputs.ptr, &params, &out))
	runtime.KeepAlive(m)
	runtime.KeepAlive(inputs)
	if err != nil {
		return nil, err
	}
	return ownedSample(out), nil
}
