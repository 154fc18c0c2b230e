//! `NextToken`s of the SageMaker List operations: where the previous page ended, bound to the
//! filters it was asked with, so a token used with other filters is refused rather than giving
//! a page of something else.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::Value;

use crate::domain::validation::{MemberPath, RequestError, Rule, Shown, Violations};

/// A token for `position` (a JSON object) under `filters` (a digest of the request's filters).
pub fn encode(filters: &str, mut position: serde_json::Map<String, Value>) -> String {
    position.insert("f".to_owned(), Value::from(filters));
    B64.encode(Value::Object(position).to_string())
}

/// The position a token holds, when it was made under `filters`; a `ValidationException` on
/// `NextToken` otherwise.
pub fn decode(raw: &str, filters: &str) -> Result<Value, RequestError> {
    let token: Value = B64
        .decode(raw)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(invalid)?;
    if token["f"] != filters {
        return Err(invalid());
    }
    Ok(token)
}

/// The error for a token that is not one of ours.
pub fn invalid() -> RequestError {
    let mut v = Violations::default();
    v.push(
        MemberPath::root().member("NextToken"),
        Shown::Hidden,
        Rule::Other("Member must be a token from an earlier call with the same filters".to_owned()),
    );
    RequestError::from(v.finish().expect_err("one violation"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_reads_back_only_under_its_filters() {
        let Value::Object(position) = json!({"c": 5, "n": "a"}) else {
            unreachable!()
        };
        let token = encode("abc", position);
        assert_eq!(decode(&token, "abc").unwrap()["n"], "a");
        assert!(decode(&token, "abd").is_err());
        assert!(decode("not base64!", "abc").is_err());
    }
}
