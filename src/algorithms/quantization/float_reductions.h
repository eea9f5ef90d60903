// Float32 reductions of the statistics pass with a summation order fixed by definition, not by
// the instruction set: scalar, AVX2 and AVX-512 versions give the same bits, so statistics (and
// the bias shifts built on them) do not depend on the machine's vector width or thread count.
#pragma once

#include <cstdint>

namespace nncf::algorithms::quantization {

// Sum of x[0..n) in double: eight lanes, lane l adding x[i] for i = l mod 8 in order over the
// first n - n % 8 elements, the lanes combined as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)), then the
// remaining elements in order.
double SumAsDouble(const float* x, int64_t n);

// out[c] = sum over r < n_rows of rows[r * stride + c] for c < cols, in double, each column
// summed in row order.
void ColumnSumsAsDouble(const float* rows, int64_t n_rows, int64_t cols, int64_t stride,
                        double* out);

// The smallest and largest of some float32 values, NaN ignored there, and whether any is NaN.
struct FloatExtremes {
  float min = 0;
  float max = 0;
  bool nan = false;
};
// Of x[0..n) (min = +inf, max = -inf when every element is NaN or n == 0).
FloatExtremes ExtremesOf(const float* x, int64_t n);

}  // namespace nncf::algorithms::quantization
