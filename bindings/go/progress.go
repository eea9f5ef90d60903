package nncf

import "runtime/cgo"

// ProgressFunc gets (stage, fraction in [0, 1]) during a long call; returning false cancels the
// call, which then fails with ErrCancelled.
type ProgressFunc func(stage string, fraction float64) bool

// progressState is the cgo.Handle value behind a progress callback for the length of one call.
type progressState struct {
	fn     ProgressFunc
	handle cgo.Handle
	err    error // a recovered panic
}

// newProgress registers fn for one library call; nil for a nil fn. release must follow the call.
func newProgress(fn ProgressFunc) *progressState {
	if fn == nil {
		return nil
	}
	state := &progressState{fn: fn}
	state.handle = newHandle(state)
	return state
}

// release deletes the handle; safe on nil and more than once.
func (p *progressState) release() {
	if p == nil || p.handle == 0 {
		return
	}
	deleteHandle(p.handle)
	p.handle = 0
}

// takeErr returns the recovered panic, if any, and forgets it; nil-safe.
func (p *progressState) takeErr() error {
	if p == nil {
		return nil
	}
	err := p.err
	p.err = nil
	return err
}
