// Tensor shape arithmetic, construction, typed access and element reads for every dtype.
#include "core/ir/tensor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace nncf::ir {
namespace {

template <typename T>
Tensor Make(DType dtype, std::vector<T> values) {
  return Tensor::FromBytes("t", dtype, {static_cast<int64_t>(values.size())}, values.data(),
                           values.size() * sizeof(T));
}

template <typename Body>
void ExpectError(ErrorCode code, const std::string& needle, Body body) {
  try {
    body();
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(TensorTest, NumElementsAndByteSize) {
  Tensor scalar = Tensor::Zeros("s", DType::kFloat, {});
  EXPECT_EQ(scalar.NumElements(), 1);
  EXPECT_EQ(scalar.ByteSize(), 4u);
  Tensor matrix = Tensor::Zeros("m", DType::kInt64, {2, 3});
  EXPECT_EQ(matrix.NumElements(), 6);
  EXPECT_EQ(matrix.ByteSize(), 48u);
  Tensor empty = Tensor::Zeros("e", DType::kFloat, {0, 5});
  EXPECT_EQ(empty.NumElements(), 0);
  EXPECT_EQ(empty.ByteSize(), 0u);
  Tensor packed = Tensor::Zeros("p", DType::kInt4, {3, 3});
  EXPECT_EQ(packed.ByteSize(), 5u);
  Tensor f16 = Tensor::Zeros("h", DType::kFloat16, {7});
  EXPECT_EQ(f16.ByteSize(), 14u);

  Tensor negative;
  negative.name = "bad_dims";
  negative.dtype = DType::kFloat;
  negative.dims = {2, -1};
  ExpectError(ErrorCode::kInvalidModel, "bad_dims", [&] { negative.NumElements(); });
  negative.dims = {std::numeric_limits<int64_t>::max(), 4};
  ExpectError(ErrorCode::kInvalidModel, "bad_dims", [&] { negative.NumElements(); });
}

TEST(TensorTest, ZerosAndStrings) {
  Tensor zeros = Tensor::Zeros("z", DType::kUint4, {5});
  ASSERT_TRUE(zeros.data);
  EXPECT_EQ(zeros.data->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(zeros.bytes()[i], 0);
  EXPECT_FALSE(zeros.IsMapped());
  EXPECT_EQ(zeros.name, "z");
  EXPECT_EQ(zeros.dims, (std::vector<int64_t>{5}));

  Tensor strings = Tensor::Zeros("names", DType::kString, {2});
  EXPECT_EQ(strings.strings.size(), 2u);
  EXPECT_EQ(strings.data, nullptr);
  strings.strings = {"ab", "cde"};
  EXPECT_EQ(strings.ByteSize(), 5u);
  ExpectError(ErrorCode::kInvalidArgument, "names", [&] { strings.GetAsDouble(0); });
  ExpectError(ErrorCode::kInvalidArgument, "undef",
              [] { Tensor::Zeros("undef", DType::kUndefined, {1}); });
}

TEST(TensorTest, FromBytesCopiesAndChecksSize) {
  float values[3] = {1.5f, -2.0f, 3.25f};
  Tensor tensor = Tensor::FromBytes("w", DType::kFloat, {3}, values, sizeof(values));
  values[0] = 100.0f;
  const float* data = tensor.DataAs<float>();
  EXPECT_EQ(data[0], 1.5f);
  EXPECT_EQ(data[2], 3.25f);
  ExpectError(ErrorCode::kInvalidArgument, "w2",
              [&] { Tensor::FromBytes("w2", DType::kFloat, {3}, values, 8); });
  ExpectError(ErrorCode::kInvalidArgument, "s",
              [&] { Tensor::FromBytes("s", DType::kString, {1}, values, 4); });
  uint8_t packed[2] = {0x21, 0x03};
  Tensor int4 = Tensor::FromBytes("q", DType::kInt4, {3}, packed, 2);
  EXPECT_EQ(int4.GetAsDouble(2), 3.0);
  Tensor none = Tensor::FromBytes("n", DType::kInt8, {0}, nullptr, 0);
  EXPECT_EQ(none.ByteSize(), 0u);
}

TEST(TensorTest, DataAsChecksType) {
  Tensor f = Make<float>(DType::kFloat, {1.0f});
  EXPECT_NE(f.DataAs<float>(), nullptr);
  ExpectError(ErrorCode::kInvalidArgument, "'t'", [&] { f.DataAs<int32_t>(); });
  ExpectError(ErrorCode::kInvalidArgument, "float", [&] { f.DataAs<double>(); });

  for (DType dtype : {DType::kFloat16, DType::kBFloat16, DType::kUint16}) {
    Tensor half = Tensor::Zeros("h", dtype, {2});
    EXPECT_NE(half.DataAs<uint16_t>(), nullptr) << DTypeName(dtype);
    EXPECT_THROW(half.DataAs<int16_t>(), Error);
  }
  for (DType dtype :
       {DType::kUint8, DType::kFloat8E4M3FN, DType::kFloat8E4M3FNUZ, DType::kFloat8E5M2,
        DType::kFloat8E5M2FNUZ, DType::kInt4, DType::kUint4, DType::kFloat4E2M1}) {
    Tensor bytes = Tensor::Zeros("b", dtype, {2});
    EXPECT_NE(bytes.DataAs<uint8_t>(), nullptr) << DTypeName(dtype);
    EXPECT_THROW(bytes.DataAs<int8_t>(), Error) << DTypeName(dtype);
  }
  EXPECT_NE(Tensor::Zeros("i8", DType::kInt8, {1}).DataAs<int8_t>(), nullptr);
  EXPECT_THROW(Tensor::Zeros("i8", DType::kInt8, {1}).DataAs<uint8_t>(), Error);
  EXPECT_NE(Tensor::Zeros("b", DType::kBool, {1}).DataAs<bool>(), nullptr);
  EXPECT_THROW(Tensor::Zeros("b", DType::kBool, {1}).DataAs<uint8_t>(), Error);
  EXPECT_NE(Tensor::Zeros("x", DType::kInt16, {1}).DataAs<int16_t>(), nullptr);
  EXPECT_NE(Tensor::Zeros("x", DType::kInt32, {1}).DataAs<int32_t>(), nullptr);
  EXPECT_NE(Tensor::Zeros("x", DType::kInt64, {1}).DataAs<int64_t>(), nullptr);
  EXPECT_NE(Tensor::Zeros("x", DType::kUint32, {1}).DataAs<uint32_t>(), nullptr);
  EXPECT_NE(Tensor::Zeros("x", DType::kUint64, {1}).DataAs<uint64_t>(), nullptr);
  EXPECT_NE(Tensor::Zeros("x", DType::kDouble, {1}).DataAs<double>(), nullptr);
  EXPECT_THROW(Tensor::Zeros("x", DType::kUint64, {1}).DataAs<int64_t>(), Error);
}

TEST(TensorTest, DataAsRejectsShortStorage) {
  Tensor tensor = Make<float>(DType::kFloat, {1.0f, 2.0f});
  tensor.name = "short";
  tensor.dims = {3};
  ExpectError(ErrorCode::kInvalidModel, "short", [&] { tensor.DataAs<float>(); });
  ExpectError(ErrorCode::kInvalidModel, "short", [&] { tensor.GetAsDouble(0); });
  tensor.data = nullptr;
  ExpectError(ErrorCode::kInvalidModel, "short", [&] { tensor.DataAs<float>(); });
}

TEST(TensorTest, GetAsDoubleForEveryNumericType) {
  EXPECT_EQ(Make<float>(DType::kFloat, {0.5f, -7.25f}).GetAsDouble(1), -7.25);
  EXPECT_EQ(Make<double>(DType::kDouble, {1e300}).GetAsDouble(0), 1e300);
  EXPECT_EQ(Make<uint8_t>(DType::kUint8, {0, 255}).GetAsDouble(1), 255.0);
  EXPECT_EQ(Make<int8_t>(DType::kInt8, {-128, 5}).GetAsDouble(0), -128.0);
  EXPECT_EQ(Make<uint16_t>(DType::kUint16, {65535}).GetAsDouble(0), 65535.0);
  EXPECT_EQ(Make<int16_t>(DType::kInt16, {-32768}).GetAsDouble(0), -32768.0);
  EXPECT_EQ(Make<int32_t>(DType::kInt32, {7, -2147483647 - 1}).GetAsDouble(1), -2147483648.0);
  EXPECT_EQ(Make<int64_t>(DType::kInt64, {int64_t{1} << 40}).GetAsDouble(0), 1099511627776.0);
  EXPECT_EQ(Make<uint32_t>(DType::kUint32, {4000000000u}).GetAsDouble(0), 4e9);
  EXPECT_EQ(Make<uint64_t>(DType::kUint64, {uint64_t{1} << 63}).GetAsDouble(0),
            9223372036854775808.0);
  EXPECT_EQ(Make<uint8_t>(DType::kBool, {0, 1}).GetAsDouble(0), 0.0);
  EXPECT_EQ(Make<uint8_t>(DType::kBool, {0, 1}).GetAsDouble(1), 1.0);
  EXPECT_EQ(Make<uint16_t>(DType::kFloat16, {0x3C00, 0xC100}).GetAsDouble(1), -2.5);
  EXPECT_EQ(Make<uint16_t>(DType::kBFloat16, {0x3FC0}).GetAsDouble(0), 1.5);
  EXPECT_EQ(Make<uint8_t>(DType::kFloat8E4M3FN, {0x7E, 0x1D}).GetAsDouble(0), 448.0);
  EXPECT_EQ(Make<uint8_t>(DType::kFloat8E4M3FN, {0x7E, 0x1D}).GetAsDouble(1), 0.1015625);
  EXPECT_EQ(Make<uint8_t>(DType::kFloat8E4M3FNUZ, {0xFF}).GetAsDouble(0), -240.0);
  EXPECT_EQ(Make<uint8_t>(DType::kFloat8E5M2, {0x7B}).GetAsDouble(0), 57344.0);
  EXPECT_TRUE(std::isinf(Make<uint8_t>(DType::kFloat8E5M2, {0x7C}).GetAsDouble(0)));
  EXPECT_TRUE(std::isnan(Make<uint8_t>(DType::kFloat8E5M2FNUZ, {0x80}).GetAsDouble(0)));
  EXPECT_EQ(Make<uint8_t>(DType::kFloat8E5M2FNUZ, {0x40}).GetAsDouble(0), 1.0);

  // Packed types: three elements in two bytes, low nibble first.
  const uint8_t packed[2] = {0xF7, 0x08};
  Tensor int4 = Tensor::FromBytes("i4", DType::kInt4, {3}, packed, 2);
  EXPECT_EQ(int4.GetAsDouble(0), 7.0);
  EXPECT_EQ(int4.GetAsDouble(1), -1.0);
  EXPECT_EQ(int4.GetAsDouble(2), -8.0);
  Tensor uint4 = Tensor::FromBytes("u4", DType::kUint4, {3}, packed, 2);
  EXPECT_EQ(uint4.GetAsDouble(0), 7.0);
  EXPECT_EQ(uint4.GetAsDouble(1), 15.0);
  EXPECT_EQ(uint4.GetAsDouble(2), 8.0);
  Tensor fp4 = Tensor::FromBytes("f4", DType::kFloat4E2M1, {3}, packed, 2);
  EXPECT_EQ(fp4.GetAsDouble(0), 6.0);
  EXPECT_EQ(fp4.GetAsDouble(1), -6.0);
  EXPECT_EQ(fp4.GetAsDouble(2), -0.0);
  EXPECT_TRUE(std::signbit(fp4.GetAsDouble(2)));

  ExpectError(ErrorCode::kInvalidArgument, "i4", [&] { int4.GetAsDouble(3); });
  ExpectError(ErrorCode::kInvalidArgument, "i4", [&] { int4.GetAsDouble(-1); });
  ExpectError(ErrorCode::kUnsupported, "c",
              [] { Tensor::Zeros("c", DType::kComplex64, {1}).GetAsDouble(0); });
}

TEST(TensorTest, MappedTensorAndAlignment) {
  char pattern[] = "/tmp/nncf_tensor_test_XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string path = std::string(pattern) + "/data.bin";
  {
    const float values[3] = {1.0f, 2.0f, 3.0f};
    std::ofstream out(path, std::ios::binary);
    out.put('\x01');
    out.write(reinterpret_cast<const char*>(values), sizeof(values));
  }
  auto file = MappedFile::Open(path);
  Tensor tensor;
  tensor.name = "ext";
  tensor.dtype = DType::kFloat;
  tensor.dims = {3};
  tensor.data = std::make_shared<MappedBuffer>(file, 1, 12);
  EXPECT_TRUE(tensor.IsMapped());
  EXPECT_EQ(tensor.GetAsDouble(2), 3.0);  // element reads do not need alignment
  ExpectError(ErrorCode::kInternal, "ext", [&] { tensor.DataAs<float>(); });
  tensor.dtype = DType::kUint8;
  tensor.dims = {12};
  EXPECT_NE(tensor.DataAs<uint8_t>(), nullptr);
  std::remove(path.c_str());
  ::rmdir(pattern);
}

}  // namespace
}  // namespace nncf::ir

namespace nncf::ir {
namespace {

TEST(TensorFloatsTest, FromFloatsAndToFloatsRoundTripEveryFloatType) {
  const std::vector<float> values = {1.5f, -2.25f, 0.0f, 65504.0f, 1e-3f};
  for (DType dtype : {DType::kFloat, DType::kFloat16, DType::kBFloat16, DType::kDouble}) {
    const Tensor t = Tensor::FromFloats("t", dtype, {5}, values);
    EXPECT_EQ(t.dtype, dtype);
    EXPECT_EQ(t.dims, std::vector<int64_t>{5});
    const std::vector<float> back = t.ToFloats();
    ASSERT_EQ(back.size(), values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      // Exact for float and double; the 16-bit types round to their own precision.
      const float tolerance = dtype == DType::kFloat16    ? 1e-3f * std::fabs(values[i])
                              : dtype == DType::kBFloat16 ? 8e-3f * std::fabs(values[i])
                                                          : 0.0f;
      EXPECT_NEAR(back[i], values[i], tolerance) << DTypeName(dtype) << " element " << i;
    }
  }
  EXPECT_EQ(Tensor::FromFloats("h", DType::kFloat16, {1}, {1.0f}).DataAs<uint16_t>()[0], 0x3C00);
  const int8_t ints[3] = {-3, 0, 7};
  EXPECT_EQ(Tensor::FromBytes("i", DType::kInt8, {3}, ints, 3).ToFloats(),
            (std::vector<float>{-3, 0, 7}));
  try {
    Tensor::FromFloats("codes", DType::kInt8, {1}, {1.0f});
    FAIL() << "int8 accepted as a float type";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("'codes'"), std::string::npos);
  }
}

}  // namespace
}  // namespace nncf::ir
