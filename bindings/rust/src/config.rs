//! Configs: NNCF options as schema-validated JSON, read and written by dotted key.
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{c_string, check, Result};
use crate::sys;

/// A validated JSON configuration (`nncf_config`). Not `Sync`: one thread at a time.
pub struct Config {
    raw: NonNull<sys::nncf_config>,
}

// SAFETY: the handle may move between threads; it is only used through &self/&mut self.
unsafe impl Send for Config {}

impl Config {
    /// Parses and validates `json`; schema errors name the JSON path (`Code::InvalidConfig`).
    pub fn from_json(json: &str) -> Result<Config> {
        crate::ensure_runtime()?;
        let mut raw = ptr::null_mut();
        // SAFETY: json is readable for its length (no NUL terminator needed).
        check(unsafe { sys::nncf_config_from_json(json.as_ptr() as *const _, json.len(), &mut raw) })?;
        // SAFETY: a new config we own.
        Ok(unsafe { Config::from_raw(raw) })
    }

    pub fn from_file(path: impl AsRef<Path>) -> Result<Config> {
        use std::os::unix::ffi::OsStrExt;
        crate::ensure_runtime()?;
        let path = std::ffi::CString::new(path.as_ref().as_os_str().as_bytes())?;
        let mut raw = ptr::null_mut();
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_config_from_file(path.as_ptr(), &mut raw) })?;
        // SAFETY: a new config we own.
        Ok(unsafe { Config::from_raw(raw) })
    }

    /// # Safety
    /// `raw` must be a non-NULL config the caller owns; it is freed on drop.
    pub unsafe fn from_raw(raw: *mut sys::nncf_config) -> Config {
        Config { raw: NonNull::new(raw).expect("nncf_config pointer is NULL") }
    }

    pub fn as_ptr(&self) -> *const sys::nncf_config {
        self.raw.as_ptr()
    }

    pub fn as_mut_ptr(&mut self) -> *mut sys::nncf_config {
        self.raw.as_ptr()
    }

    pub fn to_json(&self) -> Result<String> {
        let mut blob = ptr::null_mut();
        // SAFETY: valid out pointer.
        check(unsafe { sys::nncf_config_to_json(self.as_ptr(), &mut blob) })?;
        // SAFETY: a new blob we own.
        Ok(String::from_utf8(unsafe { crate::take_blob(blob) })?)
    }

    /// JSON text of the value at `key` ("quantize.subset_size"), or its schema default when
    /// unset; `Code::NotFound` for keys the schema does not have.
    pub fn get(&self, key: &str) -> Result<String> {
        let key = c_string(key)?;
        let mut blob = ptr::null_mut();
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_config_get(self.as_ptr(), key.as_ptr(), &mut blob) })?;
        // SAFETY: a new blob we own.
        Ok(String::from_utf8(unsafe { crate::take_blob(blob) })?)
    }

    /// Stores JSON text `json_value` at `key` after validating it; a rejected value leaves the
    /// config unchanged.
    pub fn set(&mut self, key: &str, json_value: &str) -> Result<()> {
        let key = c_string(key)?;
        let value = c_string(json_value)?;
        // SAFETY: valid pointers for the call.
        check(unsafe { sys::nncf_config_set(self.as_mut_ptr(), key.as_ptr(), value.as_ptr()) })
    }

    /// The JSON schema configs are validated against.
    pub fn schema_json() -> Result<String> {
        crate::ensure_runtime()?;
        let mut blob = ptr::null_mut();
        // SAFETY: valid out pointer.
        check(unsafe { sys::nncf_config_schema_json(&mut blob) })?;
        // SAFETY: a new blob we own.
        Ok(String::from_utf8(unsafe { crate::take_blob(blob) })?)
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        // SAFETY: we own the config.
        unsafe { sys::nncf_config_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config").field("raw", &self.raw).finish()
    }
}
