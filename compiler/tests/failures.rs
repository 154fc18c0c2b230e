//! Every way an upload can be unusable, and the FailureReason each one gets. None of these need a
//! real model.

mod common;

use common::{gzip, reason, tar_gz};
use loupe_compiler::ModelFormat;

#[test]
fn an_object_that_is_not_gzip() {
    let reason = reason(b"PK\x03\x04 this is a zip file", ModelFormat::Onnx, &[]);
    assert!(
        reason.starts_with("The object at InputConfig.S3Uri is not a gzip-compressed tar archive."),
        "{reason}"
    );
    assert!(reason.contains("tar -czf"), "{reason}");
}

#[test]
fn gzip_over_something_that_is_not_a_tar() {
    let reason = reason(
        &gzip(b"just a model file, gzipped alone"),
        ModelFormat::Onnx,
        &[],
    );
    assert!(
        reason.contains("is gzip-compressed but does not hold a tar archive"),
        "{reason}"
    );

    // More than one tar block of something else.
    let reason = common::reason(&gzip(&[b'x'; 4096]), ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("is gzip-compressed but does not hold a tar archive"),
        "{reason}"
    );
}

#[test]
fn an_empty_archive() {
    let reason = reason(&tar_gz(&[]), ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("The archive at InputConfig.S3Uri is empty"),
        "{reason}"
    );
    let reason = common::reason(&gzip(b""), ModelFormat::Onnx, &[]);
    assert!(reason.contains("is empty"), "{reason}");
}

#[test]
fn an_archive_without_a_model_file() {
    let archive = tar_gz(&[("README.md", b"my model"), ("weights.bin", b"\0\0")]);
    let reason = reason(&archive, ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("holds no .onnx file (2 file(s) found)"),
        "{reason}"
    );
    assert!(reason.contains("Framework ONNX"), "{reason}");

    let reason = common::reason(&archive, ModelFormat::TensorflowFrozenGraph, &[]);
    assert!(reason.contains("holds no .pb file"), "{reason}");
}

#[test]
fn an_archive_with_two_models() {
    let archive = tar_gz(&[("a/model.onnx", b"one"), ("b/model.onnx", b"two")]);
    let reason = reason(&archive, ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("holds 2 .onnx files (\"a/model.onnx\", \"b/model.onnx\")"),
        "{reason}"
    );
    assert!(reason.contains("one model per job"), "{reason}");
}

#[test]
fn a_garbage_onnx_file() {
    let archive = tar_gz(&[("model.onnx", b"\xff\xfe definitely not protobuf \x00\x01")]);
    let reason = reason(&archive, ModelFormat::Onnx, &[]);
    assert!(
        reason.starts_with("The file \"model.onnx\" in the archive is not a valid ONNX model ("),
        "{reason}"
    );
    assert!(reason.contains("onnx.checker.check_model"), "{reason}");
}

#[test]
fn an_empty_onnx_file() {
    let archive = tar_gz(&[("model.onnx", b"")]);
    let reason = reason(&archive, ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("is not a valid ONNX model (it holds no graph)"),
        "{reason}"
    );
}

#[test]
fn a_garbage_frozen_graph() {
    let archive = tar_gz(&[("graph.pb", b"\xff\xfe not a graph")]);
    let reason = reason(&archive, ModelFormat::TensorflowFrozenGraph, &[]);
    assert!(
        reason
            .starts_with("The file \"graph.pb\" in the archive is not a TensorFlow frozen graph ("),
        "{reason}"
    );

    let empty = tar_gz(&[("graph.pb", b"")]);
    let reason = common::reason(&empty, ModelFormat::TensorflowFrozenGraph, &[]);
    assert!(
        reason.contains("a TensorFlow GraphDef with no nodes"),
        "{reason}"
    );
}

#[test]
fn an_onnx_model_with_external_weights() {
    use prost::Message;
    use tract_onnx::pb::{
        GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto,
    };
    let entry = |key: &str, value: &str| StringStringEntryProto {
        key: key.into(),
        value: value.into(),
    };
    let model = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
        graph: Some(GraphProto {
            name: "external".into(),
            node: vec![NodeProto {
                op_type: "Add".into(),
                input: vec!["x".into(), "w".into()],
                output: vec!["y".into()],
                ..Default::default()
            }],
            initializer: vec![TensorProto {
                name: "w".into(),
                dims: vec![4],
                data_type: 1,
                data_location: Some(1),
                external_data: vec![entry("location", "w.bin"), entry("length", "16")],
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    let archive = tar_gz(&[("net.onnx", &model.encode_to_vec()), ("w.bin", &[0u8; 16])]);
    let reason = reason(&archive, ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("keeps its weights in external data files"),
        "{reason}"
    );
    assert!(reason.contains("save_as_external_data=False"), "{reason}");
}
