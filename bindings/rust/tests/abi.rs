// The hand-written mirrors in nncf::sys match the library's own struct sizes, and the runtime
// is new enough for these bindings.
use std::mem::size_of;

use nncf::sys;

#[test]
fn struct_mirrors_match_the_library() {
    let mirrors = [
        ("nncf_tensor_info", size_of::<sys::nncf_tensor_info>()),
        ("nncf_model_load_params", size_of::<sys::nncf_model_load_params>()),
        ("nncf_model_save_params", size_of::<sys::nncf_model_save_params>()),
        ("nncf_dataset_callbacks", size_of::<sys::nncf_dataset_callbacks>()),
        ("nncf_infer_params", size_of::<sys::nncf_infer_params>()),
    ];
    for (name, rust_size) in mirrors {
        let c_size = nncf::abi_sizeof(name);
        assert_ne!(c_size, 0, "the library does not know {name}");
        assert_eq!(rust_size, c_size, "size of {name}: Rust mirror {rust_size}, library {c_size}");
    }
    assert_eq!(nncf::abi_sizeof("nncf_no_such_struct"), 0);
}

#[test]
fn defaults_fill_the_mirrors_as_documented() {
    unsafe {
        let mut load: sys::nncf_model_load_params = std::mem::zeroed();
        sys::nncf_model_load_params_default(&mut load, size_of::<sys::nncf_model_load_params>() as u32);
        assert_eq!(load.struct_size as usize, size_of::<sys::nncf_model_load_params>());
        assert!(load.base_dir.is_null());
        assert_eq!((load.mmap_external_data, load.validate), (1, 1));

        let mut save: sys::nncf_model_save_params = std::mem::zeroed();
        sys::nncf_model_save_params_default(&mut save, size_of::<sys::nncf_model_save_params>() as u32);
        assert_eq!(save.external_data, sys::NNCF_EXTERNAL_DATA_AUTO);
        assert_eq!(save.size_threshold, 1024);
        assert!(save.progress.is_none());

        let mut callbacks: sys::nncf_dataset_callbacks = std::mem::zeroed();
        sys::nncf_dataset_callbacks_default(&mut callbacks, size_of::<sys::nncf_dataset_callbacks>() as u32);
        assert!(callbacks.get_item.is_none() && callbacks.destroy.is_none());
        assert_eq!(callbacks.batch_size, 0);

        let mut infer: sys::nncf_infer_params = std::mem::zeroed();
        sys::nncf_infer_params_default(&mut infer, size_of::<sys::nncf_infer_params>() as u32);
        assert_eq!((infer.num_threads, infer.n_output_names), (0, 0));
    }
}

#[test]
fn runtime_version_is_new_enough() {
    assert!(nncf::api_version() >= sys::NNCF_API_VERSION);
    nncf::check_runtime_version().unwrap();
    assert_eq!(nncf::version_number(), sys::NNCF_VERSION_NUMBER);
    let expected =
        format!("{}.{}.{}", sys::NNCF_VERSION_MAJOR, sys::NNCF_VERSION_MINOR, sys::NNCF_VERSION_PATCH);
    assert!(nncf::version_string().starts_with(&expected), "{}", nncf::version_string());
}
