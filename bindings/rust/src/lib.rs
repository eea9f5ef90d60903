//! Safe Rust bindings for libnncf: load, describe, save and run ONNX models, build calibration
//! datasets from closures, edit NNCF configs, compress weights (`Model::compress_weights`) and
//! quantize (`Model::quantize`), over the library's stable C ABI.
//!
//! Every handle frees itself on drop. Fallible calls return [`Result`] with the library's status
//! [`Code`] and message. Closures handed to the library (datasets, transforms, the logger,
//! progress) never unwind into C: a panic is caught at the boundary, the library sees a failed
//! callback, and the panic resumes once the library call returns.
//!
//! The raw declarations are in [`sys`].
//!
//! ```no_run
//! let model = nncf::Model::load("model.onnx")?;
//! let input = nncf::Sample::with("image", &[1, 1, 28, 28], &[0.0f32; 784])?;
//! let logits = model.infer(&input)?.get("logits")?.to_vec::<f32>()?;
//! # Ok::<(), nncf::Error>(())
//! ```
//!
//! Post-training quantization on a dataset from a closure, and data-free weight compression:
//!
//! ```no_run
//! use nncf::{CompressWeightsMode, CompressWeightsOptions, Dataset, Model, QuantizeOptions};
//!
//! let model = Model::load("mlp.onnx")?;
//! let mut data = Dataset::from_fn(Some(8), |i, out| out.set("input", &[1, 64], &[i as f32; 64]))?;
//! let options = QuantizeOptions { subset_size: 8, ..QuantizeOptions::default() };
//! let (quantized, report_json) = model.quantize(&mut data, &options)?;
//! let int4 = CompressWeightsOptions { mode: CompressWeightsMode::Int4Sym, ..Default::default() };
//! let (compressed, _report) = model.compress_weights(None, &int4)?;
//! # drop((quantized, report_json, compressed));
//! # Ok::<(), nncf::Error>(())
//! ```

pub mod sys;

#[macro_use]
mod c_enum;

mod accuracy_control;
mod compress_weights;
mod config;
mod dataset;
mod error;
mod ignored_scope;
mod log;
mod model;
mod progress;
mod quantize;
mod tensor;

use std::sync::atomic::{AtomicBool, Ordering};

pub use accuracy_control::{
    AccuracyControlOptions, AccuracyControlSummary, DropType, RankingMode, RestoreMode, Validation,
};
pub use compress_weights::{
    compress_weights_file, compress_weights_file_with_progress, BackupMode, CompressWeightsMode,
    CompressWeightsOptions, SensitivityMetric, WeightFormat,
};
pub use config::Config;
pub use dataset::Dataset;
pub use error::{check_status, Code, Error, Result};
pub use ignored_scope::{IgnoredScope, Subgraph};
pub use log::{disable_logging, reset_logger, set_logger, LogLevel};
pub use model::{Dim, ExternalData, InferOptions, LoadOptions, Model, SaveOptions, ValueInfo};
pub use quantize::{
    ModelType, OverflowFix, QuantizationMode, QuantizationParameters, QuantizationPreset, QuantizationScheme,
    QuantizeOptions, TargetDevice,
};
pub use tensor::{DType, Element, Sample, SampleRef, TensorView};

/// The runtime library's version number (MAJOR*10000 + MINOR*100 + PATCH).
pub fn version_number() -> i32 {
    // SAFETY: no arguments, no state.
    unsafe { sys::nncf_version_number() }
}

/// The runtime library's version string ("0.1.0").
pub fn version_string() -> &'static str {
    // SAFETY: a static string.
    unsafe { error::static_str(sys::nncf_version_string()) }
}

/// The runtime's ABI level; must be at least `sys::NNCF_API_VERSION`.
pub fn api_version() -> i32 {
    // SAFETY: no arguments, no state.
    unsafe { sys::nncf_api_version() }
}

/// Fails with `Code::VersionMismatch` when the loaded libnncf is older than the ABI these
/// bindings were written against. Called on first use by every constructor.
pub fn check_runtime_version() -> Result<()> {
    let runtime = api_version();
    if runtime < sys::NNCF_API_VERSION {
        return Err(Error::new(
            Code::VersionMismatch,
            format!(
                "libnncf {} provides API version {runtime}, but these bindings need at least {}",
                version_string(),
                sys::NNCF_API_VERSION
            ),
        ));
    }
    Ok(())
}

static RUNTIME_CHECKED: AtomicBool = AtomicBool::new(false);

pub(crate) fn ensure_runtime() -> Result<()> {
    if RUNTIME_CHECKED.load(Ordering::Acquire) {
        return Ok(());
    }
    check_runtime_version()?;
    RUNTIME_CHECKED.store(true, Ordering::Release);
    Ok(())
}

/// Copies a blob's bytes and frees it.
///
/// # Safety
/// `blob` must be a blob returned by the library and not yet freed.
pub(crate) unsafe fn take_blob(blob: *mut sys::nncf_blob) -> Vec<u8> {
    let size = sys::nncf_blob_size(blob);
    let data = sys::nncf_blob_data(blob) as *const u8;
    let bytes = if size == 0 || data.is_null() {
        Vec::new()
    } else {
        std::slice::from_raw_parts(data, size).to_vec()
    };
    sys::nncf_blob_free(blob);
    bytes
}

/// `sizeof` of a public C struct as the loaded library sees it (0 for unknown names); for
/// checking struct mirrors.
pub fn abi_sizeof(type_name: &str) -> usize {
    match std::ffi::CString::new(type_name) {
        // SAFETY: a valid C string for the call.
        Ok(name) => unsafe { sys::nncf_abi_sizeof(name.as_ptr()) },
        Err(_) => 0,
    }
}
