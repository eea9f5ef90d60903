package nncf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustConfigGet(t *testing.T, c *Config, key, want string) {
	t.Helper()
	got, err := c.Get(key)
	if err != nil || got != want {
		t.Fatalf("Get(%s) = %q, %v; want %q", key, got, err, want)
	}
}

func TestConfigGetSet(t *testing.T) {
	c, err := ConfigFromJSON(`{"quantize": {"subset_size": 100, "preset": "mixed"}}`)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustConfigGet(t, c, "quantize.subset_size", "100")
	mustConfigGet(t, c, "quantize.preset", `"mixed"`)
	mustConfigGet(t, c, "quantize.target_device", `"any"`)
	mustConfigGet(t, c, "quantize.advanced.overflow_fix", "null")
	if _, err := c.Get("quantize.subsetsize"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "subsetsize") {
		t.Fatalf("unknown key: %v", err)
	}

	if err := c.Set("quantize.subset_size", "7"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("quantize.advanced.overflow_fix", `"enable"`); err != nil {
		t.Fatal(err)
	}
	err = c.Set("quantize.subset_size", `"many"`)
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "$.quantize.subset_size") {
		t.Fatalf("invalid value: %v", err)
	}
	mustConfigGet(t, c, "quantize.subset_size", "7")

	text, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ConfigFromJSON(text)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	mustConfigGet(t, again, "quantize.subset_size", "7")
	mustConfigGet(t, again, "quantize.advanced.overflow_fix", `"enable"`)
	c.Close()
	c.Close()
	if _, err := c.Get("quantize.subset_size"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("closed config: %v", err)
	}
}

func TestConfigErrorsFilesAndSchema(t *testing.T) {
	_, err := ConfigFromJSON(`{"quantize": {"subsetsize": 1}}`)
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "$.quantize.subsetsize") {
		t.Fatalf("schema error: %v", err)
	}
	if _, err := ConfigFromJSON("{not json"); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("bad json: %v", err)
	}
	path := filepath.Join(t.TempDir(), "nncf.json")
	if err := os.WriteFile(path, []byte(`{"quantize": {"subset_size": 5}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ConfigFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustConfigGet(t, c, "quantize.subset_size", "5")
	if _, err := ConfigFromFile(path + ".missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing file: %v", err)
	}
	schema, err := ConfigSchemaJSON()
	if err != nil || !strings.Contains(schema, `"subset_size"`) || !strings.Contains(schema, `"properties"`) {
		t.Fatalf("schema: %v", err)
	}
}
