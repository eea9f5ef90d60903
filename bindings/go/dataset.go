package nncf

/*
#include <stdint.h>
#include <stdlib.h>
#include "nncf.h"

// Defined in shims.c.
nncf_status* nncf_go_dataset_create(uintptr_t handle, int64_t batch_size, nncf_dataset** out);
nncf_status* nncf_go_dataset_set_transform(nncf_dataset* dataset, uintptr_t handle);
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// ItemFunc writes dataset item index into out (a sample borrowed for the call). Return
// NewError(CodeNotFound, ...) to end a dataset of unknown length; any other error fails the
// library call with ErrCallback (ErrCancelled keeps its code).
type ItemFunc func(index int, out *Sample) error

// TransformFunc turns a raw item into model inputs (nncf.Dataset's transform_func). Both
// samples are borrowed for the call.
type TransformFunc func(item *Sample, out *Sample) error

// callbackErrors keeps the first Go error (or panic) from a dataset's callbacks until the
// library call that ran them returns.
type callbackErrors struct {
	mu  sync.Mutex
	err error
}

func (c *callbackErrors) record(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

func (c *callbackErrors) take() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.err
	c.err = nil
	return err
}

// datasetSource is the cgo.Handle value behind a Go-function dataset.
type datasetSource struct {
	length  int64
	getItem ItemFunc
	errs    *callbackErrors
}

type datasetTransform struct {
	fn   TransformFunc
	errs *callbackErrors
}

// Dataset is a sequence of samples for calibration or evaluation. A dataset must not be used by
// two goroutines at once.
type Dataset struct {
	ptr  *C.nncf_dataset
	errs *callbackErrors
}

func newDataset(ptr *C.nncf_dataset, errs *callbackErrors) *Dataset {
	d := &Dataset{ptr: ptr, errs: errs}
	runtime.SetFinalizer(d, (*Dataset).Close)
	return d
}

// NewDataset makes a dataset whose items come from getItem. length is the number of items, or
// -1 when unknown (items are then read until getItem returns a CodeNotFound error).
func NewDataset(length int, getItem ItemFunc) (*Dataset, error) {
	return NewDatasetWithBatchSize(length, 0, getItem)
}

// NewDatasetWithBatchSize is NewDataset for items that each hold a batch of batchSize (0 = unknown).
func NewDatasetWithBatchSize(length int, batchSize int, getItem ItemFunc) (*Dataset, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	if getItem == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "NewDataset: getItem is nil"}
	}
	if length < -1 {
		return nil, &Error{Code: CodeInvalidArgument,
			Message: fmt.Sprintf("NewDataset: length is %d; expected a count or -1 for unknown", length)}
	}
	errs := &callbackErrors{}
	handle := newHandle(&datasetSource{length: int64(length), getItem: getItem, errs: errs})
	var ptr *C.nncf_dataset
	if err := statusError(C.nncf_go_dataset_create(C.uintptr_t(handle), C.int64_t(batchSize), &ptr)); err != nil {
		deleteHandle(handle) // on failure the library does not call destroy
		return nil, err
	}
	return newDataset(ptr, errs), nil
}

// DatasetFromSamples makes a dataset over copies of samples.
func DatasetFromSamples(samples []*Sample) (*Dataset, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	var array *C.nncf_sample
	var pointers []*C.nncf_sample
	if len(samples) > 0 {
		// C memory, like every pointer array handed to the library (see cStrings).
		array = (*C.nncf_sample)(C.malloc(C.size_t(len(samples)) * C.size_t(unsafe.Sizeof((*C.nncf_sample)(nil)))))
		defer C.free(unsafe.Pointer(array))
		pointers = unsafe.Slice((**C.nncf_sample)(unsafe.Pointer(array)), len(samples))
		for i, s := range samples {
			if s == nil || s.ptr == nil {
				return nil, &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf("DatasetFromSamples: samples[%d] is nil or closed", i)}
			}
			pointers[i] = s.ptr
		}
	}
	var ptr *C.nncf_dataset
	err := statusError(C.nncf_dataset_create_from_samples((**C.nncf_sample)(unsafe.Pointer(array)), C.size_t(len(samples)), &ptr))
	runtime.KeepAlive(samples)
	if err != nil {
		return nil, err
	}
	return newDataset(ptr, &callbackErrors{}), nil
}

// Close frees the dataset and releases its Go functions; it is idempotent.
func (d *Dataset) Close() {
	if d.ptr == nil {
		return
	}
	C.nncf_dataset_free(d.ptr)
	d.ptr = nil
	runtime.SetFinalizer(d, nil)
}

// SetTransform installs fn as the dataset's transform, replacing any previous one; nil clears it.
func (d *Dataset) SetTransform(fn TransformFunc) error {
	if d.ptr == nil {
		return closedError("dataset")
	}
	defer runtime.KeepAlive(d)
	if fn == nil {
		return statusError(C.nncf_go_dataset_set_transform(d.ptr, 0))
	}
	handle := newHandle(&datasetTransform{fn: fn, errs: d.errs})
	if err := statusError(C.nncf_go_dataset_set_transform(d.ptr, C.uintptr_t(handle))); err != nil {
		deleteHandle(handle)
		return err
	}
	return nil
}

// Len is the number of items, or -1 when unknown.
func (d *Dataset) Len() (int, error) {
	if d.ptr == nil {
		return 0, closedError("dataset")
	}
	var n C.int64_t
	err := statusError(C.nncf_dataset_length(d.ptr, &n))
	runtime.KeepAlive(d)
	return int(n), err
}

// BatchSize is the items' batch size, or 0 when unknown.
func (d *Dataset) BatchSize() (int, error) {
	if d.ptr == nil {
		return 0, closedError("dataset")
	}
	var n C.int64_t
	err := statusError(C.nncf_dataset_batch_size(d.ptr, &n))
	runtime.KeepAlive(d)
	return int(n), err
}

// Get returns item index after the transform; past the end it fails with ErrNotFound. When a Go
// function failed, the error is a *CallbackError holding the library's status and the Go error.
func (d *Dataset) Get(index int) (*Sample, error) {
	if d.ptr == nil {
		return nil, closedError("dataset")
	}
	var out *C.nncf_sample
	err := withCallbackError(statusError(C.nncf_dataset_get_item(d.ptr, C.int64_t(index), &out)), d.errs.take())
	runtime.KeepAlive(d)
	if err != nil {
		return nil, err
	}
	return ownedSample(out), nil
}
