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
		"nncf_tensor_info":              unsafe.Sizeof(C.nncf_tensor_info{}),
		"nncf_model_load_params":        unsafe.Sizeof(C.nncf_model_load_params{}),
		"nncf_model_save_params":        unsafe.Sizeof(C.nncf_model_save_params{}),
		"nncf_dataset_callbacks":        unsafe.Sizeof(C.nncf_dataset_callbacks{}),
		"nncf_infer_params":             unsafe.Sizeof(C.nncf_infer_params{}),
		"nncf_subgraph":                 unsafe.Sizeof(C.nncf_subgraph{}),
		"nncf_ignored_scope":            unsafe.Sizeof(C.nncf_ignored_scope{}),
		"nncf_compress_weights_params":  unsafe.Sizeof(C.nncf_compress_weights_params{}),
		"nncf_quantization_parameters":  unsafe.Sizeof(C.nncf_quantization_parameters{}),
		"nncf_quantize_params":          unsafe.Sizeof(C.nncf_quantize_params{}),
		"nncf_validation_output":        unsafe.Sizeof(C.nncf_validation_output{}),
		"nncf_accuracy_control_params":  unsafe.Sizeof(C.nncf_accuracy_control_params{}),
		"nncf_accuracy_control_summary": unsafe.Sizeof(C.nncf_accuracy_control_summary{}),
	}
}
