//! Creating a compilation job in the browser. The form builds the same `CreateCompilationJob`
//! request boto3 would send and the engine reads it with the API's own parser, so the browser
//! and the API accept and refuse exactly the same jobs; each broken rule lands at its field.

// `create_compilation` takes one argument per form field, as `ActionForm` posts them; the
// browser-side stub the `server` macro generates for it cannot carry an `allow` of its own.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::flow_form::Choice;
pub use super::form_errors::FieldError;
#[cfg(feature = "ssr")]
use super::form_errors::FormFields;

/// Everything the form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompilationFormOptions {
    pub frameworks: Vec<Choice>,
    /// Every `TargetDevice`; the label says the CPU, or that Loupe does not compile for it.
    pub devices: Vec<Choice>,
    pub platform_os: Vec<String>,
    pub platform_arch: Vec<Choice>,
    pub platform_accelerators: Vec<String>,
    pub role_arn: String,
    pub default_max_runtime: u32,
    pub max_runtime: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateCompilationOutcome {
    pub created: Option<String>,
    pub errors: Vec<FieldError>,
}

#[server(prefix = "/api", endpoint = "admin/compilation-form")]
pub async fn compilation_form() -> Result<CompilationFormOptions, ServerFnError> {
    use super::services;
    use loupe_engine::domain::compilation::spec::{
        DEFAULT_MAX_RUNTIME_SECONDS, MAX_RUNTIME_SECONDS,
    };
    use loupe_engine::domain::compilation::targets::{
        PlatformAccelerator, PlatformArch, PlatformOs,
    };
    use loupe_engine::domain::compilation::{
        Framework, Serving, Target, TargetDevice, TargetPlatform,
    };
    crate::session::require_admin()?;
    let services = services()?;
    let serving = |serving: Serving| match serving {
        Serving::Cpu(arch) => arch.as_str().to_owned(),
        Serving::NotServed(_) => "not served by Loupe".to_owned(),
    };
    Ok(CompilationFormOptions {
        frameworks: Framework::ALL
            .iter()
            .map(|framework| Choice {
                value: framework.as_str().to_owned(),
                label: match framework.model_format() {
                    Ok(_) => framework.as_str().to_owned(),
                    Err(_) => format!("{framework} (convert to ONNX first)"),
                },
            })
            .collect(),
        devices: TargetDevice::ALL
            .iter()
            .map(|&device| Choice {
                value: device.as_str().to_owned(),
                label: format!("{device} — {}", serving(Target::Device(device).serving())),
            })
            .collect(),
        platform_os: PlatformOs::ALL
            .iter()
            .map(|os| os.as_str().to_owned())
            .collect(),
        platform_arch: PlatformArch::ALL
            .iter()
            .map(|&arch| Choice {
                value: arch.as_str().to_owned(),
                label: format!(
                    "{arch} — {}",
                    serving(
                        TargetPlatform {
                            os: PlatformOs::Linux,
                            arch,
                            accelerator: None,
                        }
                        .serving()
                    )
                ),
            })
            .collect(),
        platform_accelerators: PlatformAccelerator::ALL
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        role_arn: format!(
            "arn:aws:iam::{}:role/loupe-compilation",
            services.reviews.account().account_id()
        ),
        default_max_runtime: DEFAULT_MAX_RUNTIME_SECONDS,
        max_runtime: MAX_RUNTIME_SECONDS,
    })
}

/// Creates a compilation job from the form. Every field is text as the browser sends it; the
/// runtime is read here so that a typo gets a message on its field rather than a shape error.
#[server(prefix = "/api", endpoint = "admin/compilation-create")]
pub async fn create_compilation(
    name: String,
    role_arn: String,
    s3_uri: String,
    framework: String,
    data_input_config: String,
    target_kind: String,
    target_device: String,
    platform_os: String,
    platform_arch: String,
    platform_accelerator: String,
    output_location: String,
    max_runtime: String,
) -> Result<CreateCompilationOutcome, ServerFnError> {
    use super::services;
    use loupe_engine::domain::compilation::CompilationJobSpec;
    use serde_json::{Map, Value, json};
    crate::session::require_admin()?;
    let refused = |errors| {
        Ok(CreateCompilationOutcome {
            created: None,
            errors,
        })
    };
    let mut input = Map::new();
    input.insert("S3Uri".into(), json!(s3_uri.trim()));
    input.insert("Framework".into(), json!(framework.trim()));
    if !data_input_config.trim().is_empty() {
        input.insert("DataInputConfig".into(), json!(data_input_config.trim()));
    }
    let mut output = Map::new();
    output.insert("S3OutputLocation".into(), json!(output_location.trim()));
    if target_kind == "platform" {
        let mut platform = Map::new();
        platform.insert("Os".into(), json!(platform_os.trim()));
        platform.insert("Arch".into(), json!(platform_arch.trim()));
        if !platform_accelerator.trim().is_empty() {
            platform.insert("Accelerator".into(), json!(platform_accelerator.trim()));
        }
        output.insert("TargetPlatform".into(), Value::Object(platform));
    } else {
        output.insert("TargetDevice".into(), json!(target_device.trim()));
    }
    let mut stopping = Map::new();
    if !max_runtime.trim().is_empty() {
        match max_runtime.trim().parse::<i64>() {
            Ok(seconds) => {
                stopping.insert("MaxRuntimeInSeconds".into(), json!(seconds));
            }
            Err(_) => {
                return refused(vec![FieldError::at(
                    "max_runtime",
                    "Enter a whole number of seconds.",
                )]);
            }
        }
    }
    let request = json!({
        "CompilationJobName": name.trim(),
        "RoleArn": role_arn.trim(),
        "InputConfig": input,
        "OutputConfig": output,
        "StoppingCondition": stopping,
    });
    let spec = match CompilationJobSpec::parse(&request) {
        Ok(spec) => spec,
        Err(error) => return refused(COMPILATION_FIELDS.compilation_errors(error.into())),
    };
    let services = services()?;
    match services.compilations.create_spec(&spec).await {
        Ok(_) => {
            // The local runner starts it at once rather than at its next look.
            services.compilation_wake.notify_one();
            let name = spec.compilation_job_name.to_string();
            leptos_axum::redirect(&format!("/admin/compilation-jobs/{name}"));
            Ok(CreateCompilationOutcome {
                created: Some(name),
                errors: Vec::new(),
            })
        }
        Err(error) => refused(COMPILATION_FIELDS.compilation_errors(error)),
    }
}

/// The form's fields by the request members they fill; deeper members first, since a member
/// also takes the messages of everything below it.
#[cfg(feature = "ssr")]
const COMPILATION_FIELDS: FormFields = FormFields::new(
    &[
        ("CompilationJobName", "name"),
        ("RoleArn", "role_arn"),
        ("InputConfig.S3Uri", "s3_uri"),
        ("InputConfig.Framework", "framework"),
        ("InputConfig.DataInputConfig", "data_input_config"),
        ("OutputConfig.S3OutputLocation", "output_location"),
        ("OutputConfig.TargetDevice", "target_device"),
        ("OutputConfig.TargetPlatform.Os", "platform_os"),
        ("OutputConfig.TargetPlatform.Arch", "platform_arch"),
        (
            "OutputConfig.TargetPlatform.Accelerator",
            "platform_accelerator",
        ),
        ("OutputConfig.TargetPlatform", "platform_os"),
        ("StoppingCondition.MaxRuntimeInSeconds", "max_runtime"),
    ],
    "name",
);

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use loupe_engine::domain::compilation::CompilationJobSpec;
    use serde_json::json;

    #[test]
    fn the_parsers_members_land_at_their_fields() {
        let request = json!({
            "CompilationJobName": "bad name!",
            "RoleArn": "arn:aws:iam::123456789012:role/NeoRole",
            "InputConfig": {"S3Uri": "s3://m/model.tar.gz", "Framework": "ONNX",
                            "DataInputConfig": "{\"data\": [1, 3"},
            "OutputConfig": {"S3OutputLocation": "s3://m/out",
                             "TargetPlatform": {"Os": "LINUX", "Arch": "SPARC"}},
            "StoppingCondition": {"MaxRuntimeInSeconds": 0},
        });
        let error = CompilationJobSpec::parse(&request).unwrap_err();
        let fields: Vec<String> = COMPILATION_FIELDS
            .compilation_errors(error.into())
            .into_iter()
            .map(|e| e.field)
            .collect();
        for field in ["name", "data_input_config", "platform_arch", "max_runtime"] {
            assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
        }
        assert!(!fields.iter().any(|f| f == "form"), "{fields:?}");
    }
}
