package nncf

import (
	"encoding/json"
	"math"
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

// mlpPath is the zoo MLP: input "input" [N,64] float, Gemm+Relu, Gemm+Sigmoid, Gemm, output [N,10].
func mlpPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "tests", "ort", "zoo", "mlp.onnx")
}

func loadMLP(t testing.TB) *Model {
	t.Helper()
	m, err := LoadModel(mlpPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

// uniform returns n deterministic values in [-2, 2).
func uniform(n int, seed uint32) []float32 {
	state := seed*2654435761 + 12345
	out := make([]float32, n)
	for i := range out {
		state = state*1664525 + 1013904223
		out[i] = float32(state>>8)/float32(1<<24)*4 - 2
	}
	return out
}

// mlpOutputs runs m on a deterministic [batch, 64] input and returns its first output.
func mlpOutputs(t testing.TB, m *Model, batch int, seed uint32) []float32 {
	t.Helper()
	input, err := NewSample()
	if err != nil {
		t.Fatal(err)
	}
	defer input.Close()
	if err := input.SetFloat32("input", []int64{int64(batch), 64}, uniform(batch*64, seed)); err != nil {
		t.Fatal(err)
	}
	out, err := m.Infer(input, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tensor, err := out.Tensor(0)
	if err != nil {
		t.Fatal(err)
	}
	values, err := tensor.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	return values
}

// relativeError is max |got - want| / max |want|.
func relativeError(t testing.TB, got, want []float32) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d outputs, want %d", len(got), len(want))
	}
	maxWant, maxDiff := 0.0, 0.0
	for i := range want {
		maxWant = math.Max(maxWant, math.Abs(float64(want[i])))
		maxDiff = math.Max(maxDiff, math.Abs(float64(got[i]-want[i])))
	}
	return maxDiff / maxWant
}

// parseJSON decodes a report or plan into generic maps and slices.
func parseJSON(t testing.TB, text string) map[string]interface{} {
	t.Helper()
	var value map[string]interface{}
	if err := json.Unmarshal([]byte(text), &value); err != nil {
		t.Fatalf("not JSON (%v): %s", err, text)
	}
	return value
}
