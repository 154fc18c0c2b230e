//! Deterministic sampling: the same input always draws the same number, so a retried request
//! never re-rolls (spec 4.3: "the result of `Sampling` does not change for the inference of that
//! input").
//!
//! The input is fingerprinted once per evaluation with SHA-256 over a canonical encoding of its
//! JSON (object keys sorted, so key order in the request does not matter). Each `Sampling` node
//! then draws from SHA-256(fingerprint, node path), so two `Sampling` nodes of one document are
//! independent of each other.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The part of `aiServiceRequest` that names the loop, not the input; it is left out of the
/// fingerprint so that re-sending the same image or document under a new loop name draws the
/// same numbers.
const LOOP_SETTINGS: &str = "humanLoopConfig";

/// A fingerprint of one input, salted with the flow definition's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleKey([u8; 32]);

impl SampleKey {
    /// Fingerprints `aiServiceRequest` without its `humanLoopConfig`.
    pub fn of_request(salt: &str, request: &Value) -> Self {
        Self::of(salt, request, Some(LOOP_SETTINGS))
    }

    /// Fingerprints a whole value; used for `aiServiceResponse` when no request is known.
    pub fn of_response(salt: &str, response: &Value) -> Self {
        Self::of(salt, response, None)
    }

    fn of(salt: &str, input: &Value, skip_top_level: Option<&str>) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"loupe-sampling-v1\0");
        hasher.update((salt.len() as u64).to_be_bytes());
        hasher.update(salt.as_bytes());
        feed(&mut hasher, input, skip_top_level);
        Self(hasher.finalize().into())
    }

    /// A number in [0, 100), uniform over the inputs, for the sampling node at `node_path`.
    pub fn draw(&self, node_path: &str) -> SampleDraw {
        let digest = Sha256::new()
            .chain_update(self.0)
            .chain_update(node_path.as_bytes())
            .finalize();
        let bits = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        // The top 53 bits give every representable multiple of 2^-53 in [0, 1) equal weight.
        let unit = (bits >> 11) as f64 / (1u64 << 53) as f64;
        SampleDraw(unit * 100.0)
    }
}

/// A sampling draw in [0, 100). A `Sampling` condition holds when the draw is below its
/// `RandomSamplingPercentage`, so 5 selects 5 % of inputs and 100 selects all of them.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct SampleDraw(f64);

impl SampleDraw {
    pub fn value(self) -> f64 {
        self.0
    }
}

/// A canonical, unambiguous encoding: a type tag per value, lengths before contents, object
/// members sorted by key.
fn feed(hasher: &mut Sha256, value: &Value, skip_key: Option<&str>) {
    match value {
        Value::Null => hasher.update(b"n"),
        Value::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            let text = n.to_string();
            hasher.update(b"d");
            hasher.update((text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
        Value::String(s) => {
            hasher.update(b"s");
            hasher.update((s.len() as u64).to_be_bytes());
            hasher.update(s.as_bytes());
        }
        Value::Array(items) => {
            hasher.update(b"a");
            hasher.update((items.len() as u64).to_be_bytes());
            for item in items {
                feed(hasher, item, None);
            }
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map
                .iter()
                .filter(|(key, _)| Some(key.as_str()) != skip_key)
                .collect();
            members.sort_unstable_by(|a, b| a.0.cmp(b.0));
            hasher.update(b"o");
            hasher.update((members.len() as u64).to_be_bytes());
            for (key, member) in members {
                hasher.update((key.len() as u64).to_be_bytes());
                hasher.update(key.as_bytes());
                feed(hasher, member, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(name: &str, loop_name: &str) -> Value {
        json!({
            "humanLoopConfig": {"flowDefinitionArn": "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/f",
                                "humanLoopName": loop_name},
            "image": {"s3Object": {"bucket": "bucket", "name": name}}
        })
    }

    #[test]
    fn the_same_input_always_draws_the_same_number() {
        let a = SampleKey::of_request("flow", &request("cat.jpg", "loop-1"));
        let b = SampleKey::of_request("flow", &request("cat.jpg", "loop-1"));
        assert_eq!(a.draw("Conditions[0]"), b.draw("Conditions[0]"));
    }

    #[test]
    fn a_new_loop_name_does_not_re_roll() {
        let a = SampleKey::of_request("flow", &request("cat.jpg", "loop-1"));
        let b = SampleKey::of_request("flow", &request("cat.jpg", "retry-7"));
        assert_eq!(a, b);
    }

    #[test]
    fn key_order_does_not_matter_but_content_does() {
        let a: Value = serde_json::from_str(r#"{"x": 1, "y": [true, null, "s"]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"y": [true, null, "s"], "x": 1}"#).unwrap();
        let c: Value = serde_json::from_str(r#"{"y": [true, null, "s"], "x": 2}"#).unwrap();
        assert_eq!(
            SampleKey::of_response("", &a),
            SampleKey::of_response("", &b)
        );
        assert_ne!(
            SampleKey::of_response("", &a),
            SampleKey::of_response("", &c)
        );
    }

    #[test]
    fn salt_and_node_path_give_independent_draws() {
        let input = request("cat.jpg", "loop");
        let key = SampleKey::of_request("flow-a", &input);
        assert_ne!(key, SampleKey::of_request("flow-b", &input));
        assert_ne!(key.draw("Conditions[0]"), key.draw("Conditions[1]"));
    }

    #[test]
    fn draws_are_roughly_uniform_over_inputs() {
        let n = 20_000;
        let mut below_5 = 0;
        let mut buckets = [0u32; 10];
        for i in 0..n {
            let draw = SampleKey::of_request("flow", &request(&format!("img-{i}.jpg"), "l"))
                .draw("Conditions[0]")
                .value();
            assert!((0.0..100.0).contains(&draw));
            if draw < 5.0 {
                below_5 += 1;
            }
            buckets[(draw / 10.0) as usize] += 1;
        }
        // 5 % of 20,000 is 1,000 with a standard deviation of about 31.
        assert!((850..=1150).contains(&below_5), "{below_5}");
        for count in buckets {
            assert!((1700..=2300).contains(&count), "{buckets:?}");
        }
    }
}
