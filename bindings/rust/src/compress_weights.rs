//! Weight compression (nncf.compress_weights): weights of MatMul/Gemm/Conv layers stored in
//! 8 or 4 bits, in memory or streamed file to file.
use std::os::raw::c_void;
use std::path::Path;
use std::ptr;

use crate::config::Config;
use crate::dataset::Dataset;
use crate::error::{check, Code, Error, Result};
use crate::ignored_scope::{IgnoredScope, RawIgnoredScope};
use crate::model::{path_cstring, Model, SaveOptions, SaveParams};
use crate::progress::progress_callback;
use crate::sys;

c_enum!(
    /// `nncf_compress_weights_mode` (nncf.CompressWeightsMode).
    CompressWeightsMode, sys::nncf_compress_weights_mode, nncf_compress_weights_mode_name,
    default Int8Asym = NNCF_COMPRESS_WEIGHTS_MODE_INT8_ASYM,
    Int8Sym = NNCF_COMPRESS_WEIGHTS_MODE_INT8_SYM,
    Int4Sym = NNCF_COMPRESS_WEIGHTS_MODE_INT4_SYM,
    Int4Asym = NNCF_COMPRESS_WEIGHTS_MODE_INT4_ASYM,
    Nf4 = NNCF_COMPRESS_WEIGHTS_MODE_NF4,
    /// OCP MX FP4: group 32, power-of-two (e8m0) scales.
    E2m1 = NNCF_COMPRESS_WEIGHTS_MODE_E2M1,
);

c_enum!(
    /// `nncf_backup_mode` (nncf.BackupMode): the mode of layers outside the primary ratio.
    BackupMode, sys::nncf_backup_mode, nncf_backup_mode_name,
    default Int8Asym = NNCF_BACKUP_MODE_INT8_ASYM,
    Int8Sym = NNCF_BACKUP_MODE_INT8_SYM,
    /// Non-primary layers stay float.
    None = NNCF_BACKUP_MODE_NONE,
);

c_enum!(
    /// `nncf_sensitivity_metric` (nncf.SensitivityMetric): ranks layers for mixed precision.
    SensitivityMetric, sys::nncf_sensitivity_metric, nncf_sensitivity_metric_name,
    /// Weight error without a dataset, else max activation variance.
    default Default = NNCF_SENSITIVITY_METRIC_DEFAULT,
    WeightQuantizationError = NNCF_SENSITIVITY_METRIC_WEIGHT_QUANTIZATION_ERROR,
    HessianInputActivation = NNCF_SENSITIVITY_METRIC_HESSIAN_INPUT_ACTIVATION,
    MeanActivationVariance = NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_VARIANCE,
    MaxActivationVariance = NNCF_SENSITIVITY_METRIC_MAX_ACTIVATION_VARIANCE,
    MeanActivationMagnitude = NNCF_SENSITIVITY_METRIC_MEAN_ACTIVATION_MAGNITUDE,
);

c_enum!(
    /// `nncf_weight_format`: how compressed weights are written into the model.
    WeightFormat, sys::nncf_weight_format, nncf_weight_format_name,
    /// DequantizeLinear (int4/uint4 blocked at opset 21; NF4 and E2M1 through a lookup).
    default Dq = NNCF_WEIGHT_FORMAT_DQ,
    /// com.microsoft MatMulNBits (4-bit modes on MatMul).
    MatMulNBits = NNCF_WEIGHT_FORMAT_MATMUL_NBITS,
    /// Float weights with fake quantization, for training.
    Fq = NNCF_WEIGHT_FORMAT_FQ,
    /// Fake quantization plus low-rank adapters.
    FqLora = NNCF_WEIGHT_FORMAT_FQ_LORA,
    /// E2M1 as opset-23 float4e2m1 DequantizeLinear.
    DqFloat4 = NNCF_WEIGHT_FORMAT_DQ_FLOAT4,
);

/// Parameters of weight compression (`nncf_compress_weights_params`). `Default` gives the
/// library's defaults.
#[derive(Debug, Clone)]
pub struct CompressWeightsOptions<'a> {
    pub mode: CompressWeightsMode,
    /// Share of ratio-defining parameters in `mode` (the rest use `backup_mode`); default 1.
    pub ratio: f64,
    /// 0 (default): NNCF's default for the mode; -1: per channel; else the group size.
    pub group_size: i32,
    /// Embeddings and the last layer in `mode` too (default false).
    pub all_layers: bool,
    pub sensitivity_metric: SensitivityMetric,
    pub backup_mode: BackupMode,
    pub format: WeightFormat,
    /// MatMulNBits `accuracy_level` attribute; default 4.
    pub accuracy_level: i32,
    /// Raise the opset when the format needs it (default true).
    pub allow_opset_upgrade: bool,
    /// 0 (default): one per core. The output never depends on it.
    pub num_threads: u32,
    pub ignored_scope: IgnoredScope,
    /// Advanced parameters: the config's "compress_weights" section.
    pub advanced: Option<&'a Config>,
    /// Dataset items reduced for the data-aware steps (default 128).
    pub subset_size: u64,
    /// AWQ for the 4-bit layers; data-free scales without a dataset (default false).
    pub awq: bool,
    /// Scale estimation for the 4-bit layers; needs a dataset (default false).
    pub scale_estimation: bool,
    /// GPTQ for the 4-bit layers; needs a dataset (default false).
    pub gptq: bool,
    /// A low-rank correction branch per 4-bit MatMul; needs a dataset; not with `gptq`.
    pub lora_correction: bool,
}

impl Default for CompressWeightsOptions<'_> {
    fn default() -> Self {
        CompressWeightsOptions {
            mode: CompressWeightsMode::Int8Asym,
            ratio: 1.0,
            group_size: 0,
            all_layers: false,
            sensitivity_metric: SensitivityMetric::Default,
            backup_mode: BackupMode::Int8Asym,
            format: WeightFormat::Dq,
            accuracy_level: 4,
            allow_opset_upgrade: true,
            num_threads: 0,
            ignored_scope: IgnoredScope::default(),
            advanced: None,
            subset_size: 128,
            awq: false,
            scale_estimation: false,
            gptq: false,
            lora_correction: false,
        }
    }
}

/// `nncf_compress_weights_params` with the ignored scope it points to.
struct CompressParams {
    raw: sys::nncf_compress_weights_params,
    _scope: RawIgnoredScope,
}

impl CompressParams {
    fn new(
        options: &CompressWeightsOptions<'_>,
        progress: sys::nncf_progress_fn,
        progress_user_data: *mut c_void,
    ) -> Result<CompressParams> {
        let scope = RawIgnoredScope::new(&options.ignored_scope)?;
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut raw: sys::nncf_compress_weights_params = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_compress_weights_params_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.mode = options.mode.raw();
        raw.ratio = options.ratio;
        raw.group_size = options.group_size;
        raw.all_layers = i32::from(options.all_layers);
        raw.sensitivity_metric = options.sensitivity_metric.raw();
        raw.backup_mode = options.backup_mode.raw();
        raw.format = options.format.raw();
        raw.accuracy_level = options.accuracy_level;
        raw.allow_opset_upgrade = i32::from(options.allow_opset_upgrade);
        raw.num_threads = thread_count(options.num_threads)?;
        raw.subset_size = i64::try_from(options.subset_size)
            .map_err(|_| Error::new(Code::InvalidArgument, "subset_size does not fit in an i64"))?;
        raw.awq = i32::from(options.awq);
        raw.scale_estimation = i32::from(options.scale_estimation);
        raw.gptq = i32::from(options.gptq);
        raw.lora_correction = i32::from(options.lora_correction);
        raw.ignored_scope = scope.as_ptr();
        raw.advanced = options.advanced.map_or(ptr::null(), |c| c.as_ptr());
        raw.progress = progress;
        raw.progress_user_data = progress_user_data;
        Ok(CompressParams { raw, _scope: scope })
    }
}

pub(crate) fn thread_count(num_threads: u32) -> Result<i32> {
    i32::try_from(num_threads)
        .map_err(|_| Error::new(Code::InvalidArgument, "num_threads does not fit in an i32"))
}

fn dataset_ptr(dataset: Option<&mut Dataset>) -> *mut sys::nncf_dataset {
    dataset.map_or(ptr::null_mut(), |d| d.as_mut_ptr())
}

impl Model {
    /// Compresses the weights into a new model; returns it with the JSON report (per layer:
    /// mode, bits, group size, error). `dataset` may be `None` (data-free).
    pub fn compress_weights(
        &self,
        dataset: Option<&mut Dataset>,
        options: &CompressWeightsOptions<'_>,
    ) -> Result<(Model, String)> {
        self.compress_weights_impl(dataset, options, None, ptr::null_mut())
    }

    /// `compress_weights` with a progress callback `(stage, fraction)`; returning `false` cancels,
    /// and the call fails with `Code::Cancelled`.
    pub fn compress_weights_with_progress<F: FnMut(&str, f64) -> bool>(
        &self,
        dataset: Option<&mut Dataset>,
        options: &CompressWeightsOptions<'_>,
        mut progress: F,
    ) -> Result<(Model, String)> {
        let (callback, user_data) = progress_callback(&mut progress);
        self.compress_weights_impl(dataset, options, callback, user_data)
    }

    fn compress_weights_impl(
        &self,
        dataset: Option<&mut Dataset>,
        options: &CompressWeightsOptions<'_>,
        progress: sys::nncf_progress_fn,
        user_data: *mut c_void,
    ) -> Result<(Model, String)> {
        let params = CompressParams::new(options, progress, user_data)?;
        let mut out = ptr::null_mut();
        let mut report = ptr::null_mut();
        // SAFETY: valid pointers for the call; callbacks run only during it.
        check(unsafe {
            sys::nncf_compress_weights(
                self.as_ptr(),
                dataset_ptr(dataset),
                &params.raw,
                &mut out,
                &mut report,
            )
        })?;
        // SAFETY: success returns a new model and a new blob we own.
        let model = unsafe { Model::from_raw(out) };
        let report = String::from_utf8(unsafe { crate::take_blob(report) })?;
        Ok((model, report))
    }
}

/// Compresses the model file `input` into `output`, streaming one weight at a time (peak
/// memory stays near the largest weight); returns the JSON report.
pub fn compress_weights_file(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    dataset: Option<&mut Dataset>,
    options: &CompressWeightsOptions<'_>,
    save: &SaveOptions,
) -> Result<String> {
    compress_weights_file_impl(input.as_ref(), output.as_ref(), dataset, options, save, None, ptr::null_mut())
}

/// `compress_weights_file` with a progress callback; returning `false` cancels and leaves no
/// output file.
pub fn compress_weights_file_with_progress<F: FnMut(&str, f64) -> bool>(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    dataset: Option<&mut Dataset>,
    options: &CompressWeightsOptions<'_>,
    save: &SaveOptions,
    mut progress: F,
) -> Result<String> {
    let (callback, user_data) = progress_callback(&mut progress);
    compress_weights_file_impl(input.as_ref(), output.as_ref(), dataset, options, save, callback, user_data)
}

fn compress_weights_file_impl(
    input: &Path,
    output: &Path,
    dataset: Option<&mut Dataset>,
    options: &CompressWeightsOptions<'_>,
    save: &SaveOptions,
    progress: sys::nncf_progress_fn,
    user_data: *mut c_void,
) -> Result<String> {
    crate::ensure_runtime()?;
    let input = path_cstring(input)?;
    let output = path_cstring(output)?;
    let params = CompressParams::new(options, progress, user_data)?;
    let save = SaveParams::new(save)?;
    let mut report = ptr::null_mut();
    // SAFETY: valid pointers for the call; callbacks run only during it.
    check(unsafe {
        sys::nncf_compress_weights_file(
            input.as_ptr(),
            output.as_ptr(),
            dataset_ptr(dataset),
            &params.raw,
            &save.raw,
            &mut report,
        )
    })?;
    // SAFETY: a new blob we own.
    Ok(String::from_utf8(unsafe { crate::take_blob(report) })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_are_the_library_defaults() {
        let ours =
            CompressParams::new(&CompressWeightsOptions::default(), None, ptr::null_mut()).unwrap().raw;
        // SAFETY: all-zero is a valid mirror, filled by the library.
        let mut theirs: sys::nncf_compress_weights_params = unsafe { std::mem::zeroed() };
        unsafe {
            sys::nncf_compress_weights_params_default(&mut theirs, std::mem::size_of_val(&theirs) as u32)
        };
        assert_eq!(ours.struct_size, theirs.struct_size);
        assert_eq!((ours.mode, ours.ratio, ours.group_size), (theirs.mode, theirs.ratio, theirs.group_size));
        assert_eq!(
            (ours.all_layers, ours.sensitivity_metric),
            (theirs.all_layers, theirs.sensitivity_metric)
        );
        assert_eq!((ours.backup_mode, ours.format), (theirs.backup_mode, theirs.format));
        assert_eq!(
            (ours.accuracy_level, ours.allow_opset_upgrade),
            (theirs.accuracy_level, theirs.allow_opset_upgrade)
        );
        assert_eq!((ours.num_threads, ours.subset_size), (theirs.num_threads, theirs.subset_size));
        assert_eq!(
            (ours.awq, ours.scale_estimation, ours.gptq, ours.lora_correction),
            (theirs.awq, theirs.scale_estimation, theirs.gptq, theirs.lora_correction)
        );
        assert!(ours.ignored_scope.is_null() && ours.advanced.is_null() && ours.progress.is_none());
    }
}
