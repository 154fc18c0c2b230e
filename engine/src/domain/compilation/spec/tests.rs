use serde_json::{Value, json};

use super::*;
use crate::domain::compilation::targets::{CpuArch, Serving};
use crate::domain::validation::RequestError;

fn request() -> Value {
    json!({
        "CompilationJobName": "Edge-Cnn-1",
        "RoleArn": "arn:aws:iam::123456789012:role/service-role/NeoRole",
        "InputConfig": {
            "S3Uri": "s3://models/cnn/model.tar.gz",
            "DataInputConfig": "{\"data\": [1, 3, 32, 32]}",
            "Framework": "ONNX"
        },
        "OutputConfig": {
            "S3OutputLocation": "s3://models/compiled/",
            "TargetDevice": "sitara_am57x"
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 900}
    })
}

fn messages(request: &Value) -> String {
    match CompilationJobSpec::parse(request).unwrap_err() {
        RequestError::Invalid(errors) => errors.to_string(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_seed_shaped_request_reads_with_its_target_and_shapes() {
    let spec = CompilationJobSpec::parse(&request()).unwrap();
    assert_eq!(spec.compilation_job_name.as_str(), "Edge-Cnn-1");
    let target = spec.output_config.target();
    assert_eq!(target.serving(), Serving::Cpu(CpuArch::Armv7Neon));
    let shapes = spec.input_config.as_ref().unwrap().input_shapes().unwrap();
    assert_eq!(shapes.shapes()[0].dims, [1, 3, 32, 32]);
    assert_eq!(spec.stopping_condition.max_runtime().as_secs(), 900);
    assert_eq!(
        spec.artifact_uri(),
        "s3://models/compiled/model-sitara_am57x.tar.gz"
    );
    // Describe embeds the spec: its serde shape is the API's.
    let value = serde_json::to_value(&spec).unwrap();
    assert_eq!(value["OutputConfig"]["TargetDevice"], "sitara_am57x");
    assert_eq!(value["InputConfig"]["Framework"], "ONNX");
    let back: CompilationJobSpec = serde_json::from_value(value).unwrap();
    assert_eq!(back, spec);
}

#[test]
fn the_runtime_defaults_to_a_day_and_stops_at_28_days() {
    let mut req = request();
    req["StoppingCondition"] = json!({});
    let spec = CompilationJobSpec::parse(&req).unwrap();
    assert_eq!(spec.stopping_condition.max_runtime().as_secs(), 86_400);
    req["StoppingCondition"] = json!({"MaxRuntimeInSeconds": 2_419_201});
    let text = messages(&req);
    assert!(
        text.contains("stoppingCondition.maxRuntimeInSeconds")
            && text.contains("less than or equal to 2419200"),
        "{text}"
    );
    req["StoppingCondition"] = json!({"MaxRuntimeInSeconds": 0, "MaxPendingTimeInSeconds": 60});
    let text = messages(&req);
    assert!(text.starts_with("2 validation errors"), "{text}");
    req["StoppingCondition"] = json!({"MaxRuntimeInSeconds": 900, "MaxWaitTimeInSeconds": 60});
    assert!(messages(&req).contains("greater than or equal to maxRuntimeInSeconds"));
}

#[test]
fn a_target_platform_stands_in_for_a_device_but_not_beside_one() {
    let mut req = request();
    req["OutputConfig"] = json!({
        "S3OutputLocation": "s3://models/out",
        "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64"}
    });
    let spec = CompilationJobSpec::parse(&req).unwrap();
    assert_eq!(
        spec.artifact_uri(),
        "s3://models/out/model-linux_arm64.tar.gz"
    );
    req["OutputConfig"]["TargetDevice"] = json!("ml_c5");
    assert!(messages(&req).contains("outputConfig.targetPlatform"));
    req["OutputConfig"] = json!({"S3OutputLocation": "s3://models/out"});
    assert!(messages(&req).contains("Value null at 'outputConfig.targetDevice'"));
    req["OutputConfig"] = json!({
        "S3OutputLocation": "s3://models/out",
        "TargetPlatform": {"Os": "WINDOWS", "Arch": "ARM64", "Accelerator": "TPU"}
    });
    let text = messages(&req);
    assert!(text.contains("outputConfig.targetPlatform.os"), "{text}");
    assert!(
        text.contains("outputConfig.targetPlatform.accelerator"),
        "{text}"
    );
}

#[test]
fn every_broken_member_is_reported_together() {
    let req = json!({
        "CompilationJobName": "bad_name",
        "RoleArn": "arn:aws:iam::12:role/x",
        "InputConfig": {"S3Uri": "ftp://models/m.tar.gz", "Framework": "CAFFE",
                        "DataInputConfig": "{\"data\": [1, 0]}", "FrameworkVersion": "v1"},
        "OutputConfig": {"S3OutputLocation": "s3://out", "TargetDevice": "ml_z9"},
        "StoppingCondition": {}
    });
    let text = messages(&req);
    for member in [
        "compilationJobName",
        "roleArn",
        "inputConfig.s3Uri",
        "inputConfig.framework",
        "inputConfig.dataInputConfig",
        "inputConfig.frameworkVersion",
        "outputConfig.targetDevice",
    ] {
        assert!(text.contains(&format!("'{member}'")), "{member}: {text}");
    }
    assert!(text.contains("dimension 0"), "{text}");
}

#[test]
fn input_config_and_a_model_package_are_one_or_the_other() {
    let mut req = request();
    req["ModelPackageVersionArn"] =
        json!("arn:aws:sagemaker:us-east-1:123456789012:model-package/cnn/1");
    assert!(messages(&req).contains("together with inputConfig"));
    req.as_object_mut().unwrap().remove("InputConfig");
    let spec = CompilationJobSpec::parse(&req).unwrap();
    assert!(spec.input_config.is_none());
    req.as_object_mut()
        .unwrap()
        .remove("ModelPackageVersionArn");
    assert!(messages(&req).contains("Value null at 'inputConfig'"));
}

#[test]
fn required_members_are_named_when_missing() {
    let text = messages(&json!({}));
    for member in [
        "compilationJobName",
        "roleArn",
        "outputConfig",
        "stoppingCondition",
    ] {
        assert!(
            text.contains(&format!("Value null at '{member}'")),
            "{member}: {text}"
        );
    }
}

#[test]
fn a_string_where_a_structure_belongs_is_a_serialization_error() {
    let mut req = request();
    req["StoppingCondition"] = json!("900");
    assert!(matches!(
        CompilationJobSpec::parse(&req),
        Err(RequestError::Malformed(_))
    ));
}

#[test]
fn vpc_settings_are_checked_and_kept() {
    let mut req = request();
    req["VpcConfig"] = json!({"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1", "subnet-2"]});
    let spec = CompilationJobSpec::parse(&req).unwrap();
    assert_eq!(spec.vpc_config.unwrap().subnets.len(), 2);
    req["VpcConfig"] = json!({"SecurityGroupIds": [], "Subnets": ["bad id"]});
    let text = messages(&req);
    assert!(text.contains("vpcConfig.securityGroupIds"), "{text}");
    assert!(text.contains("vpcConfig.subnets.1.member"), "{text}");
}

#[test]
fn artifacts_are_named_after_the_input_archive() {
    assert_eq!(archive_stem("s3://b/models/resnet18.tar.gz"), "resnet18");
    assert_eq!(archive_stem("s3://b/m.tgz"), "m");
    assert_eq!(archive_stem("s3://b/models/model.zip"), "model");
    assert_eq!(archive_stem("s3://b/models/plain"), "plain");
    assert_eq!(archive_stem("s3://b/"), "b");
}
