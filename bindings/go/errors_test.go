package nncf

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestErrorsCarryCodesAndMessages(t *testing.T) {
	_, err := LoadModel("/nonexistent/dir/model.onnx", nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeNotFound || !strings.Contains(e.Message, "/nonexistent/dir/model.onnx") {
		t.Fatalf("missing file: %#v", err)
	}
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrIO) {
		t.Fatal("errors.Is must match by code")
	}
	if err.Error() != "nncf: NNCF_ERR_NOT_FOUND: "+e.Message {
		t.Fatalf("Error(): %q", err.Error())
	}
	wrapped := fmt.Errorf("loading: %w", err)
	if !errors.Is(wrapped, ErrNotFound) {
		t.Fatal("wrapped errors still match")
	}
	// A sentinel with a message matches only itself.
	if errors.Is(err, &Error{Code: CodeNotFound, Message: "other"}) {
		t.Fatal("an *Error with a message is not a sentinel")
	}

	if _, err := LoadModelBytes([]byte("definitely not a protobuf \xff\xff"), nil); !errors.Is(err, ErrInvalidModel) {
		t.Fatalf("garbage bytes: %v", err)
	}
	if _, err := LoadModelBytes(nil, nil); !errors.Is(err, ErrInvalidModel) {
		t.Fatalf("no bytes: %v", err)
	}
}

func TestSaveErrors(t *testing.T) {
	m := loadCNN(t)
	err := m.Save("/nonexistent/dir/out.onnx", nil)
	if !(errors.Is(err, ErrIO) || errors.Is(err, ErrNotFound)) || !strings.Contains(err.Error(), "/nonexistent/dir") {
		t.Fatalf("save into a missing dir: %v", err)
	}
	err = m.Save(filepath.Join(t.TempDir(), "m.onnx"), &SaveOptions{ExternalData: ExternalData(77)})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "external_data is 77") {
		t.Fatalf("bad mode: %v", err)
	}
}

func TestSampleErrors(t *testing.T) {
	s, _ := NewSample()
	defer s.Close()
	err := s.SetFloat32("image", []int64{1, 1, 28, 28}, make([]float32, 10))
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "tensor 'image'") ||
		!strings.Contains(err.Error(), "nbytes is 40") {
		t.Fatalf("size mismatch: %v", err)
	}
	if err := s.SetFloat32("neg", []int64{-1}, nil); err == nil || !strings.Contains(err.Error(), "dimension 0 is -1") {
		t.Fatalf("negative dim: %v", err)
	}
	if err := s.SetBytes("s", DTypeString, []int64{1}, make([]byte, 8)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("string tensor: %v", err)
	}
	if s.Len() != 0 {
		t.Fatal("failed sets leave the sample unchanged")
	}
	if err := s.SetFloat32("x", []int64{2}, []float32{1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("label"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "'label'") {
		t.Fatalf("missing tensor: %v", err)
	}
	x, _ := s.Get("x")
	if _, err := x.Int64s(); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "float") {
		t.Fatalf("wrong element type: %v", err)
	}
	if _, err := s.Tensor(1); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("index out of range: %v", err)
	}
}

func TestInferErrors(t *testing.T) {
	m := loadCNN(t)
	s, _ := NewSample()
	defer s.Close()
	_ = s.SetFloat32("x", []int64{1}, []float32{0})
	if _, err := m.Infer(s, nil); err == nil || !strings.Contains(err.Error(), "image") {
		t.Fatalf("missing input: %v", err)
	}
	if _, err := m.Infer(s, &InferOptions{NumThreads: -1}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("negative threads: %v", err)
	}
}

func TestCodesAndDTypes(t *testing.T) {
	names := map[Code]string{
		CodeInvalidArgument: "NNCF_ERR_INVALID_ARGUMENT", CodeNotFound: "NNCF_ERR_NOT_FOUND",
		CodeInvalidModel: "NNCF_ERR_INVALID_MODEL", CodeUnsupported: "NNCF_ERR_UNSUPPORTED",
		CodeIO: "NNCF_ERR_IO", CodeOutOfMemory: "NNCF_ERR_OUT_OF_MEMORY", CodeCancelled: "NNCF_ERR_CANCELLED",
		CodeCallback: "NNCF_ERR_CALLBACK", CodeVersionMismatch: "NNCF_ERR_VERSION_MISMATCH",
		CodeInvalidConfig: "NNCF_ERR_INVALID_CONFIG", CodeInternal: "NNCF_ERR_INTERNAL",
	}
	for code, name := range names {
		if code.String() != name {
			t.Errorf("%d: %q, want %q", code, code.String(), name)
		}
	}
	if DTypeFloat.String() != "float" || DTypeFloat.Bits() != 32 || DTypeInt4.String() != "int4" || DTypeInt4.Bits() != 4 {
		t.Fatal("dtype names or widths")
	}
	if DType(999).String() != "unknown" || DType(999).Bits() != 0 {
		t.Fatal("unknown dtype")
	}
}
