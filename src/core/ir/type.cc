#include "core/ir/type.h"

namespace nncf::ir {

Type Type::MakeTensor(DType dtype, const std::vector<int64_t>& dims) {
  Type type;
  type.kind = Kind::kTensor;
  type.elem_type = static_cast<int32_t>(dtype);
  type.elem_type_set = true;
  Shape shape;
  for (int64_t d : dims) {
    Dim dim;
    if (d >= 0) dim.value = d;
    shape.dims.push_back(dim);
  }
  type.shape = std::move(shape);
  return type;
}

}  // namespace nncf::ir
