// Package nncf is the Go binding of libnncf: load, describe, save and run ONNX models, build
// calibration datasets from Go functions, and edit NNCF configs, over the library's C ABI.
//
// Handles (Model, Sample, Dataset, Config) have an explicit, idempotent Close; a finalizer frees
// them too, but only as a safety net. Failed calls return *Error values carrying the library's
// status code and message; compare them with errors.Is against the Err* sentinels.
//
// The library is linked from ../../build by default; set CGO_LDFLAGS (for example
// "-L/path/to/build -Wl,-rpath,/path/to/build") to use another build directory.
package nncf

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../build -lnncf -Wl,-rpath,${SRCDIR}/../../build
#include <stdlib.h>
#include "nncf.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// APIVersion is the header's NNCF_API_VERSION these bindings were written against; the runtime
// must report at least this.
const APIVersion = int32(C.NNCF_API_VERSION)

// VersionNumber is the runtime library's version (MAJOR*10000 + MINOR*100 + PATCH).
func VersionNumber() int32 { return int32(C.nncf_version_number()) }

// VersionString is the runtime library's version string ("0.1.0").
func VersionString() string { return C.GoString(C.nncf_version_string()) }

// RuntimeAPIVersion is the ABI level of the loaded library.
func RuntimeAPIVersion() int32 { return int32(C.nncf_api_version()) }

// CheckRuntimeVersion fails with ErrVersionMismatch when the loaded libnncf is older than the ABI
// these bindings need. Every constructor runs it once.
func CheckRuntimeVersion() error {
	if runtime := RuntimeAPIVersion(); runtime < APIVersion {
		return &Error{Code: CodeVersionMismatch, Message: fmt.Sprintf(
			"libnncf %s provides API version %d, but these bindings need at least %d",
			VersionString(), runtime, APIVersion)}
	}
	return nil
}

var (
	runtimeOnce sync.Once
	runtimeErr  error
)

func ensureRuntime() error {
	runtimeOnce.Do(func() { runtimeErr = CheckRuntimeVersion() })
	return runtimeErr
}

// ABISizeof is sizeof of a public C struct as the loaded library sees it (0 for unknown names).
func ABISizeof(typeName string) uintptr {
	name := C.CString(typeName)
	defer C.free(unsafe.Pointer(name))
	return uintptr(C.nncf_abi_sizeof(name))
}

// takeBlob copies a library blob into Go memory and frees it.
func takeBlob(blob *C.nncf_blob) []byte {
	defer C.nncf_blob_free(blob)
	size := C.nncf_blob_size(blob)
	if size == 0 {
		return []byte{}
	}
	return C.GoBytes(C.nncf_blob_data(blob), C.int(size))
}

// cStrings is a C array of C strings, for string-list parameters.
type cStrings struct {
	array *C.char
	items []*C.char
}

func newCStrings(values []string) *cStrings {
	s := &cStrings{}
	if len(values) == 0 {
		return s
	}
	// The array itself must be C memory: a Go array of pointers stored in a params struct would
	// be a Go pointer to Go memory holding pointers, which cgo forbids passing.
	bytes := C.size_t(len(values)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))
	s.array = (*C.char)(C.malloc(bytes))
	s.items = unsafe.Slice((**C.char)(unsafe.Pointer(s.array)), len(values))
	for i, v := range values {
		s.items[i] = C.CString(v)
	}
	return s
}

func (s *cStrings) ptr() **C.char {
	if s.array == nil {
		return nil
	}
	return (**C.char)(unsafe.Pointer(s.array))
}

func (s *cStrings) free() {
	for _, item := range s.items {
		C.free(unsafe.Pointer(item))
	}
	if s.array != nil {
		C.free(unsafe.Pointer(s.array))
	}
}
