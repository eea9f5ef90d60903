#include "npy_io.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace nncf::testing {
namespace {

struct DescrEntry {
  const char* descr;
  ir::DType dtype;
};

constexpr DescrEntry kDescrs[] = {
    {"<f4", ir::DType::kFloat},  {"<f8", ir::DType::kDouble}, {"<f2", ir::DType::kFloat16},
    {"|i1", ir::DType::kInt8},   {"|u1", ir::DType::kUint8},  {"|b1", ir::DType::kBool},
    {"<i2", ir::DType::kInt16},  {"<u2", ir::DType::kUint16}, {"<i4", ir::DType::kInt32},
    {"<u4", ir::DType::kUint32}, {"<i8", ir::DType::kInt64},  {"<u8", ir::DType::kUint64},
};

[[noreturn]] void Bad(const std::string& path, const std::string& what) {
  Fail(ErrorCode::kInvalidArgument, path + ": " + what);
}

uint32_t ReadLe(const std::string& bytes, size_t offset, size_t width) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

}  // namespace

ir::Tensor ReadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(ErrorCode::kIo, "cannot open " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) Bad(path, "not an .npy file");
  const int major = static_cast<uint8_t>(bytes[6]);
  size_t header_len = 0;
  size_t offset = 0;
  if (major == 1) {
    header_len = ReadLe(bytes, 8, 2);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) Bad(path, "truncated header");
    header_len = ReadLe(bytes, 8, 4);
    offset = 12;
  } else {
    Bad(path, "unsupported .npy version " + std::to_string(major));
  }
  if (bytes.size() < offset + header_len) Bad(path, "truncated header");
  const std::string header = bytes.substr(offset, header_len);

  std::smatch descr, order, shape;
  if (!std::regex_search(header, descr, std::regex("'descr':\\s*'([^']+)'")) ||
      !std::regex_search(header, order, std::regex("'fortran_order':\\s*(True|False)")) ||
      !std::regex_search(header, shape, std::regex("'shape':\\s*\\(([^)]*)\\)"))) {
    Bad(path, "malformed header: " + header);
  }
  if (order[1] == "True") Bad(path, "Fortran-order arrays are not supported");
  ir::DType dtype = ir::DType::kUndefined;
  for (const DescrEntry& entry : kDescrs) {
    if (descr[1] == entry.descr) dtype = entry.dtype;
  }
  if (dtype == ir::DType::kUndefined) Bad(path, "unsupported dtype '" + descr[1].str() + "'");

  std::vector<int64_t> dims;
  const std::string shape_text = shape[1];
  const std::regex number("[0-9]+");
  for (auto it = std::sregex_iterator(shape_text.begin(), shape_text.end(), number);
       it != std::sregex_iterator(); ++it) {
    dims.push_back(std::stoll(it->str()));
  }
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  const size_t data_offset = offset + header_len;
  const size_t expected = ir::StorageBytes(dtype, count);
  if (bytes.size() - data_offset != expected) {
    Bad(path, "expected " + std::to_string(expected) + " data bytes, found " +
                  std::to_string(bytes.size() - data_offset));
  }
  return ir::Tensor::FromBytes("", dtype, std::move(dims), bytes.data() + data_offset, expected);
}

void WriteNpy(const std::string& path, const ir::Tensor& tensor) {
  const char* descr = nullptr;
  for (const DescrEntry& entry : kDescrs) {
    if (entry.dtype == tensor.dtype) descr = entry.descr;
  }
  if (descr == nullptr) {
    Fail(ErrorCode::kUnsupported,
         path + ": cannot write dtype " + std::string(ir::DTypeName(tensor.dtype)) + " as .npy");
  }
  std::string shape = "(";
  for (size_t i = 0; i < tensor.dims.size(); ++i) {
    shape += (i ? ", " : "") + std::to_string(tensor.dims[i]);
  }
  shape += tensor.dims.size() == 1 ? ",)" : ")";
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so the data starts on a 64-byte boundary, as NumPy does.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string prefix("\x93NUMPY\x01\x00", 8);
  prefix += static_cast<char>(header.size() & 0xff);
  prefix += static_cast<char>(header.size() >> 8);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) Fail(ErrorCode::kIo, "cannot create " + path);
  out << prefix << header;
  out.write(reinterpret_cast<const char*>(tensor.bytes()),
            static_cast<std::streamsize>(tensor.ByteSize()));
  if (!out) Fail(ErrorCode::kIo, "cannot write " + path);
}

}  // namespace nncf::testing
