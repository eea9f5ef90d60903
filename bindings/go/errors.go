package nncf

/*
#include "nncf.h"
*/
import "C"

import "fmt"

// Code is a library status code (nncf_code). Values are never renumbered.
type Code int32

const (
	CodeOK              Code = C.NNCF_OK
	CodeInvalidArgument Code = C.NNCF_ERR_INVALID_ARGUMENT
	CodeNotFound        Code = C.NNCF_ERR_NOT_FOUND
	CodeInvalidModel    Code = C.NNCF_ERR_INVALID_MODEL
	CodeUnsupported     Code = C.NNCF_ERR_UNSUPPORTED
	CodeIO              Code = C.NNCF_ERR_IO
	CodeOutOfMemory     Code = C.NNCF_ERR_OUT_OF_MEMORY
	CodeCancelled       Code = C.NNCF_ERR_CANCELLED
	CodeCallback        Code = C.NNCF_ERR_CALLBACK
	CodeVersionMismatch Code = C.NNCF_ERR_VERSION_MISMATCH
	CodeInvalidConfig   Code = C.NNCF_ERR_INVALID_CONFIG
	CodeInternal        Code = C.NNCF_ERR_INTERNAL
)

// String is the library's name of the code, e.g. "NNCF_ERR_IO".
func (c Code) String() string { return C.GoString(C.nncf_code_string(C.nncf_code(c))) }

// Error is a failed library call: the status code and the library's message.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("nncf: %s: %s", e.Code, e.Message) }

// Is matches a sentinel (an *Error without a message) by code, so that
// errors.Is(err, nncf.ErrNotFound) works for any message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrInvalidArgument = &Error{Code: CodeInvalidArgument}
	ErrNotFound        = &Error{Code: CodeNotFound}
	ErrInvalidModel    = &Error{Code: CodeInvalidModel}
	ErrUnsupported     = &Error{Code: CodeUnsupported}
	ErrIO              = &Error{Code: CodeIO}
	ErrOutOfMemory     = &Error{Code: CodeOutOfMemory}
	ErrCancelled       = &Error{Code: CodeCancelled}
	ErrCallback        = &Error{Code: CodeCallback}
	ErrVersionMismatch = &Error{Code: CodeVersionMismatch}
	ErrInvalidConfig   = &Error{Code: CodeInvalidConfig}
	ErrInternal        = &Error{Code: CodeInternal}
)

// NewError builds an error for a callback to return, e.g. NewError(CodeNotFound, "end of data")
// from a dataset function of unknown length.
func NewError(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// CallbackError is what a call returns when a Go callback it ran failed: Status is the library's
// error (usually ErrCallback, or ErrCancelled), Err the callback's own error or a *PanicError.
// errors.Is matches both; errors.As reaches Err.
type CallbackError struct {
	Status *Error
	Err    error
}

func (e *CallbackError) Error() string { return e.Status.Error() }

func (e *CallbackError) Unwrap() error { return e.Err }

func (e *CallbackError) Is(target error) bool { return e.Status.Is(target) }

// PanicError is a panic recovered inside a Go callback.
type PanicError struct {
	Value interface{}
}

func (e *PanicError) Error() string { return fmt.Sprintf("Go callback panicked: %v", e.Value) }

// statusError converts a status returned by the library into an error and frees it.
func statusError(status *C.nncf_status) error {
	if status == nil {
		return nil
	}
	defer C.nncf_status_free(status)
	return &Error{Code: Code(C.nncf_status_code(status)), Message: C.GoString(C.nncf_status_message(status))}
}

// withCallbackError pairs the library's error with the Go error a callback recorded, if any.
func withCallbackError(err error, callbackErr error) error {
	if callbackErr == nil {
		return err
	}
	if status, ok := err.(*Error); ok {
		return &CallbackError{Status: status, Err: callbackErr}
	}
	if err == nil {
		// The library succeeded despite the callback's failure (it may ignore a log callback).
		return nil
	}
	return err
}

func closedError(what string) error {
	return &Error{Code: CodeInvalidArgument, Message: what + " is closed"}
}
