package nncf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var mlpLayers = []string{"/fc1/Gemm", "/fc2/Gemm", "/fc3/Gemm"}

// reportLayers returns the "layers" array of a compression report.
func reportLayers(t *testing.T, report string) []map[string]interface{} {
	t.Helper()
	list, ok := parseJSON(t, report)["layers"].([]interface{})
	if !ok {
		t.Fatalf("no \"layers\" array: %s", report)
	}
	layers := make([]map[string]interface{}, len(list))
	for i, l := range list {
		layers[i] = l.(map[string]interface{})
	}
	return layers
}

// compressedNodes lists the compressed layers in report order (ignored ones have mode "float").
func compressedNodes(t *testing.T, report string) []string {
	t.Helper()
	nodes := []string{}
	for _, l := range reportLayers(t, report) {
		if l["mode"] != "float" {
			nodes = append(nodes, l["node"].(string))
		}
	}
	return nodes
}

func fourBit(mode CompressWeightsMode) *CompressWeightsOptions {
	o := NewCompressWeightsOptions()
	o.Mode = mode
	o.GroupSize = 32
	o.AllLayers = true
	return o
}

func compress(t *testing.T, m *Model, options *CompressWeightsOptions) (*Model, string) {
	t.Helper()
	out, report, err := m.CompressWeights(nil, options)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(out.Close)
	return out, report
}

func TestCompressWeightsInt8AsymStaysClose(t *testing.T) {
	m := loadMLP(t)
	out, report := compress(t, m, nil)
	if got := compressedNodes(t, report); !reflect.DeepEqual(got, mlpLayers) {
		t.Fatalf("layers %v: %s", got, report)
	}
	for _, l := range reportLayers(t, report) {
		if l["mode"] != "int8_asym" || l["bits"] != 8.0 {
			t.Fatalf("layer %v", l)
		}
	}
	if parseJSON(t, report)["ratio_achieved"] != 1.0 {
		t.Fatalf("ratio: %s", report)
	}
	for seed := uint32(0); seed < 3; seed++ {
		e := relativeError(t, mlpOutputs(t, out, 4, seed), mlpOutputs(t, m, 4, seed))
		if !(e > 0 && e < 0.03) {
			t.Fatalf("seed %d: relative error %g", seed, e)
		}
	}
}

func TestCompressWeightsInt4SymStaysClose(t *testing.T) {
	m := loadMLP(t)
	out, report := compress(t, m, fourBit(CompressWeightsModeInt4Sym))
	if got := compressedNodes(t, report); !reflect.DeepEqual(got, mlpLayers) {
		t.Fatalf("layers %v: %s", got, report)
	}
	for _, l := range reportLayers(t, report) {
		if l["mode"] != "int4_sym" || l["bits"] != 4.0 || l["group_size"] != 32.0 {
			t.Fatalf("layer %v", l)
		}
	}
	if e := relativeError(t, mlpOutputs(t, out, 4, 7), mlpOutputs(t, m, 4, 7)); !(e > 0 && e < 0.3) {
		t.Fatalf("relative error %g", e)
	}

	// int4 DequantizeLinear needs opset 21; without the upgrade the error names it.
	o := fourBit(CompressWeightsModeInt4Sym)
	o.AllowOpsetUpgrade = false
	_, _, err := m.CompressWeights(nil, o)
	if !errors.Is(err, ErrVersionMismatch) || !strings.Contains(err.Error(), "21") {
		t.Fatalf("got %v", err)
	}
}

func TestCompressWeightsEveryOption(t *testing.T) {
	m := loadMLP(t)
	o := NewCompressWeightsOptions()
	o.Mode = CompressWeightsModeInt4Asym
	o.Ratio = 0.5
	o.GroupSize = 16
	o.SensitivityMetric = SensitivityMetricWeightQuantizationError
	o.BackupMode = BackupModeInt8Sym
	o.Format = WeightFormatDQ
	o.AccuracyLevel = 4
	o.NumThreads = 2
	_, report := compress(t, m, o)
	modes := map[string]bool{}
	for _, l := range reportLayers(t, report) {
		modes[l["mode"].(string)] = true
	}
	if !reflect.DeepEqual(modes, map[string]bool{"int4_asym": true, "int8_sym": true}) {
		t.Fatalf("modes %v: %s", modes, report)
	}

	o = fourBit(CompressWeightsModeNF4)
	o.Format = WeightFormatMatMulNBits
	if _, _, err := m.CompressWeights(nil, o); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "nf4") {
		t.Fatalf("got %v", err)
	}
	o = fourBit(CompressWeightsModeInt4Sym)
	o.Ratio = 1.5
	if _, _, err := m.CompressWeights(nil, o); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "ratio") {
		t.Fatalf("got %v", err)
	}
	o.Ratio = 1
	o.GroupSize = 1 << 40
	if _, _, err := m.CompressWeights(nil, o); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "GroupSize") {
		t.Fatalf("got %v", err)
	}
}

func TestCompressWeightsOptionsMustComeFromTheConstructor(t *testing.T) {
	m := loadMLP(t)
	_, _, err := m.CompressWeights(nil, &CompressWeightsOptions{Mode: CompressWeightsModeInt8Sym})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "NewCompressWeightsOptions") {
		t.Fatalf("got %v", err)
	}
	copied := *NewCompressWeightsOptions()
	if _, _, err := m.CompressWeights(nil, &copied); err != nil {
		t.Fatalf("a copy of the defaults works: %v", err)
	}
}

func TestCompressWeightsProgressAndCancel(t *testing.T) {
	m := loadMLP(t)
	handlesBefore := liveHandles.Load()
	o := NewCompressWeightsOptions()
	var fractions []float64
	o.Progress = func(stage string, fraction float64) bool {
		if !strings.HasPrefix(stage, "compress_weights") || fraction < 0 || fraction > 1 {
			t.Errorf("progress(%q, %v)", stage, fraction)
		}
		fractions = append(fractions, fraction)
		return true
	}
	compress(t, m, o)
	if len(fractions) == 0 || fractions[len(fractions)-1] != 1 {
		t.Fatalf("fractions %v", fractions)
	}

	calls := 0
	o.Progress = func(string, float64) bool { calls++; return calls < 2 }
	_, _, err := m.CompressWeights(nil, o)
	var status *Error
	if !errors.Is(err, ErrCancelled) || !errors.As(err, &status) || status.Code != CodeCancelled || calls != 2 {
		t.Fatalf("got %v after %d calls", err, calls)
	}

	o.Progress = func(string, float64) bool { panic("progress exploded") }
	_, _, err = m.CompressWeights(nil, o)
	var panicErr *PanicError
	if !errors.Is(err, ErrCancelled) || !errors.As(err, &panicErr) || panicErr.Value != "progress exploded" {
		t.Fatalf("got %v", err)
	}
	if n := liveHandles.Load() - handlesBefore; n != 0 {
		t.Fatalf("%d cgo handles leaked", n)
	}
}

func TestCompressWeightsIgnoredScope(t *testing.T) {
	m := loadMLP(t)
	cases := []struct {
		scope IgnoredScope
		want  []string
	}{
		{IgnoredScope{Names: []string{"/fc2/Gemm"}}, []string{"/fc1/Gemm", "/fc3/Gemm"}},
		{IgnoredScope{Patterns: []string{"/fc[13]/"}}, []string{"/fc2/Gemm"}},
		{IgnoredScope{Types: []string{"Gemm"}}, []string{}},
		{IgnoredScope{Subgraphs: []Subgraph{{Inputs: []string{"input"}, Outputs: []string{"/fc1/Gemm_output_0"}}}},
			[]string{"/fc2/Gemm", "/fc3/Gemm"}},
		{IgnoredScope{Names: []string{"/fc1/Gemm", "ghost"}, SkipValidation: true}, []string{"/fc2/Gemm", "/fc3/Gemm"}},
	}
	for _, c := range cases {
		o := NewCompressWeightsOptions()
		o.IgnoredScope = c.scope
		_, report := compress(t, m, o)
		if got := compressedNodes(t, report); !reflect.DeepEqual(got, c.want) {
			t.Errorf("scope %+v: compressed %v, want %v", c.scope, got, c.want)
		}
	}
	o := NewCompressWeightsOptions()
	o.IgnoredScope = IgnoredScope{Names: []string{"/fc1/Gemm", "ghost"}}
	_, _, err := m.CompressWeights(nil, o)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "'ghost'") {
		t.Fatalf("got %v", err)
	}
}

func TestCompressWeightsAdvancedConfig(t *testing.T) {
	m := loadMLP(t)
	config, err := ConfigFromJSON(`{"compress_weights": {"ignored_scope": {"names": ["/fc3/Gemm"]}}}`)
	if err != nil {
		t.Fatal(err)
	}
	defer config.Close()
	o := NewCompressWeightsOptions()
	o.Advanced = config
	_, report := compress(t, m, o)
	if got := compressedNodes(t, report); !reflect.DeepEqual(got, []string{"/fc1/Gemm", "/fc2/Gemm"}) {
		t.Fatalf("compressed %v", got)
	}
}

func TestCompressWeightsDatasetRanksLayersByActivations(t *testing.T) {
	// With a dataset and Ratio < 1, mixed precision uses the data-aware default metric over the
	// dataset's items (up to SubsetSize).
	m := loadMLP(t)
	d, err := NewDataset(4, func(i int, out *Sample) error {
		return out.SetFloat32("input", []int64{2, 64}, uniform(128, uint32(i)))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	o := fourBit(CompressWeightsModeInt4Asym)
	o.Ratio = 0.5
	o.SubsetSize = 3
	out, report, err := m.CompressWeights(d, o)
	if err != nil {
		t.Fatal(err)
	}
	out.Close()
	if !strings.Contains(report, `"sensitivity_metric":"max_activation_variance"`) ||
		!strings.Contains(report, `"statistics_items":3`) {
		t.Fatalf("report %s", report)
	}
}

func TestCompressWeightsDataAwareAlgorithms(t *testing.T) {
	// AWQ and LoRA correction report per layer; GPTQ with LoRA correction is refused.
	m := loadMLP(t)
	d, err := NewDataset(4, func(i int, out *Sample) error {
		return out.SetFloat32("input", []int64{2, 64}, uniform(128, uint32(i)))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	o := fourBit(CompressWeightsModeInt4Sym)
	o.AllLayers = true
	o.SubsetSize = 4
	o.AWQ = true
	o.LoRACorrection = true
	out, report, err := m.CompressWeights(d, o)
	if err != nil {
		t.Fatal(err)
	}
	out.Close()
	if !strings.Contains(report, `"lora_correction":[{`) || !strings.Contains(report, `"noise_after":`) {
		t.Fatalf("report %s", report)
	}
	o.GPTQ = true
	if _, _, err := m.CompressWeights(d, o); err == nil || !strings.Contains(err.Error(), "gptq and lora_correction") {
		t.Fatalf("GPTQ with LoRA correction: %v", err)
	}
}

func TestCompressWeightsFile(t *testing.T) {
	dir := t.TempDir()
	output := filepath.Join(dir, "mlp_int4.onnx")
	data := output + ".data"
	o := fourBit(CompressWeightsModeInt4Asym)
	o.Ratio = 0.6
	save := &SaveOptions{ExternalData: ExternalDataAlways}

	o.Progress = func(string, float64) bool { return false }
	if _, err := CompressWeightsFile(mlpPath(), output, nil, o, save); !errors.Is(err, ErrCancelled) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(output); !os.IsNotExist(err) {
		t.Fatalf("a cancelled compression left %s", output)
	}
	// Without options.Progress, the save options' progress function is used.
	o.Progress = nil
	saveCancelled := &SaveOptions{ExternalData: ExternalDataAlways, Progress: func(string, float64) bool { return false }}
	if _, err := CompressWeightsFile(mlpPath(), output, nil, o, saveCancelled); !errors.Is(err, ErrCancelled) {
		t.Fatalf("got %v", err)
	}

	report, err := CompressWeightsFile(mlpPath(), output, nil, o, save)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range reportLayers(t, report) {
		found = found || l["mode"] == "int4_asym"
	}
	if !found {
		t.Fatalf("no int4_asym layer: %s", report)
	}
	if info, err := os.Stat(data); err != nil || info.Size() == 0 {
		t.Fatalf("external data: %v", err)
	}
	compressed, err := LoadModel(output, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compressed.Close()
	m := loadMLP(t)
	if e := relativeError(t, mlpOutputs(t, compressed, 2, 5), mlpOutputs(t, m, 2, 5)); e >= 0.3 {
		t.Fatalf("relative error %g", e)
	}
	_, err = CompressWeightsFile("/nonexistent/mlp.onnx", output, nil, o, save)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "/nonexistent/mlp.onnx") {
		t.Fatalf("got %v", err)
	}
}

func TestCompressWeightsEnumNames(t *testing.T) {
	names := map[CompressWeightsMode]string{
		CompressWeightsModeInt8Asym: "int8_asym", CompressWeightsModeInt8Sym: "int8_sym",
		CompressWeightsModeInt4Sym: "int4_sym", CompressWeightsModeInt4Asym: "int4_asym",
		CompressWeightsModeNF4: "nf4", CompressWeightsModeE2M1: "e2m1", CompressWeightsMode(42): "unknown",
	}
	for mode, name := range names {
		if mode.String() != name {
			t.Errorf("%d: %q, want %q", int32(mode), mode.String(), name)
		}
	}
	if CompressWeightsModeE2M1 != 5 || BackupModeNone != 2 || SensitivityMetricDefault != -1 || WeightFormatDQFloat4 != 4 {
		t.Fatal("enum values differ from the header")
	}
	if BackupModeNone.String() != "none" || SensitivityMetricMaxActivationVariance.String() != "max_activation_variance" ||
		WeightFormatMatMulNBits.String() != "matmul_nbits" {
		t.Fatal("enum names differ from the library's")
	}
	o := NewCompressWeightsOptions()
	want := CompressWeightsOptions{Mode: CompressWeightsModeInt8Asym, Ratio: 1, SensitivityMetric: SensitivityMetricDefault,
		BackupMode: BackupModeInt8Asym, Format: WeightFormatDQ, AccuracyLevel: 4, AllowOpsetUpgrade: true, SubsetSize: 128,
		fromDefaults: true}
	if !reflect.DeepEqual(*o, want) {
		t.Fatalf("defaults %+v", *o)
	}
}
