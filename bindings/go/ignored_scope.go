package nncf

/*
#include <stdlib.h>
#include "nncf.h"
*/
import "C"

import "unsafe"

// Subgraph is every node on a path from Inputs to Outputs (value names).
type Subgraph struct {
	Inputs  []string
	Outputs []string
}

// IgnoredScope lists nodes an algorithm leaves alone (nncf.IgnoredScope). The zero value ignores
// nothing. A rule that matches nothing fails the call, naming the rule, unless SkipValidation.
type IgnoredScope struct {
	Names          []string // exact node names
	Patterns       []string // ECMAScript regexes matched at the start of node names
	Types          []string // op types ("MatMul")
	Subgraphs      []Subgraph
	SkipValidation bool
}

func (s *IgnoredScope) empty() bool {
	return s == nil || len(s.Names) == 0 && len(s.Patterns) == 0 && len(s.Types) == 0 && len(s.Subgraphs) == 0
}

// cIgnoredScope is an nncf_ignored_scope in C memory, with every array and string it points to:
// a params struct passed to C may hold only C pointers.
type cIgnoredScope struct {
	scope     *C.nncf_ignored_scope
	subgraphs *C.nncf_subgraph
	strings   []*cStrings
}

// newCIgnoredScope returns nil for an empty scope (the library's "none").
func newCIgnoredScope(s *IgnoredScope) *cIgnoredScope {
	if s.empty() {
		return nil
	}
	c := &cIgnoredScope{}
	c.scope = (*C.nncf_ignored_scope)(C.calloc(1, C.size_t(unsafe.Sizeof(C.nncf_ignored_scope{}))))
	C.nncf_ignored_scope_default(c.scope, C.uint32_t(unsafe.Sizeof(C.nncf_ignored_scope{})))
	list := func(values []string) (**C.char, C.size_t) {
		strings := newCStrings(values)
		c.strings = append(c.strings, strings)
		return strings.ptr(), C.size_t(len(values))
	}
	c.scope.names, c.scope.n_names = list(s.Names)
	c.scope.patterns, c.scope.n_patterns = list(s.Patterns)
	c.scope.types, c.scope.n_types = list(s.Types)
	if len(s.Subgraphs) > 0 {
		size := C.size_t(len(s.Subgraphs)) * C.size_t(unsafe.Sizeof(C.nncf_subgraph{}))
		c.subgraphs = (*C.nncf_subgraph)(C.calloc(1, size))
		graphs := unsafe.Slice(c.subgraphs, len(s.Subgraphs))
		for i, g := range s.Subgraphs {
			graphs[i].inputs, graphs[i].n_inputs = list(g.Inputs)
			graphs[i].outputs, graphs[i].n_outputs = list(g.Outputs)
		}
		c.scope.subgraphs = c.subgraphs
		c.scope.n_subgraphs = C.size_t(len(s.Subgraphs))
	}
	if s.SkipValidation {
		c.scope.validate = 0
	}
	return c
}

// ptr is NULL for a nil (empty) scope.
func (c *cIgnoredScope) ptr() *C.nncf_ignored_scope {
	if c == nil {
		return nil
	}
	return c.scope
}

func (c *cIgnoredScope) free() {
	if c == nil {
		return
	}
	for _, s := range c.strings {
		s.free()
	}
	C.free(unsafe.Pointer(c.subgraphs))
	C.free(unsafe.Pointer(c.scope))
}
