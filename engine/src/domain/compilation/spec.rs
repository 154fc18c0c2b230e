//! A `CreateCompilationJob` request (spec 3.5.1) read into a typed [`CompilationJobSpec`], with
//! every constraint of the model checked and reported together, as for flow definitions.
//!
//! The serde shape is the API's (PascalCase members), so Describe embeds the spec as it is.
//! Members Loupe records but has no use for (`VpcConfig`, `KmsKeyId`, `CompilerOptions`,
//! `FrameworkVersion`, `Tags`) are kept and shown back; `docs/compilation.md` says so.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::data_input::{self, InputShapes};
use super::frameworks::Framework;
use super::targets::{
    PlatformAccelerator, PlatformArch, PlatformOs, Target, TargetDevice, TargetPlatform,
};
use crate::domain::arns::RoleArn;
use crate::domain::flows::patterns;
use crate::domain::flows::tags::{Tag, read_tags};
use crate::domain::names::CompilationJobName;
use crate::domain::validation::{
    MemberPath, Members, Pattern, RequestError, Rule, ShapeError, Shown, StringRule, Violations,
    string_at,
};

/// `MaxRuntimeInSeconds` when none is given: one day.
pub const DEFAULT_MAX_RUNTIME_SECONDS: u32 = 86_400;
/// The longest `MaxRuntimeInSeconds`: 28 days.
pub const MAX_RUNTIME_SECONDS: u32 = 2_419_200;
const MIN_PENDING_SECONDS: i64 = 1800;

const S3_URI: StringRule = StringRule {
    min: 0,
    max: 1024,
    pattern: Some(patterns::S3_OUTPUT_PATH),
};
const ROLE_ARN: StringRule = StringRule {
    min: RoleArn::MIN_CHARS,
    max: RoleArn::MAX_CHARS,
    pattern: Some(patterns::ROLE_ARN),
};
const MODEL_PACKAGE_VERSION_ARN: StringRule = StringRule {
    min: 1,
    max: 2048,
    pattern: Some(Pattern {
        regex: r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]{9,16}:[0-9]{12}:model-package/[\S]{1,2048}",
        matches: is_model_package_version_arn,
    }),
};
const DATA_INPUT_CONFIG: StringRule = StringRule {
    min: 1,
    max: data_input::MAX_CHARS,
    pattern: None,
};
const FRAMEWORK_VERSION: StringRule = StringRule {
    min: 3,
    max: 10,
    pattern: Some(Pattern {
        regex: r"[0-9]\.[A-Za-z0-9.]+",
        matches: is_framework_version,
    }),
};
const COMPILER_OPTIONS: StringRule = StringRule {
    min: 3,
    max: 1024,
    pattern: Some(Pattern {
        regex: ".*",
        matches: is_one_line,
    }),
};
const KMS_KEY_ID: StringRule = StringRule {
    min: 0,
    max: 2048,
    pattern: Some(patterns::KMS_KEY_ID),
};
const VPC_ID: StringRule = StringRule {
    min: 0,
    max: 32,
    pattern: Some(Pattern {
        regex: "[-0-9a-zA-Z]+",
        matches: is_vpc_id,
    }),
};

/// Everything a caller defines about a compilation job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompilationJobSpec {
    pub compilation_job_name: CompilationJobName,
    pub role_arn: RoleArn,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_package_version_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_config: Option<InputConfig>,
    pub output_config: OutputConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_config: Option<VpcConfig>,
    pub stopping_condition: StoppingCondition,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InputConfig {
    pub s3_uri: String,
    /// As given; read by [`InputConfig::input_shapes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_input_config: Option<String>,
    pub framework: Framework,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_version: Option<String>,
}

impl InputConfig {
    /// The shapes `DataInputConfig` gives (none when absent). It was read when the job was
    /// created, so it reads again.
    pub fn input_shapes(&self) -> Option<InputShapes> {
        self.data_input_config
            .as_deref()
            .and_then(|raw| InputShapes::parse(raw).ok())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutputConfig {
    pub s3_output_location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_device: Option<TargetDevice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_platform: Option<TargetPlatform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compiler_options: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

impl OutputConfig {
    /// The device or the platform: exactly one of them was given.
    pub fn target(&self) -> Target {
        match (self.target_device, self.target_platform) {
            (Some(device), _) => Target::Device(device),
            (None, Some(platform)) => Target::Platform(platform),
            (None, None) => unreachable!("a spec is read with a target device or platform"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcConfig {
    pub security_group_ids: Vec<String>,
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoppingCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_runtime_in_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_time_in_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pending_time_in_seconds: Option<u32>,
}

impl StoppingCondition {
    /// How long the compilation may run: as given, else one day.
    pub fn max_runtime(&self) -> Duration {
        Duration::from_secs(u64::from(
            self.max_runtime_in_seconds
                .unwrap_or(DEFAULT_MAX_RUNTIME_SECONDS),
        ))
    }
}

impl CompilationJobSpec {
    /// Reads a `CreateCompilationJob` request body.
    pub fn parse(request: &Value) -> Result<Self, RequestError> {
        let root = Members::of_request(request)?;
        let mut violations = Violations::default();
        let v = &mut violations;

        let name_path = root.path_of("CompilationJobName");
        let name = v
            .required(&name_path, root.string("CompilationJobName")?)
            .and_then(|raw| v.name(&name_path, CompilationJobName::parse(raw)));
        let role = root
            .required_string("RoleArn", &ROLE_ARN, v)?
            .and_then(|raw| RoleArn::parse(raw).ok());
        let package =
            root.optional_string("ModelPackageVersionArn", &MODEL_PACKAGE_VERSION_ARN, v)?;
        let input_given = root.structure("InputConfig")?;
        let input = match &input_given {
            Some(members) => read_input_config(members, v)?,
            None => None,
        };
        let package_given = root.string("ModelPackageVersionArn")?.is_some();
        match (input_given.is_some(), package_given) {
            (true, true) => v.push(
                root.path_of("ModelPackageVersionArn"),
                Shown::Hidden,
                Rule::Other(
                    "Member must not be set together with inputConfig: give one of them".to_owned(),
                ),
            ),
            (false, false) => v.push(
                root.path_of("InputConfig"),
                Shown::Null,
                Rule::Other(
                    "Member must not be null when modelPackageVersionArn is not given".to_owned(),
                ),
            ),
            _ => {}
        }
        let output_path = root.path_of("OutputConfig");
        let output = match v.required(&output_path, root.structure("OutputConfig")?) {
            Some(members) => read_output_config(&members, v)?,
            None => None,
        };
        let vpc = match root.structure("VpcConfig")? {
            Some(members) => read_vpc_config(&members, v)?,
            None => None,
        };
        let stopping_path = root.path_of("StoppingCondition");
        let stopping = match v.required(&stopping_path, root.structure("StoppingCondition")?) {
            Some(members) => read_stopping_condition(&members, v)?,
            None => None,
        };
        let tags = read_tags(&root, v)?;

        violations.finish()?;
        let (Some(name), Some(role_arn), Some(output_config), Some(stopping_condition)) =
            (name, role, output, stopping)
        else {
            unreachable!("every absent or invalid required member was recorded as a violation");
        };
        Ok(Self {
            compilation_job_name: name,
            role_arn,
            model_package_version_arn: package.map(str::to_owned),
            input_config: input,
            output_config,
            vpc_config: vpc,
            stopping_condition,
            tags,
        })
    }

    /// Where the compiled model goes: `<S3OutputLocation>/<input archive stem>-<target>.tar.gz`,
    /// named after the archive at `InputConfig.S3Uri` as Neo names it (`model.tar.gz` compiled
    /// for `ml_c5` is `model-ml_c5.tar.gz`).
    pub fn artifact_uri(&self) -> String {
        let stem = self
            .input_config
            .as_ref()
            .map(|input| archive_stem(&input.s3_uri))
            .unwrap_or_else(|| "model".to_owned());
        let location = self.output_config.s3_output_location.trim_end_matches('/');
        format!(
            "{location}/{stem}-{}.tar.gz",
            self.output_config.target().label()
        )
    }
}

/// The object's file name without `.tar.gz` (or `.tgz`, or its last extension).
pub fn archive_stem(uri: &str) -> String {
    let file = uri
        .rsplit('/')
        .find(|part| !part.is_empty())
        .unwrap_or("model");
    let stem = file
        .strip_suffix(".tar.gz")
        .or_else(|| file.strip_suffix(".tgz"))
        .or_else(|| file.rsplit_once('.').map(|(stem, _)| stem))
        .unwrap_or(file);
    if stem.is_empty() {
        "model".to_owned()
    } else {
        stem.to_owned()
    }
}

fn read_input_config(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<InputConfig>, ShapeError> {
    let s3_uri = members.required_string("S3Uri", &S3_URI, v)?;
    let framework_path = members.path_of("Framework");
    let framework = match v.required(&framework_path, members.string("Framework")?) {
        Some(raw) => match Framework::parse(raw) {
            Some(framework) => Some(framework),
            None => {
                let values = Framework::ALL.iter().map(|f| f.as_str()).collect();
                v.push(framework_path, Shown::text(raw), Rule::EnumValueSet(values));
                None
            }
        },
        None => None,
    };
    let data_path = members.path_of("DataInputConfig");
    let data_input = members.optional_string("DataInputConfig", &DATA_INPUT_CONFIG, v)?;
    let data_ok = match data_input {
        Some(raw) => match InputShapes::parse(raw) {
            Ok(_) => true,
            Err(why) => {
                v.push(
                    data_path,
                    Shown::text(raw),
                    Rule::Other(format!(
                        "Member must give input names and shapes as {{\"name\": [1,3,224,224]}} \
                         or [[1,3,224,224]]: {why}"
                    )),
                );
                false
            }
        },
        None => members.string("DataInputConfig")?.is_none(),
    };
    let version = members.optional_string("FrameworkVersion", &FRAMEWORK_VERSION, v)?;
    let version_ok = version.is_some() || members.string("FrameworkVersion")?.is_none();
    match (s3_uri, framework) {
        (Some(s3_uri), Some(framework)) if data_ok && version_ok => Ok(Some(InputConfig {
            s3_uri: s3_uri.to_owned(),
            data_input_config: data_input.map(str::to_owned),
            framework,
            framework_version: version.map(str::to_owned),
        })),
        _ => Ok(None),
    }
}

fn read_output_config(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<OutputConfig>, ShapeError> {
    let location = members.required_string("S3OutputLocation", &S3_URI, v)?;
    let device_path = members.path_of("TargetDevice");
    let device_raw = members.string("TargetDevice")?;
    let device = device_raw.and_then(|raw| match TargetDevice::parse(raw) {
        Some(device) => Some(device),
        None => {
            let values = TargetDevice::ALL.iter().map(|d| d.as_str()).collect();
            v.push(
                device_path.clone(),
                Shown::text(raw),
                Rule::EnumValueSet(values),
            );
            None
        }
    });
    let platform_given = members.structure("TargetPlatform")?;
    let platform = match &platform_given {
        Some(platform) => read_target_platform(platform, v)?,
        None => None,
    };
    match (device_raw.is_some(), platform_given.is_some()) {
        (true, true) => v.push(
            members.path_of("TargetPlatform"),
            Shown::Hidden,
            Rule::Other("Member must not be set together with targetDevice".to_owned()),
        ),
        (false, false) => v.push(
            device_path,
            Shown::Null,
            Rule::Other("Member must not be null when targetPlatform is not given".to_owned()),
        ),
        _ => {}
    }
    let options = members.optional_string("CompilerOptions", &COMPILER_OPTIONS, v)?;
    let kms = members.optional_string("KmsKeyId", &KMS_KEY_ID, v)?;
    let target_ok = device.is_some() != platform.is_some();
    Ok(location.filter(|_| target_ok).map(|location| OutputConfig {
        s3_output_location: location.to_owned(),
        target_device: device,
        target_platform: platform,
        compiler_options: options.map(str::to_owned),
        kms_key_id: kms.map(str::to_owned),
    }))
}

fn read_target_platform(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<TargetPlatform>, ShapeError> {
    fn member<T: Copy>(
        members: &Members,
        name: &str,
        required: bool,
        parse: fn(&str) -> Option<T>,
        values: Vec<&'static str>,
        v: &mut Violations,
    ) -> Result<(bool, Option<T>), ShapeError> {
        let path = members.path_of(name);
        let raw = members.string(name)?;
        if raw.is_none() {
            if required {
                v.push(path, Shown::Null, Rule::NotNull);
            }
            return Ok((!required, None));
        }
        let raw = raw.unwrap_or_default();
        match parse(raw) {
            Some(value) => Ok((true, Some(value))),
            None => {
                v.push(path, Shown::text(raw), Rule::EnumValueSet(values));
                Ok((false, None))
            }
        }
    }
    let os_values = PlatformOs::ALL.iter().map(|x| x.as_str()).collect();
    let (os_ok, os) = member(members, "Os", true, PlatformOs::parse, os_values, v)?;
    let arch_values = PlatformArch::ALL.iter().map(|x| x.as_str()).collect();
    let (arch_ok, arch) = member(members, "Arch", true, PlatformArch::parse, arch_values, v)?;
    let accelerator_values = PlatformAccelerator::ALL
        .iter()
        .map(|x| x.as_str())
        .collect();
    let (accelerator_ok, accelerator) = member(
        members,
        "Accelerator",
        false,
        PlatformAccelerator::parse,
        accelerator_values,
        v,
    )?;
    Ok(match (os, arch) {
        (Some(os), Some(arch)) if os_ok && arch_ok && accelerator_ok => Some(TargetPlatform {
            os,
            arch,
            accelerator,
        }),
        _ => None,
    })
}

fn read_vpc_config(members: &Members, v: &mut Violations) -> Result<Option<VpcConfig>, ShapeError> {
    let groups = read_id_list(members, "SecurityGroupIds", 5, v)?;
    let subnets = read_id_list(members, "Subnets", 16, v)?;
    Ok(match (groups, subnets) {
        (Some(security_group_ids), Some(subnets)) => Some(VpcConfig {
            security_group_ids,
            subnets,
        }),
        _ => None,
    })
}

fn read_id_list(
    members: &Members,
    name: &str,
    max: usize,
    v: &mut Violations,
) -> Result<Option<Vec<String>>, ShapeError> {
    let path = members.path_of(name);
    let Some(items) = v.required(&path, members.list(name)?) else {
        return Ok(None);
    };
    let mut ids = Vec::with_capacity(items.len());
    let mut read: Vec<(MemberPath, Option<&str>)> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let element = path.element(index);
        let id = string_at(item, &element)?;
        read.push((element, id));
    }
    let shown = || Shown::list(read.iter().map(|(_, id)| id.unwrap_or("null")));
    let mut valid = v.check_list_length(&path, shown, read.len(), 1, max);
    for (element, id) in &read {
        match v.required(element, *id) {
            Some(id) if v.check_string(element, id, &VPC_ID) => ids.push(id.to_owned()),
            _ => valid = false,
        }
    }
    Ok(valid.then_some(ids))
}

fn read_stopping_condition(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<StoppingCondition>, ShapeError> {
    let seconds = |value: Option<i64>| value.and_then(|value| u32::try_from(value).ok());
    let runtime_given = members.integer("MaxRuntimeInSeconds")?.is_some();
    let runtime = members.optional_integer(
        "MaxRuntimeInSeconds",
        Some(1),
        Some(i64::from(MAX_RUNTIME_SECONDS)),
        v,
    )?;
    let wait_given = members.integer("MaxWaitTimeInSeconds")?.is_some();
    let wait = members.optional_integer("MaxWaitTimeInSeconds", Some(1), None, v)?;
    let pending_given = members.integer("MaxPendingTimeInSeconds")?.is_some();
    let pending = members.optional_integer(
        "MaxPendingTimeInSeconds",
        Some(MIN_PENDING_SECONDS),
        Some(i64::from(MAX_RUNTIME_SECONDS)),
        v,
    )?;
    if let (Some(runtime), Some(wait)) = (runtime, wait)
        && wait < runtime
    {
        v.push(
            members.path_of("MaxWaitTimeInSeconds"),
            Shown::text(wait.to_string()),
            Rule::Other("Member must be greater than or equal to maxRuntimeInSeconds".to_owned()),
        );
        return Ok(None);
    }
    let all_read = runtime_given == runtime.is_some()
        && wait_given == wait.is_some()
        && pending_given == pending.is_some();
    Ok(all_read.then(|| StoppingCondition {
        max_runtime_in_seconds: seconds(runtime),
        max_wait_time_in_seconds: seconds(wait),
        max_pending_time_in_seconds: seconds(pending),
    }))
}

fn is_model_package_version_arn(raw: &str) -> bool {
    let Some(rest) = raw.strip_prefix("arn:aws") else {
        return false;
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition_tail, service, region, account, resource] = parts[..] else {
        return false;
    };
    let region_ok = (9..=16).contains(&region.len())
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    partition_tail
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '-')
        && service == "sagemaker"
        && region_ok
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && resource.strip_prefix("model-package/").is_some_and(|name| {
            (1..=2048).contains(&name.chars().count()) && !name.chars().any(char::is_whitespace)
        })
}

fn is_framework_version(raw: &str) -> bool {
    let mut chars = raw.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_digit()) && chars.next() == Some('.') && {
        let rest = chars.as_str();
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
    }
}

fn is_one_line(raw: &str) -> bool {
    !raw.chars()
        .any(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
}

fn is_vpc_id(raw: &str) -> bool {
    !raw.is_empty() && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests;
