package nncf

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestLoadDescribesInputsAndOutputs(t *testing.T) {
	m := loadCNN(t)
	inputs, err := m.Inputs()
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 1 || inputs[0].Name != "image" || inputs[0].DType != DTypeFloat || !inputs[0].HasShape {
		t.Fatalf("inputs: %+v", inputs)
	}
	shape := inputs[0].Shape
	if len(shape) != 4 || shape[0].Size != -1 || !reflect.DeepEqual(shape[1:], []Dim{{1, ""}, {28, ""}, {28, ""}}) {
		t.Fatalf("input shape: %+v", shape)
	}
	outputs, err := m.Outputs()
	if err != nil {
		t.Fatal(err)
	}
	if len(outputs) != 1 || outputs[0].Name != "logits" || len(outputs[0].Shape) != 2 || outputs[0].Shape[1].Size != 10 {
		t.Fatalf("outputs: %+v", outputs)
	}
	summary, err := m.SummaryJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Conv", `"image"`, `"logits"`} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %s: %s", want, summary)
		}
	}
}

func TestSaveAndReload(t *testing.T) {
	m := loadCNN(t)
	path := filepath.Join(t.TempDir(), "copy.onnx")
	if err := m.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	copyModel, err := LoadModel(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer copyModel.Close()
	a, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, err := copyModel.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(cnnPath(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) || !bytes.Equal(a, original) {
		t.Fatal("an untouched model must serialize to the original bytes")
	}
	fromMemory, err := LoadModelBytes(a, &LoadOptions{SkipValidation: true, NoMmap: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fromMemory.Close()
	if again, _ := fromMemory.Bytes(); !bytes.Equal(again, a) {
		t.Fatal("memory round trip changed the model")
	}
}

func TestSaveExternalDataAndProgress(t *testing.T) {
	m := loadCNN(t)
	dir := t.TempDir()
	var stages []float64
	options := &SaveOptions{
		ExternalData:     ExternalDataAlways,
		ExternalDataFile: "weights.bin",
		SizeThreshold:    16,
		Progress: func(stage string, fraction float64) bool {
			if stage != "save" || fraction < 0 || fraction > 1 {
				t.Errorf("progress(%q, %v)", stage, fraction)
			}
			stages = append(stages, fraction)
			return true
		},
	}
	if err := m.Save(filepath.Join(dir, "ext.onnx"), options); err != nil {
		t.Fatal(err)
	}
	if len(stages) == 0 || stages[len(stages)-1] != 1 {
		t.Fatalf("progress: %v", stages)
	}
	if info, err := os.Stat(filepath.Join(dir, "weights.bin")); err != nil || info.Size() == 0 {
		t.Fatalf("external data file: %v", err)
	}
	reloaded, err := LoadModel(filepath.Join(dir, "ext.onnx"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reloaded.Close()
	input := imageSample(t, 1, 5)
	defer input.Close()
	if !reflect.DeepEqual(logits(t, m, input), logits(t, reloaded, input)) {
		t.Fatal("external-data copy infers differently")
	}
}

func TestSaveCancelledByProgress(t *testing.T) {
	m := loadCNN(t)
	target := filepath.Join(t.TempDir(), "cancelled.onnx")
	err := m.Save(target, &SaveOptions{Progress: func(string, float64) bool { return false }})
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("want ErrCancelled, got %v", err)
	}
	if _, statErr := os.Stat(target); !os.IsNotExist(statErr) {
		t.Fatal("a cancelled save must leave no file")
	}

	// A panicking progress function cancels too, and the panic comes back as a *PanicError.
	err = m.Save(target, &SaveOptions{Progress: func(string, float64) bool { panic("progress exploded") }})
	var panicErr *PanicError
	if !errors.Is(err, ErrCancelled) || !errors.As(err, &panicErr) || panicErr.Value != "progress exploded" {
		t.Fatalf("want a cancelled save carrying the panic, got %#v", err)
	}
}

func argmax(row []float32) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}

func TestInferBatchMatchesSingleImages(t *testing.T) {
	m := loadCNN(t)
	batch := imageSample(t, 3, 11)
	defer batch.Close()
	out, err := m.Infer(batch, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tensor, err := out.Get("logits")
	if err != nil {
		t.Fatal(err)
	}
	if tensor.DType != DTypeFloat || !reflect.DeepEqual(tensor.Shape, []int64{3, 10}) {
		t.Fatalf("logits: %v %v", tensor.DType, tensor.Shape)
	}
	values, _ := tensor.Float32s()
	pixels := images(3, 11)
	for i := 0; i < 3; i++ {
		single, _ := NewSample()
		if err := single.SetFloat32("image", []int64{1, 1, 28, 28}, pixels[i*784:(i+1)*784]); err != nil {
			t.Fatal(err)
		}
		row := logits(t, m, single)
		single.Close()
		want := values[i*10 : (i+1)*10]
		for j := range row {
			if math.Abs(float64(row[j]-want[j])) > 1e-4*(1+math.Abs(float64(want[j]))) {
				t.Fatalf("image %d: %v vs %v", i, row, want)
			}
		}
		if argmax(row) != argmax(want) {
			t.Fatalf("image %d: class differs", i)
		}
	}
}

func TestInferOptions(t *testing.T) {
	m := loadCNN(t)
	input := imageSample(t, 2, 3)
	defer input.Close()
	if err := input.SetInt64("label", []int64{2}, []int64{4, 7}); err != nil {
		t.Fatal(err)
	}
	out, err := m.Infer(input, &InferOptions{NumThreads: 1, Outputs: []string{"logits"}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if first, _ := out.Tensor(0); first.Name != "logits" || !reflect.DeepEqual(first.Shape, []int64{2, 10}) {
		t.Fatalf("output: %+v", first)
	}
	_, err = m.Infer(input, &InferOptions{Outputs: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("want an error naming the output, got %v", err)
	}
}

func TestOneModelManyGoroutines(t *testing.T) {
	m := loadCNN(t)
	input := imageSample(t, 1, 42)
	want := logits(t, m, input)
	input.Close()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, _ := NewSample()
			defer in.Close()
			if err := in.SetFloat32("image", []int64{1, 1, 28, 28}, images(1, 42)); err != nil {
				t.Error(err)
				return
			}
			out, err := m.Infer(in, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer out.Close()
			tensor, _ := out.Get("logits")
			if got, _ := tensor.Float32s(); !reflect.DeepEqual(got, want) {
				t.Errorf("goroutine result differs: %v vs %v", got, want)
			}
		}()
	}
	wg.Wait()
}

func TestCloseIsIdempotent(t *testing.T) {
	m, err := LoadModel(cnnPath(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	m.Close()
	if _, err := m.SummaryJSON(); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("closed model: %v", err)
	}
	s := imageSample(t, 1, 0)
	s.Close()
	s.Close()
	if err := s.SetFloat32("x", nil, []float32{1}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("closed sample: %v", err)
	}
}
