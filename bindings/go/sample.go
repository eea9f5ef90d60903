package nncf

/*
#include <stdlib.h>
#include "nncf.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// DType is a tensor element type (ONNX TensorProto.DataType numbers).
type DType int32

const (
	DTypeUndefined      DType = C.NNCF_DTYPE_UNDEFINED
	DTypeFloat          DType = C.NNCF_DTYPE_FLOAT
	DTypeUint8          DType = C.NNCF_DTYPE_UINT8
	DTypeInt8           DType = C.NNCF_DTYPE_INT8
	DTypeUint16         DType = C.NNCF_DTYPE_UINT16
	DTypeInt16          DType = C.NNCF_DTYPE_INT16
	DTypeInt32          DType = C.NNCF_DTYPE_INT32
	DTypeInt64          DType = C.NNCF_DTYPE_INT64
	DTypeString         DType = C.NNCF_DTYPE_STRING
	DTypeBool           DType = C.NNCF_DTYPE_BOOL
	DTypeFloat16        DType = C.NNCF_DTYPE_FLOAT16
	DTypeDouble         DType = C.NNCF_DTYPE_DOUBLE
	DTypeUint32         DType = C.NNCF_DTYPE_UINT32
	DTypeUint64         DType = C.NNCF_DTYPE_UINT64
	DTypeComplex64      DType = C.NNCF_DTYPE_COMPLEX64
	DTypeComplex128     DType = C.NNCF_DTYPE_COMPLEX128
	DTypeBfloat16       DType = C.NNCF_DTYPE_BFLOAT16
	DTypeFloat8E4M3FN   DType = C.NNCF_DTYPE_FLOAT8E4M3FN
	DTypeFloat8E4M3FNUZ DType = C.NNCF_DTYPE_FLOAT8E4M3FNUZ
	DTypeFloat8E5M2     DType = C.NNCF_DTYPE_FLOAT8E5M2
	DTypeFloat8E5M2FNUZ DType = C.NNCF_DTYPE_FLOAT8E5M2FNUZ
	DTypeUint4          DType = C.NNCF_DTYPE_UINT4
	DTypeInt4           DType = C.NNCF_DTYPE_INT4
	DTypeFloat4E2M1     DType = C.NNCF_DTYPE_FLOAT4E2M1
)

// String is the lower-case ONNX name ("float", "int4"); "unknown" for unknown values.
func (d DType) String() string { return C.GoString(C.nncf_dtype_name(C.nncf_dtype(d))) }

// Bits per element; 0 for string and unknown types.
func (d DType) Bits() int { return int(C.nncf_dtype_bits(C.nncf_dtype(d))) }

// Element lists the Go types whose slices map onto tensors byte for byte.
type Element interface {
	float32 | float64 | int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | bool
}

func dtypeOf[T Element]() DType {
	var zero T
	switch any(zero).(type) {
	case float32:
		return DTypeFloat
	case float64:
		return DTypeDouble
	case int8:
		return DTypeInt8
	case uint8:
		return DTypeUint8
	case int16:
		return DTypeInt16
	case uint16:
		return DTypeUint16
	case int32:
		return DTypeInt32
	case uint32:
		return DTypeUint32
	case int64:
		return DTypeInt64
	case uint64:
		return DTypeUint64
	default:
		return DTypeBool
	}
}

// Tensor is a copy of one tensor of a sample.
type Tensor struct {
	Name  string
	DType DType
	Shape []int64
	Data  []byte // element bytes as stored (4-bit types packed)
}

// Values copies a tensor's elements into a new slice; the type must match the tensor's dtype.
func Values[T Element](t Tensor) ([]T, error) {
	if want := dtypeOf[T](); want != t.DType {
		return nil, &Error{Code: CodeInvalidArgument,
			Message: fmt.Sprintf("tensor '%s' holds %s elements, not %s", t.Name, t.DType, want)}
	}
	var zero T
	n := len(t.Data) / int(unsafe.Sizeof(zero))
	out := make([]T, n)
	if n > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), len(t.Data)), t.Data)
	}
	return out, nil
}

// Float32s is Values[float32].
func (t Tensor) Float32s() ([]float32, error) { return Values[float32](t) }

// Int64s is Values[int64].
func (t Tensor) Int64s() ([]int64, error) { return Values[int64](t) }

// Sample is a set of named tensors: model inputs, outputs, or a dataset item. Samples handed to
// dataset callbacks are borrowed from the library: they are valid only during the callback and
// Close does nothing on them.
type Sample struct {
	ptr      *C.nncf_sample
	borrowed bool
}

// NewSample creates an empty sample.
func NewSample() (*Sample, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	var ptr *C.nncf_sample
	if err := statusError(C.nncf_sample_create(&ptr)); err != nil {
		return nil, err
	}
	return ownedSample(ptr), nil
}

func ownedSample(ptr *C.nncf_sample) *Sample {
	s := &Sample{ptr: ptr}
	runtime.SetFinalizer(s, (*Sample).Close)
	return s
}

// Close frees the sample. It is idempotent and does nothing on borrowed samples.
func (s *Sample) Close() {
	if s.ptr == nil || s.borrowed {
		return
	}
	C.nncf_sample_free(s.ptr)
	s.ptr = nil
	runtime.SetFinalizer(s, nil)
}

// Set adds or replaces a tensor from a slice of one of the Element types; the data is copied.
func Set[T Element](s *Sample, name string, shape []int64, data []T) error {
	var bytes []byte
	if len(data) > 0 {
		var zero T
		bytes = unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), len(data)*int(unsafe.Sizeof(zero)))
	}
	return s.SetBytes(name, dtypeOf[T](), shape, bytes)
}

// SetFloat32 is Set[float32].
func (s *Sample) SetFloat32(name string, shape []int64, data []float32) error {
	return Set(s, name, shape, data)
}

// SetInt64 is Set[int64].
func (s *Sample) SetInt64(name string, shape []int64, data []int64) error {
	return Set(s, name, shape, data)
}

// SetBytes adds or replaces a tensor from raw element bytes (4-bit types packed).
func (s *Sample) SetBytes(name string, dtype DType, shape []int64, data []byte) error {
	if s.ptr == nil {
		return closedError("sample")
	}
	cName := C.CString(name)
	defer C.free(unsafe.Pointer(cName))
	var shapePtr *C.int64_t
	if len(shape) > 0 {
		shapePtr = (*C.int64_t)(unsafe.Pointer(&shape[0]))
	}
	var dataPtr unsafe.Pointer
	if len(data) > 0 {
		dataPtr = unsafe.Pointer(&data[0])
	}
	// The library copies shape and data before returning.
	err := statusError(C.nncf_sample_set_tensor(s.ptr, cName, C.nncf_dtype(dtype), shapePtr,
		C.size_t(len(shape)), dataPtr, C.size_t(len(data))))
	runtime.KeepAlive(s)
	return err
}

// Len is the number of tensors.
func (s *Sample) Len() int {
	if s.ptr == nil {
		return 0
	}
	n := int(C.nncf_sample_num_tensors(s.ptr))
	runtime.KeepAlive(s)
	return n
}

func newTensorInfo() C.nncf_tensor_info {
	var info C.nncf_tensor_info
	info.struct_size = C.uint32_t(unsafe.Sizeof(info))
	return info
}

func tensorFromInfo(info *C.nncf_tensor_info) Tensor {
	t := Tensor{Name: C.GoString(info.name), DType: DType(info.dtype), Shape: make([]int64, int(info.ndim))}
	if info.ndim > 0 {
		copy(t.Shape, unsafe.Slice((*int64)(unsafe.Pointer(info.shape)), int(info.ndim)))
	}
	if info.nbytes > 0 {
		t.Data = C.GoBytes(info.data, C.int(info.nbytes))
	} else {
		t.Data = []byte{}
	}
	return t
}

// Tensor copies the tensor at index (insertion order).
func (s *Sample) Tensor(index int) (Tensor, error) {
	if s.ptr == nil {
		return Tensor{}, closedError("sample")
	}
	if index < 0 {
		return Tensor{}, &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf("tensor index %d is negative", index)}
	}
	info := newTensorInfo()
	err := statusError(C.nncf_sample_tensor_info(s.ptr, C.size_t(index), &info))
	if err != nil {
		return Tensor{}, err
	}
	t := tensorFromInfo(&info)
	runtime.KeepAlive(s)
	return t, nil
}

// Get copies the tensor called name; ErrNotFound if there is none.
func (s *Sample) Get(name string) (Tensor, error) {
	if s.ptr == nil {
		return Tensor{}, closedError("sample")
	}
	cName := C.CString(name)
	defer C.free(unsafe.Pointer(cName))
	info := newTensorInfo()
	if err := statusError(C.nncf_sample_find_tensor(s.ptr, cName, &info)); err != nil {
		return Tensor{}, err
	}
	t := tensorFromInfo(&info)
	runtime.KeepAlive(s)
	return t, nil
}

// Tensors copies all tensors in order.
func (s *Sample) Tensors() ([]Tensor, error) {
	n := s.Len()
	out := make([]Tensor, 0, n)
	for i := 0; i < n; i++ {
		t, err := s.Tensor(i)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
