//! Ignored scope (nncf.IgnoredScope): nodes an algorithm leaves alone, shared by weight
//! compression and quantization.
use std::ptr;

use crate::error::Result;
use crate::sys;
use crate::tensor::CStringArray;

/// The nodes on every path from `inputs` to `outputs` (value names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subgraph {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

/// Nodes to leave alone, by exact name, name pattern, op type or subgraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredScope {
    /// Exact node names.
    pub names: Vec<String>,
    /// ECMAScript regexes matched at the start of node names.
    pub patterns: Vec<String>,
    /// Op types ("MatMul").
    pub types: Vec<String>,
    pub subgraphs: Vec<Subgraph>,
    /// When true (the default), a rule that matches nothing fails the call, naming the rule.
    pub validate: bool,
}

impl Default for IgnoredScope {
    fn default() -> IgnoredScope {
        IgnoredScope {
            names: Vec::new(),
            patterns: Vec::new(),
            types: Vec::new(),
            subgraphs: Vec::new(),
            validate: true,
        }
    }
}

impl IgnoredScope {
    /// A scope of exact node names.
    pub fn names<S: AsRef<str>>(names: &[S]) -> IgnoredScope {
        IgnoredScope {
            names: names.iter().map(|s| s.as_ref().to_string()).collect(),
            ..IgnoredScope::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.patterns.is_empty()
            && self.types.is_empty()
            && self.subgraphs.is_empty()
    }
}

struct RawSubgraph {
    inputs: CStringArray,
    outputs: CStringArray,
}

/// `nncf_ignored_scope` for an `IgnoredScope`, owning every string and array it points to.
pub(crate) struct RawIgnoredScope {
    // Boxed so the pointer handed to a params struct survives moves of this value.
    raw: Box<sys::nncf_ignored_scope>,
    empty: bool,
    _names: CStringArray,
    _patterns: CStringArray,
    _types: CStringArray,
    _subgraph_strings: Vec<RawSubgraph>,
    _subgraphs: Vec<sys::nncf_subgraph>,
}

impl RawIgnoredScope {
    pub(crate) fn new(scope: &IgnoredScope) -> Result<RawIgnoredScope> {
        let names = CStringArray::new(&scope.names)?;
        let patterns = CStringArray::new(&scope.patterns)?;
        let types = CStringArray::new(&scope.types)?;
        let subgraph_strings = scope
            .subgraphs
            .iter()
            .map(|g| {
                Ok(RawSubgraph {
                    inputs: CStringArray::new(&g.inputs)?,
                    outputs: CStringArray::new(&g.outputs)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let subgraphs: Vec<sys::nncf_subgraph> = subgraph_strings
            .iter()
            .map(|g| sys::nncf_subgraph {
                inputs: g.inputs.as_ptr(),
                n_inputs: g.inputs.len(),
                outputs: g.outputs.as_ptr(),
                n_outputs: g.outputs.len(),
            })
            .collect();
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut raw: sys::nncf_ignored_scope = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_ignored_scope_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.names = names.as_ptr();
        raw.n_names = names.len();
        raw.patterns = patterns.as_ptr();
        raw.n_patterns = patterns.len();
        raw.types = types.as_ptr();
        raw.n_types = types.len();
        // The Vec's buffer does not move when the Vec itself moves into the struct below.
        raw.subgraphs = if subgraphs.is_empty() { ptr::null() } else { subgraphs.as_ptr() };
        raw.n_subgraphs = subgraphs.len();
        raw.validate = i32::from(scope.validate);
        Ok(RawIgnoredScope {
            raw: Box::new(raw),
            empty: scope.is_empty(),
            _names: names,
            _patterns: patterns,
            _types: types,
            _subgraph_strings: subgraph_strings,
            _subgraphs: subgraphs,
        })
    }

    /// NULL for an empty scope (the library's "none").
    pub(crate) fn as_ptr(&self) -> *const sys::nncf_ignored_scope {
        if self.empty {
            ptr::null()
        } else {
            &*self.raw
        }
    }
}
