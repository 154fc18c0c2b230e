#!/usr/bin/env python3
"""Builds the small ONNX models Loupe's compiler tests compile, and onnxruntime's outputs for them.

Usage:
    make_models.py --out DIR

Needs the pinned `onnx`, `onnxruntime` and `numpy` from scripts/setup.sh (the project's .venv).
Writes into DIR (created if missing), always the same bytes for the same package versions:

    cnn.onnx, cnn.tar.gz    a small CNN: Conv, BatchNormalization, Relu, MaxPool, Conv, Relu,
                            GlobalAveragePool, Flatten, Gemm, Softmax. Input "data" [1, 3, 32, 32]
                            float32, output "probabilities" [1, 10]. The archive holds it as
                            "cnn/cnn.onnx".
    mlp.onnx, mlp.tar.gz    a three-layer MLP: Gemm+Relu, MatMul+Add+Relu, Gemm. Input "input"
                            [1, 64] float32, output "logits" [1, 4]. The archive holds "mlp.onnx"
                            and a macOS "._mlp.onnx" resource fork, which compilers must ignore.
    pair.onnx, pair.tar.gz  two inputs with a free batch dimension: "left" and "right", both
                            ["batch", 8] float32, output "projected" ["batch", 4] =
                            (left + right) @ W. Its shapes must be given to compile it.
    NAME.expected.json      for each model: its inputs as compiled in the tests (pair with batch 2)
                            and onnxruntime's outputs on the deterministic verification input.

The verification input fills each float input in row-major order with
x_i = sin(i) * 0.5, i being the flat element index from 0, computed in float64 and cast to
float32 (the formula loupe-compiler's manifest states).

The expected files are JSON objects:
    {"model": "cnn", "archive": "cnn.tar.gz", "model_path": "cnn/cnn.onnx",
     "inputs": [{"name": "data", "shape": [1, 3, 32, 32]}],
     "outputs": [{"name": "probabilities", "shape": [1, 10], "values": [...flat, row-major...]}],
     "parameter_count": 3962, "onnxruntime": "1.31.1"}
parameter_count is the number of weight values in the ONNX initializers.

The script prints the paths it wrote, one per line.
"""

import argparse
import gzip
import io
import json
import os
import tarfile

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8
# Fixed so that the archives are the same bytes on every run (1980-01-01).
MTIME = 315532800


def weights(rng, name, shape, scale=0.3):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def finish(graph, name):
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="loupe-tests"
    )
    model.ir_version = IR_VERSION
    model.model_version = 1
    onnx.checker.check_model(model, full_check=True)
    model.graph.name = name
    return model


def cnn():
    rng = np.random.default_rng(17)
    init = [
        weights(rng, "conv1.w", (8, 3, 3, 3)),
        weights(rng, "conv1.b", (8,), 0.1),
        numpy_helper.from_array((1.0 + rng.random(8) * 0.5).astype(np.float32), "bn.scale"),
        weights(rng, "bn.bias", (8,), 0.1),
        weights(rng, "bn.mean", (8,), 0.1),
        numpy_helper.from_array((0.5 + rng.random(8)).astype(np.float32), "bn.var"),
        weights(rng, "conv2.w", (16, 8, 3, 3), 0.2),
        weights(rng, "conv2.b", (16,), 0.1),
        weights(rng, "fc.w", (10, 16), 0.5),
        weights(rng, "fc.b", (10,), 0.1),
    ]
    nodes = [
        helper.make_node("Conv", ["data", "conv1.w", "conv1.b"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node(
            "BatchNormalization", ["c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["bn"], epsilon=1e-5
        ),
        helper.make_node("Relu", ["bn"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r2"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["fc"], transB=1),
        helper.make_node("Softmax", ["fc"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "cnn",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 10])],
        init,
    )
    return finish(graph, "cnn"), {"data": [1, 3, 32, 32]}


def mlp():
    rng = np.random.default_rng(64)
    init = [
        weights(rng, "l1.w", (32, 64), 0.2),
        weights(rng, "l1.b", (32,), 0.1),
        weights(rng, "l2.w", (32, 16), 0.3),
        weights(rng, "l2.b", (16,), 0.1),
        weights(rng, "l3.w", (4, 16), 0.4),
        weights(rng, "l3.b", (4,), 0.1),
    ]
    nodes = [
        helper.make_node("Gemm", ["input", "l1.w", "l1.b"], ["h1"], transB=1),
        helper.make_node("Relu", ["h1"], ["a1"]),
        helper.make_node("MatMul", ["a1", "l2.w"], ["m2"]),
        helper.make_node("Add", ["m2", "l2.b"], ["h2"]),
        helper.make_node("Relu", ["h2"], ["a2"]),
        helper.make_node("Gemm", ["a2", "l3.w", "l3.b"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4])],
        init,
    )
    return finish(graph, "mlp"), {"input": [1, 64]}


def pair():
    rng = np.random.default_rng(8)
    init = [weights(rng, "proj.w", (8, 4), 0.5)]
    nodes = [
        helper.make_node("Add", ["left", "right"], ["both"]),
        helper.make_node("MatMul", ["both", "proj.w"], ["projected"]),
    ]
    graph = helper.make_graph(
        nodes,
        "pair",
        [
            helper.make_tensor_value_info("left", TensorProto.FLOAT, ["batch", 8]),
            helper.make_tensor_value_info("right", TensorProto.FLOAT, ["batch", 8]),
        ],
        [helper.make_tensor_value_info("projected", TensorProto.FLOAT, ["batch", 4])],
        init,
    )
    return finish(graph, "pair"), {"left": [2, 8], "right": [2, 8]}


def verification_input(shape):
    n = int(np.prod(shape))
    return (np.sin(np.arange(n, dtype=np.float64)) * 0.5).astype(np.float32).reshape(shape)


def tar_gz(members):
    """A gzip tar of (path, bytes) members with fixed metadata."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for path, data in members:
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = MTIME
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write the models into")
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)

    # A macOS resource fork as Finder's archiver leaves it: AppleDouble magic, then junk.
    resource_fork = b"\x00\x05\x16\x07" + b"\x00" * 60
    layouts = {
        "cnn": lambda data: [("cnn/cnn.onnx", data)],
        "mlp": lambda data: [("._mlp.onnx", resource_fork), ("mlp.onnx", data)],
        "pair": lambda data: [("pair.onnx", data)],
    }
    written = []
    for name, build in (("cnn", cnn), ("mlp", mlp), ("pair", pair)):
        model, shapes = build()
        data = model.SerializeToString()
        members = layouts[name](data)
        for file_name, content in ((f"{name}.onnx", data), (f"{name}.tar.gz", tar_gz(members))):
            path = os.path.join(out, file_name)
            with open(path, "wb") as f:
                f.write(content)
            written.append(path)

        session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
        feeds = {input_name: verification_input(shape) for input_name, shape in shapes.items()}
        results = session.run(None, feeds)
        expected = {
            "model": name,
            "archive": f"{name}.tar.gz",
            "model_path": members[-1][0],
            "inputs": [{"name": n, "shape": s} for n, s in shapes.items()],
            "outputs": [
                {"name": o.name, "shape": list(r.shape), "values": [float(v) for v in r.ravel()]}
                for o, r in zip(session.get_outputs(), results)
            ],
            "parameter_count": int(sum(np.prod(t.dims) for t in model.graph.initializer)),
            "onnxruntime": onnxruntime.__version__,
        }
        path = os.path.join(out, f"{name}.expected.json")
        with open(path, "w") as f:
            json.dump(expected, f, indent=1)
            f.write("\n")
        written.append(path)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
