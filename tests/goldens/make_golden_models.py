#!/usr/bin/python3
"""Writes the synthetic ONNX models behind NNCF's reference graphs and scales, and their
calibration inputs, so that golden_test.cc can quantize them and compare with what NNCF produced
(the references live in ../shared/reference/nncf_goldens, see its README.md).

Each model has the structure, node names, tensor names, random weights and drawing order of the
model of the same reference name in NNCF's test suite (tests/onnx/models.py at NNCF commit
ef8e1dbd): weights come from numpy.random.default_rng with seed 42 (seed 0 where NNCF uses it), drawn
in the order NNCF draws them, so the float32 values are bit-identical. NNCF stores initializers as
float_data lists; this script stores the same values as raw data, which changes nothing a reader
sees. Like NNCF's quantization tests, every model is then passed through ONNX's version converter
to opset 13 and kept as built when the converter cannot handle it (attention_model is opset 23).

Calibration inputs: NNCF's test dataset has 10 items, each input drawn by a fresh
default_rng(42).uniform(-1, 1, shape) with dynamic dims set to 1 and cast to the input's dtype
(so int64 inputs are all zeros, float64 inputs keep double precision). All items are equal, so one
.npy per input is written: models/<model>.<input name>.npy.

Needs Debian's python3-numpy and python3-onnx (onnx 1.12 on bookworm; newer works too). Run from
anywhere:  /usr/bin/python3 tests/goldens/make_golden_models.py
"""

import os

import numpy as np
import onnx
import onnx.version_converter
from onnx import TensorProto, helper, numpy_helper

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
TARGET_OPSET = 13
IR_VERSION = 9  # NNCF sets it on every reference model after building it
CALIBRATION_SEED = 42
F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


def rng42():
    return np.random.default_rng(42)


def rng0():
    return np.random.default_rng(seed=0)


def io(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array).astype(dtype), name)


def node(op_type, inputs, outputs, name, **attrs):
    return helper.make_node(op_type, inputs, outputs, name=name, **attrs)


def build(graph_name, nodes, inputs, outputs, initializers=(), opset=TARGET_OPSET):
    graph = helper.make_graph(list(nodes), graph_name, list(inputs), list(outputs), list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = IR_VERSION
    return model


def uniform01(rng, shape):
    return rng.uniform(0, 1, shape).astype(np.float32)


# ---- Models, in the order of NNCF's models.py. Builders return the model before conversion. ----


def linear_model():
    # Conv1 -> BN1 -> ReLU1 -> GlobalAveragePool -> Conv2 (1x1), input X [1,3,32,32].
    rng = rng42()
    conv1_w = uniform01(rng, (32, 3, 3, 3))
    conv1_b = uniform01(rng, 32)
    bn = [uniform01(rng, 32) for _ in range(4)]  # scale, bias, mean, var
    conv2_w = uniform01(rng, (10, 32, 1, 1))
    conv2_b = uniform01(rng, 10)
    nodes = [
        node("Conv", ["X", "Conv1_W", "Conv1_B"], ["Conv1_Y"], "Conv1", kernel_shape=(3, 3)),
        node("BatchNormalization", ["Conv1_Y", "BN1_Scale", "BN1_Bias", "BN1_Mean", "BN1_Var"], ["BN1_Y"], "BN1"),
        node("Relu", ["BN1_Y"], ["ReLU1_Y"], "ReLU1"),
        node("GlobalAveragePool", ["ReLU1_Y"], ["Avg_Pool1_Y"], "Avg_Pool1"),
        node("Conv", ["Avg_Pool1_Y", "Conv2_W", "Conv2_B"], ["Y"], "Conv2", kernel_shape=(1, 1)),
    ]
    inits = [
        const("Conv1_W", conv1_w),
        const("Conv1_B", conv1_b),
        const("BN1_Scale", bn[0]),
        const("BN1_Bias", bn[1]),
        const("BN1_Mean", bn[2]),
        const("BN1_Var", bn[3]),
        const("Conv2_W", conv2_w),
        const("Conv2_B", conv2_b),
    ]
    return build("ConvNet", nodes, [io("X", F32, [1, 3, 32, 32])], [io("Y", F32, [1, 10, 1, 1])], inits)


def multi_input_output_model():
    nodes = [
        node("Concat", ["X_1", "X_2", "X_3"], ["Y_1"], "Concat1", axis=0),
        node("Add", ["X_1", "X_2"], ["Y_2"], "Add1"),
    ]
    inputs = [io("X_1", F32, [1, 6, 3, 3]), io("X_2", F32, [2, 6, 3, 3]), io("X_3", F32, [3, 6, 3, 3])]
    outputs = [io("Y_1", F32, [6, 6, 3, 3]), io("Y_2", F32, [2, 6, 3, 3])]
    return build("MultiInputOutputNet", nodes, inputs, outputs)


def multi_input_output_parallel_edges_model():
    nodes = [
        node("Concat", ["X_1", "X_1"], ["concat1_output"], "Concat1", axis=0),
        node("Concat", ["concat1_output", "concat1_output"], ["Y_1"], "Concat2", axis=0),
    ]
    return build(
        "MultiInputOutputNetParallelEdges",
        nodes,
        [io("X_1", F32, [1, 6, 3, 3])],
        [io("Y_1", F32, [6, 6, 3, 3])],
    )


def multi_output_port_id_model():
    # NNCF's MultiInputOutputNetParallelEdgesQuantizable: Split's two outputs feed two MatMuls.
    split_outputs = ["output_1_0", "output_1_1"]
    nodes = [
        node("Split", ["X_1"], split_outputs, "1_split", axis=1),
        node("MatMul", split_outputs, ["Y_1"], "MatMul"),
        node("MatMul", split_outputs, ["Y_2"], "MatMul1"),
    ]
    return build(
        "MultiInputOutputNetParallelEdgesQuantizable",
        nodes,
        [io("X_1", F32, [1, 6, 3, 3])],
        [io("Y_1", F32, [6, 6, 3, 3]), io("Y_2", F32, [6, 6, 3, 3])],
    )


def double_input_output_model():
    nodes = [
        node("Add", ["X_1", "X_2"], ["Y_1"], "Add2"),
        node("Add", ["X_2", "X_1"], ["Y_2"], "Add1"),
    ]
    inputs = [io("X_1", F32, [1, 6, 3, 3]), io("X_2", F32, [2, 6, 3, 3])]
    outputs = [io("Y_1", F32, [2, 6, 3, 3]), io("Y_2", F32, [2, 6, 3, 3])]
    return build("DoubleInputOutputNet", nodes, inputs, outputs)


def int_edges_model():
    nodes = [
        node("Shape", ["X_1"], ["shape_output"], "Shape1"),
        node("ConstantOfShape", ["shape_output"], ["Y_1"], "Constant1"),
    ]
    return build("MultiInputOutputNet", nodes, [io("X_1", F32, [1, 6, 3, 3])], [io("Y_1", F32, [1, 6, 3, 3])])


def _one_conv_parts():
    rng = rng42()
    conv_w = uniform01(rng, (32, 3, 1, 1))
    conv_b = uniform01(rng, 32)
    return [const("Conv1_W", conv_w), const("Conv1_B", conv_b)]


def one_convolutional_model():
    nodes = [node("Conv", ["X", "Conv1_W", "Conv1_B"], ["Y"], "Conv1", kernel_shape=(1, 1))]
    return build(
        "ConvNet", nodes, [io("X", F32, [1, 3, 10, 10])], [io("Y", F32, [1, 32, 10, 10])], _one_conv_parts()
    )


def one_convolutional_identity_bias_model():
    nodes = [
        node("Identity", ["Conv1_B"], ["Identity_OUT"], "Identity"),
        node("Conv", ["X", "Conv1_W", "Identity_OUT"], ["Y"], "Conv1", kernel_shape=(1, 1)),
    ]
    return build(
        "ConvIdentityBiasNet",
        nodes,
        [io("X", F32, [1, 3, 10, 10])],
        [io("Y", F32, [1, 32, 10, 10])],
        _one_conv_parts(),
    )


def output_with_no_parents_model():
    # NNCF's graph-builder test: one_convolutional_model whose outputs are replaced by Y and the
    # initializer Conv1_W, both declared without a shape (the initializer has no producer node).
    model = one_convolutional_model()
    del model.graph.output[:]
    model.graph.output.extend(
        [helper.make_value_info(name, helper.make_tensor_type_proto(F32, shape=None)) for name in ("Y", "Conv1_W")]
    )
    return model


def reshape_weight_model():
    # Add(X, z) and Reshape(W) feed a Gemm, then Softmax (the inception-v1 pattern).
    rng = rng42()
    w = uniform01(rng, [1, 1, 10, 5])
    z = uniform01(rng, [1, 10])
    nodes = [
        node("Reshape", ["W", "w_shape"], ["reshaped_w"], "Reshape"),
        node("Add", ["X", "z_tensor"], ["added_x"], "Add"),
        node("Gemm", ["added_x", "reshaped_w"], ["logit"], "Gemm"),
        node("Softmax", ["logit"], ["Y"], "Softmax"),
    ]
    inits = [const("W", w), const("w_shape", [10, 5], np.int64), const("z_tensor", z)]
    return build("Net", nodes, [io("X", F32, [1, 10])], [io("Y", F32, [1, 5])], inits)


def weight_sharing_model():
    # Relu feeds two Convs that share one weight W; an Add joins them (the retinanet pattern).
    rng = rng42()
    w = rng.uniform(0, 1, [5, 1, 3, 3])  # float64 draw, stored as float32 like NNCF does
    conv_attrs = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    nodes = [
        node("Relu", ["X"], ["relu_X"], "Relu"),
        node("Conv", ["relu_X", "W"], ["conv_1"], "Conv1", **conv_attrs),
        node("Conv", ["relu_X", "W"], ["conv_2"], "Conv2", **conv_attrs),
        node("Add", ["conv_1", "conv_2"], ["Y"], "Add"),
    ]
    return build("Net", nodes, [io("X", F32, [1, 1, 5, 5])], [io("Y", F32, [1, 5, 5, 5])], [const("W", w)])


def one_input_port_quantizable_model():
    nodes = [
        node("Relu", ["X"], ["relu_X"], "Relu"),
        node("Softmax", ["relu_X"], ["softmax_1"], "Softmax"),
        node("Mul", ["relu_X", "softmax_1"], ["Y"], "Mul"),
    ]
    return build("Net", nodes, [io("X", F32, [1, 1, 5, 5])], [io("Y", F32, [1, 1, 5, 5])])


def many_input_ports_quantizable_model():
    nodes = [
        node("Relu", ["X"], ["relu_X"], "Relu"),
        node("Identity", ["X"], ["identity_1"], "Identity"),
        node("Softmax", ["identity_1"], ["Y1"], "Softmax"),
        node("Mul", ["relu_X", "identity_1"], ["Y"], "Mul"),
    ]
    outputs = [io("Y", F32, [1, 1, 5, 5]), io("Y1", F32, [1, 1, 5, 5])]
    return build("Net", nodes, [io("X", F32, [1, 1, 5, 5])], outputs)


def one_depthwise_convolutional_model():
    # Conv with group=3 on 3 input channels and 27 outputs: NNCF's depthwise metatype.
    rng = rng42()
    conv_w = uniform01(rng, (27, 1, 1, 1))
    conv_b = uniform01(rng, 27)
    nodes = [node("Conv", ["X", "Conv1_W", "Conv1_B"], ["Y"], "Conv1", group=3, kernel_shape=(1, 1))]
    inits = [const("Conv1_W", conv_w), const("Conv1_B", conv_b)]
    return build("ConvNet", nodes, [io("X", F32, [1, 3, 10, 10])], [io("Y", F32, [1, 27, 10, 10])], inits)


def shape_of_model():
    # linear_model's convs with a ShapeOf branch (Shape, Gather, Cast, Cast, Sqrt) giving the
    # second input of a Reshape on the data path.
    rng = rng42()
    conv1_w = uniform01(rng, (32, 3, 3, 3))
    conv1_b = uniform01(rng, 32)
    conv2_w = uniform01(rng, (10, 32, 1, 1))
    conv2_b = uniform01(rng, 10)
    nodes = [
        node("Conv", ["X", "Conv1_W", "Conv1_B"], ["Conv1_Y"], "Conv1", kernel_shape=(3, 3)),
        node("Relu", ["Conv1_Y"], ["ReLU1_Y"], "ReLU1"),
        node("Shape", ["ReLU1_Y"], ["Shape_Y"], "Shape"),
        node("Gather", ["Shape_Y", "Gather_I"], ["Gather_Y"], "Gather", axis=0),
        node("Cast", ["Gather_Y"], ["Cast1_Y"], "Cast1", to=I64),
        node("Cast", ["Cast1_Y"], ["Cast2_Y"], "Cast2", to=F32),
        node("Sqrt", ["Cast2_Y"], ["Sqrt_Y"], "Sqrt"),
        node("Reshape", ["ReLU1_Y", "Sqrt_Y"], ["Reshape_Y"], "Reshape"),
        node("Conv", ["Reshape_Y", "Conv2_W", "Conv2_B"], ["Y"], "Conv2", kernel_shape=(1, 1)),
    ]
    inits = [
        const("Conv1_W", conv1_w),
        const("Conv1_B", conv1_b),
        const("Gather_I", 2, np.int64),
        const("Conv2_W", conv2_w),
        const("Conv2_B", conv2_b),
    ]
    return build("ConvNet", nodes, [io("X", F32, [1, 3, 32, 32])], [io("Y", F32, [1, 10, 1, 1])], inits)


def float64_model():
    # float64 input -> Reciprocal -> Cast to float -> Conv. The output is declared with the
    # input's shape, as in NNCF (shape inference gives [1, 32, 8, 8]).
    rng = rng42()
    conv_w = uniform01(rng, (32, 3, 3, 3))
    conv_b = uniform01(rng, 32)
    nodes = [
        node("Reciprocal", ["X"], ["X_X"], "Reciprocal"),
        node("Cast", ["X_X"], ["Cast_Y"], "Cast", to=F32),
        node("Conv", ["Cast_Y", "Conv1_W", "Conv1_B"], ["Conv1_Y"], "Conv1", kernel_shape=(3, 3)),
    ]
    inits = [const("Tensor", np.array(1)), const("Conv1_W", conv_w), const("Conv1_B", conv_b)]
    return build(
        "Float64Net",
        nodes,
        [io("X", TensorProto.DOUBLE, [1, 3, 10, 10])],
        [io("Conv1_Y", F32, [1, 3, 10, 10])],
        inits,
    )


def non_shape_model():
    # Conv -> Relu -> GlobalAveragePool -> Reshape -> Gemm -> Relu, where Reshape's shape comes from
    # two Shape -> Gather -> Unsqueeze branches joined by a Concat.
    rng = rng42()
    conv_w = uniform01(rng, (32, 3, 3, 3))
    conv_b = uniform01(rng, 32)
    gemm_w = uniform01(rng0(), [32, 10])
    nodes = [
        node("Conv", ["X", "Conv_W", "Conv_B"], ["conv"], "Conv", kernel_shape=(3, 3)),
        node("Relu", ["conv"], ["relu_1"], "Relu1"),
        node("Shape", ["relu_1"], ["shape_1"], "Shape1"),
        node("Shape", ["relu_1"], ["shape_2"], "Shape2"),
        node("Gather", ["shape_1", "gather_1_w"], ["gather_1"], "Gather1"),
        node("Gather", ["shape_2", "gather_2_w"], ["gather_2"], "Gather2"),
        node("Unsqueeze", ["gather_1", "unsqueeze_1_a"], ["unsqueeze_1"], "Unsqueeze1"),
        node("Unsqueeze", ["gather_2", "unsqueeze_2_a"], ["unsqueeze_2"], "Unsqueeze2"),
        node("Concat", ["unsqueeze_1", "unsqueeze_2"], ["concat"], "Concat", axis=0),
        node("GlobalAveragePool", ["relu_1"], ["global_average_pool"], "GlobalAveragePool"),
        node("Reshape", ["global_average_pool", "concat"], ["reshape"], "Reshape"),
        node("Gemm", ["reshape", "W"], ["gemm"], "Gemm"),
        node("Relu", ["gemm"], ["Y"], "Relu2"),
    ]
    inits = [
        const("Conv_W", conv_w),
        const("Conv_B", conv_b),
        const("gather_1_w", 0, np.int64),
        const("gather_2_w", 1, np.int64),
        const("unsqueeze_1_a", [0], np.int64),
        const("unsqueeze_2_a", [0], np.int64),
        const("W", gemm_w),
    ]
    return build("NonShapeModel", nodes, [io("X", F32, [1, 3, 32, 32])], [io("Y", F32, [1, 10])], inits)


def weight_matmul_model():
    w = uniform01(rng0(), [10, 5])
    nodes = [
        node("MatMul", ["X", "W"], ["logit"], "MatMul"),
        node("Softmax", ["logit"], ["Y"], "Softmax"),
    ]
    return build("Net", nodes, [io("X", F32, [1, 10])], [io("Y", F32, [1, 5])], [const("W", w)])


def activation_matmul_model():
    nodes = [
        node("MatMul", ["X", "Y"], ["logit"], "MatMul"),
        node("Softmax", ["logit"], ["Z"], "Softmax"),
    ]
    return build("Net", nodes, [io("X", F32, [10, 1]), io("Y", F32, [1, 10])], [io("Z", F32, [10, 10])])


def attention_model():
    # A single opset-23 Attention node over Q, K, V (the version converter cannot lower it).
    shape = [1, 8, 16]
    nodes = [node("Attention", ["Q", "K", "V"], ["OUT"], "Attention")]
    inputs = [io(name, F32, shape) for name in ("Q", "K", "V")]
    return build("Net", nodes, inputs, [io("OUT", F32, shape)], opset=23)


def gemm_weight_transpose_model():
    w = uniform01(rng0(), [5, 10])
    nodes = [
        node("Identity", ["X"], ["identity"], "Identity"),
        node("Gemm", ["identity", "W"], ["logit"], "Gemm", transB=1),
        node("Softmax", ["logit"], ["Y"], "Softmax"),
    ]
    return build("Net", nodes, [io("X", F32, [1, 10])], [io("Y", F32, [1, 5])], [const("W", w)])


def weight_propagation_matmul_model():
    # MatMul_1's weight comes through two Identities; MatMul_2's from a Constant node. NNCF also
    # lists the Constant's tensor "constant_data" as an (unused) initializer.
    rng = rng0()
    w = uniform01(rng, [10, 5])
    constant_data = uniform01(rng, (5, 10))
    nodes = [
        node("Identity", ["W_tensor"], ["i_1"], "Identity_1"),
        node("Identity", ["i_1"], ["i_2"], "Identity_2"),
        node("MatMul", ["X", "i_2"], ["mm_1"], "MatMul_1"),
        helper.make_node("Constant", [], ["const"], name="constant", value=const("constant_data", constant_data)),
        node("MatMul", ["mm_1", "const"], ["Y"], "MatMul_2"),
    ]
    inits = [const("W_tensor", w), const("constant_data", constant_data)]
    return build("Net", nodes, [io("X", F32, [1, 10])], [io("Y", F32, [1, 10])], inits)


def weight_propagation_conv_model():
    # Three 3x3 convs whose weights come through Reshape -> Transpose -> Identity, through
    # Constant -> Reshape -> Identity, and straight from a Constant node.
    rng = rng42()
    conv1_w = uniform01(rng, (1, 1, 3, 3))
    constant_data = uniform01(rng, (1, 1, 3, 3))
    constant_data2 = uniform01(rng, (1, 1, 3, 3))
    conv_attrs = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    nodes = [
        node("Reshape", ["conv1_weight", "w_r_1"], ["reshape_output"], "reshape"),
        node("Transpose", ["reshape_output"], ["transpose_output"], "transpose", perm=[0, 1, 3, 2]),
        node("Identity", ["transpose_output"], ["identity_output1"], "identity1"),
        node("Conv", ["input", "identity_output1"], ["conv_output1"], "conv1", **conv_attrs),
        helper.make_node(
            "Constant", [], ["constant_output"], name="constant", value=const("constant_data", constant_data)
        ),
        node("Reshape", ["constant_output", "w_r_2"], ["reshape_output2"], "reshape2"),
        node("Identity", ["reshape_output2"], ["identity_output2"], "identity2"),
        node("Conv", ["conv_output1", "identity_output2"], ["conv_output2"], "conv2", **conv_attrs),
        helper.make_node(
            "Constant", [], ["constant_output2"], name="constant2", value=const("constant_data2", constant_data2)
        ),
        node("Conv", ["conv_output2", "constant_output2"], ["output"], "conv4", **conv_attrs),
    ]
    inits = [
        const("conv1_weight", conv1_w),
        const("constant_data", constant_data),
        const("w_r_1", [1, 1, 3, 3], np.int64),
        const("w_r_2", [1, 1, 3, 3], np.int64),
        const("constant_data2", constant_data2),
    ]
    return build(
        "example_model", nodes, [io("input", F32, [1, 1, 28, 28])], [io("output", F32, [1, 1, 28, 28])], inits
    )


def embedding_model():
    # int64 X indexes an fp32 table (through an Identity), a Gather picks row 0, then a MatMul.
    rng = rng0()
    table = uniform01(rng, (10, 20))
    w = uniform01(rng, [20, 10])
    nodes = [
        node("Identity", ["Embedding_W"], ["Identity_Y"], "Identity"),
        node("Gather", ["Identity_Y", "X"], ["Embedding_Y"], "Embedding", axis=0),
        node("Gather", ["Embedding_Y", "Gather_I"], ["Gather_Y"], "Gather", axis=0),
        node("MatMul", ["Gather_Y", "W"], ["Y"], "MatMul"),
    ]
    inits = [const("Embedding_W", table), const("Gather_I", 0, np.int64), const("W", w)]
    return build("EmbeddingModel", nodes, [io("X", I64, [1, 10])], [io("Y", F32, [10, 10])], inits)


def unified_embedding_model():
    # X feeds a MatMul and, cast to int64, an embedding Gather; both join in a Concat -> MatMul.
    # The Reshape's shape tensor R is float, as in NNCF (the model is not valid for inference).
    rng = rng0()
    table = uniform01(rng, (4, 5))
    w1 = uniform01(rng, (3, 3, 5))
    w2 = uniform01(rng, (1, 5))
    nodes = [
        node("Cast", ["X"], ["Cast_Y"], "Cast", to=I64),
        node("Gather", ["Embedding_W", "Cast_Y"], ["Embedding_Y"], "Embedding", axis=0),
        node("MatMul", ["X", "W_1"], ["MatMul_1_Y"], "MatMul_1"),
        node("Reshape", ["MatMul_1_Y", "R"], ["Reshape_Y"], "Reshape"),
        node("Concat", ["Embedding_Y", "Reshape_Y"], ["Concat_Y"], "Concat", axis=0),
        node("MatMul", ["Concat_Y", "W_2"], ["Y"], "MatMul_2"),
    ]
    inits = [const("Embedding_W", table), const("W_1", w1), const("W_2", w2), const("R", [1, 3, 5])]
    return build("UnifiedEmbeddingModel", nodes, [io("X", F32, [1, 3])], [io("Y", F32, [1, 6])], inits)


def rope_model():
    # Rotary position embedding: int64 positions -> Unsqueeze -> Cast -> MatMul with a reshaped
    # frequency vector -> Transpose -> Concat -> Sin and Cos.
    rng = rng0()
    freqs = uniform01(rng, 5)
    nodes = [
        node("Unsqueeze", ["model_in", "un_tensor"], ["un_out"], "unsqueeze"),
        node("Cast", ["un_out"], ["cast_out"], "cast", to=F32),
        node("Reshape", ["re_tensor", "re_shape"], ["re_out"], "reshape"),
        node("MatMul", ["cast_out", "re_out"], ["mm_out"], "matmul"),
        node("Transpose", ["mm_out"], ["trans_out"], "transpose", perm=[0, 2, 1]),
        node("Concat", ["trans_out"], ["concat_out"], "concat", axis=-1),
        node("Sin", ["concat_out"], ["sin_out"], "sin"),
        node("Cos", ["concat_out"], ["cos_out"], "cos"),
    ]
    inits = [const("un_tensor", [2], np.int64), const("re_tensor", freqs), const("re_shape", [1, 5], np.int64)]
    outputs = [io("sin_out", F32, [1, 5, 10]), io("cos_out", F32, [1, 5, 10])]
    return build("RoPEModel", nodes, [io("model_in", I64, [1, 10])], outputs, inits)


# Reference name -> builder. removed_nodes_in_linear_model.dot is linear_model after quantization
# with two Q/DQ pairs removed (NNCF's model transformer test), so it has no model of its own.
MODELS = {
    "linear_model": linear_model,
    "multi_input_output_model": multi_input_output_model,
    "multi_input_output_parallel_edges_model": multi_input_output_parallel_edges_model,
    "multi_output_port_id_model": multi_output_port_id_model,
    "double_input_output_model": double_input_output_model,
    "int_edges_model": int_edges_model,
    "one_convolutional_model": one_convolutional_model,
    "one_convolutional_identity_bias_model": one_convolutional_identity_bias_model,
    "output_with_no_parents_model": output_with_no_parents_model,
    "reshape_weight_model": reshape_weight_model,
    "weight_sharing_model": weight_sharing_model,
    "one_input_port_quantizable_model": one_input_port_quantizable_model,
    "many_input_ports_quantizable_model": many_input_ports_quantizable_model,
    "one_depthwise_convolutional_model": one_depthwise_convolutional_model,
    "shape_of_model": shape_of_model,
    "float64_model": float64_model,
    "non_shape_model": non_shape_model,
    "weight_matmul_model": weight_matmul_model,
    "activation_matmul_model": activation_matmul_model,
    "attention_model": attention_model,
    "gemm_weight_transpose_model": gemm_weight_transpose_model,
    "weight_propagation_matmul_model": weight_propagation_matmul_model,
    "weight_propagation_conv_model": weight_propagation_conv_model,
    "embedding_model": embedding_model,
    "unified_embedding_model": unified_embedding_model,
    "rope_model": rope_model,
}


def convert_to_target_opset(model):
    """NNCF's test flow: convert with ONNX's version converter and keep the original model when
    the converter fails: an opset it does not know (attention_model), or, in onnx 1.12, the
    strict shape inference it runs first on a model whose declared output shape is wrong
    (multi_input_output_parallel_edges_model declares [6, 6, 3, 3] for a [4, 6, 3, 3] result).
    All the models are built at opset 13 or above, so a successful conversion only re-checks."""
    try:
        return onnx.version_converter.convert_version(model, TARGET_OPSET)
    except (RuntimeError, onnx.shape_inference.InferenceError):
        return model


def check(name, model):
    # onnx 1.12's checker knows IR versions up to 8 and opsets up to 17; check what it can.
    # output_with_no_parents_model declares outputs without a shape, which the checker rejects
    # (NNCF does not check it either).
    if model.opset_import[0].version > 17 or name == "output_with_no_parents_model":
        return
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    copy.ir_version = min(copy.ir_version, onnx.IR_VERSION)
    onnx.checker.check_model(copy)


def calibration_inputs(model):
    """One array per graph input: default_rng(42).uniform(-1, 1, shape), a new generator for each
    input, unknown or symbolic dims as 1, cast to the input's element type."""
    arrays = {}
    for value in model.graph.input:
        tensor_type = value.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else 1 for d in tensor_type.shape.dim]
        np_dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor_type.elem_type]
        arrays[value.name] = np.random.default_rng(CALIBRATION_SEED).uniform(-1, 1, dims).astype(np_dtype)
    return arrays


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, builder in MODELS.items():
        model = convert_to_target_opset(builder())
        check(name, model)
        onnx.save(model, os.path.join(OUT_DIR, name + ".onnx"))
        for input_name, array in calibration_inputs(model).items():
            np.save(os.path.join(OUT_DIR, f"{name}.{input_name}.npy"), array)
        print(f"{name}: opset {model.opset_import[0].version}, {len(model.graph.node)} nodes")


if __name__ == "__main__":
    main()
