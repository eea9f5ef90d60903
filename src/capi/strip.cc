// nncf_strip: the C face of algorithms::Strip.
#include <memory>
#include <string>
#include <utility>

#include "algorithms/strip/strip.h"
#include "capi/api_impl.h"
#include "capi/handles.h"
#include "core/common/logging.h"
#include "nncf.h"

namespace {

nncf::algorithms::StripFormat ToStripFormat(nncf_strip_format format) {
  switch (format) {
    case NNCF_STRIP_FORMAT_NATIVE:
      return nncf::algorithms::StripFormat::kNative;
    case NNCF_STRIP_FORMAT_DQ:
      return nncf::algorithms::StripFormat::kDequantize;
    case NNCF_STRIP_FORMAT_IN_PLACE:
      return nncf::algorithms::StripFormat::kInPlace;
    default:
      nncf::Fail(nncf::ErrorCode::kInvalidArgument,
                 "nncf_strip: unknown strip format " + std::to_string(format) +
                     " (expected NNCF_STRIP_FORMAT_NATIVE, _DQ or _IN_PLACE)");
  }
}

}  // namespace

extern "C" {

nncf_status* nncf_strip(const nncf_model* model, nncf_strip_format format, nncf_model** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(model);
  NNCF_CHECK_ARG(out);
  *out = nullptr;
  const nncf::algorithms::StripFormat strip_format = ToStripFormat(format);
  nncf::ir::Model stripped = nncf::algorithms::Strip(*model->impl, strip_format);
  std::unique_ptr<nncf_model> handle = nncf::capi::MakeModelHandle(std::move(stripped));
  nncf::Log(nncf::LogLevel::kInfo, "strip",
            std::string("stripped a model to format '") + nncf_strip_format_name(format) + "'");
  *out = handle.release();
  NNCF_API_END
}

const char* nncf_strip_format_name(nncf_strip_format format) {
  switch (format) {
    case NNCF_STRIP_FORMAT_NATIVE:
      return "native";
    case NNCF_STRIP_FORMAT_DQ:
      return "dq";
    case NNCF_STRIP_FORMAT_IN_PLACE:
      return "in_place";
    default:
      return "unknown";
  }
}

}  // extern "C"
