//! Post-training quantization (nncf.quantize): QuantizeLinear/DequantizeLinear pairs calibrated
//! on a dataset, and the plan of where they would go.
use std::os::raw::c_void;
use std::ptr;

use crate::compress_weights::thread_count;
use crate::config::Config;
use crate::dataset::Dataset;
use crate::error::{check, Code, Error, Result};
use crate::ignored_scope::{IgnoredScope, RawIgnoredScope};
use crate::model::Model;
use crate::progress::progress_callback;
use crate::sys;

c_enum!(
    /// `nncf_quantization_mode` (nncf.QuantizationMode).
    QuantizationMode, sys::nncf_quantization_mode, nncf_quantization_mode_name,
    /// NNCF's None: integer Q/DQ.
    default Int8 = NNCF_QUANTIZATION_MODE_INT8,
    /// float8e4m3fn Q/DQ at opset 19.
    Fp8E4m3 = NNCF_QUANTIZATION_MODE_FP8_E4M3,
    /// float8e5m2 Q/DQ at opset 19.
    Fp8E5m2 = NNCF_QUANTIZATION_MODE_FP8_E5M2,
);

c_enum!(
    /// `nncf_quantization_preset` (nncf.QuantizationPreset).
    QuantizationPreset, sys::nncf_quantization_preset, nncf_quantization_preset_name,
    /// NNCF's None: `Mixed` for transformers, else `Performance`.
    default Default = NNCF_PRESET_DEFAULT,
    /// Symmetric weights and activations.
    Performance = NNCF_PRESET_PERFORMANCE,
    /// Symmetric weights, asymmetric activations.
    Mixed = NNCF_PRESET_MIXED,
);

c_enum!(
    /// `nncf_target_device` (nncf.TargetDevice).
    TargetDevice, sys::nncf_target_device, nncf_target_device_name,
    default Any = NNCF_TARGET_DEVICE_ANY,
    Cpu = NNCF_TARGET_DEVICE_CPU,
    Gpu = NNCF_TARGET_DEVICE_GPU,
    Npu = NNCF_TARGET_DEVICE_NPU,
    /// Refused for ONNX models, as NNCF does.
    CpuSpr = NNCF_TARGET_DEVICE_CPU_SPR,
);

c_enum!(
    /// `nncf_model_type` (nncf.ModelType).
    ModelType, sys::nncf_model_type, nncf_model_type_name,
    /// NNCF's None.
    default Default = NNCF_MODEL_TYPE_DEFAULT,
    /// Transformer patterns, ignored metatypes and SmoothQuant.
    Transformer = NNCF_MODEL_TYPE_TRANSFORMER,
);

c_enum!(
    /// `nncf_overflow_fix` (nncf.OverflowFix).
    OverflowFix, sys::nncf_overflow_fix, nncf_overflow_fix_name,
    /// `FirstLayer`, or `Disable` when a bit width is not 8.
    default Default = NNCF_OVERFLOW_FIX_DEFAULT,
    Enable = NNCF_OVERFLOW_FIX_ENABLE,
    /// NNCF's "first_layer_only".
    FirstLayer = NNCF_OVERFLOW_FIX_FIRST_LAYER,
    Disable = NNCF_OVERFLOW_FIX_DISABLE,
);

/// `nncf_quantization_scheme` (nncf.QuantizationScheme). The header has no name function for
/// it, so `name()` is spelled here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QuantizationScheme {
    /// From the preset.
    #[default]
    Default,
    Symmetric,
    Asymmetric,
}

impl QuantizationScheme {
    pub fn raw(self) -> sys::nncf_quantization_scheme {
        match self {
            QuantizationScheme::Default => sys::NNCF_QUANTIZATION_SCHEME_DEFAULT,
            QuantizationScheme::Symmetric => sys::NNCF_QUANTIZATION_SCHEME_SYMMETRIC,
            QuantizationScheme::Asymmetric => sys::NNCF_QUANTIZATION_SCHEME_ASYMMETRIC,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            QuantizationScheme::Default => "default",
            QuantizationScheme::Symmetric => "symmetric",
            QuantizationScheme::Asymmetric => "asymmetric",
        }
    }
}

/// nncf.QuantizationParameters for weights or activations (`nncf_quantization_parameters`).
/// Every field's default is NNCF's None: the hardware config and the preset decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuantizationParameters {
    /// 0 (default): 8.
    pub num_bits: u32,
    pub mode: QuantizationScheme,
    /// `Some(true)`: signed, `Some(false)`: unsigned.
    pub signedness_to_force: Option<bool>,
    pub per_channel: Option<bool>,
    pub narrow_range: Option<bool>,
}

fn tri_state(value: Option<bool>) -> i32 {
    value.map_or(-1, i32::from)
}

impl QuantizationParameters {
    fn to_raw(self, what: &str) -> Result<sys::nncf_quantization_parameters> {
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut raw: sys::nncf_quantization_parameters = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_quantization_parameters_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.num_bits = i32::try_from(self.num_bits).map_err(|_| {
            Error::new(Code::InvalidArgument, format!("{what}.num_bits does not fit in an i32"))
        })?;
        raw.mode = self.mode.raw();
        raw.signedness_to_force = tri_state(self.signedness_to_force);
        raw.per_channel = tri_state(self.per_channel);
        raw.narrow_range = tri_state(self.narrow_range);
        Ok(raw)
    }
}

/// Parameters of quantization (`nncf_quantize_params`, with nncf.AdvancedQuantizationParameters
/// flattened in). `Default` gives the library's defaults; a field left at its default does not
/// override the `advanced` config.
#[derive(Debug, Clone)]
pub struct QuantizeOptions<'a> {
    pub mode: QuantizationMode,
    pub preset: QuantizationPreset,
    pub target_device: TargetDevice,
    /// Dataset items used for statistics; default 300. 0 is refused by the library.
    pub subset_size: u64,
    /// FastBiasCorrection (default true) or the full BiasCorrection.
    pub fast_bias_correction: bool,
    pub model_type: ModelType,
    pub ignored_scope: IgnoredScope,
    pub overflow_fix: OverflowFix,
    /// Quantize model outputs too (default false).
    pub quantize_outputs: bool,
    pub disable_bias_correction: bool,
    /// `None` (default): batchwise when the dataset's batch size is > 1.
    pub batchwise_statistics: Option<bool>,
    /// `None`: defaults.
    pub activations: Option<QuantizationParameters>,
    pub weights: Option<QuantizationParameters>,
    /// Default 0.95; negative disables SmoothQuant on MatMul.
    pub smooth_quant_alpha_matmul: f64,
    /// Default -1 (off).
    pub smooth_quant_alpha_convolution: f64,
    /// 0 (default): 2 for fast bias correction, 1000 for full.
    pub bias_correction_threshold: f64,
    /// int8 weight initializers behind DequantizeLinear (default true).
    pub fold_weights: bool,
    /// Raise the opset when the output needs it (default false: fail naming the opset).
    pub allow_opset_upgrade: bool,
    /// 0 (default): one per core.
    pub num_threads: u32,
    /// Advanced parameters: the config's "quantize" section, read first.
    pub advanced: Option<&'a Config>,
}

impl Default for QuantizeOptions<'_> {
    fn default() -> Self {
        QuantizeOptions {
            mode: QuantizationMode::Int8,
            preset: QuantizationPreset::Default,
            target_device: TargetDevice::Any,
            subset_size: 300,
            fast_bias_correction: true,
            model_type: ModelType::Default,
            ignored_scope: IgnoredScope::default(),
            overflow_fix: OverflowFix::Default,
            quantize_outputs: false,
            disable_bias_correction: false,
            batchwise_statistics: None,
            activations: None,
            weights: None,
            smooth_quant_alpha_matmul: 0.95,
            smooth_quant_alpha_convolution: -1.0,
            bias_correction_threshold: 0.0,
            fold_weights: true,
            allow_opset_upgrade: false,
            num_threads: 0,
            advanced: None,
        }
    }
}

/// `nncf_quantize_params` with everything it points to (boxed, so the pointers survive moves).
pub(crate) struct QuantizeParams {
    pub(crate) raw: sys::nncf_quantize_params,
    _scope: RawIgnoredScope,
    _activations: Option<Box<sys::nncf_quantization_parameters>>,
    _weights: Option<Box<sys::nncf_quantization_parameters>>,
}

fn boxed_ptr<T>(value: &Option<Box<T>>) -> *const T {
    value.as_deref().map_or(ptr::null(), |v| v as *const T)
}

impl QuantizeParams {
    pub(crate) fn new(
        options: &QuantizeOptions<'_>,
        progress: sys::nncf_progress_fn,
        progress_user_data: *mut c_void,
    ) -> Result<QuantizeParams> {
        let scope = RawIgnoredScope::new(&options.ignored_scope)?;
        let activations = options.activations.map(|a| a.to_raw("activations")).transpose()?.map(Box::new);
        let weights = options.weights.map(|w| w.to_raw("weights")).transpose()?.map(Box::new);
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut raw: sys::nncf_quantize_params = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_quantize_params_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.mode = options.mode.raw();
        raw.preset = options.preset.raw();
        raw.target_device = options.target_device.raw();
        raw.subset_size = i64::try_from(options.subset_size)
            .map_err(|_| Error::new(Code::InvalidArgument, "subset_size does not fit in an i64"))?;
        raw.fast_bias_correction = i32::from(options.fast_bias_correction);
        raw.model_type = options.model_type.raw();
        raw.ignored_scope = scope.as_ptr();
        raw.overflow_fix = options.overflow_fix.raw();
        raw.quantize_outputs = i32::from(options.quantize_outputs);
        raw.disable_bias_correction = i32::from(options.disable_bias_correction);
        raw.batchwise_statistics = tri_state(options.batchwise_statistics);
        raw.activations = boxed_ptr(&activations);
        raw.weights = boxed_ptr(&weights);
        raw.smooth_quant_alpha_matmul = options.smooth_quant_alpha_matmul;
        raw.smooth_quant_alpha_convolution = options.smooth_quant_alpha_convolution;
        raw.bias_correction_threshold = options.bias_correction_threshold;
        raw.fold_weights = i32::from(options.fold_weights);
        raw.allow_opset_upgrade = i32::from(options.allow_opset_upgrade);
        raw.num_threads = thread_count(options.num_threads)?;
        raw.advanced = options.advanced.map_or(ptr::null(), |c| c.as_ptr());
        raw.progress = progress;
        raw.progress_user_data = progress_user_data;
        Ok(QuantizeParams { raw, _scope: scope, _activations: activations, _weights: weights })
    }
}

impl Model {
    /// Quantizes the model into a new one with QuantizeLinear/DequantizeLinear pairs, calibrated
    /// on the first `subset_size` items of `dataset`; returns it with the JSON report (per
    /// quantizer the tensor, dtype, axis, scale, zero point and observed range; per corrected
    /// layer the bias shift).
    pub fn quantize(&self, dataset: &mut Dataset, options: &QuantizeOptions<'_>) -> Result<(Model, String)> {
        self.quantize_impl(dataset, options, None, ptr::null_mut())
    }

    /// `quantize` with a progress callback `(stage, fraction)`; returning `false` cancels, and the
    /// call fails with `Code::Cancelled`.
    pub fn quantize_with_progress<F: FnMut(&str, f64) -> bool>(
        &self,
        dataset: &mut Dataset,
        options: &QuantizeOptions<'_>,
        mut progress: F,
    ) -> Result<(Model, String)> {
        let (callback, user_data) = progress_callback(&mut progress);
        self.quantize_impl(dataset, options, callback, user_data)
    }

    fn quantize_impl(
        &self,
        dataset: &mut Dataset,
        options: &QuantizeOptions<'_>,
        progress: sys::nncf_progress_fn,
        user_data: *mut c_void,
    ) -> Result<(Model, String)> {
        let params = QuantizeParams::new(options, progress, user_data)?;
        let mut out = ptr::null_mut();
        let mut report = ptr::null_mut();
        // SAFETY: valid pointers for the call; callbacks run only during it.
        check(unsafe {
            sys::nncf_quantize(self.as_ptr(), dataset.as_mut_ptr(), &params.raw, &mut out, &mut report)
        })?;
        // SAFETY: success returns a new model and a new blob we own.
        let model = unsafe { Model::from_raw(out) };
        let report = String::from_utf8(unsafe { crate::take_blob(report) })?;
        Ok((model, report))
    }

    /// Where quantizers would go, as JSON, without calibrating (no dataset needed).
    pub fn quantize_plan(&self, options: &QuantizeOptions<'_>) -> Result<String> {
        let params = QuantizeParams::new(options, None, ptr::null_mut())?;
        let mut plan = ptr::null_mut();
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_quantize_plan(self.as_ptr(), &params.raw, &mut plan) })?;
        // SAFETY: a new blob we own.
        Ok(String::from_utf8(unsafe { crate::take_blob(plan) })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_are_the_library_defaults() {
        let ours = QuantizeParams::new(&QuantizeOptions::default(), None, ptr::null_mut()).unwrap().raw;
        // SAFETY: all-zero is a valid mirror, filled by the library.
        let mut theirs: sys::nncf_quantize_params = unsafe { std::mem::zeroed() };
        unsafe { sys::nncf_quantize_params_default(&mut theirs, std::mem::size_of_val(&theirs) as u32) };
        assert_eq!(ours.struct_size, theirs.struct_size);
        assert_eq!(
            (ours.mode, ours.preset, ours.target_device),
            (theirs.mode, theirs.preset, theirs.target_device)
        );
        assert_eq!(
            (ours.subset_size, ours.fast_bias_correction),
            (theirs.subset_size, theirs.fast_bias_correction)
        );
        assert_eq!((ours.model_type, ours.overflow_fix), (theirs.model_type, theirs.overflow_fix));
        assert_eq!(
            (ours.quantize_outputs, ours.disable_bias_correction, ours.batchwise_statistics),
            (theirs.quantize_outputs, theirs.disable_bias_correction, theirs.batchwise_statistics)
        );
        assert_eq!(
            (
                ours.smooth_quant_alpha_matmul,
                ours.smooth_quant_alpha_convolution,
                ours.bias_correction_threshold
            ),
            (
                theirs.smooth_quant_alpha_matmul,
                theirs.smooth_quant_alpha_convolution,
                theirs.bias_correction_threshold
            )
        );
        assert_eq!(
            (ours.fold_weights, ours.allow_opset_upgrade, ours.num_threads),
            (theirs.fold_weights, theirs.allow_opset_upgrade, theirs.num_threads)
        );
        assert!(ours.ignored_scope.is_null() && ours.activations.is_null() && ours.weights.is_null());
        assert!(ours.advanced.is_null() && ours.progress.is_none());
    }

    #[test]
    fn default_quantization_parameters_are_the_library_defaults() {
        let ours = QuantizationParameters::default().to_raw("activations").unwrap();
        // SAFETY: all-zero is a valid mirror, filled by the library.
        let mut theirs: sys::nncf_quantization_parameters = unsafe { std::mem::zeroed() };
        unsafe {
            sys::nncf_quantization_parameters_default(&mut theirs, std::mem::size_of_val(&theirs) as u32)
        };
        assert_eq!(
            (
                ours.struct_size,
                ours.num_bits,
                ours.mode,
                ours.signedness_to_force,
                ours.per_channel,
                ours.narrow_range
            ),
            (
                theirs.struct_size,
                theirs.num_bits,
                theirs.mode,
                theirs.signedness_to_force,
                theirs.per_channel,
                theirs.narrow_range
            )
        );
        let forced = QuantizationParameters {
            signedness_to_force: Some(false),
            narrow_range: Some(true),
            ..Default::default()
        }
        .to_raw("weights")
        .unwrap();
        assert_eq!((forced.signedness_to_force, forced.per_channel, forced.narrow_range), (0, -1, 1));
    }
}
