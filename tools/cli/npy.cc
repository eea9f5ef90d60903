#include "npy.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include "cli_error.h"

namespace nncf_cli {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct DescrEntry {
  const char* descr;
  nncf_dtype dtype;
};

// Single-byte types have no byte order ('|'); NumPy also writes '<' or '=' on little-endian hosts.
constexpr DescrEntry kDescrs[] = {
    {"f4", NNCF_DTYPE_FLOAT},  {"f8", NNCF_DTYPE_DOUBLE}, {"f2", NNCF_DTYPE_FLOAT16},
    {"i1", NNCF_DTYPE_INT8},   {"i2", NNCF_DTYPE_INT16},  {"i4", NNCF_DTYPE_INT32},
    {"i8", NNCF_DTYPE_INT64},  {"u1", NNCF_DTYPE_UINT8},  {"u2", NNCF_DTYPE_UINT16},
    {"u4", NNCF_DTYPE_UINT32}, {"u8", NNCF_DTYPE_UINT64}, {"b1", NNCF_DTYPE_BOOL},
};

[[noreturn]] void Invalid(const std::string& origin, const std::string& what) {
  throw CliError(kExitInvalidInput, origin + ": " + what);
}

// The text of a header value after "'key':", up to the next top-level comma or closing brace.
std::string HeaderValue(const std::string& header, const std::string& key,
                        const std::string& origin) {
  const std::string quoted = "'" + key + "'";
  size_t pos = header.find(quoted);
  if (pos == std::string::npos) Invalid(origin, "npy header has no '" + key + "'");
  pos = header.find(':', pos + quoted.size());
  if (pos == std::string::npos) Invalid(origin, "npy header is malformed near '" + key + "'");
  ++pos;
  while (pos < header.size() && header[pos] == ' ') ++pos;
  size_t end = pos;
  if (end < header.size() && header[end] == '(') {
    end = header.find(')', end);
    if (end == std::string::npos) Invalid(origin, "npy header has an unterminated shape");
    return header.substr(pos, end - pos + 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  std::string value = header.substr(pos, end - pos);
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

nncf_dtype ParseDescr(std::string descr, const std::string& origin) {
  if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"')) {
    descr = descr.substr(1, descr.size() - 2);
  }
  if (descr.size() != 3) Invalid(origin, "unsupported npy dtype " + descr);
  const char order = descr[0];
  const std::string code = descr.substr(1);
  for (const DescrEntry& entry : kDescrs) {
    if (code != entry.descr) continue;
    const bool single_byte = code[1] == '1';
    if (order == '<' || order == '=' || (order == '|' && single_byte) ||
        (order == '>' && single_byte)) {
      return entry.dtype;
    }
    Invalid(origin, "big-endian npy arrays are not supported (" + descr + ")");
  }
  Invalid(origin, "unsupported npy dtype " + descr);
}

std::vector<int64_t> ParseShape(const std::string& text, const std::string& origin) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
    Invalid(origin, "npy shape is not a tuple: " + text);
  }
  std::vector<int64_t> shape;
  size_t pos = 1;
  while (pos < text.size() - 1) {
    while (pos < text.size() - 1 && (text[pos] == ' ' || text[pos] == ',')) ++pos;
    if (pos >= text.size() - 1) break;
    size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(text.substr(pos), &used);
    } catch (const std::exception&) {
      Invalid(origin, "npy shape is malformed: " + text);
    }
    if (value < 0) Invalid(origin, "npy shape has a negative dimension: " + text);
    shape.push_back(value);
    pos += used;
  }
  return shape;
}

}  // namespace

int64_t Array::ElementCount() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

size_t Array::ElementSize() const {
  return nncf_dtype_bits(dtype) / 8;
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CliError(kExitIo, "cannot open '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  if (file.bad()) throw CliError(kExitIo, "cannot read '" + path + "'");
  return bytes;
}

Array ParseNpy(const uint8_t* bytes, size_t size, const std::string& origin) {
  if (size < kMagicSize + 4 || std::memcmp(bytes, kMagic, kMagicSize) != 0) {
    Invalid(origin, "not a .npy array (bad magic)");
  }
  const uint8_t major = bytes[6];
  size_t header_len = 0;
  size_t header_start = 0;
  if (major == 1) {
    header_len = bytes[8] | (bytes[9] << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) Invalid(origin, "truncated .npy header");
    header_len = static_cast<size_t>(bytes[8]) | (static_cast<size_t>(bytes[9]) << 8) |
                 (static_cast<size_t>(bytes[10]) << 16) | (static_cast<size_t>(bytes[11]) << 24);
    header_start = 12;
  } else {
    Invalid(origin, "unsupported .npy format version " + std::to_string(major));
  }
  if (header_start + header_len > size) Invalid(origin, "truncated .npy header");
  const std::string header(reinterpret_cast<const char*>(bytes + header_start), header_len);

  if (HeaderValue(header, "fortran_order", origin) != "False") {
    Invalid(origin, "Fortran-order npy arrays are not supported");
  }
  Array array;
  array.dtype = ParseDescr(HeaderValue(header, "descr", origin), origin);
  array.shape = ParseShape(HeaderValue(header, "shape", origin), origin);
  const size_t nbytes = static_cast<size_t>(array.ElementCount()) * array.ElementSize();
  const size_t data_start = header_start + header_len;
  if (size - data_start != nbytes) {
    Invalid(origin, "npy data holds " + std::to_string(size - data_start) + " bytes, shape needs " +
                        std::to_string(nbytes));
  }
  array.data.assign(bytes + data_start, bytes + size);
  return array;
}

Array ReadNpyFile(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseNpy(bytes.data(), bytes.size(), path);
}

std::string NpyDescr(nncf_dtype dtype) {
  for (const DescrEntry& entry : kDescrs) {
    if (entry.dtype != dtype) continue;
    return std::string(entry.descr[1] == '1' ? "|" : "<") + entry.descr;
  }
  return "";
}

void WriteNpyFile(const std::string& path, nncf_dtype dtype, const std::vector<int64_t>& shape,
                  const void* data, size_t nbytes) {
  const std::string descr = NpyDescr(dtype);
  if (descr.empty()) {
    throw CliError(kExitUnsupported, std::string("cannot write '") + path + "': NumPy has no " +
                                         nncf_dtype_name(dtype) + " dtype");
  }
  std::string shape_text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    shape_text += std::to_string(shape[i]);
    if (i + 1 < shape.size() || shape.size() == 1) shape_text += ",";
    if (i + 1 < shape.size()) shape_text += " ";
  }
  shape_text += ")";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  // Magic, version and length take 10 bytes; the header ends in '\n' and pads to 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');

  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw CliError(kExitIo, "cannot create '" + path + "': " + std::strerror(errno));
  const uint16_t header_len = static_cast<uint16_t>(header.size());
  const char preamble[10] = {'\x93',
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             static_cast<char>(header_len & 0xff),
                             static_cast<char>(header_len >> 8)};
  file.write(preamble, sizeof preamble);
  file.write(header.data(), static_cast<std::streamsize>(header.size()));
  file.write(static_cast<const char*>(data), static_cast<std::streamsize>(nbytes));
  if (!file) throw CliError(kExitIo, "cannot write '" + path + "'");
}

}  // namespace nncf_cli
