package nncf

import (
	"path/filepath"
	"runtime"
	"testing"
)

// cnnPath is the bundled Fashion-MNIST CNN: input "image" [N,1,28,28] float, output "logits" [N,10].
func cnnPath(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "models", "fashion_mnist_cnn.onnx")
}

// images returns n deterministic 28x28 images with pixels in [0, 1).
func images(n int, seed uint32) []float32 {
	state := seed*2654435761 + 1
	out := make([]float32, n*28*28)
	for i := range out {
		state = state*1664525 + 1013904223
		out[i] = float32(state>>8) / float32(1<<24)
	}
	return out
}

func imageSample(t testing.TB, n int, seed uint32) *Sample {
	t.Helper()
	s, err := NewSample()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetFloat32("image", []int64{int64(n), 1, 28, 28}, images(n, seed)); err != nil {
		t.Fatal(err)
	}
	return s
}

func loadCNN(t testing.TB) *Model {
	t.Helper()
	m, err := LoadModel(cnnPath(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

func logits(t testing.TB, m *Model, input *Sample) []float32 {
	t.Helper()
	out, err := m.Infer(input, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tensor, err := out.Get("logits")
	if err != nil {
		t.Fatal(err)
	}
	values, err := tensor.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	return values
}
