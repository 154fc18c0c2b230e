//! SageMaker's compilation job operations (spec 3.5) on the control plane: Create, Describe,
//! List, Stop and Delete, in AWS JSON 1.1 like the rest of `POST /`.

use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::compilation::{CompilationJob, CompilationJobSummary};
use loupe_engine::services::compilation::{CompilationError, CompilationJobs};
use serde_json::{Map, Value, json};

use super::error::{AwsError, ErrorKind, Protocol};

/// Serves `operation` when it is a compilation job operation; `None` otherwise.
pub async fn serve(
    jobs: &CompilationJobs,
    operation: &str,
    request: &Value,
) -> Option<Result<Value, AwsError>> {
    let answer = match operation {
        "CreateCompilationJob" => jobs
            .create(request)
            .await
            .map(|arn| json!({"CompilationJobArn": arn})),
        "DescribeCompilationJob" => jobs.describe(request).await.map(|job| describe(jobs, &job)),
        "ListCompilationJobs" => jobs.list(request).await.map(|(page, next)| {
            let mut body = json!({
                "CompilationJobSummaries":
                    page.iter().map(|job| summary(jobs, job)).collect::<Vec<_>>(),
            });
            if let Some(next) = next {
                body["NextToken"] = json!(next);
            }
            body
        }),
        "StopCompilationJob" => jobs.stop(request).await.map(|_| json!({})),
        "DeleteCompilationJob" => jobs.delete(request).await.map(|_| json!({})),
        _ => return None,
    };
    Some(answer.map_err(aws_error))
}

fn aws_error(error: CompilationError) -> AwsError {
    let (kind, message) = match error {
        CompilationError::Request(error) => return AwsError::from_request(error, Protocol::Json11),
        CompilationError::Refused(message) => (ErrorKind::Validation, message),
        CompilationError::NotFound(message) => (ErrorKind::SageMakerResourceNotFound, message),
        CompilationError::InUse(message) => (ErrorKind::ResourceInUse, message),
        CompilationError::LimitExceeded(message) => (ErrorKind::ResourceLimitExceeded, message),
        CompilationError::Store(error) => {
            tracing::error!(%error, "storage failed under a compilation job call");
            (
                ErrorKind::InternalServer,
                "We couldn't process your request because of an issue with the server. Try \
                 again later."
                    .to_owned(),
            )
        }
    };
    AwsError::new(kind, message).in_protocol(Protocol::Json11)
}

/// Epoch seconds with milliseconds.
fn epoch(at: Timestamp) -> Value {
    serde_json::Number::from_f64(at.as_millis() as f64 / 1000.0).map_or(Value::Null, Value::Number)
}

fn describe(jobs: &CompilationJobs, job: &CompilationJob) -> Value {
    let spec = serde_json::to_value(&job.spec).unwrap_or_default();
    let mut body = Map::new();
    body.insert("CompilationJobName".into(), json!(job.name().as_str()));
    body.insert("CompilationJobArn".into(), json!(jobs.arn(job.name())));
    body.insert("CompilationJobStatus".into(), json!(job.status.as_str()));
    if let Some(at) = job.started_at {
        body.insert("CompilationStartTime".into(), epoch(at));
    }
    if let Some(at) = job.ended_at {
        body.insert("CompilationEndTime".into(), epoch(at));
    }
    body.insert("CreationTime".into(), epoch(job.created_at));
    body.insert("LastModifiedTime".into(), epoch(job.last_modified_at));
    body.insert("FailureReason".into(), json!(job.failure_reason));
    // Known from the request, like A2I's output path: written only when the job completes.
    body.insert(
        "ModelArtifacts".into(),
        json!({"S3ModelArtifacts": job.spec.artifact_uri()}),
    );
    if let Some(digest) = &job.artifact_digest {
        body.insert("ModelDigests".into(), json!({"ArtifactDigest": digest}));
    }
    for member in [
        "RoleArn",
        "ModelPackageVersionArn",
        "InputConfig",
        "OutputConfig",
        "VpcConfig",
        "StoppingCondition",
    ] {
        if let Some(value) = spec.get(member) {
            body.insert(member.into(), value.clone());
        }
    }
    if let Some(derived) = job.derived_data_input_config() {
        body.insert(
            "DerivedInformation".into(),
            json!({"DerivedDataInputConfig": derived}),
        );
    }
    Value::Object(body)
}

fn summary(jobs: &CompilationJobs, job: &CompilationJobSummary) -> Value {
    let mut body = Map::new();
    body.insert("CompilationJobName".into(), json!(job.name.as_str()));
    body.insert("CompilationJobArn".into(), json!(jobs.arn(&job.name)));
    body.insert("CreationTime".into(), epoch(job.created_at));
    if let Some(at) = job.started_at {
        body.insert("CompilationStartTime".into(), epoch(at));
    }
    if let Some(at) = job.ended_at {
        body.insert("CompilationEndTime".into(), epoch(at));
    }
    let output = &job.spec.output_config;
    if let Some(device) = output.target_device {
        body.insert("CompilationTargetDevice".into(), json!(device.as_str()));
    }
    if let Some(platform) = output.target_platform {
        body.insert(
            "CompilationTargetPlatformOs".into(),
            json!(platform.os.as_str()),
        );
        body.insert(
            "CompilationTargetPlatformArch".into(),
            json!(platform.arch.as_str()),
        );
        if let Some(accelerator) = platform.accelerator {
            body.insert(
                "CompilationTargetPlatformAccelerator".into(),
                json!(accelerator.as_str()),
            );
        }
    }
    body.insert("LastModifiedTime".into(), epoch(job.last_modified_at));
    body.insert("CompilationJobStatus".into(), json!(job.status.as_str()));
    Value::Object(body)
}
