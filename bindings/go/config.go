package nncf

/*
#include <stdlib.h>
#include "nncf.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Config is NNCF's options as schema-validated JSON (nncf_config). Not for concurrent use.
type Config struct {
	ptr *C.nncf_config
}

func newConfig(ptr *C.nncf_config) *Config {
	c := &Config{ptr: ptr}
	runtime.SetFinalizer(c, (*Config).Close)
	return c
}

// ConfigFromJSON parses and validates json; schema errors name the JSON path (ErrInvalidConfig).
func ConfigFromJSON(json string) (*Config, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	text := C.CString(json)
	defer C.free(unsafe.Pointer(text))
	var ptr *C.nncf_config
	if err := statusError(C.nncf_config_from_json(text, C.size_t(len(json)), &ptr)); err != nil {
		return nil, err
	}
	return newConfig(ptr), nil
}

// ConfigFromFile reads and validates a JSON file.
func ConfigFromFile(path string) (*Config, error) {
	if err := ensureRuntime(); err != nil {
		return nil, err
	}
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))
	var ptr *C.nncf_config
	if err := statusError(C.nncf_config_from_file(cPath, &ptr)); err != nil {
		return nil, err
	}
	return newConfig(ptr), nil
}

// ConfigSchemaJSON is the JSON schema configs are validated against.
func ConfigSchemaJSON() (string, error) {
	if err := ensureRuntime(); err != nil {
		return "", err
	}
	var blob *C.nncf_blob
	if err := statusError(C.nncf_config_schema_json(&blob)); err != nil {
		return "", err
	}
	return string(takeBlob(blob)), nil
}

// Close frees the config; it is idempotent.
func (c *Config) Close() {
	if c.ptr == nil {
		return
	}
	C.nncf_config_free(c.ptr)
	c.ptr = nil
	runtime.SetFinalizer(c, nil)
}

// JSON serializes the config.
func (c *Config) JSON() (string, error) {
	if c.ptr == nil {
		return "", closedError("config")
	}
	var blob *C.nncf_blob
	err := statusError(C.nncf_config_to_json(c.ptr, &blob))
	runtime.KeepAlive(c)
	if err != nil {
		return "", err
	}
	return string(takeBlob(blob)), nil
}

// Get returns the JSON text at key ("quantize.subset_size"), or its schema default when unset;
// ErrNotFound for keys the schema does not have.
func (c *Config) Get(key string) (string, error) {
	if c.ptr == nil {
		return "", closedError("config")
	}
	cKey := C.CString(key)
	defer C.free(unsafe.Pointer(cKey))
	var blob *C.nncf_blob
	err := statusError(C.nncf_config_get(c.ptr, cKey, &blob))
	runtime.KeepAlive(c)
	if err != nil {
		return "", err
	}
	return string(takeBlob(blob)), nil
}

// Set validates the JSON text value and stores it at key; a rejected value changes nothing.
func (c *Config) Set(key, jsonValue string) error {
	if c.ptr == nil {
		return closedError("config")
	}
	cKey := C.CString(key)
	defer C.free(unsafe.Pointer(cKey))
	cValue := C.CString(jsonValue)
	defer C.free(unsafe.Pointer(cValue))
	err := statusError(C.nncf_config_set(c.ptr, cKey, cValue))
	runtime.KeepAlive(c)
	return err
}
