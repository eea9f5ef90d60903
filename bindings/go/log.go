package nncf

/*
#include <stdint.h>
#include "nncf.h"

// Defined in shims.c.
void nncf_go_set_log_callback(uintptr_t handle, int32_t min_level, int32_t mode);
*/
import "C"

import (
	"runtime/cgo"
	"sync"
)

// LogLevel is a log message's severity (nncf_log_level).
type LogLevel int32

const (
	LogDebug   LogLevel = C.NNCF_LOG_DEBUG
	LogInfo    LogLevel = C.NNCF_LOG_INFO
	LogWarning LogLevel = C.NNCF_LOG_WARNING
	LogError   LogLevel = C.NNCF_LOG_ERROR
)

// LogFunc receives the library's log messages. It may run on any thread that is inside a library
// call, never on two at once, and must not call SetLogger.
type LogFunc func(level LogLevel, component, message string)

var (
	loggerMu     sync.Mutex
	loggerHandle cgo.Handle // 0 when no Go logger is installed
)

// swapLogger installs the new logger and releases the previous Go function once the library
// guarantees it is no longer running.
func swapLogger(handle cgo.Handle, minLevel LogLevel, mode C.int32_t) {
	loggerMu.Lock()
	defer loggerMu.Unlock()
	C.nncf_go_set_log_callback(C.uintptr_t(handle), C.int32_t(minLevel), mode)
	if loggerHandle != 0 {
		deleteHandle(loggerHandle)
	}
	loggerHandle = handle
}

// SetLogger sends library messages at minLevel and above to fn, replacing the previous logger.
// A panic in fn is recovered and reported on stderr.
func SetLogger(minLevel LogLevel, fn LogFunc) {
	if fn == nil {
		ResetLogger()
		return
	}
	swapLogger(newHandle(fn), minLevel, 0)
}

// DisableLogging silences the library completely.
func DisableLogging() { swapLogger(0, LogError, 1) }

// ResetLogger restores the default logger (warnings and errors to stderr).
func ResetLogger() { swapLogger(0, LogWarning, 2) }
