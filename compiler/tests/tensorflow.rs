//! Compiling a TensorFlow frozen graph, built here as a `GraphDef` with tract-tensorflow's
//! protobuf types: input → MatMul → BiasAdd → Relu.

mod common;

use common::{compile, reason, run_artifact, tar_gz};
use loupe_compiler::tract_core::prelude::Tensor;
use std::ops::ControlFlow;

use loupe_compiler::{CompileRequest, ModelFormat, ModelInput, Phase, verification_input};
use tract_tensorflow::tfpb::tensorflow::tensor_shape_proto::Dim;
use tract_tensorflow::tfpb::tensorflow::{DataType, GraphDef, TensorProto, TensorShapeProto};
use tract_tensorflow::tfpb::{graph, node};

const WEIGHTS: [[f32; 3]; 4] = [
    [0.5, -1.0, 0.25],
    [1.5, 0.5, -0.5],
    [-0.75, 1.0, 2.0],
    [0.1, 0.2, 0.3],
];
const BIAS: [f32; 3] = [0.1, -0.2, 0.05];

fn shape(dims: &[i64]) -> TensorShapeProto {
    TensorShapeProto {
        dim: dims
            .iter()
            .map(|&size| Dim {
                size,
                name: String::new(),
            })
            .collect(),
        unknown_rank: false,
    }
}

fn constant(tensor: Tensor) -> TensorProto {
    TensorProto::try_from(&tensor).unwrap()
}

/// `relu(input @ WEIGHTS + BIAS)`, with the input's batch dimension left free (-1) when
/// `batch` is None.
fn dense_graph(batch: Option<i64>) -> GraphDef {
    let weights = Tensor::from_shape(&[4, 3], WEIGHTS.as_flattened()).unwrap();
    let bias = Tensor::from_shape(&[3], &BIAS).unwrap();
    graph()
        .node(
            node()
                .name("input")
                .op("Placeholder")
                .attr("dtype", DataType::DtFloat)
                .attr("shape", shape(&[batch.unwrap_or(-1), 4])),
        )
        .node(
            node()
                .name("dense/kernel")
                .op("Const")
                .attr("dtype", DataType::DtFloat)
                .attr("value", constant(weights)),
        )
        .node(
            node()
                .name("dense/bias")
                .op("Const")
                .attr("dtype", DataType::DtFloat)
                .attr("value", constant(bias)),
        )
        .node(
            node()
                .name("dense/MatMul")
                .op("MatMul")
                .input("input")
                .input("dense/kernel")
                .attr("T", DataType::DtFloat)
                .attr("transpose_a", false)
                .attr("transpose_b", false),
        )
        .node(
            node()
                .name("dense/BiasAdd")
                .op("BiasAdd")
                .input("dense/MatMul")
                .input("dense/bias")
                .attr("T", DataType::DtFloat),
        )
        .node(
            node()
                .name("output")
                .op("Relu")
                .input("dense/BiasAdd")
                .attr("T", DataType::DtFloat),
        )
}

fn archive(graph: &GraphDef) -> Vec<u8> {
    tar_gz(&[("frozen/dense.pb", &graph.write_to_bytes().unwrap())])
}

/// What the graph computes on the verification input, worked out by hand.
fn expected(batch: usize) -> Vec<f64> {
    let input = verification_input(
        loupe_compiler::tract_core::prelude::DatumType::F32,
        &[batch, 4],
    );
    let input: Vec<f32> = input
        .to_plain_array_view::<f32>()
        .unwrap()
        .iter()
        .copied()
        .collect();
    let mut out = Vec::new();
    for row in input.chunks(4) {
        for col in 0..3 {
            let dot: f32 = (0..4).map(|k| row[k] * WEIGHTS[k][col]).sum::<f32>() + BIAS[col];
            out.push(dot.max(0.0) as f64);
        }
    }
    out
}

#[test]
fn a_frozen_graph_compiles_and_computes_what_it_says() {
    let compiled = compile(
        &archive(&dense_graph(Some(2))),
        ModelFormat::TensorflowFrozenGraph,
        &[],
        "rasp3b",
        "armv7-neon",
    )
    .unwrap_or_else(|e| panic!("{}", e.reason));
    assert_eq!(compiled.file_name, "dense-rasp3b.tar.gz");
    let manifest = &compiled.manifest;
    assert_eq!(manifest.framework, ModelFormat::TensorflowFrozenGraph);
    assert_eq!(manifest.source_model, "frozen/dense.pb");
    assert_eq!(manifest.onnx_opset, None);
    assert_eq!(manifest.inputs[0].name, "input");
    assert_eq!(manifest.inputs[0].shape, [2, 4]);
    assert_eq!(manifest.outputs[0].shape, [2, 3]);
    let source: Vec<&str> = manifest
        .source_operators
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(source, ["BiasAdd", "MatMul", "Relu"]);
    assert_eq!(
        manifest.parameter_count,
        12 + 3 + 1,
        "kernel, bias and Relu's zero"
    );

    let outputs = run_artifact(&compiled.archive);
    common::assert_close("dense", &outputs[0].1, &expected(2));
    assert!(
        expected(2).iter().any(|&v| v > 0.0) && expected(2).contains(&0.0),
        "Relu both clips and passes"
    );
}

#[test]
fn a_free_batch_dimension_takes_the_given_shape_by_op_or_tensor_name() {
    let upload = archive(&dense_graph(None));
    let reason = reason(&upload, ModelFormat::TensorflowFrozenGraph, &[]);
    assert!(
        reason.contains("\"input\" has no fixed shape (it declares [?, 4])"),
        "{reason}"
    );

    for name in ["input", "input:0"] {
        let given = [ModelInput {
            name: Some(name.into()),
            shape: vec![5, 4],
        }];
        let compiled = compile(
            &upload,
            ModelFormat::TensorflowFrozenGraph,
            &given,
            "ml_c6g",
            "aarch64",
        )
        .unwrap();
        assert_eq!(compiled.manifest.outputs[0].shape, [5, 3]);
        common::assert_close("dense", &run_artifact(&compiled.archive)[0].1, &expected(5));
    }
}

#[test]
fn a_zero_dimension_is_refused() {
    let upload = archive(&dense_graph(None));
    let given = [ModelInput {
        name: Some("input".into()),
        shape: vec![0, 4],
    }];
    let reason = reason(&upload, ModelFormat::TensorflowFrozenGraph, &given);
    assert!(
        reason.contains("every dimension must be at least 1"),
        "{reason}"
    );
}

#[test]
fn the_progress_callback_can_stop_a_compilation_between_phases() {
    let upload = archive(&dense_graph(Some(1)));
    let request = CompileRequest {
        archive: &upload,
        format: ModelFormat::TensorflowFrozenGraph,
        inputs: &[],
        target_device: "rasp3b".into(),
        cpu_arch: "armv7-neon".into(),
    };
    let mut seen = Vec::new();
    let outcome = loupe_compiler::compile_stoppable(&request, &mut |phase| {
        seen.push(phase);
        if phase == Phase::Optimising {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert!(
        matches!(outcome, Ok(None)),
        "stopped, not failed or finished"
    );
    assert_eq!(seen, Phase::ALL[..5]);
    assert_eq!(Phase::TypeChecking.to_string(), "type checking");
}

#[test]
fn an_operator_tract_does_not_implement_is_named() {
    let graph = dense_graph(Some(1)).node(
        node()
            .name("post/Quirk")
            .op("QuirkyOp")
            .input("output")
            .attr("T", DataType::DtFloat),
    );
    let reason = reason(&archive(&graph), ModelFormat::TensorflowFrozenGraph, &[]);
    assert!(
        reason
            .contains("operators tract 0.23.9 does not implement: QuirkyOp (node \"post/Quirk\")"),
        "{reason}"
    );
}
