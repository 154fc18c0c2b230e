//! Amazon Resource Names (spec 2.2): building the ARNs Loupe hands out and reading the ones
//! callers send back.
//!
//! `arn:<partition>:sagemaker:<region>:<account-id>:<resource-type>/<name>`, where region and
//! account are this server's (`--region`, `--account-id`), except for the public crowd, which
//! belongs to AWS's account `394669845002`.
//!
//! Case rules (spec 2.2 [IMPL]): names keep their case in `…Name` fields; work team names are
//! lower-cased inside ARNs (A2I names are lower case anyway); and ARNs are resolved
//! case-insensitively, by lower-casing the whole ARN before reading it. A work team found through
//! its ARN must therefore be looked up by name ignoring ASCII case.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::macros::text_newtype;
use crate::domain::names::{FlowDefinitionName, HumanLoopName, HumanTaskUiName, NameError};
use crate::domain::teams::WorkteamName;

/// The AWS account that owns the Mechanical Turk work team.
pub const PUBLIC_CROWD_ACCOUNT_ID: &str = "394669845002";

/// The region and account this server answers for, plus the partition the region lives in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "AccountFields")]
pub struct Account {
    partition: String,
    region: String,
    account_id: String,
}

impl Account {
    /// The server's identity from its `--region` and `--account-id` flags. The partition follows
    /// from the region as in AWS: `cn-…` is `aws-cn`, `us-gov-…` is `aws-us-gov`, `us-isob-…` is
    /// `aws-iso-b`, `us-iso-…` is `aws-iso`, anything else `aws`.
    pub fn new(region: &str, account_id: &str) -> Result<Self, ArnError> {
        if !is_region(region) {
            return Err(ArnError::InvalidRegion(region.to_owned()));
        }
        if !is_account_id(account_id) {
            return Err(ArnError::InvalidAccountId(account_id.to_owned()));
        }
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else if region.starts_with("us-isob-") {
            "aws-iso-b"
        } else if region.starts_with("us-iso-") {
            "aws-iso"
        } else {
            "aws"
        };
        Ok(Self {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account_id: account_id.to_owned(),
        })
    }

    pub fn partition(&self) -> &str {
        &self.partition
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The same partition and region under AWS's public crowd account.
    fn public_crowd(&self) -> Self {
        Self {
            account_id: PUBLIC_CROWD_ACCOUNT_ID.to_owned(),
            ..self.clone()
        }
    }

    pub fn flow_definition_arn(&self, name: &FlowDefinitionName) -> FlowDefinitionArn {
        Arn::new(self.clone(), name.clone())
    }

    pub fn human_task_ui_arn(&self, name: &HumanTaskUiName) -> HumanTaskUiArn {
        Arn::new(self.clone(), name.clone())
    }

    pub fn human_loop_arn(&self, name: &HumanLoopName) -> HumanLoopArn {
        Arn::new(self.clone(), name.clone())
    }

    /// A private team's ARN, `…:workteam/private-crowd/<name in lower case>`.
    pub fn workteam_arn(&self, name: &WorkteamName) -> WorkteamArn {
        // Lower-casing keeps a valid work team name valid.
        let lower = WorkteamName::parse(&name.as_str().to_ascii_lowercase())
            .unwrap_or_else(|_| name.clone());
        WorkteamArn {
            account: self.clone(),
            team: WorkteamRef::Private(lower),
        }
    }

    /// `arn:<partition>:sagemaker:<region>:394669845002:workteam/public-crowd/default`.
    pub fn public_crowd_arn(&self) -> WorkteamArn {
        WorkteamArn {
            account: self.public_crowd(),
            team: WorkteamRef::PublicCrowd,
        }
    }

    /// The ARN of a team reference, private or public.
    pub fn arn_of(&self, team: &WorkteamRef) -> WorkteamArn {
        match team {
            WorkteamRef::Private(name) => self.workteam_arn(name),
            WorkteamRef::PublicCrowd => self.public_crowd_arn(),
        }
    }

    /// Reads an ARN of a named resource of this account and region and returns the name in it.
    fn resolve_named<N: NamedResource>(&self, raw: &str) -> Result<N, ArnError> {
        let arn = Arn::<N>::parse(raw)?;
        expect_owner(raw, &arn.account, self)?;
        Ok(arn.name)
    }

    /// Reads a flow definition ARN of this account and region and returns the name in it.
    pub fn resolve_flow_definition(&self, raw: &str) -> Result<FlowDefinitionName, ArnError> {
        self.resolve_named(raw)
    }

    pub fn resolve_human_task_ui(&self, raw: &str) -> Result<HumanTaskUiName, ArnError> {
        self.resolve_named(raw)
    }

    pub fn resolve_human_loop(&self, raw: &str) -> Result<HumanLoopName, ArnError> {
        self.resolve_named(raw)
    }

    /// Reads a work team ARN: a private team of this account and region, or the public crowd in
    /// this region.
    pub fn resolve_workteam(&self, raw: &str) -> Result<WorkteamRef, ArnError> {
        let arn = WorkteamArn::parse(raw)?;
        let owner = match arn.team {
            WorkteamRef::Private(_) => self.clone(),
            WorkteamRef::PublicCrowd => self.public_crowd(),
        };
        expect_owner(raw, &arn.account, &owner)?;
        Ok(arn.team)
    }
}

fn expect_owner(raw: &str, found: &Account, expected: &Account) -> Result<(), ArnError> {
    let arn = raw.to_owned();
    if found.partition != expected.partition {
        return Err(ArnError::WrongPartition {
            arn,
            found: found.partition.clone(),
            expected: expected.partition.clone(),
        });
    }
    if found.region != expected.region {
        return Err(ArnError::WrongRegion {
            arn,
            found: found.region.clone(),
            expected: expected.region.clone(),
        });
    }
    if found.account_id != expected.account_id {
        return Err(ArnError::WrongAccount {
            arn,
            found: found.account_id.clone(),
            expected: expected.account_id.clone(),
        });
    }
    Ok(())
}

/// [`Account`] as stored, checked again when read back.
#[derive(Deserialize)]
struct AccountFields {
    partition: String,
    region: String,
    account_id: String,
}

impl TryFrom<AccountFields> for Account {
    type Error = ArnError;

    fn try_from(fields: AccountFields) -> Result<Self, ArnError> {
        if !is_partition(&fields.partition) {
            return Err(ArnError::Malformed(fields.partition));
        }
        if !is_region(&fields.region) {
            return Err(ArnError::InvalidRegion(fields.region));
        }
        if !is_account_id(&fields.account_id) {
            return Err(ArnError::InvalidAccountId(fields.account_id));
        }
        Ok(Self {
            partition: fields.partition,
            region: fields.region,
            account_id: fields.account_id,
        })
    }
}

/// A resource whose ARN is `<resource-type>/<name>` under one account.
pub trait NamedResource: Sized + Clone {
    /// The resource type in the ARN, e.g. `flow-definition`.
    const RESOURCE_TYPE: &'static str;
    /// The model's maximum ARN length.
    const MAX_ARN_CHARS: usize;

    /// Whether the name in the ARN is read in its own case. ARNs are otherwise read lower-cased
    /// (docs/resources.md); a human loop's name may have capitals and keeps them.
    const KEEPS_CASE: bool = false;

    fn parse_name(raw: &str) -> Result<Self, NameError>;
    fn name_str(&self) -> &str;
}

/// The lower-case names of [`crate::domain::names`]: each is read by its own parser, and the
/// model caps all three ARNs at 1,024 characters.
macro_rules! a2i_named_resource {
    ($($name:ident => $resource_type:literal, keeps case: $keeps_case:literal),+ $(,)?) => {$(
        impl NamedResource for $name {
            const RESOURCE_TYPE: &'static str = $resource_type;
            const MAX_ARN_CHARS: usize = 1024;
            const KEEPS_CASE: bool = $keeps_case;

            fn parse_name(raw: &str) -> Result<Self, NameError> {
                Self::parse(raw)
            }

            fn name_str(&self) -> &str {
                self.as_str()
            }
        }
    )+};
}

a2i_named_resource! {
    FlowDefinitionName => "flow-definition", keeps case: false,
    HumanTaskUiName => "human-task-ui", keeps case: false,
    HumanLoopName => "human-loop", keeps case: true,
}

/// The ARN of a named resource: its owner and its name. Displays and serialises as the ARN text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn<N> {
    account: Account,
    name: N,
}

pub type FlowDefinitionArn = Arn<FlowDefinitionName>;
pub type HumanTaskUiArn = Arn<HumanTaskUiName>;
pub type HumanLoopArn = Arn<HumanLoopName>;

impl<N: NamedResource> Arn<N> {
    pub fn new(account: Account, name: N) -> Self {
        Self { account, name }
    }

    /// Reads any well-formed ARN of this resource type, whoever owns it; use the
    /// `Account::resolve_…` methods to also require this server's region and account.
    pub fn parse(raw: &str) -> Result<Self, ArnError> {
        let parts = split(raw, N::MAX_ARN_CHARS)?;
        let name = parts.resource_named(raw, N::RESOURCE_TYPE)?;
        let name = if N::KEEPS_CASE {
            parts.as_written(name)
        } else {
            name
        };
        let name = N::parse_name(name).map_err(|err| ArnError::InvalidName {
            arn: raw.to_owned(),
            reason: err.to_string(),
        })?;
        Ok(Self {
            account: parts.account,
            name,
        })
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    pub fn name(&self) -> &N {
        &self.name
    }

    pub fn into_name(self) -> N {
        self.name
    }
}

impl<N: NamedResource> fmt::Display for Arn<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_prefix(f, &self.account)?;
        write!(f, "{}/{}", N::RESOURCE_TYPE, self.name.name_str())
    }
}

impl<N: NamedResource> Serialize for Arn<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, N: NamedResource> Deserialize<'de> for Arn<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ArnVisitor(PhantomData, Self::parse))
    }
}

/// A work team as a flow definition refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkteamRef {
    /// A Loupe team. The name comes from an ARN, so it is in lower case: compare it with team
    /// names ignoring ASCII case.
    Private(WorkteamName),
    /// The Mechanical Turk crowd, `workteam/public-crowd/default`.
    PublicCrowd,
}

impl WorkteamRef {
    pub fn is_public_crowd(&self) -> bool {
        matches!(self, Self::PublicCrowd)
    }
}

/// A work team ARN: `workteam/private-crowd/<name>` or `workteam/public-crowd/default`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkteamArn {
    account: Account,
    team: WorkteamRef,
}

impl WorkteamArn {
    /// The model's maximum length for a work team ARN.
    pub const MAX_ARN_CHARS: usize = 256;

    /// Reads any well-formed work team ARN, whoever owns it. Vendor teams
    /// (`workteam/vendor-crowd/…`) do not exist in Loupe and are refused.
    pub fn parse(raw: &str) -> Result<Self, ArnError> {
        let parts = split(raw, Self::MAX_ARN_CHARS)?;
        let rest = parts.resource_named(raw, "workteam")?;
        let team = match rest.split_once('/') {
            Some(("private-crowd", name)) => {
                let name = WorkteamName::parse(name).map_err(|err| ArnError::InvalidName {
                    arn: raw.to_owned(),
                    reason: err.to_string(),
                })?;
                WorkteamRef::Private(name)
            }
            Some(("public-crowd", "default")) => WorkteamRef::PublicCrowd,
            _ => return Err(ArnError::UnsupportedWorkteam(raw.to_owned())),
        };
        Ok(Self {
            account: parts.account,
            team,
        })
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    pub fn team(&self) -> &WorkteamRef {
        &self.team
    }

    pub fn into_team(self) -> WorkteamRef {
        self.team
    }

    pub fn is_public_crowd(&self) -> bool {
        self.team.is_public_crowd()
    }
}

impl fmt::Display for WorkteamArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_prefix(f, &self.account)?;
        match &self.team {
            WorkteamRef::Private(name) => {
                write!(
                    f,
                    "workteam/private-crowd/{}",
                    name.as_str().to_ascii_lowercase()
                )
            }
            WorkteamRef::PublicCrowd => f.write_str("workteam/public-crowd/default"),
        }
    }
}

impl Serialize for WorkteamArn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WorkteamArn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ArnVisitor(PhantomData, Self::parse))
    }
}

/// Does the work team ARN point at the public crowd, judging by its resource part alone? Used
/// to pick the public crowd's rules before the ARN is resolved against an account.
pub fn names_public_crowd(raw: &str) -> bool {
    raw.rsplit_once(':')
        .is_some_and(|(_, resource)| resource.eq_ignore_ascii_case("workteam/public-crowd/default"))
}

/// The IAM role A2I would assume (`RoleArn`): 20-2048 characters of
/// `arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`. Loupe does not assume roles; it
/// keeps the value so Describe can echo it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleArn(String);

impl RoleArn {
    pub const MIN_CHARS: usize = 20;
    pub const MAX_CHARS: usize = 2048;
    pub const PATTERN: &'static str = r"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+";

    pub fn parse(raw: &str) -> Result<Self, ArnError> {
        let length = raw.chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&length) && is_role_arn(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ArnError::InvalidRole(raw.to_owned()))
        }
    }
}

text_newtype!(RoleArn, parsed by ArnError);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error(
        "{0:?} is not a SageMaker ARN: expected arn:<partition>:sagemaker:<region>:<12-digit account id>:<resource-type>/<name>"
    )]
    Malformed(String),
    #[error("ARN {arn:?} has {length} characters, more than the {max} allowed")]
    TooLong {
        arn: String,
        length: usize,
        max: usize,
    },
    #[error("ARN {arn:?} is for service {found:?}, not sagemaker")]
    WrongService { arn: String, found: String },
    #[error("ARN {arn:?} names a {found:?}, not a {expected}")]
    WrongResourceType {
        arn: String,
        found: String,
        expected: &'static str,
    },
    #[error("ARN {arn:?}: {reason}")]
    InvalidName { arn: String, reason: String },
    #[error(
        "ARN {0:?} is not a work team Loupe knows: use workteam/private-crowd/<team name> or workteam/public-crowd/default"
    )]
    UnsupportedWorkteam(String),
    #[error("ARN {arn:?} is in partition {found:?}, but this server is in {expected:?}")]
    WrongPartition {
        arn: String,
        found: String,
        expected: String,
    },
    #[error("ARN {arn:?} is in region {found:?}, but this server serves {expected:?}")]
    WrongRegion {
        arn: String,
        found: String,
        expected: String,
    },
    #[error("ARN {arn:?} belongs to account {found}, but the resource is in account {expected}")]
    WrongAccount {
        arn: String,
        found: String,
        expected: String,
    },
    #[error("invalid region {0:?}: use lower-case letters, digits and hyphens, like us-east-1")]
    InvalidRegion(String),
    #[error("invalid account id {0:?}: an AWS account id is exactly 12 digits")]
    InvalidAccountId(String),
    #[error("invalid role ARN {0:?}: it must have 20-2048 characters and match {pattern}", pattern = RoleArn::PATTERN)]
    InvalidRole(String),
}

/// The pieces of `arn:partition:service:region:account:resource`, lower-cased, and the
/// resource as written.
struct Parts {
    account: Account,
    resource: String,
    written_resource: String,
}

impl Parts {
    /// `tail` (a suffix of the lower-cased resource) in its written case. ASCII lower-casing
    /// keeps every byte offset, so the suffix of the same length is the same text.
    fn as_written<'a>(&'a self, tail: &str) -> &'a str {
        &self.written_resource[self.written_resource.len() - tail.len()..]
    }

    /// The part of the resource after `<resource_type>/`.
    fn resource_named(&self, raw: &str, resource_type: &'static str) -> Result<&str, ArnError> {
        match self.resource.split_once('/') {
            Some((found, rest)) if found == resource_type => Ok(rest),
            Some((found, _)) => Err(ArnError::WrongResourceType {
                arn: raw.to_owned(),
                found: found.to_owned(),
                expected: resource_type,
            }),
            None => Err(ArnError::WrongResourceType {
                arn: raw.to_owned(),
                found: self.resource.clone(),
                expected: resource_type,
            }),
        }
    }
}

fn split(raw: &str, max_chars: usize) -> Result<Parts, ArnError> {
    let length = raw.chars().count();
    if length > max_chars {
        return Err(ArnError::TooLong {
            arn: raw.to_owned(),
            length,
            max: max_chars,
        });
    }
    let lower = raw.to_ascii_lowercase();
    let malformed = || ArnError::Malformed(raw.to_owned());
    let fields: Vec<&str> = lower.splitn(6, ':').collect();
    let [prefix, partition, service, region, account_id, resource] = fields[..] else {
        return Err(malformed());
    };
    if prefix != "arn" || !is_partition(partition) {
        return Err(malformed());
    }
    if service != "sagemaker" {
        return Err(ArnError::WrongService {
            arn: raw.to_owned(),
            found: service.to_owned(),
        });
    }
    if !is_region(region) {
        return Err(ArnError::InvalidRegion(region.to_owned()));
    }
    if !is_account_id(account_id) {
        return Err(ArnError::InvalidAccountId(account_id.to_owned()));
    }
    let written_resource = raw[raw.len() - resource.len()..].to_owned();
    Ok(Parts {
        account: Account {
            partition: partition.to_owned(),
            region: region.to_owned(),
            account_id: account_id.to_owned(),
        },
        resource: resource.to_owned(),
        written_resource,
    })
}

fn write_prefix(f: &mut fmt::Formatter<'_>, account: &Account) -> fmt::Result {
    write!(
        f,
        "arn:{}:sagemaker:{}:{}:",
        account.partition, account.region, account.account_id
    )
}

struct ArnVisitor<T>(PhantomData<T>, fn(&str) -> Result<T, ArnError>);

impl<T> serde::de::Visitor<'_> for ArnVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SageMaker ARN")
    }

    fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<T, E> {
        (self.1)(raw).map_err(E::custom)
    }
}

/// `aws[a-z\-]*`
fn is_partition(raw: &str) -> bool {
    raw.strip_prefix("aws")
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
}

/// A non-empty `[a-z0-9\-]+` that starts with a letter and does not end with a hyphen.
fn is_region(raw: &str) -> bool {
    raw.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && !raw.ends_with('-')
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Twelve digits (`[0-9]{12}`).
pub fn is_account_id(raw: &str) -> bool {
    raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit())
}

/// The region part of the model's ARN patterns, `[a-z0-9\-]*`: looser than `is_region`, and
/// possibly empty.
pub fn is_pattern_region(raw: &str) -> bool {
    raw.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What follows `arn:aws[a-z\-]*` and then `service`, matched as written with its colons
/// (`:sagemaker:`, `:iam::`), in the model's ARN patterns; `None` when `raw` does not start so.
pub fn after_arn_service<'a>(raw: &'a str, service: &str) -> Option<&'a str> {
    let rest = raw.strip_prefix("arn:aws")?;
    let partition_end = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
        .unwrap_or(rest.len());
    rest[partition_end..].strip_prefix(service)
}

/// Java's line terminators: what `.` does not match in the model's patterns.
pub(crate) fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether the model allows an empty region in an ARN pattern (`[a-z0-9\-]*`) or not (`+`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionInPattern {
    MayBeEmpty,
    Required,
}

/// The model's case-sensitive ARN patterns,
/// `arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:<resource_type>/.*`, over the whole value.
/// This is the request-shape check; resolving the ARN to a resource is [`Account`]'s job.
pub fn matches_model_pattern(raw: &str, resource_type: &str, region: RegionInPattern) -> bool {
    let Some(rest) = after_arn_service(raw, ":sagemaker:") else {
        return false;
    };
    let Some((region_part, rest)) = rest.split_once(':') else {
        return false;
    };
    let region_ok = is_pattern_region(region_part)
        && (region == RegionInPattern::MayBeEmpty || !region_part.is_empty());
    let Some((account_part, rest)) = rest.split_once(':') else {
        return false;
    };
    let Some(name) = rest
        .strip_prefix(resource_type)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return false;
    };
    region_ok && is_account_id(account_part) && !name.chars().any(is_line_terminator)
}

/// `arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+` over the whole value. The optional
/// `/` is also in the final class, so the rule is: at least one class character after `:role`.
pub fn is_role_arn(raw: &str) -> bool {
    let Some(rest) = after_arn_service(raw, ":iam::") else {
        return false;
    };
    let Some((account_part, path)) = rest.split_once(':') else {
        return false;
    };
    let Some(path) = path.strip_prefix("role") else {
        return false;
    };
    is_account_id(account_part)
        && !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-/".contains(c))
}

#[cfg(test)]
mod tests;
