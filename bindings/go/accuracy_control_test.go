package nncf

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

const validationItems = 4

// quantizeNodeCount reads the QuantizeLinear count from a model's summary.
func quantizeNodeCount(t *testing.T, m *Model) int {
	t.Helper()
	text, err := m.SummaryJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Ops map[string]int `json:"op_histogram"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Ops["QuantizeLinear"]
}

func validationDataset(t *testing.T) *Dataset {
	t.Helper()
	d, err := NewDataset(validationItems, func(i int, out *Sample) error {
		return out.SetFloat32("input", []int64{quantizeBatch, 64}, quantizeItem(100+i))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func acOptions() *AccuracyControlOptions {
	o := NewAccuracyControlOptions()
	o.Quantize = quantizeOptions()
	o.MaxDrop = 0.03
	return o
}

// The zoo MLP has three quantizer groups (activation and weight quantizer each); the validator
// sees weights folded. Metric 1 - 0.02 per QuantizeLinear: quantized 0.94, each revert gives
// back 0.02, so max_drop 0.03 needs two reverts (0.98).
func TestAccuracyControlScriptedMetric(t *testing.T) {
	m := loadMLP(t)
	calls := 0
	views := 0
	dir := t.TempDir()
	o := acOptions()
	o.IntermediateModelDir = dir
	out, summary, report, err := m.QuantizeWithAccuracyControl(calibrationDataset(t, &calls), validationDataset(t),
		func(model *Model, items *Dataset) (Validation, error) {
			n, err := items.Len()
			if err != nil {
				return Validation{}, err
			}
			for i := 0; i < n; i++ {
				source, err := items.SourceIndex(i)
				if err != nil || source < 0 || source >= validationItems {
					t.Errorf("view item %d: source %d, %v", i, source, err)
				}
			}
			views++
			metric := 1 - 0.02*float64(quantizeNodeCount(t, model))
			perItem := make([]float64, n)
			for i := range perItem {
				perItem[i] = metric
			}
			return Validation{Metric: metric, PerItem: perItem}, nil
		}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if !summary.TargetMet || summary.RevertedGroups != 2 || math.Abs(summary.FinalMetric-0.98) > 1e-12 ||
		math.Abs(summary.QuantizedMetric-0.94) > 1e-12 {
		t.Fatalf("summary %+v", summary)
	}
	// Probe, float, quantized, 3 ranking calls, 2 loop calls (per-item values returned).
	if summary.ValidationCalls != 8 || views != 8 {
		t.Fatalf("validation calls %d, views %d", summary.ValidationCalls, views)
	}
	if got := quantizeNodeCount(t, out); got != 1 {
		t.Fatalf("returned model has %d QuantizeLinear nodes, want 1", got)
	}
	var doc map[string]interface{}
	if err := json.Unmarshal([]byte(report), &doc); err != nil || doc["target_met"] != true {
		t.Fatalf("report %v (%v)", doc, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "intermediate_model.onnx")); err != nil {
		t.Fatal(err)
	}
}

func TestAccuracyControlCallbackFailures(t *testing.T) {
	m := loadMLP(t)
	calls := 0
	boom := errors.New("labels missing")
	cases := []struct {
		name  string
		fn    ValidateFunc
		check func(error) bool
	}{
		{"error", func(model *Model, items *Dataset) (Validation, error) {
			if quantizeNodeCount(t, model) > 0 {
				return Validation{}, boom
			}
			return Validation{Metric: 1}, nil
		}, func(err error) bool { return errors.Is(err, boom) && errors.Is(err, ErrCallback) }},
		{"panic", func(model *Model, items *Dataset) (Validation, error) {
			if quantizeNodeCount(t, model) > 0 {
				panic("validator exploded")
			}
			return Validation{Metric: 1}, nil
		}, func(err error) bool {
			var p *PanicError
			return errors.As(err, &p)
		}},
		{"cancel", func(model *Model, items *Dataset) (Validation, error) {
			if quantizeNodeCount(t, model) > 0 {
				return Validation{}, &Error{Code: CodeCancelled, Message: "stop"}
			}
			return Validation{Metric: 1}, nil
		}, func(err error) bool { return errors.Is(err, ErrCancelled) }},
		{"nan", func(model *Model, items *Dataset) (Validation, error) {
			return Validation{Metric: math.NaN()}, nil
		}, func(err error) bool { return errors.Is(err, ErrCallback) }},
	}
	calibration, validation := calibrationDataset(t, &calls), validationDataset(t)
	before := liveHandles.Load()
	for _, c := range cases {
		out, _, _, err := m.QuantizeWithAccuracyControl(calibration, validation, c.fn, acOptions())
		if out != nil || err == nil || !c.check(err) {
			t.Errorf("%s: model %v, error %v", c.name, out, err)
		}
	}
	if live := liveHandles.Load(); live != before {
		t.Errorf("%d callback handles still registered, %d before", live, before)
	}
}

func TestAccuracyControlOptionsDefaults(t *testing.T) {
	o := NewAccuracyControlOptions()
	if o.MaxDrop != 0.01 || o.DropType != DropAbsolute || o.MaxNumIterations != -1 || o.Ranking != RankingAuto ||
		o.RestoreMode != RestoreActivationsAndWeights || o.RankingSubsetSize != 0 || o.TuneHyperparams {
		t.Fatalf("defaults %+v", o)
	}
	if DropRelative.String() != "relative" || RankingOutputDifference.String() != "output_difference" ||
		RestoreOnlyActivations.String() != "only_activations" {
		t.Fatal("enum names")
	}
	m := loadMLP(t)
	calls := 0
	if _, _, _, err := m.QuantizeWithAccuracyControl(calibrationDataset(t, &calls), validationDataset(t), nil, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil validate: %v", err)
	}
}
