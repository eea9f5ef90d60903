//! Datasets (nncf.Dataset): items from Rust closures or from copied samples, with an optional
//! transform. Closures live in a box owned by the C dataset and are dropped by its destroy hook;
//! a panic inside one is caught at the boundary, reported to the library as `NNCF_ERR_CALLBACK`
//! and resumed when the library call returns.
use std::os::raw::c_void;
use std::ptr::{self, NonNull};

use crate::error::{check, guard, guard_status, take_pending_panic, Code, Error, Result};
use crate::sys;
use crate::tensor::{Sample, SampleRef};

type GetItemFn = dyn FnMut(usize, &mut SampleRef) -> Result<()> + Send;
type TransformFn = dyn FnMut(&SampleRef, &mut SampleRef) -> Result<()> + Send;

// The user_data of a closure dataset.
struct Source {
    length: i64,
    get_item: Box<GetItemFn>,
}

unsafe extern "C" fn source_length(user_data: *mut c_void) -> i64 {
    // SAFETY: user_data is the Source box, alive until destroy.
    (*(user_data as *const Source)).length
}

unsafe extern "C" fn source_get_item(
    user_data: *mut c_void,
    index: i64,
    out: *mut sys::nncf_sample,
) -> *mut sys::nncf_status {
    guard_status(|| {
        // SAFETY: user_data is the Source box; the library calls one callback at a time.
        let source = &mut *(user_data as *mut Source);
        let index = usize::try_from(index)
            .map_err(|_| Error::new(Code::InvalidArgument, format!("item index {index} is negative")))?;
        // SAFETY: out is the library's empty sample, valid for this call only.
        (source.get_item)(index, SampleRef::from_mut_ptr(out))
    })
}

unsafe extern "C" fn source_destroy(user_data: *mut c_void) {
    // SAFETY: user_data came from Box::into_raw in from_fn and is destroyed exactly once.
    guard(|_| (), || drop(Box::from_raw(user_data as *mut Source)))
}

unsafe extern "C" fn transform_apply(
    user_data: *mut c_void,
    item: *const sys::nncf_sample,
    out: *mut sys::nncf_sample,
) -> *mut sys::nncf_status {
    guard_status(|| {
        // SAFETY: user_data is the boxed transform, alive until transform_destroy.
        let f = &mut *(user_data as *mut Box<TransformFn>);
        // SAFETY: item and out are the library's samples, valid for this call only.
        f(SampleRef::from_ptr(item), SampleRef::from_mut_ptr(out))
    })
}

unsafe extern "C" fn transform_destroy(user_data: *mut c_void) {
    // SAFETY: user_data came from Box::into_raw in set_transform and is destroyed exactly once.
    guard(|_| (), || drop(Box::from_raw(user_data as *mut Box<TransformFn>)))
}

/// A sequence of samples for calibration or evaluation. Not `Sync`: the library requires a
/// dataset to be used by one thread at a time.
pub struct Dataset {
    raw: NonNull<sys::nncf_dataset>,
}

// SAFETY: the closures a dataset holds are Send, and the handle may move between threads.
unsafe impl Send for Dataset {}

impl Dataset {
    /// A dataset whose item `i` is written by `get_item(i, &mut sample)`. With `length` `None`,
    /// items are read until `get_item` returns an error with `Code::NotFound`.
    pub fn from_fn<F>(length: Option<usize>, get_item: F) -> Result<Dataset>
    where
        F: FnMut(usize, &mut SampleRef) -> Result<()> + Send + 'static,
    {
        Dataset::from_fn_with_batch_size(length, 0, get_item)
    }

    /// Like `from_fn`, declaring that each item holds a batch of `batch_size` (0: unknown).
    pub fn from_fn_with_batch_size<F>(
        length: Option<usize>,
        batch_size: usize,
        get_item: F,
    ) -> Result<Dataset>
    where
        F: FnMut(usize, &mut SampleRef) -> Result<()> + Send + 'static,
    {
        crate::ensure_runtime()?;
        let length = match length {
            None => -1,
            Some(n) => i64::try_from(n)
                .map_err(|_| Error::new(Code::InvalidArgument, "dataset length overflows i64"))?,
        };
        let batch_size = i64::try_from(batch_size)
            .map_err(|_| Error::new(Code::InvalidArgument, "dataset batch size overflows i64"))?;
        let source = Box::into_raw(Box::new(Source { length, get_item: Box::new(get_item) }));
        // SAFETY: all-zero is a valid mirror; the library fills defaults.
        let mut callbacks: sys::nncf_dataset_callbacks = unsafe { std::mem::zeroed() };
        // SAFETY: callbacks is a valid struct of the size given.
        unsafe {
            sys::nncf_dataset_callbacks_default(&mut callbacks, std::mem::size_of_val(&callbacks) as u32)
        };
        callbacks.user_data = source as *mut c_void;
        callbacks.length = Some(source_length);
        callbacks.get_item = Some(source_get_item);
        callbacks.destroy = Some(source_destroy);
        callbacks.batch_size = batch_size;
        let mut raw = ptr::null_mut();
        // SAFETY: valid pointers; on success the dataset owns `source`.
        let result = check(unsafe { sys::nncf_dataset_create(&callbacks, &mut raw) });
        if let Err(e) = result {
            // SAFETY: on failure destroy is not called and we still own the box.
            drop(unsafe { Box::from_raw(source) });
            return Err(e);
        }
        // SAFETY: success returns a new dataset we own.
        Ok(unsafe { Dataset::from_raw(raw) })
    }

    /// A dataset over copies of `samples`.
    pub fn from_samples(samples: &[Sample]) -> Result<Dataset> {
        crate::ensure_runtime()?;
        let pointers: Vec<*const sys::nncf_sample> = samples.iter().map(|s| s.as_ptr()).collect();
        let mut raw = ptr::null_mut();
        // SAFETY: pointers are live samples; the library copies them.
        check(unsafe { sys::nncf_dataset_create_from_samples(pointers.as_ptr(), pointers.len(), &mut raw) })?;
        // SAFETY: success returns a new dataset we own.
        Ok(unsafe { Dataset::from_raw(raw) })
    }

    /// # Safety
    /// `raw` must be a non-NULL dataset the caller owns; it is freed on drop.
    pub unsafe fn from_raw(raw: *mut sys::nncf_dataset) -> Dataset {
        Dataset { raw: NonNull::new(raw).expect("nncf_dataset pointer is NULL") }
    }

    pub fn as_ptr(&self) -> *const sys::nncf_dataset {
        self.raw.as_ptr()
    }

    pub fn as_mut_ptr(&mut self) -> *mut sys::nncf_dataset {
        self.raw.as_ptr()
    }

    /// Sets the transform (nncf.Dataset's transform_func) turning a raw item into model inputs,
    /// replacing any previous one.
    pub fn set_transform<F>(&mut self, transform: F) -> Result<()>
    where
        F: FnMut(&SampleRef, &mut SampleRef) -> Result<()> + Send + 'static,
    {
        let boxed: Box<TransformFn> = Box::new(transform);
        let user_data = Box::into_raw(Box::new(boxed));
        // SAFETY: on success the dataset owns user_data and frees it through transform_destroy.
        let result = check(unsafe {
            sys::nncf_dataset_set_transform(
                self.as_mut_ptr(),
                Some(transform_apply),
                user_data as *mut c_void,
                Some(transform_destroy),
            )
        });
        if let Err(e) = result {
            // SAFETY: on failure destroy is not called and we still own the box.
            drop(unsafe { Box::from_raw(user_data) });
            return Err(e);
        }
        Ok(())
    }

    pub fn clear_transform(&mut self) -> Result<()> {
        // SAFETY: clearing drops the previous transform through its destroy hook.
        check(unsafe { sys::nncf_dataset_set_transform(self.as_mut_ptr(), None, ptr::null_mut(), None) })
    }

    /// Number of items, `None` when unknown.
    pub fn len(&self) -> Result<Option<usize>> {
        let mut n = 0i64;
        // SAFETY: valid out pointer.
        check(unsafe { sys::nncf_dataset_length(self.as_ptr(), &mut n) })?;
        Ok(usize::try_from(n).ok())
    }

    /// The items' batch size, `None` when unknown.
    pub fn batch_size(&self) -> Result<Option<usize>> {
        let mut n = 0i64;
        // SAFETY: valid out pointer.
        check(unsafe { sys::nncf_dataset_batch_size(self.as_ptr(), &mut n) })?;
        Ok(usize::try_from(n).ok().filter(|&b| b > 0))
    }

    /// Item `index` after the transform. Past the end: `Code::NotFound`.
    pub fn get(&mut self, index: usize) -> Result<Sample> {
        let index = i64::try_from(index)
            .map_err(|_| Error::new(Code::InvalidArgument, "dataset index overflows i64"))?;
        let mut out = ptr::null_mut();
        // SAFETY: valid pointers; callbacks run only during the call.
        check(unsafe { sys::nncf_dataset_get_item(self.as_mut_ptr(), index, &mut out) })?;
        // SAFETY: a new sample we own.
        Ok(unsafe { Sample::from_raw(out) })
    }
}

impl Drop for Dataset {
    fn drop(&mut self) {
        // SAFETY: we own the dataset; destroy hooks drop the closures.
        unsafe { sys::nncf_dataset_free(self.raw.as_ptr()) };
        // A closure whose own Drop panicked: re-raise unless already unwinding.
        if let Some(payload) = take_pending_panic() {
            if !std::thread::panicking() {
                std::panic::resume_unwind(payload);
            }
        }
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset").field("raw", &self.raw).finish()
    }
}
