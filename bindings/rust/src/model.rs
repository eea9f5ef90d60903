//! Models: load, save, describe and run ONNX models.
use std::ffi::CString;
use std::os::raw::c_void;
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{borrowed_str, c_string, check, Code, Error, Result};
use crate::progress::progress_callback;
use crate::sys;
use crate::tensor::{empty_info, CStringArray, DType, Sample, SampleRef};

/// One dimension of a model input or output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dim {
    Fixed(i64),
    /// Dynamic, with its symbolic name when the model gives one ("N", "batch").
    Dynamic(Option<String>),
}

/// Name, element type and shape of a model input or output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueInfo {
    pub name: String,
    pub dtype: DType,
    /// `None` when even the rank is unknown.
    pub shape: Option<Vec<Dim>>,
}

/// Options for loading (`nncf_model_load_params`).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Directory external-data locations are relative to; defaults to the model file's directory.
    pub base_dir: Option<String>,
    /// Read external data into memory instead of mapping it (default: map).
    pub no_mmap: bool,
    /// Skip the structural check of the model (default: check).
    pub skip_validation: bool,
}

/// Where tensors go when saving (`nncf_external_data_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExternalData {
    /// External only when the protobuf would pass 2 GB.
    #[default]
    Auto,
    /// Every tensor of at least `size_threshold` bytes.
    Always,
    /// Never; saving a model over 2 GB then fails with `Unsupported`.
    Never,
}

/// Options for saving (`nncf_model_save_params`).
#[derive(Debug, Clone, Default)]
pub struct SaveOptions {
    pub external_data: ExternalData,
    /// File name for external data relative to the model's directory; default `"<model>.data"`.
    pub external_data_file: Option<String>,
    /// Tensors smaller than this stay inline; `None` keeps the library default (1024).
    pub size_threshold: Option<u64>,
}

/// Options for `Model::infer_with` (`nncf_infer_params`).
#[derive(Debug, Clone, Default)]
pub struct InferOptions {
    /// 0: one thread per core.
    pub num_threads: u32,
    /// Outputs to compute, in order; empty means the graph outputs.
    pub outputs: Vec<String>,
}

/// An ONNX model. Immutable once loaded, so it may be shared between threads.
pub struct Model {
    raw: NonNull<sys::nncf_model>,
}

// SAFETY: the header promises a loaded model is immutable and may be read from several threads
// at once; only nncf_model_free needs exclusive access, which Drop has.
unsafe impl Send for Model {}
unsafe impl Sync for Model {}

pub(crate) fn path_cstring(path: &Path) -> Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    Ok(CString::new(path.as_os_str().as_bytes())?)
}

struct LoadParams {
    raw: sys::nncf_model_load_params,
    _base_dir: Option<CString>,
}

impl LoadParams {
    fn new(options: &LoadOptions) -> Result<LoadParams> {
        let base_dir = options.base_dir.as_deref().map(c_string).transpose()?;
        // SAFETY: an all-zero mirror is a valid bit pattern; the library then fills defaults.
        let mut raw: sys::nncf_model_load_params = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_model_load_params_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.base_dir = base_dir.as_ref().map_or(ptr::null(), |s| s.as_ptr());
        raw.mmap_external_data = if options.no_mmap { 0 } else { 1 };
        raw.validate = if options.skip_validation { 0 } else { 1 };
        Ok(LoadParams { raw, _base_dir: base_dir })
    }
}

/// `nncf_model_save_params` for `SaveOptions`, with the strings it points to (no progress).
pub(crate) struct SaveParams {
    pub(crate) raw: sys::nncf_model_save_params,
    _data_file: Option<CString>,
}

impl SaveParams {
    pub(crate) fn new(options: &SaveOptions) -> Result<SaveParams> {
        let data_file = options.external_data_file.as_deref().map(c_string).transpose()?;
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut raw: sys::nncf_model_save_params = unsafe { std::mem::zeroed() };
        // SAFETY: raw is a valid struct of the size given.
        unsafe { sys::nncf_model_save_params_default(&mut raw, std::mem::size_of_val(&raw) as u32) };
        raw.external_data = match options.external_data {
            ExternalData::Auto => sys::NNCF_EXTERNAL_DATA_AUTO,
            ExternalData::Always => sys::NNCF_EXTERNAL_DATA_ALWAYS,
            ExternalData::Never => sys::NNCF_EXTERNAL_DATA_NEVER,
        };
        raw.external_data_file = data_file.as_ref().map_or(ptr::null(), |s| s.as_ptr());
        if let Some(threshold) = options.size_threshold {
            raw.size_threshold = threshold;
        }
        Ok(SaveParams { raw, _data_file: data_file })
    }
}

impl Model {
    /// Loads an ONNX file (external data is found next to it).
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        Model::load_with(path, &LoadOptions::default())
    }

    pub fn load_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Model> {
        crate::ensure_runtime()?;
        let path = path_cstring(path.as_ref())?;
        let params = LoadParams::new(options)?;
        let mut raw = ptr::null_mut();
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_model_load_file(path.as_ptr(), &params.raw, &mut raw) })?;
        // SAFETY: success returns a new model we own.
        Ok(unsafe { Model::from_raw(raw) })
    }

    /// Loads a serialized ModelProto (copied).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        Model::from_bytes_with(bytes, &LoadOptions::default())
    }

    pub fn from_bytes_with(bytes: &[u8], options: &LoadOptions) -> Result<Model> {
        crate::ensure_runtime()?;
        let params = LoadParams::new(options)?;
        let mut raw = ptr::null_mut();
        // The library rejects a NULL data pointer, which an empty slice may not give; any
        // non-NULL pointer with size 0 is a well-formed (if invalid) model.
        static NOTHING: u8 = 0;
        let data = if bytes.is_empty() { &NOTHING as *const u8 } else { bytes.as_ptr() };
        // SAFETY: data is readable for bytes.len() bytes during the call.
        check(unsafe {
            sys::nncf_model_load_memory(data as *const c_void, bytes.len(), &params.raw, &mut raw)
        })?;
        // SAFETY: success returns a new model we own.
        Ok(unsafe { Model::from_raw(raw) })
    }

    /// # Safety
    /// `raw` must be a non-NULL model the caller owns; it is freed on drop.
    pub unsafe fn from_raw(raw: *mut sys::nncf_model) -> Model {
        Model { raw: NonNull::new(raw).expect("nncf_model pointer is NULL") }
    }

    pub fn as_ptr(&self) -> *const sys::nncf_model {
        self.raw.as_ptr()
    }

    /// Saves the model; writes a temporary file and renames it, so a failure leaves no partial file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_with(path, &SaveOptions::default())
    }

    pub fn save_with(&self, path: impl AsRef<Path>, options: &SaveOptions) -> Result<()> {
        self.save_impl(path.as_ref(), options, None, ptr::null_mut())
    }

    /// Saves with a progress callback `(stage, fraction)`; returning `false` cancels the save,
    /// which then fails with `Code::Cancelled`.
    pub fn save_with_progress<F: FnMut(&str, f64) -> bool>(
        &self,
        path: impl AsRef<Path>,
        options: &SaveOptions,
        mut progress: F,
    ) -> Result<()> {
        let (callback, user_data) = progress_callback(&mut progress);
        self.save_impl(path.as_ref(), options, callback, user_data)
    }

    fn save_impl(
        &self,
        path: &Path,
        options: &SaveOptions,
        progress: sys::nncf_progress_fn,
        user_data: *mut c_void,
    ) -> Result<()> {
        let path = path_cstring(path)?;
        let mut params = SaveParams::new(options)?;
        params.raw.progress = progress;
        params.raw.progress_user_data = user_data;
        // SAFETY: valid pointers for the call; progress runs only during it.
        check(unsafe { sys::nncf_model_save_file(self.as_ptr(), path.as_ptr(), &params.raw) })
    }

    /// The whole model as one serialized ModelProto.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut blob = ptr::null_mut();
        // SAFETY: valid out pointer.
        check(unsafe { sys::nncf_model_save_memory(self.as_ptr(), &mut blob) })?;
        // SAFETY: a new blob we own.
        Ok(unsafe { crate::take_blob(blob) })
    }

    /// JSON description: IR version, opsets, producer, op histogram, inputs, outputs, initializers.
    pub fn summary_json(&self) -> Result<String> {
        let mut blob = ptr::null_mut();
        // SAFETY: valid out pointer.
        check(unsafe { sys::nncf_model_summary_json(self.as_ptr(), &mut blob) })?;
        // SAFETY: a new blob we own.
        Ok(String::from_utf8(unsafe { crate::take_blob(blob) })?)
    }

    /// Graph inputs that are not initializers.
    pub fn inputs(&self) -> Result<Vec<ValueInfo>> {
        // SAFETY: plain query of a live model.
        let n = unsafe { sys::nncf_model_num_inputs(self.as_ptr()) };
        (0..n).map(|i| self.value_info(i, sys::nncf_model_input_info)).collect()
    }

    pub fn outputs(&self) -> Result<Vec<ValueInfo>> {
        // SAFETY: plain query of a live model.
        let n = unsafe { sys::nncf_model_num_outputs(self.as_ptr()) };
        (0..n).map(|i| self.value_info(i, sys::nncf_model_output_info)).collect()
    }

    fn value_info(
        &self,
        index: usize,
        get: unsafe extern "C" fn(
            *const sys::nncf_model,
            usize,
            *mut sys::nncf_tensor_info,
        ) -> *mut sys::nncf_status,
    ) -> Result<ValueInfo> {
        let mut info = empty_info();
        // SAFETY: info has struct_size set; the strings it points to live as long as the model.
        check(unsafe { get(self.as_ptr(), index, &mut info) })?;
        // SAFETY: pointers filled by the library, valid while self lives.
        unsafe {
            let name = borrowed_str(info.name)?.to_string();
            let shape = if info.has_shape == 0 {
                None
            } else {
                let mut dims = Vec::with_capacity(info.ndim);
                for d in 0..info.ndim {
                    let size = *info.shape.add(d);
                    dims.push(if size >= 0 {
                        Dim::Fixed(size)
                    } else if info.dim_params.is_null() || (*info.dim_params.add(d)).is_null() {
                        Dim::Dynamic(None)
                    } else {
                        Dim::Dynamic(Some(borrowed_str(*info.dim_params.add(d))?.to_string()))
                    });
                }
                Some(dims)
            };
            Ok(ValueInfo { name, dtype: DType(info.dtype), shape })
        }
    }

    /// Runs the model on the tensors of `inputs` (extra tensors such as labels are ignored) and
    /// returns the graph outputs.
    pub fn infer(&self, inputs: &SampleRef) -> Result<Sample> {
        self.infer_with(inputs, &InferOptions::default())
    }

    pub fn infer_with(&self, inputs: &SampleRef, options: &InferOptions) -> Result<Sample> {
        let names = CStringArray::new(&options.outputs)?;
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut params: sys::nncf_infer_params = unsafe { std::mem::zeroed() };
        // SAFETY: params is a valid struct of the size given.
        unsafe { sys::nncf_infer_params_default(&mut params, std::mem::size_of_val(&params) as u32) };
        params.num_threads = i32::try_from(options.num_threads)
            .map_err(|_| Error::new(Code::InvalidArgument, "num_threads does not fit in an i32"))?;
        params.output_names = names.as_ptr();
        params.n_output_names = names.len();
        let mut out = ptr::null_mut();
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_model_infer(self.as_ptr(), inputs.as_ptr(), &params, &mut out) })?;
        // SAFETY: a new sample we own.
        Ok(unsafe { Sample::from_raw(out) })
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: we own the model.
        unsafe { sys::nncf_model_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("raw", &self.raw).finish()
    }
}
