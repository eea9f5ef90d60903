package nncf

import (
	"strings"
	"sync"
	"testing"
)

type logLine struct {
	level     LogLevel
	component string
	message   string
}

func TestLogger(t *testing.T) {
	defer ResetLogger()
	var mu sync.Mutex
	var lines []logLine
	record := func(level LogLevel, component, message string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, logLine{level, component, message})
	}
	SetLogger(LogInfo, record)
	loadCNN(t)
	mu.Lock()
	found := false
	for _, l := range lines {
		found = found || (l.level == LogInfo && l.component == "model" && strings.Contains(l.message, "fashion_mnist_cnn.onnx"))
	}
	lines = nil
	mu.Unlock()
	if !found {
		t.Fatal("no 'loaded' message from the model component")
	}

	SetLogger(LogError, record)
	loadCNN(t)
	mu.Lock()
	if len(lines) != 0 {
		t.Fatalf("messages below the threshold: %v", lines)
	}
	mu.Unlock()

	// A panicking logger is recovered; the library call still succeeds.
	SetLogger(LogDebug, func(LogLevel, string, string) { panic("logger failed") })
	loadCNN(t)

	before := liveHandles.Load()
	DisableLogging()
	if liveHandles.Load() != before-1 {
		t.Fatal("the replaced logger's handle was not released")
	}
	loadCNN(t)
}
