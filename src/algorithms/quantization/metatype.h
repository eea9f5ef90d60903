// NNCF's ONNX metatypes: what an operator is for quantization purposes (onnx_metatypes.py). Conv
// and Gather are refined by their attributes and weights (depthwise, group, embedding).
#pragma once

#include <string>

namespace nncf::algorithms::quantization {

enum class Metatype {
  kUnknown,
  kModelInput,   // nncf_model_input_<i>
  kModelOutput,  // nncf_model_output_<i>
  kConv,         // group 1
  kGroupConv,
  kDepthwiseConv,
  kConvTranspose,
  kDeformConv,
  kGemm,
  kMatMul,
  kEmbedding,  // Gather on an fp32 (here: any float) constant
  kAdd,        // Add, Sum
  kSub,
  kMul,
  kDiv,
  kMaximum,
  kMinimum,
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
  kEqual,
  kNot,
  kAnd,
  kOr,
  kXor,
  kMod,
  kPow,
  kSqrt,
  kReciprocal,
  kAveragePool,
  kGlobalAveragePool,
  kMaxPool,
  kGlobalMaxPool,
  kReduceMax,
  kReduceSum,
  kReduceL2,
  kReduceMean,
  kReduceMin,
  kResize,
  kConcat,
  kReshape,
  kFlatten,
  kSqueeze,
  kUnsqueeze,
  kSplit,
  kTranspose,
  kCenterCropPad,
  kAttention,
  kRelu,  // Relu and Clip
  kLeakyRelu,
  kThresholdedRelu,
  kElu,
  kPRelu,
  kSelu,
  kSigmoid,
  kHardSigmoid,
  kHardSwish,
  kSoftmax,
  kExp,
  kLog,
  kAbs,
  kErf,
  kCos,
  kSin,
  kFloor,
  kBatchNorm,
  kTile,
  kUpsample,
  kConstant,
  kConstantOfShape,
  kShape,
  kExpand,
  kNonZero,
  kSlice,
  kPad,
  kGather,
  kGatherND,
  kGatherElements,
  kScatter,
  kScatterElements,
  kScatterND,
  kDepthToSpace,
  kSpaceToDepth,
  kCast,
  kCastLike,
  kDropout,
  kIdentity,
  kTopK,
  kNonMaxSuppression,
  kRoiAlign,
  kMean,
  kQuantizeLinear,
  kDequantizeLinear,
};

// "ConvOp", "MatMulOp", ... for messages and the plan JSON.
const char* MetatypeName(Metatype metatype);
// Metatype by op type alone (Conv -> kConv, Gather -> kGather); refinement needs the graph.
Metatype MetatypeForOpType(const std::string& op_type);

}  // namespace nncf::algorithms::quantization
