//! `ListCompilationJobs` (spec 3.5.3): every filter of the model, the sort (`SortBy` `Name`,
//! `CreationTime` or `Status`; `SortOrder` ascending by default), and pages bound to the
//! filters by their token.
//!
//! The store returns the jobs the time and status filters keep (indexed); the name filter,
//! sort and page are applied here.

use serde_json::{Value, json};

use super::jobs::{CompilationJobStatus, CompilationJobSummary};
use crate::domain::clock::Timestamp;
use crate::domain::digest::sha256_hex;
use crate::domain::page_tokens;
use crate::domain::validation::{
    Members, Pattern, RequestError, Rule, Shown, StringRule, Violations,
};

/// SageMaker's page size when `MaxResults` is not given.
pub const DEFAULT_MAX_RESULTS: usize = 10;

const NAME_CONTAINS: StringRule = StringRule {
    min: 0,
    max: 63,
    pattern: Some(Pattern {
        regex: r"[a-zA-Z0-9\-]+",
        matches: |raw| {
            !raw.is_empty() && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        },
    }),
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    CreationTime,
    Status,
}

/// A `ListCompilationJobs` request, read.
#[derive(Debug, Clone, PartialEq)]
pub struct JobQuery {
    pub created_after: Option<Timestamp>,
    pub created_before: Option<Timestamp>,
    pub modified_after: Option<Timestamp>,
    pub modified_before: Option<Timestamp>,
    pub name_contains: Option<String>,
    pub status: Option<CompilationJobStatus>,
    pub sort_by: SortBy,
    pub ascending: bool,
    pub max_results: usize,
    /// The sort key the previous page ended with.
    resume: Option<SortKey>,
    filters: String,
}

/// (the sorted value, creation time, name): unique per job, so pages never repeat or skip one.
type SortKey = (String, i64, String);

impl JobQuery {
    pub fn parse(request: &Value) -> Result<Self, RequestError> {
        let root = Members::of_request(request)?;
        let mut v = Violations::default();
        let created_after = timestamp(request, &root, "CreationTimeAfter", &mut v);
        let created_before = timestamp(request, &root, "CreationTimeBefore", &mut v);
        let modified_after = timestamp(request, &root, "LastModifiedTimeAfter", &mut v);
        let modified_before = timestamp(request, &root, "LastModifiedTimeBefore", &mut v);
        let name_contains = root.optional_string("NameContains", &NAME_CONTAINS, &mut v)?;
        let status = match root.string("StatusEquals")? {
            None => None,
            Some(raw) => CompilationJobStatus::parse(raw).or_else(|| {
                let values = CompilationJobStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect();
                v.push(
                    root.path_of("StatusEquals"),
                    Shown::text(raw),
                    Rule::EnumValueSet(values),
                );
                None
            }),
        };
        let sort_by = match root.string("SortBy")? {
            None | Some("CreationTime") => SortBy::CreationTime,
            Some("Name") => SortBy::Name,
            Some("Status") => SortBy::Status,
            Some(other) => {
                v.push(
                    root.path_of("SortBy"),
                    Shown::text(other),
                    Rule::EnumValueSet(vec!["Name", "CreationTime", "Status"]),
                );
                SortBy::CreationTime
            }
        };
        let ascending = match root.string("SortOrder")? {
            None | Some("Ascending") => true,
            Some("Descending") => false,
            Some(other) => {
                v.push(
                    root.path_of("SortOrder"),
                    Shown::text(other),
                    Rule::EnumValueSet(vec!["Ascending", "Descending"]),
                );
                true
            }
        };
        let max_results = root
            .optional_integer("MaxResults", Some(1), Some(100), &mut v)?
            .map_or(DEFAULT_MAX_RESULTS, |n| n as usize);
        let token = root.string("NextToken")?;
        v.finish()?;
        let filters = sha256_hex(
            format!(
                "ListCompilationJobs|{created_after:?}|{created_before:?}|{modified_after:?}|\
                 {modified_before:?}|{name_contains:?}|{status:?}|{sort_by:?}|{ascending}"
            )
            .as_bytes(),
            12,
        );
        let mut query = Self {
            created_after,
            created_before,
            modified_after,
            modified_before,
            name_contains: name_contains.map(str::to_owned),
            status,
            sort_by,
            ascending,
            max_results,
            resume: None,
            filters,
        };
        if let Some(token) = token {
            query.resume = Some(query.read_token(token)?);
        }
        Ok(query)
    }

    fn read_token(&self, raw: &str) -> Result<SortKey, RequestError> {
        let token = page_tokens::decode(raw, &self.filters)?;
        match (
            token["k"].as_str(),
            token["c"].as_i64(),
            token["n"].as_str(),
        ) {
            (Some(key), Some(created), Some(name)) => {
                Ok((key.to_owned(), created, name.to_owned()))
            }
            _ => Err(page_tokens::invalid()),
        }
    }

    fn sort_key(&self, job: &CompilationJobSummary) -> SortKey {
        let value = match self.sort_by {
            SortBy::Name => job.name.as_str().to_ascii_lowercase(),
            SortBy::CreationTime => String::new(),
            SortBy::Status => job.status.as_str().to_owned(),
        };
        (
            value,
            job.created_at.as_millis(),
            job.name.as_str().to_owned(),
        )
    }

    /// Applies the name filter, sorts and pages `jobs` (already filtered by time and status):
    /// the page, and the token of the next one when there is more.
    pub fn page(
        &self,
        jobs: Vec<CompilationJobSummary>,
    ) -> (Vec<CompilationJobSummary>, Option<String>) {
        let needle = self.name_contains.as_deref().map(str::to_ascii_lowercase);
        let mut keyed: Vec<(SortKey, CompilationJobSummary)> = jobs
            .into_iter()
            .filter(|job| self.keeps(job))
            .filter(|job| {
                needle
                    .as_deref()
                    .is_none_or(|part| job.name.as_str().to_ascii_lowercase().contains(part))
            })
            .map(|job| (self.sort_key(&job), job))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        if !self.ascending {
            keyed.reverse();
        }
        if let Some(resume) = &self.resume {
            keyed.retain(|(key, _)| {
                if self.ascending {
                    key > resume
                } else {
                    key < resume
                }
            });
        }
        let more = keyed.len() > self.max_results;
        keyed.truncate(self.max_results);
        let next = match keyed.last() {
            Some(((key, created, name), _)) if more => {
                let mut position = serde_json::Map::new();
                position.insert("k".to_owned(), json!(key));
                position.insert("c".to_owned(), json!(created));
                position.insert("n".to_owned(), json!(name));
                Some(page_tokens::encode(&self.filters, position))
            }
            _ => None,
        };
        (keyed.into_iter().map(|(_, job)| job).collect(), next)
    }

    /// The time and status filters (the store applies them too; kept here so the page is right
    /// whatever the store returns).
    fn keeps(&self, job: &CompilationJobSummary) -> bool {
        self.created_after.is_none_or(|t| job.created_at > t)
            && self.created_before.is_none_or(|t| job.created_at < t)
            && self.modified_after.is_none_or(|t| job.last_modified_at > t)
            && self
                .modified_before
                .is_none_or(|t| job.last_modified_at < t)
            && self.status.is_none_or(|s| job.status == s)
    }
}

/// A timestamp member: epoch seconds as a JSON number (boto3), or text (the CLI may send
/// either the number or ISO 8601).
fn timestamp(
    request: &Value,
    root: &Members<'_>,
    member: &str,
    v: &mut Violations,
) -> Option<Timestamp> {
    let seconds = match request.get(member) {
        None | Some(Value::Null) => return None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.parse::<f64>().ok().or_else(|| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
        }),
        Some(_) => None,
    };
    match seconds {
        Some(seconds) if seconds.is_finite() => {
            Some(Timestamp::from_millis((seconds * 1000.0).round() as i64))
        }
        _ => {
            v.push(
                root.path_of(member),
                Shown::Hidden,
                Rule::Other("Member must be a timestamp".to_owned()),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
