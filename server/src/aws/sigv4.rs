//! AWS Signature Version 4, header form (`Authorization: AWS4-HMAC-SHA256 …`), as the AWS SDKs
//! and the AWS CLI sign SageMaker and A2I runtime requests.
//!
//! Verification rebuilds the canonical request from what arrived: the method, the path (encoded
//! once more, as SigV4 asks of every service but S3), the query with each name and value decoded
//! and re-encoded the SigV4 way and sorted, the headers the client says it signed, and the SHA-256
//! of the body that actually arrived. The signature is then computed with the key's secret and
//! compared in constant time. Pure: the caller finds the secret and supplies the clock.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use http::HeaderMap;
use loupe_engine::domain::digest::hex;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::macros::format_description;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// How far the client's clock may be from ours, either way (AWS's window).
pub const MAX_CLOCK_SKEW: time::Duration = time::Duration::minutes(15);

/// The header value some clients send instead of a body hash; refused, since the body must be
/// covered by the signature.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Why a signed request was refused, each with AWS's error type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// `IncompleteSignatureException`: the Authorization header or X-Amz-Date is malformed.
    #[error("{0}")]
    Incomplete(String),
    /// `InvalidSignatureException`: well-formed, but wrong (signature, scope, time, payload).
    #[error("{0}")]
    Invalid(String),
}

impl SigV4Error {
    pub fn aws_error_type(&self) -> &'static str {
        match self {
            Self::Incomplete(_) => "IncompleteSignatureException",
            Self::Invalid(_) => "InvalidSignatureException",
        }
    }
}

/// `Credential=<key>/<date>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    /// `YYYYMMDD`.
    pub date: String,
    pub region: String,
    pub service: String,
}

impl Credential {
    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub credential: Credential,
    /// Lower-case header names, as the client listed them.
    pub signed_headers: Vec<String>,
    /// 64 lower-case hex digits.
    pub signature: String,
}

impl Authorization {
    /// True when the header claims this scheme at all (other schemes are not SigV4's business).
    pub fn is_sigv4(raw: &str) -> bool {
        raw.trim_start().starts_with(ALGORITHM)
    }

    pub fn parse(raw: &str) -> Result<Self, SigV4Error> {
        let rest = raw.trim().strip_prefix(ALGORITHM).ok_or_else(|| {
            SigV4Error::Incomplete(format!("Unsupported signing algorithm; use {ALGORITHM}"))
        })?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (name, value) = part.split_once('=').ok_or_else(|| {
                SigV4Error::Incomplete(format!(
                    "Authorization header requires each component to be of the form key=value; got '{part}'"
                ))
            })?;
            match name {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
        let missing = |what: &str| {
            SigV4Error::Incomplete(format!(
                "Authorization header requires '{what}' parameter. Authorization={}",
                raw.trim()
            ))
        };
        let credential = credential.ok_or_else(|| missing("Credential"))?;
        let signed_headers = signed_headers.ok_or_else(|| missing("SignedHeaders"))?;
        let signature = signature.ok_or_else(|| missing("Signature"))?;

        let parts: Vec<&str> = credential.split('/').collect();
        let [key, date, region, service, terminator] = parts[..] else {
            return Err(SigV4Error::Incomplete(format!(
                "Credential should have exactly 5 slash-separated parts: \
                 <key>/<YYYYMMDD>/<region>/<service>/aws4_request; got '{credential}'"
            )));
        };
        if terminator != "aws4_request" {
            return Err(SigV4Error::Incomplete(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'"
            )));
        }
        if key.is_empty() || region.is_empty() || service.is_empty() {
            return Err(SigV4Error::Incomplete(format!(
                "Credential has an empty part: '{credential}'"
            )));
        }
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SigV4Error::Incomplete(format!(
                "Credential should be scoped to a valid date (YYYYMMDD), not '{date}'"
            )));
        }
        let signed_headers: Vec<String> = signed_headers
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if signed_headers.iter().any(String::is_empty) {
            return Err(SigV4Error::Incomplete(format!(
                "SignedHeaders has an empty name: '{}'",
                signed_headers.join(";")
            )));
        }
        if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SigV4Error::Incomplete(
                "Signature should be 64 hexadecimal digits".to_owned(),
            ));
        }
        Ok(Self {
            credential: Credential {
                access_key_id: key.to_owned(),
                date: date.to_owned(),
                region: region.to_owned(),
                service: service.to_owned(),
            },
            signed_headers,
            signature: signature.to_ascii_lowercase(),
        })
    }
}

/// A request as it arrived, in the pieces SigV4 covers.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    /// The query string as sent (without `?`), still percent-encoded.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// What the server expects of the credential scope.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub now: OffsetDateTime,
}

/// The checks that need no body and no secret: the scope, the signing time, and that the
/// headers which say what the request does are signed. Run before the body is read.
/// Returns the request's `X-Amz-Date`.
pub fn check_headers(
    headers: &HeaderMap,
    authorization: &Authorization,
    expect: &Expectations<'_>,
) -> Result<String, SigV4Error> {
    let credential = &authorization.credential;
    if credential.service != expect.service {
        return Err(SigV4Error::Invalid(format!(
            "Credential should be scoped to correct service: '{}'.",
            expect.service
        )));
    }
    if credential.region != expect.region {
        return Err(SigV4Error::Invalid(format!(
            "Credential should be scoped to a valid region, not '{}'. This server is in '{}'.",
            credential.region, expect.region
        )));
    }
    if !authorization.signed_headers.iter().any(|h| h == "host") {
        return Err(SigV4Error::Invalid(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
        ));
    }
    if header_text(headers, "x-amz-content-sha256").as_deref() == Some(UNSIGNED_PAYLOAD) {
        return Err(SigV4Error::Invalid(
            "UNSIGNED-PAYLOAD is not accepted: the request body must be signed.".to_owned(),
        ));
    }
    // `x-amz-target` picks the operation and `content-type` the protocol: a captured request
    // whose signature did not cover them could be re-aimed at another operation.
    let unsigned: Vec<&str> = headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| name.starts_with("x-amz-") || *name == "content-type")
        .filter(|name| !authorization.signed_headers.iter().any(|h| h == name))
        .collect();
    if !unsigned.is_empty() {
        return Err(SigV4Error::Invalid(format!(
            "There were headers present in the request which were not signed: {}",
            unsigned.join(", ")
        )));
    }
    let amz_date = header_text(headers, "x-amz-date").ok_or_else(|| {
        SigV4Error::Incomplete(
            "Authorization header requires existence of a 'X-Amz-Date' header.".to_owned(),
        )
    })?;
    let signed_at = parse_amz_date(&amz_date)?;
    if amz_date[..8] != credential.date {
        return Err(SigV4Error::Invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '{}' != '{}', from '{amz_date}'.",
            credential.date,
            &amz_date[..8]
        )));
    }
    if signed_at < expect.now - MAX_CLOCK_SKEW {
        return Err(SigV4Error::Invalid(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
            amz_format(expect.now - MAX_CLOCK_SKEW),
            amz_format(expect.now)
        )));
    }
    if signed_at > expect.now + MAX_CLOCK_SKEW {
        return Err(SigV4Error::Invalid(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
            amz_format(expect.now + MAX_CLOCK_SKEW),
            amz_format(expect.now)
        )));
    }
    Ok(amz_date)
}

/// Checks `authorization` against the request and the key's secret.
pub fn verify(
    request: &RequestParts<'_>,
    authorization: &Authorization,
    secret_access_key: &str,
    expect: &Expectations<'_>,
) -> Result<(), SigV4Error> {
    let amz_date = check_headers(request.headers, authorization, expect)?;
    let body_hash = hex(&Sha256::digest(request.body));
    if let Some(claimed) = header_text(request.headers, "x-amz-content-sha256")
        && claimed != body_hash
    {
        return Err(SigV4Error::Invalid(
            "The provided 'x-amz-content-sha256' header does not match what was computed."
                .to_owned(),
        ));
    }
    let canonical = canonical_request(request, &authorization.signed_headers, &body_hash)?;
    let expected = signature(
        secret_access_key,
        &authorization.credential,
        &amz_date,
        &canonical,
    );
    if bool::from(
        expected
            .as_bytes()
            .ct_eq(authorization.signature.as_bytes()),
    ) {
        Ok(())
    } else {
        Err(SigV4Error::Invalid(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
                .to_owned(),
        ))
    }
}

/// Signs a request the way an SDK does (for Loupe's own clients and tests): the value of the
/// `Authorization` header for `request`, which must already carry `host` and `x-amz-date` and
/// every other header in `signed_headers` (lower-case, sorted).
pub fn sign(
    request: &RequestParts<'_>,
    signed_headers: &[&str],
    credential: &Credential,
    secret_access_key: &str,
) -> Result<String, SigV4Error> {
    let amz_date = header_text(request.headers, "x-amz-date")
        .ok_or_else(|| SigV4Error::Incomplete("X-Amz-Date is required".to_owned()))?;
    let signed: Vec<String> = signed_headers.iter().map(|h| (*h).to_owned()).collect();
    let body_hash = hex(&Sha256::digest(request.body));
    let canonical = canonical_request(request, &signed, &body_hash)?;
    Ok(format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
        credential.access_key_id,
        credential.scope(),
        signed.join(";"),
        signature(secret_access_key, credential, &amz_date, &canonical)
    ))
}

/// `X-Amz-Date` for a moment: `YYYYMMDD'T'HHMMSS'Z'`.
pub fn amz_date(at: OffsetDateTime) -> String {
    amz_format(at)
}

/// The signature of a canonical request: hex of HMAC(signing key, string to sign).
pub fn signature(
    secret_access_key: &str,
    credential: &Credential,
    amz_date: &str,
    canonical_request: &str,
) -> String {
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        credential.scope(),
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = signing_key(secret_access_key, credential);
    hex(&hmac(&key, string_to_sign.as_bytes()))
}

fn signing_key(secret_access_key: &str, credential: &Credential) -> [u8; 32] {
    let date = hmac(
        format!("AWS4{secret_access_key}").as_bytes(),
        credential.date.as_bytes(),
    );
    let region = hmac(&date, credential.region.as_bytes());
    let service = hmac(&region, credential.service.as_bytes());
    hmac(&service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The canonical request of SigV4, with the body's hash already computed.
pub fn canonical_request(
    request: &RequestParts<'_>,
    signed_headers: &[String],
    body_hash: &str,
) -> Result<String, SigV4Error> {
    let mut canonical = String::with_capacity(256);
    canonical.push_str(request.method);
    canonical.push('\n');
    canonical.push_str(&encode(&normalize_path(request.path), false));
    canonical.push('\n');
    canonical.push_str(&canonical_query(request.query.unwrap_or("")));
    canonical.push('\n');
    for name in signed_headers {
        let values: Vec<String> = request
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| {
                v.to_str()
                    .map(collapse_spaces)
                    .map_err(|_| SigV4Error::Invalid(format!("header {name} is not visible ASCII")))
            })
            .collect::<Result<_, _>>()?;
        if values.is_empty() {
            return Err(SigV4Error::Invalid(format!(
                "The request signed header '{name}' but does not carry it."
            )));
        }
        let _ = writeln!(canonical, "{name}:{}", values.join(","));
    }
    canonical.push('\n');
    canonical.push_str(&signed_headers.join(";"));
    canonical.push('\n');
    canonical.push_str(body_hash);
    Ok(canonical)
}

/// Names and values decoded, re-encoded the SigV4 way, sorted by name then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&decode(name), true), encode(&decode(value), true))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 3986 path normalisation as the SDKs do it: `.` and `..` segments and empty segments go,
/// a trailing slash stays, the empty path is `/`.
fn normalize_path(path: &str) -> String {
    if path.is_empty() || path == "/" {
        return "/".to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut normalized = format!("/{}", segments.join("/"));
    if path.ends_with('/') && normalized != "/" {
        normalized.push('/');
    }
    normalized
}

/// Percent-encodes everything but the unreserved characters (and `/` unless `slash`).
fn encode(raw: &str, slash: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (byte == b'/' && !slash);
        if keep {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Percent-decoding; `+` stays `+` (SigV4 does not treat it as a space).
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(high * 16 + low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

fn parse_amz_date(raw: &str) -> Result<OffsetDateTime, SigV4Error> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(raw, format)
        .map(|t| t.assume_utc())
        .map_err(|_| {
            SigV4Error::Incomplete(format!(
                "X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', not '{raw}'"
            ))
        })
}

fn amz_format(at: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    at.format(format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use time::macros::datetime;

    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const NOW: OffsetDateTime = datetime!(2026-11-26 12:03:00 UTC);

    /// Requests signed by botocore 1.44.8's `SigV4Auth` (service `sagemaker`, `us-east-1`,
    /// 2026-11-26T12:00:00Z): the signatures Loupe must accept.
    struct Signed {
        method: &'static str,
        host: &'static str,
        path: &'static str,
        query: Option<&'static str>,
        headers: &'static [(&'static str, &'static str)],
        body: &'static str,
        authorization: &'static str,
    }

    const BOTOCORE: [Signed; 4] = [
        Signed {
            method: "POST",
            host: "127.0.0.1:3000",
            path: "/",
            query: None,
            headers: &[
                ("x-amz-target", "SageMaker.DescribeFlowDefinition"),
                ("content-type", "application/x-amz-json-1.1"),
            ],
            body: r#"{"FlowDefinitionName": "my-flow"}"#,
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=20337bb91a3e04f8e40e40979ed15c61480955afe7dfbf8563989444435dc15a",
        },
        Signed {
            method: "GET",
            host: "127.0.0.1:3000",
            path: "/human-loops",
            query: Some(
                "FlowDefinitionArn=arn%3Aaws%3Asagemaker%3Aus-east-1%3A000000000000%3Aflow-definition%2Fmy-flow&SortOrder=Ascending&MaxResults=10",
            ),
            headers: &[],
            body: "",
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=9cfde5534b9cf057daf987c3d9ff2417ac97f52bbe8ef29a995d3d6e44cbff7f",
        },
        Signed {
            method: "DELETE",
            host: "localhost:3000",
            path: "/human-loops/my-loop-1",
            query: None,
            headers: &[],
            body: "",
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=b3094ada6b375ac1555b44fbcbc7aefc514c41c93fa755175fc0f48f7f0756e1",
        },
        Signed {
            method: "POST",
            host: "127.0.0.1:3000",
            path: "/human-loops",
            query: None,
            headers: &[("content-type", "application/json")],
            body: r#"{"HumanLoopName": "a b", "InputContent": "{\"x\": \"\u00e9\"}"}"#,
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=e629af2a8b36d59f6c9eaedab822c4437fe627ae19ab2b7812d18922f2d41994",
        },
    ];

    fn headers_of(signed: &Signed) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static(signed.host));
        headers.insert("x-amz-date", HeaderValue::from_static("20261126T120000Z"));
        for (name, value) in signed.headers {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    fn check(
        signed: &Signed,
        headers: &HeaderMap,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), SigV4Error> {
        let request = RequestParts {
            method: signed.method,
            path: signed.path,
            query: signed.query,
            headers,
            body,
        };
        let authorization = Authorization::parse(signed.authorization)?;
        let expect = Expectations {
            region: "us-east-1",
            service: "sagemaker",
            now,
        };
        verify(&request, &authorization, SECRET, &expect)
    }

    #[test]
    fn accepts_what_botocore_signs() {
        for signed in &BOTOCORE {
            let headers = headers_of(signed);
            check(signed, &headers, signed.body.as_bytes(), NOW)
                .unwrap_or_else(|e| panic!("{} {}: {e}", signed.method, signed.path));
        }
    }

    #[test]
    fn headers_that_choose_the_operation_must_be_signed() {
        // A request signed without x-amz-target, with one added afterwards: re-aimed at another
        // operation, although its signature is otherwise correct.
        let listing = &BOTOCORE[1];
        let mut headers = headers_of(listing);
        check(listing, &headers, b"", NOW).unwrap();
        headers.insert(
            "x-amz-target",
            HeaderValue::from_static("SageMaker.DeleteFlowDefinition"),
        );
        let error = check(listing, &headers, b"", NOW).unwrap_err();
        assert_eq!(error.aws_error_type(), "InvalidSignatureException");
        assert!(
            error.to_string().contains("not signed: x-amz-target"),
            "{error}"
        );

        let mut headers = headers_of(listing);
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let error = check(listing, &headers, b"", NOW).unwrap_err();
        assert!(
            error.to_string().contains("not signed: content-type"),
            "{error}"
        );

        // Headers outside the rule (user-agent, which botocore never signs) are fine.
        let mut headers = headers_of(listing);
        headers.insert("user-agent", HeaderValue::from_static("Boto3/1.44.8"));
        check(listing, &headers, b"", NOW).unwrap();
    }

    #[test]
    fn a_changed_body_header_query_or_secret_breaks_the_signature() {
        let signed = &BOTOCORE[0];
        let headers = headers_of(signed);
        let error =
            check(signed, &headers, br#"{"FlowDefinitionName": "other"}"#, NOW).unwrap_err();
        assert_eq!(error.aws_error_type(), "InvalidSignatureException");
        assert!(error.to_string().contains("does not match"));

        let mut changed = headers.clone();
        changed.insert(
            "x-amz-target",
            HeaderValue::from_static("SageMaker.DeleteFlowDefinition"),
        );
        assert!(check(signed, &changed, signed.body.as_bytes(), NOW).is_err());

        let listing = &BOTOCORE[1];
        let tampered = Signed {
            query: Some(
                "FlowDefinitionArn=arn%3Aaws%3Asagemaker%3Aus-east-1%3A000000000000%3Aflow-definition%2Fmy-flow&SortOrder=Descending&MaxResults=10",
            ),
            ..*listing
        };
        assert!(check(&tampered, &headers_of(listing), b"", NOW).is_err());

        let request = RequestParts {
            method: signed.method,
            path: signed.path,
            query: None,
            headers: &headers,
            body: signed.body.as_bytes(),
        };
        let expect = Expectations {
            region: "us-east-1",
            service: "sagemaker",
            now: NOW,
        };
        let authorization = Authorization::parse(signed.authorization).unwrap();
        assert!(verify(&request, &authorization, "not the secret", &expect).is_err());
    }

    #[test]
    fn query_order_and_encoding_do_not_matter() {
        let listing = &BOTOCORE[1];
        let reordered = Signed {
            query: Some(
                "SortOrder=Ascending&MaxResults=10&FlowDefinitionArn=arn:aws:sagemaker:us-east-1:000000000000:flow-definition%2fmy-flow",
            ),
            ..*listing
        };
        check(&reordered, &headers_of(listing), b"", NOW).unwrap();
    }

    #[test]
    fn the_clock_window_is_fifteen_minutes_each_way() {
        let signed = &BOTOCORE[2];
        let headers = headers_of(signed);
        let signed_at = datetime!(2026-11-26 12:00:00 UTC);
        check(
            signed,
            &headers,
            b"",
            signed_at + time::Duration::minutes(15),
        )
        .unwrap();
        check(
            signed,
            &headers,
            b"",
            signed_at - time::Duration::minutes(15),
        )
        .unwrap();
        let late = check(
            signed,
            &headers,
            b"",
            signed_at + time::Duration::minutes(16),
        )
        .unwrap_err();
        assert_eq!(
            late.to_string(),
            "Signature expired: 20261126T120000Z is now earlier than 20261126T120100Z \
             (20261126T121600Z - 15 min.)"
        );
        let early = check(
            signed,
            &headers,
            b"",
            signed_at - time::Duration::minutes(16),
        )
        .unwrap_err();
        assert!(
            early.to_string().starts_with("Signature not yet current"),
            "{early}"
        );
    }

    #[test]
    fn scope_host_date_and_payload_rules() {
        let signed = &BOTOCORE[2];
        let headers = headers_of(signed);
        let wrong_region = Signed {
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/eu-west-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=b3094ada6b375ac1555b44fbcbc7aefc514c41c93fa755175fc0f48f7f0756e1",
            ..*signed
        };
        assert!(
            check(&wrong_region, &headers, b"", NOW)
                .unwrap_err()
                .to_string()
                .contains("region")
        );
        let wrong_service = Signed {
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=b3094ada6b375ac1555b44fbcbc7aefc514c41c93fa755175fc0f48f7f0756e1",
            ..*signed
        };
        assert!(
            check(&wrong_service, &headers, b"", NOW)
                .unwrap_err()
                .to_string()
                .contains("service")
        );
        let unsigned_host = Signed {
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=x-amz-date, Signature=b3094ada6b375ac1555b44fbcbc7aefc514c41c93fa755175fc0f48f7f0756e1",
            ..*signed
        };
        assert!(
            check(&unsigned_host, &headers, b"", NOW)
                .unwrap_err()
                .to_string()
                .contains("Host")
        );
        let other_day = Signed {
            authorization: "AWS4-HMAC-SHA256 Credential=LKIAEXAMPLEKEY000001/20261125/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=b3094ada6b375ac1555b44fbcbc7aefc514c41c93fa755175fc0f48f7f0756e1",
            ..*signed
        };
        assert!(
            check(&other_day, &headers, b"", NOW)
                .unwrap_err()
                .to_string()
                .contains("Credential scope")
        );

        let mut no_date = headers.clone();
        no_date.remove("x-amz-date");
        let error = check(signed, &no_date, b"", NOW).unwrap_err();
        assert_eq!(error.aws_error_type(), "IncompleteSignatureException");

        let mut unsigned_payload = headers.clone();
        unsigned_payload.insert(
            "x-amz-content-sha256",
            HeaderValue::from_static("UNSIGNED-PAYLOAD"),
        );
        assert!(
            check(signed, &unsigned_payload, b"", NOW)
                .unwrap_err()
                .to_string()
                .contains("UNSIGNED-PAYLOAD")
        );
    }

    #[test]
    fn malformed_authorization_headers_are_incomplete() {
        for raw in [
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=KEY/20261126/us-east-1/sagemaker, SignedHeaders=host, Signature=aa",
            "AWS4-HMAC-SHA256 Credential=KEY/2026-11-26/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=aa",
            "AWS4-HMAC-SHA256 Credential=KEY/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=xyz",
            "AWS4-HMAC-SHA1 Credential=KEY/20261126/us-east-1/sagemaker/aws4_request",
            "AWS4-HMAC-SHA256 Credential",
        ] {
            let error = Authorization::parse(raw).unwrap_err();
            assert_eq!(
                error.aws_error_type(),
                "IncompleteSignatureException",
                "{raw}"
            );
        }
    }

    #[test]
    fn signing_reproduces_botocore() {
        for signed in &BOTOCORE {
            let headers = headers_of(signed);
            let authorization = Authorization::parse(signed.authorization).unwrap();
            let names: Vec<&str> = authorization
                .signed_headers
                .iter()
                .map(String::as_str)
                .collect();
            let request = RequestParts {
                method: signed.method,
                path: signed.path,
                query: signed.query,
                headers: &headers,
                body: signed.body.as_bytes(),
            };
            let made = sign(&request, &names, &authorization.credential, SECRET).unwrap();
            assert_eq!(made, signed.authorization);
        }
    }

    #[test]
    fn paths_normalize_like_the_sdks() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(encode("/human-loops/a%3Ab", false), "/human-loops/a%253Ab");
        assert_eq!(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
        assert_eq!(decode("a%2fb+c%zz"), "a/b+c%zz");
    }
}
