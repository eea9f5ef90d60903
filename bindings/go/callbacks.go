package nncf

// Exported Go functions the C shims in shims.c install as library callbacks. A file with
// //export may only declare things in its preamble.

/*
#include <stdint.h>
#include <stdlib.h>
#include "nncf.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime/cgo"
	"sync/atomic"
	"unsafe"
)

// liveHandles counts the cgo handles the library holds for Go callbacks (a leak check for tests).
var liveHandles atomic.Int64

func newHandle(value interface{}) cgo.Handle {
	liveHandles.Add(1)
	return cgo.NewHandle(value)
}

func deleteHandle(handle cgo.Handle) {
	handle.Delete()
	liveHandles.Add(-1)
}

// statusFor turns a callback's error into a status the library takes ownership of.
func statusFor(err error) *C.nncf_status {
	code := CodeCallback
	var e *Error
	if errors.As(err, &e) && e.Code != CodeOK {
		code = e.Code
	}
	message := C.CString(err.Error())
	defer C.free(unsafe.Pointer(message))
	return C.nncf_status_create(C.nncf_code(code), message)
}

// recovered converts a recovered panic value into an error.
func recovered(value interface{}) error { return &PanicError{Value: value} }

//export nncfGoDatasetLength
func nncfGoDatasetLength(handle C.uintptr_t) C.int64_t {
	return C.int64_t(cgo.Handle(handle).Value().(*datasetSource).length)
}

//export nncfGoDatasetGetItem
func nncfGoDatasetGetItem(handle C.uintptr_t, index C.int64_t, out *C.nncf_sample) (status *C.nncf_status) {
	source := cgo.Handle(handle).Value().(*datasetSource)
	sample := &Sample{ptr: out, borrowed: true}
	defer func() {
		sample.ptr = nil // the library's sample is gone after the callback
		if value := recover(); value != nil {
			err := recovered(value)
			source.errs.record(err)
			status = statusFor(err)
		}
	}()
	if err := source.getItem(int(index), sample); err != nil {
		source.errs.record(err)
		return statusFor(err)
	}
	return nil
}

//export nncfGoDatasetTransform
func nncfGoDatasetTransform(handle C.uintptr_t, item *C.nncf_sample, out *C.nncf_sample) (status *C.nncf_status) {
	transform := cgo.Handle(handle).Value().(*datasetTransform)
	input := &Sample{ptr: item, borrowed: true}
	output := &Sample{ptr: out, borrowed: true}
	defer func() {
		input.ptr, output.ptr = nil, nil
		if value := recover(); value != nil {
			err := recovered(value)
			transform.errs.record(err)
			status = statusFor(err)
		}
	}()
	if err := transform.fn(input, output); err != nil {
		transform.errs.record(err)
		return statusFor(err)
	}
	return nil
}

//export nncfGoHandleDelete
func nncfGoHandleDelete(handle C.uintptr_t) {
	deleteHandle(cgo.Handle(handle))
}

//export nncfGoProgress
func nncfGoProgress(handle C.uintptr_t, stage *C.char, fraction C.double) (keepGoing C.int32_t) {
	state := cgo.Handle(handle).Value().(*progressState)
	defer func() {
		if value := recover(); value != nil {
			if state.err == nil {
				state.err = recovered(value)
			}
			keepGoing = 0
		}
	}()
	if state.fn(C.GoString(stage), float64(fraction)) {
		return 1
	}
	return 0
}

//export nncfGoLog
func nncfGoLog(handle C.uintptr_t, level C.nncf_log_level, component *C.char, message *C.char) {
	fn := cgo.Handle(handle).Value().(LogFunc)
	defer func() {
		// No caller to hand a logger's panic to: report it and carry on.
		if value := recover(); value != nil {
			fmt.Fprintf(os.Stderr, "nncf: log callback panicked: %v\n", value)
		}
	}()
	fn(LogLevel(level), C.GoString(component), C.GoString(message))
}

//export nncfGoValidate
func nncfGoValidate(handle C.uintptr_t, model *C.nncf_model, items *C.nncf_dataset, output *C.nncf_validation_output) (status *C.nncf_status) {
	state := cgo.Handle(handle).Value().(*validateState)
	borrowedModel := &Model{ptr: model}
	view := &Dataset{ptr: items, errs: &callbackErrors{}}
	defer func() {
		// Both handles belong to the library and are gone after the callback.
		borrowedModel.ptr = nil
		view.ptr = nil
		if value := recover(); value != nil {
			err := recovered(value)
			state.errs.record(err)
			status = statusFor(err)
		}
	}()
	result, err := state.fn(borrowedModel, view)
	if err != nil {
		state.errs.record(err)
		return statusFor(err)
	}
	output.metric = C.double(result.Metric)
	if result.PerItem != nil {
		n := int(output.n_items)
		if len(result.PerItem) != n {
			err := fmt.Errorf("the validation func returned %d per-item values for %d items", len(result.PerItem), n)
			state.errs.record(err)
			return statusFor(err)
		}
		slots := unsafe.Slice((*C.double)(unsafe.Pointer(output.per_item)), n)
		for i, v := range result.PerItem {
			slots[i] = C.double(v)
		}
		output.per_item_filled = 1
	}
	return nil
}
