//! Errors: every fallible call returns `Result<T, Error>` carrying the library's status code and
//! message. Callback panics are caught at the C boundary and re-raised here once the C call that
//! ran the callback has returned.
use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::panic::{self, AssertUnwindSafe};

use crate::sys;

/// The library's status codes (`nncf_code`). Codes a newer library adds arrive as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    InvalidArgument,
    NotFound,
    InvalidModel,
    Unsupported,
    Io,
    OutOfMemory,
    Cancelled,
    Callback,
    VersionMismatch,
    InvalidConfig,
    Internal,
    Other(i32),
}

impl Code {
    /// Maps a raw `nncf_code`. `NNCF_OK` has no error code and maps to `Other(0)`.
    pub fn from_raw(raw: sys::nncf_code) -> Code {
        match raw {
            sys::NNCF_ERR_INVALID_ARGUMENT => Code::InvalidArgument,
            sys::NNCF_ERR_NOT_FOUND => Code::NotFound,
            sys::NNCF_ERR_INVALID_MODEL => Code::InvalidModel,
            sys::NNCF_ERR_UNSUPPORTED => Code::Unsupported,
            sys::NNCF_ERR_IO => Code::Io,
            sys::NNCF_ERR_OUT_OF_MEMORY => Code::OutOfMemory,
            sys::NNCF_ERR_CANCELLED => Code::Cancelled,
            sys::NNCF_ERR_CALLBACK => Code::Callback,
            sys::NNCF_ERR_VERSION_MISMATCH => Code::VersionMismatch,
            sys::NNCF_ERR_INVALID_CONFIG => Code::InvalidConfig,
            sys::NNCF_ERR_INTERNAL => Code::Internal,
            other => Code::Other(other),
        }
    }

    pub fn raw(self) -> sys::nncf_code {
        match self {
            Code::InvalidArgument => sys::NNCF_ERR_INVALID_ARGUMENT,
            Code::NotFound => sys::NNCF_ERR_NOT_FOUND,
            Code::InvalidModel => sys::NNCF_ERR_INVALID_MODEL,
            Code::Unsupported => sys::NNCF_ERR_UNSUPPORTED,
            Code::Io => sys::NNCF_ERR_IO,
            Code::OutOfMemory => sys::NNCF_ERR_OUT_OF_MEMORY,
            Code::Cancelled => sys::NNCF_ERR_CANCELLED,
            Code::Callback => sys::NNCF_ERR_CALLBACK,
            Code::VersionMismatch => sys::NNCF_ERR_VERSION_MISMATCH,
            Code::InvalidConfig => sys::NNCF_ERR_INVALID_CONFIG,
            Code::Internal => sys::NNCF_ERR_INTERNAL,
            Code::Other(raw) => raw,
        }
    }

    /// The library's static name of the code, e.g. `"NNCF_ERR_IO"`.
    pub fn name(self) -> &'static str {
        // SAFETY: nncf_code_string returns a static NUL-terminated string for any value.
        unsafe { static_str(sys::nncf_code_string(self.raw())) }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed library call (or a failure a callback reports back to the library).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: Code,
    message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Copies a non-NULL status; the caller still frees it.
    unsafe fn from_status(status: *const sys::nncf_status) -> Error {
        let message = CStr::from_ptr(sys::nncf_status_message(status)).to_string_lossy().into_owned();
        Error { code: Code::from_raw(sys::nncf_status_code(status)), message }
    }

    /// A status the library takes ownership of (for callbacks reporting this error).
    pub(crate) fn into_status(self) -> *mut sys::nncf_status {
        let code = if self.code.raw() == sys::NNCF_OK { sys::NNCF_ERR_CALLBACK } else { self.code.raw() };
        let message = c_string_lossy(&self.message);
        // SAFETY: message is a valid C string; the library copies it.
        unsafe { sys::nncf_status_create(code, message.as_ptr()) }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::ffi::NulError> for Error {
    fn from(e: std::ffi::NulError) -> Error {
        Error::new(Code::InvalidArgument, format!("string contains a NUL byte at {}", e.nul_position()))
    }
}

impl From<std::str::Utf8Error> for Error {
    fn from(e: std::str::Utf8Error) -> Error {
        Error::new(Code::InvalidArgument, format!("text is not UTF-8: {e}"))
    }
}

impl From<std::string::FromUtf8Error> for Error {
    fn from(e: std::string::FromUtf8Error) -> Error {
        Error::new(Code::InvalidArgument, format!("text is not UTF-8: {e}"))
    }
}

thread_local! {
    // A panic caught in a callback on this thread, waiting for the C call that ran it to return.
    static PENDING_PANIC: RefCell<Option<Box<dyn Any + Send>>> = RefCell::new(None);
}

/// Converts a status returned by a raw `sys` call into a `Result`, freeing the status. If a Rust
/// callback panicked during that call, the panic is resumed here (after the status is freed).
///
/// # Safety
/// `status` must be NULL or a status returned by the library and not yet freed.
pub unsafe fn check_status(status: *mut sys::nncf_status) -> Result<()> {
    let result = if status.is_null() {
        Ok(())
    } else {
        let error = Error::from_status(status);
        sys::nncf_status_free(status);
        Err(error)
    };
    resume_pending_panic();
    result
}

pub(crate) fn check(status: *mut sys::nncf_status) -> Result<()> {
    // SAFETY: every caller passes the status straight from a library call.
    unsafe { check_status(status) }
}

pub(crate) fn resume_pending_panic() {
    if let Some(payload) = PENDING_PANIC.with(|slot| slot.borrow_mut().take()) {
        panic::resume_unwind(payload);
    }
}

/// Takes a panic caught on this thread that was never re-raised (used where re-raising would be
/// wrong, such as while already unwinding).
pub(crate) fn take_pending_panic() -> Option<Box<dyn Any + Send>> {
    PENDING_PANIC.with(|slot| slot.borrow_mut().take())
}

/// Runs a callback body at the C boundary: a panic is stored for re-raising and `on_panic`'s
/// value is returned to C instead. Unwinding through `extern "C"` would abort the process.
pub(crate) fn guard<R>(on_panic: impl FnOnce(&str) -> R, body: impl FnOnce() -> R) -> R {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let text = panic_text(&payload);
            let value = on_panic(&text);
            PENDING_PANIC.with(|slot| {
                let mut slot = slot.borrow_mut();
                // The first panic wins; later ones (the library may call again) are dropped.
                if slot.is_none() {
                    *slot = Some(payload);
                }
            });
            value
        }
    }
}

/// Runs a callback returning a status: `Err` becomes a status with its code, a panic becomes
/// `NNCF_ERR_CALLBACK`.
pub(crate) fn guard_status(body: impl FnOnce() -> Result<()>) -> *mut sys::nncf_status {
    guard(
        |text| Error::new(Code::Callback, format!("a Rust callback panicked: {text}")).into_status(),
        || match body() {
            Ok(()) => std::ptr::null_mut(),
            Err(e) => e.into_status(),
        },
    )
}

fn panic_text(payload: &Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// A C string for text that came from Rust; interior NULs are replaced rather than failing, for
/// messages that must reach the library anyway.
pub(crate) fn c_string_lossy(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

pub(crate) fn c_string(text: &str) -> Result<CString> {
    Ok(CString::new(text)?)
}

/// # Safety
/// `ptr` must be NULL or a NUL-terminated string that lives for the rest of the program.
pub(crate) unsafe fn static_str(ptr: *const c_char) -> &'static str {
    if ptr.is_null() {
        return "";
    }
    CStr::from_ptr(ptr).to_str().unwrap_or("")
}

/// # Safety
/// `ptr` must be NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn borrowed_str<'a>(ptr: *const c_char) -> Result<&'a str> {
    if ptr.is_null() {
        return Ok("");
    }
    Ok(CStr::from_ptr(ptr).to_str()?)
}
