package nncf

/*
#include "nncf.h"
*/
import "C"

import "unsafe"

// cStructSizes are the sizes of the public structs as cgo compiled them from the header; tests
// compare them with the library's own nncf_abi_sizeof to catch a header/library mismatch.
func cStructSizes() map[string]uintptr {
	return map[string]uintptr{
		"nncf_tensor_info":       unsafe.Sizeof(C.nncf_tensor_info{}),
		"nncf_model_load_params": unsafe.Sizeof(C.nncf_model_load_params{}),
		"nncf_model_save_params": unsafe.Sizeof(C.nncf_model_save_params{}),
		"nncf_dataset_callbacks": unsafe.Sizeof(C.nncf_dataset_callbacks{}),
		"nncf_infer_params":      unsafe.Sizeof(C.nncf_infer_params{}),
	}
}
