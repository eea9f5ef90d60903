package nncf

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const (
	quantizeItems = 8
	quantizeBatch = 4
)

// quantizeItem is a [4, 64] batch in [-2, 2) whose every row holds exactly -2 and 2, so the
// input range is [-2, 2] however per-row or per-item ranges are aggregated.
func quantizeItem(index int) []float32 {
	values := uniform(quantizeBatch*64, uint32(1000+index))
	for row := 0; row < quantizeBatch; row++ {
		values[row*64+index%64] = -2
		values[row*64+(index+1)%64] = 2
	}
	return values
}

// calibrationDataset counts its calls in *calls.
func calibrationDataset(t *testing.T, calls *int) *Dataset {
	t.Helper()
	d, err := NewDataset(quantizeItems, func(i int, out *Sample) error {
		*calls++
		return out.SetFloat32("input", []int64{quantizeBatch, 64}, quantizeItem(i))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func quantizeOptions() *QuantizeOptions {
	o := NewQuantizeOptions()
	o.SubsetSize = quantizeItems
	return o
}

func quantizers(t *testing.T, doc map[string]interface{}) []map[string]interface{} {
	t.Helper()
	list, ok := doc["quantizers"].([]interface{})
	if !ok {
		t.Fatalf("no \"quantizers\" array: %v", doc)
	}
	out := make([]map[string]interface{}, len(list))
	for i, q := range list {
		out[i] = q.(map[string]interface{})
	}
	return out
}

func quantizedTensors(list []map[string]interface{}) []string {
	names := []string{}
	for _, q := range list {
		names = append(names, q["tensor"].(string))
	}
	sort.Strings(names)
	return names
}

func findQuantizer(list []map[string]interface{}, tensor string) map[string]interface{} {
	for _, q := range list {
		if q["tensor"] == tensor {
			return q
		}
	}
	return nil
}

func firstOf(q map[string]interface{}, key string) float64 {
	return q[key].([]interface{})[0].(float64)
}

var allQuantizedTensors = []string{"/Relu_output_0", "/Sigmoid_output_0", "fc1.weight", "fc2.weight", "fc3.weight", "input"}

func TestQuantizeMLPStaysCloseAndReports(t *testing.T) {
	m := loadMLP(t)
	calls := 0
	d := calibrationDataset(t, &calls)
	quantized, report, err := m.Quantize(d, quantizeOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer quantized.Close()
	if calls < quantizeItems {
		t.Fatalf("the dataset function ran %d times", calls)
	}
	doc := parseJSON(t, report)
	if doc["calibration_items"] != float64(quantizeItems) || doc["preset"] != "performance" {
		t.Fatalf("report: %s", report)
	}
	list := quantizers(t, doc)
	if got := quantizedTensors(list); !reflect.DeepEqual(got, allQuantizedTensors) {
		t.Fatalf("quantized %v", got)
	}
	// Symmetric int8 on the model input: range [-2, 2], scale 2/127, zero point 0.
	input := findQuantizer(list, "input")
	if input["dtype"] != "int8" || firstOf(input, "observed_min") != -2 || firstOf(input, "observed_max") != 2 {
		t.Fatalf("input quantizer %v", input)
	}
	if scale := firstOf(input, "scale"); math.Abs(scale-2.0/127) > 1e-7 || firstOf(input, "zero_point") != 0 {
		t.Fatalf("input quantizer %v", input)
	}
	for seed := uint32(0); seed < 4; seed++ {
		e := relativeError(t, mlpOutputs(t, quantized, quantizeBatch, seed), mlpOutputs(t, m, quantizeBatch, seed))
		if !(e > 0 && e < 0.05) {
			t.Fatalf("seed %d: relative error %g", seed, e)
		}
	}

	again, _, err := m.Quantize(d, quantizeOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	a, _ := quantized.Bytes()
	b, _ := again.Bytes()
	if !bytes.Equal(a, b) {
		t.Fatal("the same inputs gave different models")
	}
	if _, _, err := quantized.Quantize(d, quantizeOptions()); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "already quantized") {
		t.Fatalf("got %v", err)
	}
}

func TestQuantizePlan(t *testing.T) {
	m := loadMLP(t)
	plan, err := m.QuantizePlan(nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseJSON(t, plan)
	list := quantizers(t, doc)
	if got := quantizedTensors(list); !reflect.DeepEqual(got, allQuantizedTensors) {
		t.Fatalf("planned %v", got)
	}
	weights := 0
	for _, q := range list {
		if q["is_weight"] == true {
			weights++
		}
	}
	if weights != 3 {
		t.Fatalf("%d weight quantizers", weights)
	}

	// Quantization parameters and the ignored scope reach the plan.
	o := NewQuantizeOptions()
	o.Activations = NewQuantizationParameters()
	o.Activations.Mode = QuantizationSchemeAsymmetric
	o.Weights = NewQuantizationParameters()
	o.Weights.PerChannel = Bool(false)
	o.IgnoredScope = IgnoredScope{Names: []string{"/fc2/Gemm"}}
	plan, err = m.QuantizePlan(o)
	if err != nil {
		t.Fatal(err)
	}
	doc = parseJSON(t, plan)
	list = quantizers(t, doc)
	if findQuantizer(list, "fc2.weight") != nil || !reflect.DeepEqual(doc["ignored_nodes"], []interface{}{"/fc2/Gemm"}) {
		t.Fatalf("plan %s", plan)
	}
	for _, q := range list {
		if q["is_weight"] == true && q["per_channel"] != false || q["is_weight"] == false && q["mode"] != "asymmetric" {
			t.Fatalf("quantizer %v", q)
		}
	}
}

func TestQuantizeOptionsReachTheReport(t *testing.T) {
	m := loadMLP(t)
	calls := 0
	d := calibrationDataset(t, &calls)
	o := quantizeOptions()
	o.Preset = PresetMixed
	o.TargetDevice = TargetDeviceCPU
	o.OverflowFix = OverflowFixDisable
	o.FastBiasCorrection = false
	o.Weights = NewQuantizationParameters()
	o.Weights.PerChannel = Bool(false)
	o.NumThreads = 2
	quantized, report, err := m.Quantize(d, o)
	if err != nil {
		t.Fatal(err)
	}
	defer quantized.Close()
	doc := parseJSON(t, report)
	if doc["preset"] != "mixed" || doc["overflow_fix"] != "disable" {
		t.Fatalf("report: %s", report)
	}
	fc1 := findQuantizer(quantizers(t, doc), "fc1.weight")
	if fc1["axis"] != nil || len(fc1["scale"].([]interface{})) != 1 {
		t.Fatalf("per-tensor weights: %v", fc1)
	}

	// The advanced config is read; struct fields left at their defaults do not override it.
	config, err := ConfigFromJSON(`{"quantize": {"subset_size": 4}}`)
	if err != nil {
		t.Fatal(err)
	}
	defer config.Close()
	o = NewQuantizeOptions()
	o.Advanced = config
	_, report, err = m.Quantize(d, o)
	if err != nil || parseJSON(t, report)["calibration_items"] != 4.0 {
		t.Fatalf("config subset_size: %v %s", err, report)
	}
	o.SubsetSize = 6
	_, report, err = m.Quantize(d, o)
	if err != nil || parseJSON(t, report)["calibration_items"] != 6.0 {
		t.Fatalf("overridden subset_size: %v %s", err, report)
	}
}

func TestQuantizeBadParameters(t *testing.T) {
	m := loadMLP(t)
	calls := 0
	d := calibrationDataset(t, &calls)
	o := quantizeOptions()
	o.SubsetSize = 0
	_, _, err := m.Quantize(d, o)
	var status *Error
	if !errors.As(err, &status) || status.Code != CodeInvalidArgument ||
		!strings.Contains(status.Message, "subset_size must be at least 1, got 0") {
		t.Fatalf("got %#v", err)
	}
	if calls != 0 {
		t.Fatalf("refused parameters read %d items", calls)
	}

	o = quantizeOptions()
	o.TargetDevice = TargetDeviceCPUSPR
	if _, err := m.QuantizePlan(o); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "CPU_SPR") {
		t.Fatalf("got %v", err)
	}

	o = quantizeOptions()
	o.IgnoredScope = IgnoredScope{Names: []string{"no_such_node", "fc1_Gemm_typo"}}
	_, _, err = m.Quantize(d, o)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "no_such_node") ||
		!strings.Contains(err.Error(), "fc1_Gemm_typo") {
		t.Fatalf("got %v", err)
	}

	if _, _, err := m.Quantize(d, &QuantizeOptions{SubsetSize: 8}); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "NewQuantizeOptions") {
		t.Fatalf("got %v", err)
	}
	o = quantizeOptions()
	o.Weights = &QuantizationParameters{NumBits: 8}
	if _, err := m.QuantizePlan(o); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "NewQuantizationParameters") {
		t.Fatalf("got %v", err)
	}
	if _, _, err := m.Quantize(nil, o); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil dataset: %v", err)
	}
}

func TestQuantizeProgressAndCancel(t *testing.T) {
	m := loadMLP(t)
	calls := 0
	d := calibrationDataset(t, &calls)
	handlesBefore := liveHandles.Load()
	o := quantizeOptions()
	var stages []string
	var last float64
	o.Progress = func(stage string, fraction float64) bool {
		if fraction < 0 || fraction > 1 {
			t.Errorf("progress(%q, %v)", stage, fraction)
		}
		stages = append(stages, stage)
		last = fraction
		return true
	}
	quantized, _, err := m.Quantize(d, o)
	if err != nil {
		t.Fatal(err)
	}
	quantized.Close()
	if !strings.Contains(strings.Join(stages, ","), "statistics") || last != 1 {
		t.Fatalf("stages %v, last fraction %v", stages, last)
	}

	o.Progress = func(stage string, _ float64) bool { return !strings.Contains(stage, "statistics") }
	_, _, err = m.Quantize(d, o)
	var status *Error
	if !errors.Is(err, ErrCancelled) || !errors.As(err, &status) || status.Code != CodeCancelled {
		t.Fatalf("got %v", err)
	}

	o.Progress = func(string, float64) bool { panic("progress exploded") }
	_, _, err = m.Quantize(d, o)
	var panicErr *PanicError
	if !errors.Is(err, ErrCancelled) || !errors.As(err, &panicErr) || panicErr.Value != "progress exploded" {
		t.Fatalf("got %v", err)
	}
	if n := liveHandles.Load() - handlesBefore; n != 0 {
		t.Fatalf("%d cgo handles leaked", n)
	}
}

func TestQuantizeDatasetFailures(t *testing.T) {
	m := loadMLP(t)
	failing, err := NewDataset(quantizeItems, func(i int, out *Sample) error {
		if i == 2 {
			return NewError(CodeIO, "sensor 7 went dark")
		}
		return out.SetFloat32("input", []int64{quantizeBatch, 64}, quantizeItem(i))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer failing.Close()
	_, _, err = m.Quantize(failing, quantizeOptions())
	var callbackErr *CallbackError
	var goErr *Error
	if !errors.Is(err, ErrCallback) || !errors.As(err, &callbackErr) || !strings.Contains(err.Error(), "sensor 7 went dark") {
		t.Fatalf("got %v", err)
	}
	if !errors.As(callbackErr.Err, &goErr) || goErr.Code != CodeIO {
		t.Fatalf("the function's own error: %v", callbackErr.Err)
	}

	panicking, err := NewDataset(quantizeItems, func(i int, out *Sample) error {
		if i == 3 {
			panic("item 3 is cursed")
		}
		return out.SetFloat32("input", []int64{quantizeBatch, 64}, quantizeItem(i))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer panicking.Close()
	_, _, err = m.Quantize(panicking, quantizeOptions())
	var panicErr *PanicError
	if !errors.Is(err, ErrCallback) || !errors.As(err, &panicErr) || panicErr.Value != "item 3 is cursed" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "item 3 is cursed") {
		t.Fatalf("the library's message names the panic: %v", err)
	}
	// Nothing carries over: the next call reports only its own failure.
	_, _, err = m.Quantize(panicking, quantizeOptions())
	if !errors.As(err, &panicErr) {
		t.Fatalf("got %v", err)
	}
}

func TestQuantizeEnumNamesAndDefaults(t *testing.T) {
	for value, name := range map[interface{ String() string }]string{
		QuantizationModeFP8E4M3: "fp8_e4m3", PresetMixed: "mixed", TargetDeviceCPUSPR: "cpu_spr",
		ModelTypeTransformer: "transformer", OverflowFixFirstLayer: "first_layer_only", OverflowFix(42): "unknown",
		QuantizationSchemeAsymmetric: "asymmetric",
	} {
		if value.String() != name {
			t.Errorf("%v: %q, want %q", value, value.String(), name)
		}
	}
	if PresetDefault != -1 || OverflowFixDefault != -1 || QuantizationSchemeDefault != -1 || TargetDeviceCPUSPR != 4 {
		t.Fatal("enum values differ from the header")
	}
	want := QuantizeOptions{Mode: QuantizationModeInt8, Preset: PresetDefault, TargetDevice: TargetDeviceAny,
		SubsetSize: 300, FastBiasCorrection: true, ModelType: ModelTypeDefault, OverflowFix: OverflowFixDefault,
		SmoothQuantAlphaMatMul: 0.95, SmoothQuantAlphaConvolution: -1, FoldWeights: true, fromDefaults: true}
	if got := *NewQuantizeOptions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("defaults %+v", got)
	}
	if got := *NewQuantizationParameters(); !reflect.DeepEqual(got, QuantizationParameters{Mode: QuantizationSchemeDefault, fromDefaults: true}) {
		t.Fatalf("parameter defaults %+v", got)
	}
}
