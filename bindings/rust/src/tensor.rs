//! Element types, samples (named tensors) and borrowed views of their tensors.
use std::ffi::CString;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::os::raw::c_void;
use std::ptr::{self, NonNull};
use std::slice;

use crate::error::{borrowed_str, c_string, check, static_str, Code, Error, Result};
use crate::sys;

/// A tensor element type (ONNX `TensorProto.DataType` numbers). A newtype rather than an enum so
/// types added by a newer library stay representable.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DType(pub sys::nncf_dtype);

impl DType {
    pub const UNDEFINED: DType = DType(sys::NNCF_DTYPE_UNDEFINED);
    pub const FLOAT: DType = DType(sys::NNCF_DTYPE_FLOAT);
    pub const UINT8: DType = DType(sys::NNCF_DTYPE_UINT8);
    pub const INT8: DType = DType(sys::NNCF_DTYPE_INT8);
    pub const UINT16: DType = DType(sys::NNCF_DTYPE_UINT16);
    pub const INT16: DType = DType(sys::NNCF_DTYPE_INT16);
    pub const INT32: DType = DType(sys::NNCF_DTYPE_INT32);
    pub const INT64: DType = DType(sys::NNCF_DTYPE_INT64);
    pub const STRING: DType = DType(sys::NNCF_DTYPE_STRING);
    pub const BOOL: DType = DType(sys::NNCF_DTYPE_BOOL);
    pub const FLOAT16: DType = DType(sys::NNCF_DTYPE_FLOAT16);
    pub const DOUBLE: DType = DType(sys::NNCF_DTYPE_DOUBLE);
    pub const UINT32: DType = DType(sys::NNCF_DTYPE_UINT32);
    pub const UINT64: DType = DType(sys::NNCF_DTYPE_UINT64);
    pub const COMPLEX64: DType = DType(sys::NNCF_DTYPE_COMPLEX64);
    pub const COMPLEX128: DType = DType(sys::NNCF_DTYPE_COMPLEX128);
    pub const BFLOAT16: DType = DType(sys::NNCF_DTYPE_BFLOAT16);
    pub const FLOAT8E4M3FN: DType = DType(sys::NNCF_DTYPE_FLOAT8E4M3FN);
    pub const FLOAT8E4M3FNUZ: DType = DType(sys::NNCF_DTYPE_FLOAT8E4M3FNUZ);
    pub const FLOAT8E5M2: DType = DType(sys::NNCF_DTYPE_FLOAT8E5M2);
    pub const FLOAT8E5M2FNUZ: DType = DType(sys::NNCF_DTYPE_FLOAT8E5M2FNUZ);
    pub const UINT4: DType = DType(sys::NNCF_DTYPE_UINT4);
    pub const INT4: DType = DType(sys::NNCF_DTYPE_INT4);
    pub const FLOAT4E2M1: DType = DType(sys::NNCF_DTYPE_FLOAT4E2M1);

    /// Lower-case ONNX name ("float", "int4"); "unknown" for values the library does not know.
    pub fn name(self) -> &'static str {
        // SAFETY: nncf_dtype_name returns a static string for any value.
        unsafe { static_str(sys::nncf_dtype_name(self.0)) }
    }

    /// Bits per element; 0 for string and unknown types.
    pub fn bits(self) -> usize {
        // SAFETY: plain function of an integer.
        unsafe { sys::nncf_dtype_bits(self.0) }
    }
}

impl fmt::Debug for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DType({} = {})", self.name(), self.0)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

mod sealed {
    pub trait Sealed {}
}

/// Rust types whose slices can be copied into and out of tensors byte for byte.
pub trait Element: Copy + sealed::Sealed {
    const DTYPE: DType;
}

macro_rules! element {
    ($($t:ty => $d:ident),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
        }
    )*};
}

element!(f32 => FLOAT, f64 => DOUBLE, u8 => UINT8, i8 => INT8, u16 => UINT16, i16 => INT16,
         i32 => INT32, i64 => INT64, u32 => UINT32, u64 => UINT64, bool => BOOL);

/// A borrowed view of one tensor in a sample; lives as long as the sample is not changed.
#[derive(Clone, Copy)]
pub struct TensorView<'a> {
    name: &'a str,
    dtype: DType,
    shape: &'a [i64],
    data: &'a [u8],
}

impl<'a> TensorView<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn shape(&self) -> &'a [i64] {
        self.shape
    }

    /// Element data as stored (4-bit types packed two to a byte).
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Copies the elements out; fails with `InvalidArgument` when `T` is not the tensor's type.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype {
            return Err(Error::new(
                Code::InvalidArgument,
                format!("tensor '{}' holds {} elements, not {}", self.name, self.dtype, T::DTYPE),
            ));
        }
        let n = self.data.len() / std::mem::size_of::<T>();
        let mut out = Vec::<T>::with_capacity(n);
        // SAFETY: the byte length is n * size_of::<T>() (the library checked it against dtype and
        // shape) and copying bytes into the new buffer avoids alignment assumptions. Bool bytes
        // from the library are 0 or 1.
        unsafe {
            ptr::copy_nonoverlapping(
                self.data.as_ptr(),
                out.as_mut_ptr() as *mut u8,
                n * std::mem::size_of::<T>(),
            );
            out.set_len(n);
        }
        Ok(out)
    }

    /// # Safety
    /// `info` must have been filled by the library from a sample that outlives `'a`.
    unsafe fn from_info(info: &sys::nncf_tensor_info) -> Result<TensorView<'a>> {
        let shape = if info.ndim == 0 { &[][..] } else { slice::from_raw_parts(info.shape, info.ndim) };
        let data = if info.nbytes == 0 {
            &[][..]
        } else {
            slice::from_raw_parts(info.data as *const u8, info.nbytes)
        };
        Ok(TensorView { name: borrowed_str(info.name)?, dtype: DType(info.dtype), shape, data })
    }
}

impl fmt::Debug for TensorView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TensorView")
            .field("name", &self.name)
            .field("dtype", &self.dtype)
            .field("shape", &self.shape)
            .field("nbytes", &self.data.len())
            .finish()
    }
}

pub(crate) fn empty_info() -> sys::nncf_tensor_info {
    sys::nncf_tensor_info {
        struct_size: std::mem::size_of::<sys::nncf_tensor_info>() as u32,
        name: ptr::null(),
        dtype: 0,
        ndim: 0,
        shape: ptr::null(),
        dim_params: ptr::null(),
        has_shape: 0,
        data: ptr::null(),
        nbytes: 0,
    }
}

/// A sample the library owns and lends out: the `&SampleRef` / `&mut SampleRef` that dataset
/// callbacks receive, and what `Sample` dereferences to. It cannot be created or moved by value.
#[repr(transparent)]
pub struct SampleRef(sys::nncf_sample);

impl SampleRef {
    /// # Safety
    /// `ptr` must be a live sample for `'a` and not be mutated elsewhere meanwhile.
    pub(crate) unsafe fn from_ptr<'a>(ptr: *const sys::nncf_sample) -> &'a SampleRef {
        &*(ptr as *const SampleRef)
    }

    /// # Safety
    /// `ptr` must be a live sample for `'a`, used by nothing else meanwhile.
    pub(crate) unsafe fn from_mut_ptr<'a>(ptr: *mut sys::nncf_sample) -> &'a mut SampleRef {
        &mut *(ptr as *mut SampleRef)
    }

    pub fn as_ptr(&self) -> *const sys::nncf_sample {
        &self.0
    }

    pub fn as_mut_ptr(&mut self) -> *mut sys::nncf_sample {
        &mut self.0
    }

    /// Adds or replaces tensor `name`; the data is copied. The element count must match `shape`.
    pub fn set<T: Element>(&mut self, name: &str, shape: &[i64], data: &[T]) -> Result<()> {
        // SAFETY: a slice of plain Copy elements viewed as its bytes.
        let bytes = unsafe { slice::from_raw_parts(data.as_ptr() as *const u8, std::mem::size_of_val(data)) };
        self.set_bytes(name, T::DTYPE, shape, bytes)
    }

    /// Adds or replaces a tensor from raw element bytes (4-bit types packed).
    pub fn set_bytes(&mut self, name: &str, dtype: DType, shape: &[i64], bytes: &[u8]) -> Result<()> {
        let name = c_string(name)?;
        // SAFETY: all pointers are valid for the call; the library copies them.
        check(unsafe {
            sys::nncf_sample_set_tensor(
                self.as_mut_ptr(),
                name.as_ptr(),
                dtype.0,
                shape.as_ptr(),
                shape.len(),
                bytes.as_ptr() as *const c_void,
                bytes.len(),
            )
        })
    }

    pub fn len(&self) -> usize {
        // SAFETY: self is a live sample.
        unsafe { sys::nncf_sample_num_tensors(self.as_ptr()) }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tensor at `index` (in insertion order).
    pub fn tensor(&self, index: usize) -> Result<TensorView<'_>> {
        let mut info = empty_info();
        // SAFETY: info is a valid out struct with struct_size set.
        check(unsafe { sys::nncf_sample_tensor_info(self.as_ptr(), index, &mut info) })?;
        // SAFETY: the view borrows self, which owns the data.
        unsafe { TensorView::from_info(&info) }
    }

    /// The tensor called `name`; `NotFound` if there is none.
    pub fn get(&self, name: &str) -> Result<TensorView<'_>> {
        let c_name = c_string(name)?;
        let mut info = empty_info();
        // SAFETY: as in tensor().
        check(unsafe { sys::nncf_sample_find_tensor(self.as_ptr(), c_name.as_ptr(), &mut info) })?;
        // SAFETY: as in tensor().
        unsafe { TensorView::from_info(&info) }
    }

    pub fn tensors(&self) -> Result<Vec<TensorView<'_>>> {
        (0..self.len()).map(|i| self.tensor(i)).collect()
    }

    /// An owned copy of this sample.
    pub fn to_owned_sample(&self) -> Result<Sample> {
        let mut copy = Sample::new()?;
        for tensor in self.tensors()? {
            copy.set_bytes(tensor.name(), tensor.dtype(), tensor.shape(), tensor.bytes())?;
        }
        Ok(copy)
    }
}

impl fmt::Debug for SampleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.tensors().unwrap_or_default()).finish()
    }
}

/// An owned set of named tensors: model inputs, outputs, or dataset items.
pub struct Sample {
    raw: NonNull<sys::nncf_sample>,
    _owns: PhantomData<sys::nncf_sample>,
}

// SAFETY: a sample may move between threads; it is never shared without &mut for writes, and the
// header allows different handles to be used concurrently.
unsafe impl Send for Sample {}

impl Sample {
    pub fn new() -> Result<Sample> {
        crate::ensure_runtime()?;
        let mut raw = ptr::null_mut();
        // SAFETY: raw is a valid out pointer.
        check(unsafe { sys::nncf_sample_create(&mut raw) })?;
        // SAFETY: success means raw is a new sample we own.
        Ok(unsafe { Sample::from_raw(raw) })
    }

    /// A sample with one tensor.
    pub fn with<T: Element>(name: &str, shape: &[i64], data: &[T]) -> Result<Sample> {
        let mut sample = Sample::new()?;
        sample.set(name, shape, data)?;
        Ok(sample)
    }

    /// # Safety
    /// `raw` must be a non-NULL sample the caller owns; it is freed on drop.
    pub unsafe fn from_raw(raw: *mut sys::nncf_sample) -> Sample {
        Sample { raw: NonNull::new(raw).expect("nncf_sample pointer is NULL"), _owns: PhantomData }
    }

    /// Gives up ownership; the caller frees the pointer with `sys::nncf_sample_free`.
    pub fn into_raw(self) -> *mut sys::nncf_sample {
        let raw = self.raw.as_ptr();
        std::mem::forget(self);
        raw
    }
}

impl Deref for Sample {
    type Target = SampleRef;
    fn deref(&self) -> &SampleRef {
        // SAFETY: we own the live sample; the borrow is tied to &self.
        unsafe { SampleRef::from_ptr(self.raw.as_ptr()) }
    }
}

impl DerefMut for Sample {
    fn deref_mut(&mut self) -> &mut SampleRef {
        // SAFETY: as in deref, with exclusive access through &mut self.
        unsafe { SampleRef::from_mut_ptr(self.raw.as_ptr()) }
    }
}

impl Drop for Sample {
    fn drop(&mut self) {
        // SAFETY: we own the sample.
        unsafe { sys::nncf_sample_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Keeps C strings alive next to the pointer array handed to the library.
pub(crate) struct CStringArray {
    _strings: Vec<CString>,
    pointers: Vec<*const std::os::raw::c_char>,
}

impl CStringArray {
    pub(crate) fn new<S: AsRef<str>>(items: &[S]) -> Result<CStringArray> {
        let strings = items.iter().map(|s| c_string(s.as_ref())).collect::<Result<Vec<_>>>()?;
        let pointers = strings.iter().map(|s| s.as_ptr()).collect();
        Ok(CStringArray { _strings: strings, pointers })
    }

    pub(crate) fn as_ptr(&self) -> *const *const std::os::raw::c_char {
        if self.pointers.is_empty() {
            ptr::null()
        } else {
            self.pointers.as_ptr()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.pointers.len()
    }
}
