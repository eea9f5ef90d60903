// A layer's bias as bias correction sees it: read from the model (an initializer or a Constant
// node's value), shifted along the output channel axis as NNCF does, and written back in place
// under the same name and element type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/quantization/nncf_graph.h"
#include "core/ir/dtype.h"
#include "core/ir/model.h"

namespace nncf::algorithms::quantization {

struct BiasValue {
  std::vector<float> values;
  std::vector<int64_t> dims;
  ir::DType dtype = ir::DType::kFloat;
};

// The bias `attr` names, if `model` feeds it to attr.node's input attr.port from an initializer
// or a Constant node (value, value_float or value_floats) of a float element type; else nullopt.
std::optional<BiasValue> ReadBias(const ir::Model& model, const BiasAttr& attr);

// Rewrites the bias of `attr` in place: same value name and element type; dims may change when
// the shift broadcasts a smaller bias (then value types declared for it are updated too).
// Throws kNotFound when the model no longer holds the bias.
void WriteBias(ir::Model& model, const BiasAttr& attr, const BiasValue& value);

// The bias after a shift, with the original bias and the shift broadcast to its layout (what
// the magnitude rules compare element by element).
struct ShiftedBias {
  BiasValue updated;            // values before rounding to the element type
  std::vector<float> original;  // the old bias broadcast to updated.dims
  std::vector<float> shift;     // the shift broadcast to updated.dims
};

// bias + shift where the shift holds one value per output channel. A bias of rank > 1 gets the
// shift along `channel_axis` (resolved on the bias' rank, as NNCF reshapes it); rank 0 or 1 gets
// it as a vector. nullopt when the shapes do not broadcast.
std::optional<ShiftedBias> ShiftBias(const BiasValue& bias, const std::vector<float>& shift,
                                     int64_t channel_axis);

}  // namespace nncf::algorithms::quantization
