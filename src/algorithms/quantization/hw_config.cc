// CPU hardware config entries, expanded the way QConfigSpace.get_all_qconfigs orders them:
// mode x granularity x narrow_range, 8-bit spaces before 16-bit ones.
#include "algorithms/quantization/hw_config.h"

namespace nncf::algorithms::quantization {
namespace {

using M = Metatype;
using S = QuantizationScheme;

struct Space {
  int bits;
  std::vector<S> modes;
  std::vector<bool> per_channel;  // granularity, in the listed order
  std::vector<bool> narrow_range;
  std::optional<bool> signedness_to_force;
};

std::vector<QuantizerConfig> Expand(const std::vector<Space>& spaces) {
  std::vector<QuantizerConfig> configs;
  for (const Space& space : spaces) {
    for (S mode : space.modes) {
      for (bool per_channel : space.per_channel) {
        for (bool narrow : space.narrow_range) {
          QuantizerConfig config;
          config.num_bits = space.bits;
          config.mode = mode;
          config.per_channel = per_channel;
          config.narrow_range = narrow;
          config.signedness_to_force = space.signedness_to_force;
          configs.push_back(config);
        }
      }
    }
  }
  return configs;
}

Space ActivationSpace(int bits) {
  return {bits, {S::kSymmetric, S::kAsymmetric}, {false}, {false}, {}};
}
Space ActivationChannelSpace(int bits) {
  return {bits, {S::kSymmetric, S::kAsymmetric}, {true, false}, {false}, {}};
}
Space ActivationSymmetricSpace(int bits) {
  return {bits, {S::kSymmetric}, {false}, {false}, {}};
}
Space WeightSymmetricSpace(int bits) {
  return {bits, {S::kSymmetric}, {true, false}, {true}, true};
}
Space WeightSymmetricAnyNarrowSpace(int bits) {
  return {bits, {S::kSymmetric}, {true, false}, {true, false}, true};
}
Space WeightAsymmetricSpace(int bits) {
  return {bits, {S::kAsymmetric}, {true, false}, {false}, {}};
}

enum class HwEntry {
  kNone,             // no HW name
  kGeneral,          // q8_a, q16_a / q8_w_sym, q8_w_asym, q16_w_sym, q16_w_asym
  kDepthwise,        // q8_a_ch, q16_a_ch / as kGeneral
  kActivationsOnly,  // q8_a, q16_a / none
  kInterpolate,      // q8_a / none
  kAttention,        // q8_a_sym, q16_a_sym / none
  kWildcard,         // listed without configs
  kEmbedding,        // no activations / q8_w_sym_any_nr, q8_w_asym, q16_w_sym_any_nr, q16_w_asym
};

HwEntry EntryOf(Metatype metatype) {
  switch (metatype) {
    case M::kConv:
    case M::kGroupConv:
    case M::kConvTranspose:
    case M::kGemm:
    case M::kMatMul:
    case M::kAdd:
    case M::kSub:
    case M::kMul:
    case M::kDiv:
    case M::kMaximum:
    case M::kMinimum:
    case M::kLess:
    case M::kLessOrEqual:
    case M::kGreater:
    case M::kGreaterOrEqual:
    case M::kEqual:
    case M::kNot:
    case M::kAnd:
    case M::kOr:
    case M::kXor:
    case M::kMod:
      return HwEntry::kGeneral;
    case M::kDepthwiseConv:
      return HwEntry::kDepthwise;
    case M::kPow:
    case M::kSqrt:
    case M::kReciprocal:
    case M::kAveragePool:
    case M::kGlobalAveragePool:
    case M::kReduceSum:
    case M::kReduceL2:
    case M::kReduceMean:
      return HwEntry::kActivationsOnly;
    case M::kResize:
      return HwEntry::kInterpolate;
    case M::kAttention:
      return HwEntry::kAttention;
    case M::kMaxPool:
    case M::kGlobalMaxPool:
    case M::kReduceMax:
    case M::kConcat:
    case M::kReshape:
    case M::kFlatten:
    case M::kSqueeze:
    case M::kUnsqueeze:
    case M::kSplit:
    case M::kTranspose:
    case M::kCenterCropPad:
      return HwEntry::kWildcard;
    case M::kEmbedding:
      return HwEntry::kEmbedding;
    default:
      return HwEntry::kNone;
  }
}

std::optional<QuantizationTrait> DefaultTrait(Metatype metatype) {
  switch (metatype) {
    case M::kConv:
    case M::kDepthwiseConv:
    case M::kConvTranspose:
    case M::kDeformConv:
    case M::kGemm:
    case M::kMatMul:
    case M::kAveragePool:
    case M::kGlobalAveragePool:
    case M::kAdd:
    case M::kSub:
    case M::kMul:
    case M::kBatchNorm:
    case M::kHardSigmoid:
    case M::kResize:
    case M::kPow:
    case M::kReciprocal:
    case M::kMaximum:
    case M::kMinimum:
      return QuantizationTrait::kInputsQuantizable;
    case M::kGlobalMaxPool:
    case M::kMaxPool:
    case M::kReduceMax:
    case M::kReshape:
    case M::kTranspose:
    case M::kSqueeze:
    case M::kUnsqueeze:
    case M::kSplit:
    case M::kTile:
    case M::kCenterCropPad:
    case M::kSlice:
    case M::kPad:
    case M::kGather:
    case M::kGatherND:
    case M::kGatherElements:
    case M::kDepthToSpace:
    case M::kSpaceToDepth:
    case M::kScatterElements:
    case M::kScatterND:
    case M::kScatter:
    case M::kCastLike:
    case M::kDropout:
    case M::kFlatten:
    case M::kExpand:
    case M::kIdentity:
      return QuantizationTrait::kAgnostic;
    case M::kConcat:
      return QuantizationTrait::kConcat;
    case M::kEmbedding:
      return QuantizationTrait::kOutputQuantizationAsWeights;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::vector<QuantizerConfig>> HwActivationConfigs(Metatype metatype) {
  switch (EntryOf(metatype)) {
    case HwEntry::kGeneral:
    case HwEntry::kActivationsOnly:
      return Expand({ActivationSpace(8), ActivationSpace(16)});
    case HwEntry::kDepthwise:
      return Expand({ActivationChannelSpace(8), ActivationChannelSpace(16)});
    case HwEntry::kInterpolate:
      return Expand({ActivationSpace(8)});
    case HwEntry::kAttention:
      return Expand({ActivationSymmetricSpace(8), ActivationSymmetricSpace(16)});
    case HwEntry::kWildcard:
    case HwEntry::kEmbedding:
      return std::vector<QuantizerConfig>{};
    case HwEntry::kNone:
      break;
  }
  return std::nullopt;
}

std::optional<std::vector<QuantizerConfig>> HwWeightConfigs(Metatype metatype) {
  switch (EntryOf(metatype)) {
    case HwEntry::kGeneral:
    case HwEntry::kDepthwise:
      return Expand({WeightSymmetricSpace(8), WeightAsymmetricSpace(8), WeightSymmetricSpace(16),
                     WeightAsymmetricSpace(16)});
    case HwEntry::kEmbedding:
      return Expand({WeightSymmetricAnyNarrowSpace(8), WeightAsymmetricSpace(8),
                     WeightSymmetricAnyNarrowSpace(16), WeightAsymmetricSpace(16)});
    case HwEntry::kActivationsOnly:
    case HwEntry::kInterpolate:
    case HwEntry::kAttention:
    case HwEntry::kWildcard:
      return std::vector<QuantizerConfig>{};
    case HwEntry::kNone:
      break;
  }
  return std::nullopt;
}

QuantizationTrait TraitOf(Metatype metatype) {
  const HwEntry entry = EntryOf(metatype);
  if (entry == HwEntry::kNone || entry == HwEntry::kWildcard || entry == HwEntry::kEmbedding) {
    // No HW name, or listed without activation configs: the backend's default trait.
    return DefaultTrait(metatype).value_or(QuantizationTrait::kNonQuantizable);
  }
  return QuantizationTrait::kInputsQuantizable;
}

bool QuantizerConstraints::Compatible(const QuantizerConfig& config) const {
  if (num_bits && config.num_bits != *num_bits) return false;
  if (mode && config.mode != *mode) return false;
  if (signedness_to_force && config.signedness_to_force != signedness_to_force) return false;
  if (per_channel && config.per_channel != *per_channel) return false;
  if (narrow_range && config.narrow_range != *narrow_range) return false;
  return true;
}

QuantizerConfig QuantizerConstraints::Apply(QuantizerConfig config) const {
  if (num_bits) config.num_bits = *num_bits;
  if (mode) config.mode = *mode;
  if (signedness_to_force) config.signedness_to_force = signedness_to_force;
  if (per_channel) config.per_channel = *per_channel;
  if (narrow_range) config.narrow_range = *narrow_range;
  return config;
}

}  // namespace nncf::algorithms::quantization
