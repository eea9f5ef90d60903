//! The process-wide logger. The library serializes calls to it, and once it has been replaced the
//! old one is never called again, so the previous closure can be dropped right after the swap.
use std::os::raw::{c_char, c_void};
use std::sync::Mutex;

use crate::error::{borrowed_str, guard};
use crate::sys;

/// Severity of a log message (`nncf_log_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
}

impl LogLevel {
    fn raw(self) -> sys::nncf_log_level {
        match self {
            LogLevel::Debug => sys::NNCF_LOG_DEBUG,
            LogLevel::Info => sys::NNCF_LOG_INFO,
            LogLevel::Warning => sys::NNCF_LOG_WARNING,
            LogLevel::Error => sys::NNCF_LOG_ERROR,
        }
    }

    fn from_raw(raw: sys::nncf_log_level) -> LogLevel {
        match raw {
            sys::NNCF_LOG_DEBUG => LogLevel::Debug,
            sys::NNCF_LOG_INFO => LogLevel::Info,
            sys::NNCF_LOG_WARNING => LogLevel::Warning,
            // Levels above ERROR from a newer library are at least errors.
            _ => LogLevel::Error,
        }
    }
}

type LogFn = dyn FnMut(LogLevel, &str, &str) + Send;

// The installed closure (from Box::into_raw; double-boxed for a thin pointer), kept so the next
// swap can free it.
struct Installed(*mut Box<LogFn>);

// SAFETY: the pointee is Send; the pointer is only freed under the CURRENT lock.
unsafe impl Send for Installed {}

impl Drop for Installed {
    fn drop(&mut self) {
        // SAFETY: from Box::into_raw, dropped once, after the library stopped using it.
        guard(|_| (), || drop(unsafe { Box::from_raw(self.0) }))
    }
}

static CURRENT: Mutex<Option<Installed>> = Mutex::new(None);

unsafe extern "C" fn log_trampoline(
    user_data: *mut c_void,
    level: sys::nncf_log_level,
    component: *const c_char,
    message: *const c_char,
) {
    // A panic is re-raised when the library call that logged returns on this thread.
    guard(
        |_| (),
        || {
            // SAFETY: user_data is the installed closure; the library never calls it
            // concurrently, nor after it has been replaced.
            let f = &mut **(user_data as *mut Box<LogFn>);
            let component = borrowed_str(component).unwrap_or("?");
            let message = borrowed_str(message).unwrap_or("(message is not UTF-8)");
            f(LogLevel::from_raw(level), component, message)
        },
    )
}

/// Sends library messages at `min_level` and above to `logger(level, component, message)`,
/// replacing the previous logger. It may be called from any thread running a library call.
/// Must not be called from inside the logger.
pub fn set_logger<F>(min_level: LogLevel, logger: F)
where
    F: FnMut(LogLevel, &str, &str) + Send + 'static,
{
    let boxed: Box<Box<LogFn>> = Box::new(Box::new(logger));
    let installed = Installed(Box::into_raw(boxed));
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: the closure stays alive in CURRENT until the next swap has returned.
    unsafe { sys::nncf_set_log_callback(Some(log_trampoline), installed.0 as *mut c_void, min_level.raw()) };
    *current = Some(installed);
}

unsafe extern "C" fn discard(_: *mut c_void, _: sys::nncf_log_level, _: *const c_char, _: *const c_char) {}

/// Silences the library's log completely (the default logger would still print warnings).
pub fn disable_logging() {
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: a callback without state; the old closure is dropped after the swap returned.
    unsafe { sys::nncf_set_log_callback(Some(discard), std::ptr::null_mut(), sys::NNCF_LOG_NONE) };
    *current = None;
}

/// Restores the default logger (warnings and errors to stderr).
pub fn reset_logger() {
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: as in disable_logging.
    unsafe { sys::nncf_set_log_callback(None, std::ptr::null_mut(), sys::NNCF_LOG_WARNING) };
    *current = None;
}
