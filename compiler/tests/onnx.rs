//! Compiling real ONNX models, built by `tests/models/make_models.py`, and checking the artifacts
//! against onnxruntime.

mod common;

use common::{Model, assert_close, compile, models, reason, run_artifact, untar};
use loupe_compiler::{MANIFEST_FILE, Manifest, ModelFormat, ModelInput, NNEF_FILE, load_compiled};

/// The targets of the tests: an armv7 NEON device, an aarch64 one, an x86_64 one.
const TARGETS: [(&str, &str); 3] = [
    ("sitara_am57x", "armv7-neon"),
    ("jetson_nano", "aarch64"),
    ("ml_c5", "x86_64"),
];

#[test]
fn both_models_compile_for_each_target_and_reproduce_onnxruntime() {
    let Some(dir) = models() else { return };
    for name in ["cnn", "mlp"] {
        let model = Model::load(dir, name);
        for (target, arch) in TARGETS {
            let compiled = compile(&model.archive, ModelFormat::Onnx, &[], target, arch)
                .unwrap_or_else(|e| panic!("{name} for {target}: {}", e.reason));
            assert_eq!(compiled.file_name, format!("{name}-{target}.tar.gz"));
            assert_eq!(compiled.manifest.target_device, target);
            assert_eq!(compiled.manifest.cpu_arch, arch);

            let outputs = run_artifact(&compiled.archive);
            let expected = model.outputs();
            assert_eq!(outputs.len(), expected.len());
            for ((shape, values), (output, expected_shape, expected_values)) in
                outputs.iter().zip(&expected)
            {
                assert_eq!(shape, expected_shape, "{name} {output}");
                assert_close(
                    &format!("{name} {output} on {target}"),
                    values,
                    expected_values,
                );
            }
        }
    }
}

#[test]
fn the_manifest_describes_the_cnn() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "cnn");
    let compiled = compile(
        &model.archive,
        ModelFormat::Onnx,
        &[],
        "sitara_am57x",
        "armv7-neon",
    )
    .unwrap();
    let manifest = &compiled.manifest;

    assert_eq!(manifest.framework, ModelFormat::Onnx);
    assert_eq!(manifest.source_model, "cnn/cnn.onnx");
    assert_eq!(manifest.onnx_opset, Some(13));
    assert_eq!(manifest.tract_version, loupe_compiler::TRACT_VERSION);
    assert_eq!(manifest.model_file, NNEF_FILE);
    let input = &manifest.inputs[0];
    assert_eq!(
        (
            input.name.as_str(),
            input.shape.as_slice(),
            input.datum_type.as_str()
        ),
        ("data", &[1, 3, 32, 32][..], "f32")
    );
    let output = &manifest.outputs[0];
    assert_eq!(
        (
            output.name.as_str(),
            output.shape.as_slice(),
            output.datum_type.as_str()
        ),
        ("probabilities", &[1, 10][..], "f32")
    );

    // The uploaded graph, operator by operator.
    let source: Vec<(&str, u64)> = manifest
        .source_operators
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        source,
        [
            ("BatchNormalization", 1),
            ("Conv", 2),
            ("Flatten", 1),
            ("Gemm", 1),
            ("GlobalAveragePool", 1),
            ("MaxPool", 1),
            ("Relu", 2),
            ("Softmax", 1),
        ]
    );
    // tract's decluttered graph: both convolutions survive (the first with BatchNormalization
    // folded in), Relu is a Max against zero.
    assert_eq!(manifest.operators.get("Conv"), Some(&2));
    assert_eq!(manifest.operators.get("MaxPool"), Some(&1));
    assert_eq!(manifest.operators.get("Softmax"), Some(&1));
    assert_eq!(manifest.operators.get("Max"), Some(&2));
    assert!(
        !manifest.operators.contains_key("Const") && !manifest.operators.contains_key("Source")
    );

    // Decluttering folds BatchNormalization's four vectors of 8 into conv1's kernel and bias,
    // and adds two scalars: Relu's zero and GlobalAveragePool's 1/256.
    let onnx_parameters = model.expected["parameter_count"].as_u64().unwrap();
    assert_eq!(manifest.parameter_count, onnx_parameters - 4 * 8 + 2);
    assert_eq!(
        manifest.parameter_bytes,
        manifest.parameter_count * 4,
        "all f32"
    );

    let verification = &manifest.verification;
    assert!(verification.input.contains("sin(i) * 0.5"));
    assert!(verification.latency_micros.is_some_and(|l| l > 0));
    assert_eq!(verification.host_arch, std::env::consts::ARCH);
    let (_, _, expected) = &model.outputs()[0];
    let summary = &verification.outputs[0];
    assert_eq!(summary.name, "probabilities");
    assert_eq!(summary.shape, [1, 10]);
    assert_close("first values", &summary.first_values, &expected[..8]);
    assert!(
        (summary.sum - 1.0).abs() < 1e-5,
        "softmax sums to 1, not {}",
        summary.sum
    );
}

#[test]
fn the_artifact_holds_the_nnef_and_the_manifest_without_latency() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "mlp");
    let compiled = compile(&model.archive, ModelFormat::Onnx, &[], "ml_c5", "x86_64").unwrap();
    let files = untar(&compiled.archive);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, [MANIFEST_FILE, NNEF_FILE]);

    let stored: Manifest = serde_json::from_slice(&files[0].1).unwrap();
    let mut expected = compiled.manifest.clone();
    expected.verification.latency_micros = None;
    assert_eq!(stored, expected);

    // The NNEF archive is what tract's own tools load: graph.nnef plus one .dat per tensor.
    let nnef = untar(&files[1].1);
    assert!(nnef.iter().any(|(n, _)| n == "graph.nnef"));
    let graph = String::from_utf8(
        nnef.iter()
            .find(|(n, _)| n == "graph.nnef")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(
        graph.starts_with("version 1.0;"),
        "{}",
        &graph[..40.min(graph.len())]
    );
    let tensors = nnef.iter().filter(|(n, _)| n.ends_with(".dat")).count();
    assert!(tensors >= 3, "the three weight matrices at least");
    assert_eq!(
        tensors,
        graph.matches("variable<").count(),
        "one .dat per variable"
    );

    let (loaded, _) = load_compiled(&compiled.archive).unwrap();
    assert_eq!(loaded, stored);
    assert_eq!(loaded.source_operators.get("Gemm"), Some(&2));
    assert_eq!(loaded.source_operators.get("MatMul"), Some(&1));
    // 64*32 + 32 + 32*16 + 16 + 16*4 + 4 weights, all kept, and one zero for each Relu.
    assert_eq!(
        loaded.parameter_count,
        model.expected["parameter_count"].as_u64().unwrap() + 2
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "cnn");
    let first = compile(
        &model.archive,
        ModelFormat::Onnx,
        &[],
        "sitara_am57x",
        "armv7-neon",
    )
    .unwrap();
    let second = compile(
        &model.archive,
        ModelFormat::Onnx,
        &[],
        "sitara_am57x",
        "armv7-neon",
    )
    .unwrap();
    assert!(
        first.archive == second.archive,
        "two compilations of one model differ"
    );

    // The device only goes into the name and the manifest: the NNEF model is the same.
    let other = compile(&model.archive, ModelFormat::Onnx, &[], "ml_c5", "x86_64").unwrap();
    assert_eq!(untar(&first.archive)[1], untar(&other.archive)[1]);
}

#[test]
fn named_shapes_fix_a_free_batch_dimension() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "pair");
    let compiled = compile(
        &model.archive,
        ModelFormat::Onnx,
        &model.inputs(),
        "rasp4b",
        "aarch64",
    )
    .unwrap();
    let shapes: Vec<(&str, &[usize])> = compiled
        .manifest
        .inputs
        .iter()
        .map(|i| (i.name.as_str(), i.shape.as_slice()))
        .collect();
    assert_eq!(shapes, [("left", &[2, 8][..]), ("right", &[2, 8][..])]);
    assert_eq!(compiled.manifest.outputs[0].shape, [2, 4]);
    let (_, _, expected) = &model.outputs()[0];
    assert_close("pair", &run_artifact(&compiled.archive)[0].1, expected);
}

#[test]
fn pytorch_list_form_shapes_go_to_the_inputs_in_order() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "pair");
    let positional = [
        ModelInput {
            name: None,
            shape: vec![2, 8],
        },
        ModelInput {
            name: None,
            shape: vec![2, 8],
        },
    ];
    let compiled = compile(
        &model.archive,
        ModelFormat::Onnx,
        &positional,
        "ml_m5",
        "x86_64",
    )
    .unwrap();
    assert_eq!(compiled.manifest.inputs[1].name, "right");
    assert_eq!(compiled.manifest.inputs[1].shape, [2, 8]);
    let (_, _, expected) = &model.outputs()[0];
    assert_close("pair", &run_artifact(&compiled.archive)[0].1, expected);

    let cnn = Model::load(dir, "cnn");
    let one = [ModelInput {
        name: None,
        shape: vec![1, 3, 32, 32],
    }];
    let compiled = compile(
        &cnn.archive,
        ModelFormat::Onnx,
        &one,
        "sitara_am57x",
        "armv7-neon",
    )
    .unwrap();
    assert_eq!(compiled.manifest.inputs[0].name, "data");
}

#[test]
fn a_name_the_model_does_not_have_is_refused_with_the_real_names() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "pair");
    let wrong = [ModelInput {
        name: Some("input0".into()),
        shape: vec![2, 8],
    }];
    let reason = reason(&model.archive, ModelFormat::Onnx, &wrong);
    assert!(reason.contains("\"input0\""), "{reason}");
    assert!(reason.contains("\"left\", \"right\""), "{reason}");
}

#[test]
fn a_shape_of_the_wrong_rank_is_refused() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "cnn");
    let flat = [ModelInput {
        name: Some("data".into()),
        shape: vec![1, 3, 32],
    }];
    let reason = reason(&model.archive, ModelFormat::Onnx, &flat);
    assert!(
        reason.contains("[1, 3, 32] with 3 dimension(s)"),
        "{reason}"
    );
    assert!(reason.contains("[1, 3, 32, 32] with 4"), "{reason}");
}

#[test]
fn a_shape_against_a_fixed_dimension_is_refused() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "cnn");
    let rgba = [ModelInput {
        name: Some("data".into()),
        shape: vec![1, 4, 32, 32],
    }];
    let reason = reason(&model.archive, ModelFormat::Onnx, &rgba);
    assert!(reason.contains("fixes its dimension 1 at 3"), "{reason}");
}

#[test]
fn free_dimensions_need_a_shape() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "pair");
    let reason = reason(&model.archive, ModelFormat::Onnx, &[]);
    assert!(
        reason.contains("\"left\" has no fixed shape (it declares [batch, 8])"),
        "{reason}"
    );

    let only_left = [ModelInput {
        name: Some("left".into()),
        shape: vec![2, 8],
    }];
    let reason = common::reason(&model.archive, ModelFormat::Onnx, &only_left);
    assert!(reason.contains("\"right\" has no fixed shape"), "{reason}");
}

#[test]
fn more_positional_shapes_than_inputs_are_refused() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "mlp");
    let two = [
        ModelInput {
            name: None,
            shape: vec![1, 64],
        },
        ModelInput {
            name: None,
            shape: vec![1, 64],
        },
    ];
    let reason = reason(&model.archive, ModelFormat::Onnx, &two);
    assert!(
        reason.contains("lists 2 input shapes, but the model has 1 input(s) (\"input\")"),
        "{reason}"
    );
}

#[test]
fn the_same_input_named_twice_is_refused() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "pair");
    let twice = [
        ModelInput {
            name: None,
            shape: vec![2, 8],
        },
        ModelInput {
            name: Some("left".into()),
            shape: vec![2, 8],
        },
    ];
    let reason = reason(&model.archive, ModelFormat::Onnx, &twice);
    assert!(reason.contains("the input \"left\" twice"), "{reason}");
}

#[test]
fn an_onnx_model_named_as_tensorflow_is_not_a_frozen_graph() {
    let Some(dir) = models() else { return };
    let model = Model::load(dir, "mlp");
    let archive = common::tar_gz(&[("model.pb", &model.onnx)]);
    let reason = reason(&archive, ModelFormat::TensorflowFrozenGraph, &[]);
    assert!(reason.contains("\"model.pb\""), "{reason}");
}
