//! Quantization with accuracy control (nncf.quantize_with_accuracy_control): quantize, then
//! revert groups of quantizers to float until a validation metric computed by a Rust closure
//! is within `max_drop` of the float model's.
use std::ffi::CString;
use std::mem::ManuallyDrop;
use std::os::raw::c_void;
use std::path::PathBuf;
use std::ptr;

use crate::dataset::Dataset;
use crate::error::{check, guard_status, Code, Error, Result};
use crate::model::{path_cstring, Model};
use crate::quantize::{QuantizeOptions, QuantizeParams};
use crate::sys;

c_enum!(
    /// `nncf_drop_type`: how the metric drop is measured.
    DropType, sys::nncf_drop_type, nncf_drop_type_name,
    /// initial - quantized.
    default Absolute = NNCF_DROP_TYPE_ABSOLUTE,
    /// |1 - quantized / initial|.
    Relative = NNCF_DROP_TYPE_RELATIVE,
);

c_enum!(
    /// `nncf_restore_mode`: what reverting an op removes.
    RestoreMode, sys::nncf_restore_mode, nncf_restore_mode_name,
    default ActivationsAndWeights = NNCF_RESTORE_MODE_ACTIVATIONS_AND_WEIGHTS,
    OnlyActivations = NNCF_RESTORE_MODE_ONLY_ACTIVATIONS,
);

c_enum!(
    /// `nncf_ranking_mode`: how quantizer groups are ranked without per-item values.
    RankingMode, sys::nncf_ranking_mode, nncf_ranking_mode_name,
    /// NNCF's rule: metric mode unless the validator fails with `Code::Unsupported` on the
    /// one-item probe.
    default Auto = NNCF_RANKING_MODE_AUTO,
    Metric = NNCF_RANKING_MODE_METRIC,
    /// Normalized MSE of the outputs against the float model's, on the library's executor.
    OutputDifference = NNCF_RANKING_MODE_OUTPUT_DIFFERENCE,
);

/// What a validator returns: the metric (higher is better) and optionally one value per item.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    pub metric: f64,
    pub per_item: Option<Vec<f64>>,
}

/// Parameters of `Model::quantize_with_accuracy_control`; `Default` gives the library's.
#[derive(Debug, Clone)]
pub struct AccuracyControlOptions<'a> {
    pub quantize: QuantizeOptions<'a>,
    /// Default 0.01.
    pub max_drop: f64,
    pub drop_type: DropType,
    /// Groups reverted at most; `None` (default): no limit; `Some(0)`: the quantized model.
    pub max_num_iterations: Option<u64>,
    pub tune_hyperparams: bool,
    /// `None` (default): `quantize.subset_size`.
    pub ranking_subset_size: Option<u64>,
    pub restore_mode: RestoreMode,
    pub ranking: RankingMode,
    /// Receives `intermediate_model.onnx` (the quantized model before any revert) on success.
    pub intermediate_model_dir: Option<PathBuf>,
}

impl Default for AccuracyControlOptions<'_> {
    fn default() -> Self {
        AccuracyControlOptions {
            quantize: QuantizeOptions::default(),
            max_drop: 0.01,
            drop_type: DropType::Absolute,
            max_num_iterations: None,
            tune_hyperparams: false,
            ranking_subset_size: None,
            restore_mode: RestoreMode::ActivationsAndWeights,
            ranking: RankingMode::Auto,
            intermediate_model_dir: None,
        }
    }
}

/// `nncf_accuracy_control_summary`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AccuracyControlSummary {
    pub initial_metric: f64,
    /// Before any revert.
    pub quantized_metric: f64,
    /// Of the returned model.
    pub final_metric: f64,
    pub final_drop: f64,
    /// `false`: no model met `max_drop`; the best one seen is returned.
    pub target_met: bool,
    pub reverted_groups: i64,
    pub validation_calls: i64,
}

type ValidateFn<'f> = dyn FnMut(&Model, &mut Dataset) -> Result<Validation> + 'f;

unsafe extern "C" fn validate_trampoline(
    user_data: *mut c_void,
    model: *const sys::nncf_model,
    items: *mut sys::nncf_dataset,
    output: *mut sys::nncf_validation_output,
) -> *mut sys::nncf_status {
    guard_status(|| {
        // SAFETY: user_data is the &mut closure of this call; the library calls one at a time.
        let f = &mut *(user_data as *mut &mut ValidateFn<'_>);
        // Borrowed handles: the library frees them after the callback, so they are never dropped.
        let model = ManuallyDrop::new(Model::from_raw(model as *mut sys::nncf_model));
        let mut view = ManuallyDrop::new(Dataset::from_raw(items));
        let result = f(&model, &mut view)?;
        let output = &mut *output;
        output.metric = result.metric;
        if let Some(values) = result.per_item {
            if values.len() != output.n_items {
                return Err(Error::new(
                    Code::Callback,
                    format!(
                        "the validator returned {} per-item values for {} items",
                        values.len(),
                        output.n_items
                    ),
                ));
            }
            // SAFETY: per_item has n_items slots owned by the library for this call.
            std::slice::from_raw_parts_mut(output.per_item, output.n_items).copy_from_slice(&values);
            output.per_item_filled = 1;
        }
        Ok(())
    })
}

impl Dataset {
    /// For a view a validator received: the validation dataset's index of view item `index`;
    /// for any other dataset `index` itself.
    pub fn source_index(&self, index: usize) -> Result<usize> {
        let index =
            i64::try_from(index).map_err(|_| Error::new(Code::InvalidArgument, "index overflows i64"))?;
        let mut out = 0i64;
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_dataset_source_index(self.as_ptr(), index, &mut out) })?;
        Ok(out as usize)
    }
}

fn count(value: Option<u64>, none: i64, what: &str) -> Result<i64> {
    value.map_or(Ok(none), |v| {
        i64::try_from(v)
            .map_err(|_| Error::new(Code::InvalidArgument, format!("{what} does not fit in an i64")))
    })
}

impl Model {
    /// Quantizes the model as `quantize` does, then reverts groups of quantizers to float until
    /// `validate`'s metric drop is within `max_drop`. `validate(model, items)` evaluates a
    /// borrowed model on a view of `validation` (see `Dataset::source_index`); an `Err` with
    /// `Code::Cancelled` stops, `Code::Unsupported` on a one-item view asks for output-difference
    /// ranking, any other `Err` (or a panic, re-raised afterwards) fails the call. Returns the
    /// best model seen, the summary and the JSON report; a missed target is not an error.
    pub fn quantize_with_accuracy_control<F>(
        &self,
        calibration: &mut Dataset,
        validation: &mut Dataset,
        options: &AccuracyControlOptions<'_>,
        mut validate: F,
    ) -> Result<(Model, AccuracyControlSummary, String)>
    where
        F: FnMut(&Model, &mut Dataset) -> Result<Validation>,
    {
        let quantize = QuantizeParams::new(&options.quantize, None, ptr::null_mut())?;
        let dir: Option<CString> = options.intermediate_model_dir.as_deref().map(path_cstring).transpose()?;
        let mut closure: &mut ValidateFn<'_> = &mut validate;
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut raw: sys::nncf_accuracy_control_params = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_accuracy_control_params_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.quantize = &quantize.raw;
        raw.validate = Some(validate_trampoline);
        raw.validate_user_data = &mut closure as *mut &mut ValidateFn<'_> as *mut c_void;
        raw.max_drop = options.max_drop;
        raw.drop_type = options.drop_type.raw();
        raw.max_num_iterations = count(options.max_num_iterations, -1, "max_num_iterations")?;
        raw.tune_hyperparams = i32::from(options.tune_hyperparams);
        raw.ranking_subset_size = count(options.ranking_subset_size, 0, "ranking_subset_size")?;
        raw.restore_mode = options.restore_mode.raw();
        raw.ranking = options.ranking.raw();
        raw.intermediate_model_dir = dir.as_ref().map_or(ptr::null(), |d| d.as_ptr());
        // SAFETY: all-zero is a valid summary; struct_size set below.
        let mut summary: sys::nncf_accuracy_control_summary = unsafe { std::mem::zeroed() };
        summary.struct_size = std::mem::size_of_val(&summary) as u32;
        let mut out = ptr::null_mut();
        let mut report = ptr::null_mut();
        // SAFETY: valid pointers for the call; callbacks run only during it.
        check(unsafe {
            sys::nncf_quantize_with_accuracy_control(
                self.as_ptr(),
                calibration.as_mut_ptr(),
                validation.as_mut_ptr(),
                &raw,
                &mut out,
                &mut summary,
                &mut report,
            )
        })?;
        // SAFETY: success returns a new model and a new blob we own.
        let model = unsafe { Model::from_raw(out) };
        let report = String::from_utf8(unsafe { crate::take_blob(report) })?;
        Ok((
            model,
            AccuracyControlSummary {
                initial_metric: summary.initial_metric,
                quantized_metric: summary.quantized_metric,
                final_metric: summary.final_metric,
                final_drop: summary.final_drop,
                target_met: summary.target_met != 0,
                reverted_groups: summary.reverted_groups,
                validation_calls: summary.validation_calls,
            },
            report,
        ))
    }
}
