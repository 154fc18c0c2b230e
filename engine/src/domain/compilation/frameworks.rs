//! `InputConfig.Framework`: what the model was trained with, and whether Loupe's compiler reads
//! its files. tract reads ONNX and TensorFlow frozen graphs; every other framework is accepted as
//! AWS accepts it, and the job fails with the way to an ONNX file.

use super::targets::upper_enum;

upper_enum!(
    /// Every framework of the SageMaker model.
    Framework {
        Tensorflow = "TENSORFLOW",
        Keras = "KERAS",
        Mxnet = "MXNET",
        Onnx = "ONNX",
        Pytorch = "PYTORCH",
        Xgboost = "XGBOOST",
        Tflite = "TFLITE",
        Darknet = "DARKNET",
        Sklearn = "SKLEARN",
    }
);

/// The model files Loupe's compiler reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelFormat {
    /// One `.onnx` file.
    Onnx,
    /// One frozen `GraphDef` (`.pb`).
    TensorflowFrozenGraph,
}

impl Framework {
    /// The format to read, or the job's `FailureReason`: why not, and what to do instead.
    pub fn model_format(self) -> Result<ModelFormat, String> {
        let instead = match self {
            Self::Onnx => return Ok(ModelFormat::Onnx),
            Self::Tensorflow => return Ok(ModelFormat::TensorflowFrozenGraph),
            Self::Pytorch => {
                "Export the model to ONNX with torch.onnx.export (giving input_names that match \
                 DataInputConfig), pack the .onnx file in a .tar.gz and compile it with \
                 Framework ONNX."
            }
            Self::Keras => {
                "Convert the model to ONNX with tf2onnx (python -m tf2onnx.convert --keras), or \
                 save a TensorFlow frozen graph (.pb), and compile that with Framework ONNX or \
                 TENSORFLOW."
            }
            Self::Mxnet => {
                "Export the model to ONNX with mxnet.onnx.export_model and compile it with \
                 Framework ONNX."
            }
            Self::Xgboost => {
                "Convert the booster to ONNX with onnxmltools (convert_xgboost) and compile it \
                 with Framework ONNX."
            }
            Self::Sklearn => {
                "Convert the estimator to ONNX with skl2onnx (convert_sklearn) and compile it \
                 with Framework ONNX."
            }
            Self::Tflite => {
                "Convert the model to ONNX with tf2onnx (python -m tf2onnx.convert --tflite) and \
                 compile it with Framework ONNX, or compile the TensorFlow frozen graph it came \
                 from with Framework TENSORFLOW."
            }
            Self::Darknet => {
                "Convert the network to ONNX (for example with a Darknet-to-ONNX converter for \
                 YOLO models) and compile it with Framework ONNX."
            }
        };
        Err(format!(
            "Loupe's compiler (tract) reads ONNX and TensorFlow frozen graphs only, not \
             {self} models. {instead}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onnx_and_tensorflow_are_read_and_the_rest_are_told_how_to_get_to_onnx() {
        assert_eq!(Framework::Onnx.model_format(), Ok(ModelFormat::Onnx));
        assert_eq!(
            Framework::Tensorflow.model_format(),
            Ok(ModelFormat::TensorflowFrozenGraph)
        );
        let pytorch = Framework::Pytorch.model_format().unwrap_err();
        assert!(pytorch.contains("not PYTORCH models"), "{pytorch}");
        assert!(pytorch.contains("torch.onnx.export"), "{pytorch}");
        for framework in Framework::ALL {
            if let Err(reason) = framework.model_format() {
                assert!(reason.contains("Framework ONNX"), "{reason}");
                assert!(reason.chars().count() <= 1024);
            }
        }
        assert_eq!(Framework::parse("onnx"), None);
        assert_eq!(Framework::ALL.len(), 9);
    }
}
