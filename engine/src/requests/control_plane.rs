//! The SageMaker control plane's requests that are not a resource's own Create: the name of the
//! resource a Describe or Delete is about, and the members every List operation shares (time
//! filters, sort order, page size and a page token bound to them), read with AWS's member
//! messages.

use serde_json::{Value, json};

use crate::domain::clock::Timestamp;
use crate::domain::digest::sha256_hex;
use crate::domain::names::NameError;
use crate::domain::page_tokens;
use crate::domain::teams::WorkteamName;
use crate::domain::validation::{
    MemberPath, Members, RequestError, Rule, ShapeError, Shown, Violations,
};

/// `MaxResults` when the caller gives none.
const DEFAULT_MAX_RESULTS: usize = 100;

/// A request whose only member is a required name (`FlowDefinitionName`, `HumanTaskUiName`).
pub fn name_member<T>(
    request: &Value,
    member: &str,
    parse: fn(&str) -> Result<T, NameError>,
) -> Result<T, RequestError> {
    let root = Members::of_request(request)?;
    let mut violations = Violations::default();
    let name = required_name(&root, member, parse, &mut violations)?;
    violations.finish()?;
    Ok(name.expect("recorded when absent or invalid"))
}

/// A required name member of `root`; `None` when absent or invalid (and recorded as such).
pub fn required_name<T>(
    root: &Members<'_>,
    member: &str,
    parse: fn(&str) -> Result<T, NameError>,
    violations: &mut Violations,
) -> Result<Option<T>, ShapeError> {
    let path = root.path_of(member);
    let raw = violations.required(&path, root.string(member)?);
    Ok(raw.and_then(|raw| violations.name(&path, parse(raw))))
}

/// A member that takes one of two values, `[first, second]` in the order AWS's message lists
/// them: whether it is `first`; `None` when it is absent, or is neither (and recorded, so the
/// request fails whatever the caller reads it as).
pub fn one_of_two(
    path: MemberPath,
    raw: Option<&str>,
    [first, second]: [&'static str; 2],
    violations: &mut Violations,
) -> Option<bool> {
    match raw? {
        value if value == first => Some(true),
        value if value == second => Some(false),
        other => {
            violations.push(
                path,
                Shown::text(other),
                Rule::EnumValueSet(vec![first, second]),
            );
            None
        }
    }
}

/// [`one_of_two`] for a string member of the request body.
fn member_one_of_two(
    root: &Members<'_>,
    member: &str,
    values: [&'static str; 2],
    violations: &mut Violations,
) -> Result<Option<bool>, ShapeError> {
    let raw = root.string(member)?;
    Ok(one_of_two(root.path_of(member), raw, values, violations))
}

/// `WorkteamName` (letters of either case, digits, hyphens).
pub fn workteam_name(request: &Value) -> Result<WorkteamName, RequestError> {
    let root = Members::of_request(request)?;
    let mut v = Violations::default();
    let path = root.path_of("WorkteamName");
    let raw = v.required(&path, root.string("WorkteamName")?);
    let name = raw.and_then(|raw| match WorkteamName::parse(raw) {
        Ok(name) => Some(name),
        Err(_) => {
            v.push(
                path.clone(),
                Shown::text(raw),
                Rule::Pattern(WorkteamName::PATTERN),
            );
            None
        }
    });
    v.finish()?;
    Ok(name.expect("recorded when absent or invalid"))
}

/// `ListWorkteams`' own members: sorted by name (else by creation), and the part of a name
/// a team must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkteamFilter {
    pub by_name: bool,
    pub contains: Option<String>,
}

/// Reads `SortBy` and `NameContains` of `ListWorkteams`.
pub fn workteam_filter(request: &Value) -> Result<WorkteamFilter, RequestError> {
    let root = Members::of_request(request)?;
    let mut v = Violations::default();
    let by_name =
        member_one_of_two(&root, "SortBy", ["Name", "CreateDate"], &mut v)?.unwrap_or(false);
    let contains = root.string("NameContains")?;
    if let Some(part) = contains
        && WorkteamName::parse(part).is_err()
    {
        v.push(
            root.path_of("NameContains"),
            Shown::text(part),
            Rule::Pattern(WorkteamName::PATTERN),
        );
    }
    v.finish()?;
    Ok(WorkteamFilter {
        by_name,
        contains: contains.map(str::to_owned),
    })
}

/// The common members of the SageMaker List operations: time filters (epoch seconds), sort
/// order (Loupe's default: newest first), page size (default 100) and a token bound to them.
pub struct ListPage {
    after: Option<f64>,
    before: Option<f64>,
    ascending: bool,
    max_results: usize,
    filters: String,
    /// The (creation ms, name) the previous page ended with.
    resume: Option<(i64, String)>,
}

impl ListPage {
    pub fn parse(
        request: &Value,
        operation: &str,
        default_ascending: bool,
    ) -> Result<Self, RequestError> {
        let root = Members::of_request(request)?;
        let mut v = Violations::default();
        let number = |member: &str, v: &mut Violations| -> Option<f64> {
            match request.get(member) {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s
                    .parse::<f64>()
                    .ok()
                    .or_else(|| {
                        time::OffsetDateTime::parse(
                            s,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                        .map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
                    })
                    .or_else(|| {
                        v.push(
                            root.path_of(member),
                            Shown::text(s.clone()),
                            Rule::Other("Member must be a timestamp".to_owned()),
                        );
                        None
                    }),
                Some(_) => {
                    v.push(
                        root.path_of(member),
                        Shown::Hidden,
                        Rule::Other("Member must be a timestamp".to_owned()),
                    );
                    None
                }
            }
        };
        let after = number("CreationTimeAfter", &mut v);
        let before = number("CreationTimeBefore", &mut v);
        let ascending = member_one_of_two(&root, "SortOrder", ["Ascending", "Descending"], &mut v)?
            .unwrap_or(default_ascending);
        let max_results = root
            .optional_integer("MaxResults", Some(1), Some(100), &mut v)?
            .map_or(DEFAULT_MAX_RESULTS, |n| n as usize);
        let token = root.string("NextToken")?;
        v.finish()?;
        let filters = {
            let text = format!("{operation}|{after:?}|{before:?}|{ascending}");
            sha256_hex(text.as_bytes(), 12)
        };
        let mut page = Self {
            after,
            before,
            ascending,
            max_results,
            filters,
            resume: None,
        };
        if let Some(token) = token {
            page.resume = Some(page.read_token(token)?);
        }
        Ok(page)
    }

    fn read_token(&self, raw: &str) -> Result<(i64, String), RequestError> {
        let token = page_tokens::decode(raw, &self.filters)?;
        match (token["c"].as_i64(), token["n"].as_str()) {
            (Some(created), Some(name)) => Ok((created, name.to_owned())),
            _ => Err(page_tokens::invalid()),
        }
    }

    /// Filters, sorts (creation time, then name) and pages `items`: the page, and the token of
    /// the next one when there is more.
    pub fn page<T>(&self, mut items: Vec<(Timestamp, String, T)>) -> (Vec<T>, Option<String>) {
        let after_ms = self.after.map(|s| (s * 1000.0).round() as i64);
        let before_ms = self.before.map(|s| (s * 1000.0).round() as i64);
        items.retain(|(at, _, _)| {
            after_ms.is_none_or(|a| at.as_millis() >= a)
                && before_ms.is_none_or(|b| at.as_millis() < b)
        });
        items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        if !self.ascending {
            items.reverse();
        }
        if let Some((created, name)) = &self.resume {
            let key = (Timestamp::from_millis(*created), name.clone());
            items.retain(|(at, n, _)| {
                let here = (*at, n.clone());
                if self.ascending {
                    here > key
                } else {
                    here < key
                }
            });
        }
        let more = items.len() > self.max_results;
        items.truncate(self.max_results);
        let next = match items.last() {
            Some((at, name, _)) if more => {
                let mut position = serde_json::Map::new();
                position.insert("c".to_owned(), json!(at.as_millis()));
                position.insert("n".to_owned(), json!(name));
                Some(page_tokens::encode(&self.filters, position))
            }
            _ => None,
        };
        (items.into_iter().map(|(_, _, item)| item).collect(), next)
    }
}
