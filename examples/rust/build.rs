// zlib reads the gzip-compressed Fashion-MNIST files (std has no inflate and crates.io is out of
// reach); the nncf crate says where libnncf.so is, so the binary finds it without
// LD_LIBRARY_PATH.
use std::env;

fn main() {
    println!("cargo:rustc-link-lib=dylib=z");
    if let Ok(dir) = env::var("DEP_NNCF_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
