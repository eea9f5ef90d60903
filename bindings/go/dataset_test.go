package nncf

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func fillImage(index int, out *Sample) error {
	if err := out.SetFloat32("image", []int64{1, 1, 28, 28}, images(1, uint32(index))); err != nil {
		return err
	}
	return out.SetInt64("label", []int64{1}, []int64{int64(index)})
}

func mustGet(t *testing.T, d *Dataset, index int) *Sample {
	t.Helper()
	s, err := d.Get(index)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestDatasetFromFunc(t *testing.T) {
	d, err := NewDataset(3, fillImage)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n, err := d.Len(); err != nil || n != 3 {
		t.Fatalf("Len: %d %v", n, err)
	}
	if b, err := d.BatchSize(); err != nil || b != 0 {
		t.Fatalf("BatchSize: %d %v", b, err)
	}
	for i := 0; i < 3; i++ {
		item := mustGet(t, d, i)
		label, _ := item.Get("label")
		if got, _ := label.Int64s(); !reflect.DeepEqual(got, []int64{int64(i)}) {
			t.Fatalf("label %d: %v", i, got)
		}
		image, _ := item.Get("image")
		if got, _ := image.Float32s(); !reflect.DeepEqual(got, images(1, uint32(i))) {
			t.Fatalf("image %d differs", i)
		}
	}
	_, err = d.Get(3)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("past the end: %v", err)
	}

	batched, err := NewDatasetWithBatchSize(1, 8, fillImage)
	if err != nil {
		t.Fatal(err)
	}
	defer batched.Close()
	if b, _ := batched.BatchSize(); b != 8 {
		t.Fatalf("BatchSize: %d", b)
	}
}

func TestDatasetUnknownLength(t *testing.T) {
	d, err := NewDataset(-1, func(i int, out *Sample) error {
		if i >= 2 {
			return NewError(CodeNotFound, "no more images")
		}
		return fillImage(i, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n, _ := d.Len(); n != -1 {
		t.Fatalf("Len: %d", n)
	}
	mustGet(t, d, 1)
	_, err = d.Get(2)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no more images") {
		t.Fatalf("end of data: %v", err)
	}
}

func TestDatasetTransformFeedsTheModel(t *testing.T) {
	d, err := NewDataset(2, func(i int, out *Sample) error {
		pixels := make([]uint8, 784)
		for p := range pixels {
			pixels[p] = uint8((p + i*7) % 256)
		}
		return Set(out, "pixels", []int64{1, 1, 28, 28}, pixels)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.SetTransform(func(item, out *Sample) error {
		raw, err := item.Get("pixels")
		if err != nil {
			return err
		}
		pixels, err := Values[uint8](raw)
		if err != nil {
			return err
		}
		scaled := make([]float32, len(pixels))
		for i, p := range pixels {
			scaled[i] = float32(p) / 255
		}
		return out.SetFloat32("image", raw.Shape, scaled)
	})
	if err != nil {
		t.Fatal(err)
	}
	item := mustGet(t, d, 1)
	image, err := item.Get("image")
	if err != nil || item.Len() != 1 {
		t.Fatalf("transformed item: %v, %d tensors", err, item.Len())
	}
	if values, _ := image.Float32s(); values[0] != float32(7)/255 {
		t.Fatalf("first pixel %v", values[0])
	}
	m := loadCNN(t)
	if got := logits(t, m, item); len(got) != 10 {
		t.Fatalf("logits: %v", got)
	}
	if err := d.SetTransform(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := mustGet(t, d, 1).Get("pixels"); err != nil {
		t.Fatal("cleared transform still applied")
	}
}

func TestDatasetFromSamples(t *testing.T) {
	a, b := imageSample(t, 1, 1), imageSample(t, 1, 2)
	d, err := DatasetFromSamples([]*Sample{a, b})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	a.Close()
	b.Close()
	if n, _ := d.Len(); n != 2 {
		t.Fatalf("Len: %d", n)
	}
	image, _ := mustGet(t, d, 1).Get("image")
	if got, _ := image.Float32s(); !reflect.DeepEqual(got, images(1, 2)) {
		t.Fatal("sample dataset must hold copies")
	}
	empty, _ := NewSample()
	defer empty.Close()
	_, err = DatasetFromSamples([]*Sample{empty})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "samples[0] has no tensors") {
		t.Fatalf("empty sample: %v", err)
	}
}

func TestDatasetCallbackErrors(t *testing.T) {
	diskOnFire := errors.New("disk on fire")
	d, err := NewDataset(4, func(i int, out *Sample) error {
		if i == 2 {
			return diskOnFire
		}
		return fillImage(i, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.Get(2)
	var cbErr *CallbackError
	if !errors.Is(err, ErrCallback) || !errors.Is(err, diskOnFire) || !errors.As(err, &cbErr) {
		t.Fatalf("want ErrCallback wrapping the Go error, got %#v", err)
	}
	if !strings.Contains(cbErr.Status.Message, "disk on fire") {
		t.Fatalf("library message: %q", cbErr.Status.Message)
	}
	// The recorded error does not leak into the next call.
	mustGet(t, d, 1)

	// The code of an *Error reaches the library: cancellation stays cancellation.
	cancelled, _ := NewDataset(1, func(int, *Sample) error { return NewError(CodeCancelled, "stop") })
	defer cancelled.Close()
	if _, err := cancelled.Get(0); !errors.Is(err, ErrCancelled) {
		t.Fatalf("want ErrCancelled, got %v", err)
	}
	// Success without filling the sample is an error.
	empty, _ := NewDataset(1, func(int, *Sample) error { return nil })
	defer empty.Close()
	if _, err := empty.Get(0); !errors.Is(err, ErrCallback) || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty item: %v", err)
	}
}

func TestDatasetPanicsAreRecovered(t *testing.T) {
	var kept *Sample
	d, err := NewDataset(3, func(i int, out *Sample) error {
		kept = out
		if i == 1 {
			panic("item 1 is cursed")
		}
		return fillImage(i, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.Get(1)
	var panicErr *PanicError
	if !errors.Is(err, ErrCallback) || !errors.As(err, &panicErr) || panicErr.Value != "item 1 is cursed" {
		t.Fatalf("want ErrCallback carrying the panic, got %#v", err)
	}
	if !strings.Contains(err.Error(), "item 1 is cursed") {
		t.Fatalf("library message: %v", err)
	}
	mustGet(t, d, 0)
	mustGet(t, d, 2)
	// A borrowed sample kept past its callback is dead, not dangling.
	if err := kept.SetFloat32("x", nil, []float32{1}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("kept borrowed sample: %v", err)
	}

	if err := d.SetTransform(func(item, out *Sample) error { panic(errors.New("transform broke")) }); err != nil {
		t.Fatal(err)
	}
	_, err = d.Get(0)
	if !errors.As(err, &panicErr) || !strings.Contains(panicErr.Error(), "transform broke") {
		t.Fatalf("transform panic: %#v", err)
	}
}

func TestDatasetHandlesAreReleased(t *testing.T) {
	before := liveHandles.Load()
	for i := 0; i < 20; i++ {
		d, err := NewDataset(1, fillImage)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetTransform(func(item, out *Sample) error { return fillImage(0, out) }); err != nil {
			t.Fatal(err)
		}
		if err := d.SetTransform(func(item, out *Sample) error { return fillImage(1, out) }); err != nil {
			t.Fatal(err)
		}
		d.Close()
		d.Close()
	}
	// Datasets dropped without Close are freed by their finalizers.
	for i := 0; i < 20; i++ {
		if _, err := NewDataset(1, fillImage); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for liveHandles.Load() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if after := liveHandles.Load(); after > before {
		t.Fatalf("%d cgo handles leaked", after-before)
	}
}
