// Links libnncf from NNCF_LIB_DIR (default: the source tree's build/ directory). Standard library
// only, so the crate builds offline.
use std::env;

fn main() {
    println!("cargo:rerun-if-env-changed=NNCF_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let dir =
        env::var("NNCF_LIB_DIR").unwrap_or_else(|_| format!("{}/../../build", env!("CARGO_MANIFEST_DIR")));
    println!("cargo:rustc-link-search=native={dir}");
    println!("cargo:rustc-link-lib=dylib=nncf");
    // Applies to this package's tests, examples and binaries, so they find the library without
    // LD_LIBRARY_PATH. Crates depending on this one read the directory as DEP_NNCF_LIB_DIR.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    println!("cargo:lib_dir={dir}");
}
