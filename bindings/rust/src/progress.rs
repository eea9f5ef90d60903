//! Progress callbacks `(stage, fraction) -> keep going`, shared by every long-running call.
use std::os::raw::{c_char, c_void};

use crate::error::{borrowed_str, guard};
use crate::sys;

/// The C side of a Rust progress closure: `user_data` is a `&mut F` that outlives the call. A
/// panic cancels the operation (returns 0) and is resumed once the library call returns.
pub(crate) unsafe extern "C" fn progress_trampoline<F: FnMut(&str, f64) -> bool>(
    user_data: *mut c_void,
    stage: *const c_char,
    fraction: f64,
) -> i32 {
    guard(
        |_| 0,
        || {
            // SAFETY: user_data is the &mut F handed to the library call, alive for the call.
            let f = &mut *(user_data as *mut F);
            let stage = borrowed_str(stage).unwrap_or("");
            i32::from(f(stage, fraction))
        },
    )
}

/// The callback and user data to store in a params struct for `progress`, which must stay
/// borrowed (not moved) until the library call returns.
pub(crate) fn progress_callback<F: FnMut(&str, f64) -> bool>(
    progress: &mut F,
) -> (sys::nncf_progress_fn, *mut c_void) {
    (Some(progress_trampoline::<F>), progress as *mut F as *mut c_void)
}
