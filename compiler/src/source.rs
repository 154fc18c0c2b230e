//! Reading the model file into tract's inference model, and type checking it once its inputs are
//! set.

use std::collections::BTreeMap;

use tract_onnx::pb::tensor_proto::DataLocation;
use tract_onnx::prelude::{Framework, InferenceModel, InferenceModelExt, TypedModel};
use tract_onnx::tract_hir::ops::unimpl::UnimplementedOp;

use crate::ModelFormat;
use crate::archive::ModelFile;
use crate::error::{CompileError, brief};
use crate::inputs::ResolvedInput;

pub(crate) struct Loaded {
    pub model: InferenceModel,
    pub facts: SourceFacts,
}

/// What the manifest tells about the uploaded graph itself.
pub(crate) struct SourceFacts {
    /// The ONNX operator set the model was exported with (the default domain's).
    pub onnx_opset: Option<i64>,
    /// The source graph's operator types (ONNX `op_type`, TensorFlow `op`) and their counts.
    pub source_operators: BTreeMap<String, u64>,
}

fn count<'a>(ops: impl Iterator<Item = &'a str>) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for op in ops {
        *counts.entry(op.to_string()).or_insert(0) += 1;
    }
    counts
}

pub(crate) fn load(file: &ModelFile, format: ModelFormat) -> Result<Loaded, CompileError> {
    let loaded = match format {
        ModelFormat::Onnx => load_onnx(file),
        ModelFormat::TensorflowFrozenGraph => load_tensorflow(file),
    }?;
    refuse_unimplemented(&loaded.model)?;
    Ok(loaded)
}

/// tract reads an operator it does not know as a placeholder that fails only at type checking;
/// naming those operators up front says why.
fn refuse_unimplemented(model: &InferenceModel) -> Result<(), CompileError> {
    let mut unknown: BTreeMap<String, &str> = BTreeMap::new();
    for node in model.nodes() {
        if node.op_is::<UnimplementedOp>() {
            let name = node.op.name();
            let op = name
                .strip_prefix("Unimplemented(")
                .and_then(|n| n.strip_suffix(')'));
            unknown
                .entry(op.unwrap_or(&name).to_string())
                .or_insert(&node.name);
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = unknown
        .iter()
        .map(|(op, node)| format!("{op} (node \"{node}\")"))
        .collect();
    Err(CompileError::new(format!(
        "The model uses operators tract {} does not implement: {}. Export the model without \
         them, for example with another operator set or an equivalent built from supported \
         operators.",
        crate::TRACT_VERSION,
        listed.join(", ")
    )))
}

fn load_onnx(file: &ModelFile) -> Result<Loaded, CompileError> {
    let onnx = tract_onnx::onnx();
    let unreadable = |detail: String| {
        CompileError::new(format!(
            "The file \"{}\" in the archive is not a valid ONNX model ({detail}). Export the model \
             again (torch.onnx.export or onnx.save_model) and check it with \
             onnx.checker.check_model.",
            file.path
        ))
    };
    let proto = onnx
        .proto_model_for_read(&mut file.bytes.as_slice())
        .map_err(|e| unreadable(brief(&e)))?;
    let Some(graph) = proto.graph.as_ref() else {
        return Err(unreadable("it holds no graph".into()));
    };
    if graph.node.is_empty() && graph.input.is_empty() {
        return Err(unreadable("its graph is empty".into()));
    }
    if graph
        .initializer
        .iter()
        .any(|t| t.data_location == Some(DataLocation::External as i32))
    {
        return Err(CompileError::new(format!(
            "The ONNX model \"{}\" keeps its weights in external data files, which Loupe does \
             not read. Save it with the weights inside the .onnx file \
             (onnx.save_model(model, path, save_as_external_data=False)).",
            file.path
        )));
    }
    let onnx_opset = proto
        .opset_import
        .iter()
        .find(|import| import.domain.is_empty() || import.domain == "ai.onnx")
        .map(|import| import.version);
    let model = onnx.model_for_proto_model(&proto).map_err(|e| {
        CompileError::new(format!(
            "tract could not read the ONNX graph in \"{}\" ({}). The model may use an operator \
             tract does not support.",
            file.path,
            brief(&e)
        ))
    })?;
    let source_operators = count(graph.node.iter().map(|n| n.op_type.as_str()));
    Ok(Loaded {
        model,
        facts: SourceFacts {
            onnx_opset,
            source_operators,
        },
    })
}

fn load_tensorflow(file: &ModelFile) -> Result<Loaded, CompileError> {
    let tensorflow = tract_tensorflow::tensorflow();
    let graph = tensorflow
        .proto_model_for_read(&mut file.bytes.as_slice())
        .map_err(|e| {
            CompileError::new(format!(
                "The file \"{}\" in the archive is not a TensorFlow frozen graph ({}). Freeze the \
             model into one GraphDef .pb file (for TensorFlow 2, \
             convert_variables_to_constants_v2) and upload that.",
                file.path,
                brief(&e)
            ))
        })?;
    if graph.node.is_empty() {
        return Err(CompileError::new(format!(
            "The file \"{}\" in the archive holds a TensorFlow GraphDef with no nodes. Freeze \
             the model into one GraphDef .pb file and upload that.",
            file.path
        )));
    }
    let model = tensorflow.model_for_proto_model(&graph).map_err(|e| {
        CompileError::new(format!(
            "tract could not read the TensorFlow graph in \"{}\" ({}). The model may use an \
             operator tract does not support.",
            file.path,
            brief(&e)
        ))
    })?;
    let source_operators = count(
        graph
            .node
            .iter()
            .map(|n| n.op.as_str())
            .filter(|op| !matches!(*op, "Const" | "Placeholder")),
    );
    Ok(Loaded {
        model,
        facts: SourceFacts {
            onnx_opset: None,
            source_operators,
        },
    })
}

/// Runs tract's type and shape inference over the whole graph with the inputs fixed.
pub(crate) fn type_check(
    model: InferenceModel,
    inputs: &[ResolvedInput],
) -> Result<TypedModel, CompileError> {
    if model.output_outlets().map(|o| o.is_empty()).unwrap_or(true) {
        return Err(CompileError::new(
            "The model has no outputs. Export it again with its output tensors marked as the \
             graph's outputs.",
        ));
    }
    model.into_typed().map_err(|e| {
        let shapes: Vec<String> = inputs
            .iter()
            .map(|i| format!("\"{}\": {:?}", i.name, i.shape))
            .collect();
        CompileError::new(format!(
            "tract could not work out the model's types and shapes with the inputs {{{}}} ({}). \
             Check that DataInputConfig gives the shapes the model was trained for.",
            shapes.join(", "),
            brief(&e)
        ))
    })
}
