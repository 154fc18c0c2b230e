#!/usr/bin/env python3
"""A CNN of a realistic size for the compilation jobs bench (never for tests: it is slow to
compile unoptimised). Usage: make_large_cnn.py --out DIR; writes DIR/large.tar.gz holding
large.onnx: input "data" [1, 3, 224, 224], four stride-2 3x3 convolutions (32, 64, 128, 256
channels) with BatchNormalization and Relu, four 3x3 convolutions of 64 channels at 56x56,
GlobalAveragePool, Gemm to 1000 classes and Softmax; about 0.7 million weights.
"""

import argparse
import io
import os
import tarfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

parser = argparse.ArgumentParser()
parser.add_argument("--out", required=True)
out = parser.parse_args().out
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(224)
init, nodes = [], []


def tensor(name, shape, scale):
    init.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))


def conv_block(x, name, cin, cout, stride):
    tensor(f"{name}.w", (cout, cin, 3, 3), (2.0 / (cin * 9)) ** 0.5)
    tensor(f"{name}.b", (cout,), 0.01)
    init.append(numpy_helper.from_array(np.ones(cout, np.float32), f"{name}.scale"))
    tensor(f"{name}.bias", (cout,), 0.01)
    tensor(f"{name}.mean", (cout,), 0.01)
    init.append(numpy_helper.from_array(np.ones(cout, np.float32), f"{name}.var"))
    nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [f"{name}.c"],
                                  kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[stride, stride]))
    nodes.append(helper.make_node("BatchNormalization", [f"{name}.c", f"{name}.scale", f"{name}.bias",
                                                         f"{name}.mean", f"{name}.var"], [f"{name}.bn"]))
    nodes.append(helper.make_node("Relu", [f"{name}.bn"], [f"{name}.r"]))
    return f"{name}.r"


x = conv_block("data", "s1", 3, 32, 2)
x = conv_block(x, "s2", 32, 64, 2)
for i in range(4):
    x = conv_block(x, f"body{i}", 64, 64, 1)
x = conv_block(x, "s3", 64, 128, 2)
x = conv_block(x, "s4", 128, 256, 2)
nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"]))
nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], axis=1))
tensor("fc.w", (1000, 256), 0.05)
tensor("fc.b", (1000,), 0.01)
nodes.append(helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["fc"], transB=1))
nodes.append(helper.make_node("Softmax", ["fc"], ["probabilities"], axis=1))
graph = helper.make_graph(
    nodes, "large",
    [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 224, 224])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 1000])],
    init,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
data = model.SerializeToString()
with tarfile.open(os.path.join(out, "large.tar.gz"), "w:gz") as archive:
    info = tarfile.TarInfo("large.onnx")
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))
