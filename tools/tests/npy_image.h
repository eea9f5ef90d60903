// .npy images (format 1.0, little-endian, C order) written by the tool's tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nncf_cli_test {

// `descr` is NumPy's dtype string ("<f4", "<i8"); `data` holds the elements in C order.
inline std::string NpyImage(const std::string& descr, const std::vector<int64_t>& shape,
                            const void* data, size_t nbytes) {
  std::string shape_text = "(";
  for (int64_t dim : shape) shape_text += std::to_string(dim) + ", ";
  shape_text += ")";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes = "\x93NUMPY";
  bytes.push_back(1);
  bytes.push_back(0);
  bytes.push_back(static_cast<char>(header.size() & 0xff));
  bytes.push_back(static_cast<char>(header.size() >> 8));
  bytes += header;
  bytes.append(static_cast<const char*>(data), nbytes);
  return bytes;
}

}  // namespace nncf_cli_test
