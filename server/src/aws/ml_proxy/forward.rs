//! The client that sends a proxied call on: `POST` to the upstream endpoint with the operation's
//! `X-Amz-Target`, signed with SigV4 ([`crate::aws::sigv4::sign`]) for the service's name, the
//! upstream region and Loupe's upstream credentials, never the caller's.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use reqwest::Url;
use time::OffsetDateTime;

use super::AiService;
use crate::aws::sigv4::{self, Credential, RequestParts, SigV4Error};

/// Textract can take a while over a dense page; the SDKs wait a minute for a read.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// An answer larger than this is not an AI service's answer; Textract's for a full page of
/// text is a few MiB.
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;
/// The answer headers an SDK reads and Loupe hands back.
const PASSED_HEADERS: [&str; 3] = ["content-type", "x-amzn-requestid", "x-amzn-errortype"];

pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// One service's upstream.
pub struct Upstream {
    pub endpoint: Url,
    pub region: String,
    pub credentials: Arc<Credentials>,
}

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field("endpoint", &self.endpoint.as_str())
            .field("region", &self.region)
            .field("access_key_id", &self.credentials.access_key_id)
            .finish_non_exhaustive()
    }
}

/// The upstreams of both services and the HTTP client they share.
#[derive(Debug)]
pub struct Upstreams {
    textract: Option<Upstream>,
    rekognition: Option<Upstream>,
    client: reqwest::Client,
}

/// What the upstream answered.
#[derive(Debug)]
pub struct UpstreamAnswer {
    pub status: StatusCode,
    /// Only the [`PASSED_HEADERS`] it sent.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl UpstreamAnswer {
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("the request could not be signed: {0}")]
    Sign(#[from] SigV4Error),
    #[error("{0}")]
    Http(String),
    #[error("its answer is larger than 64 MiB")]
    TooLarge,
}

impl Upstreams {
    pub fn new(textract: Option<Upstream>, rekognition: Option<Upstream>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            // A redirect would resend the signed document somewhere the operator never named.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "Loupe/",
                env!("CARGO_PKG_VERSION"),
                " (ai-service proxy)"
            ))
            .build()
            .expect("the HTTP client's settings are valid");
        Self {
            textract,
            rekognition,
            client,
        }
    }

    /// The upstream configured for `service`, if any.
    pub fn upstream(&self, service: &AiService) -> Option<&Upstream> {
        match service.signing_service {
            "textract" => self.textract.as_ref(),
            "rekognition" => self.rekognition.as_ref(),
            _ => None,
        }
    }

    /// Sends `body` to `upstream` as `service`'s operation and reads the answer whole.
    pub async fn forward(
        &self,
        upstream: &Upstream,
        service: &AiService,
        body: Vec<u8>,
    ) -> Result<UpstreamAnswer, ForwardError> {
        let headers = signed_headers(upstream, service, &body, OffsetDateTime::now_utc())?;
        let mut request = self.client.post(upstream.endpoint.clone()).body(body);
        for (name, value) in &headers {
            // reqwest writes Host itself, from the same URL the signature covered.
            if name != http::header::HOST {
                request = request.header(name, value);
            }
        }
        let mut response = request.send().await.map_err(http_error)?;
        let status = response.status();
        let headers = PASSED_HEADERS
            .into_iter()
            .filter_map(|name| {
                let value = response.headers().get(name)?.clone();
                Some((HeaderName::from_static(name), value))
            })
            .collect();
        let mut answer = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(http_error)? {
            if answer.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(ForwardError::TooLarge);
            }
            answer.extend_from_slice(&chunk);
        }
        Ok(UpstreamAnswer {
            status,
            headers,
            body: answer.into(),
        })
    }
}

/// reqwest's top-level message hides the cause ("error sending request"); keep the chain.
fn http_error(error: reqwest::Error) -> ForwardError {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    ForwardError::Http(text)
}

/// `Host` as an HTTP client writes it for `url`: the port only when it is not the scheme's.
fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The headers of the forwarded request, `Authorization` included, as an SDK signs them.
pub fn signed_headers(
    upstream: &Upstream,
    service: &AiService,
    body: &[u8],
    now: OffsetDateTime,
) -> Result<HeaderMap, SigV4Error> {
    let invalid = |what: &str| SigV4Error::Invalid(format!("{what} is not a valid header value"));
    let amz_date = sigv4::amz_date(now);
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::HOST,
        HeaderValue::from_str(&host_of(&upstream.endpoint)).map_err(|_| invalid("the host"))?,
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    headers.insert(
        "x-amz-date",
        HeaderValue::from_str(&amz_date).map_err(|_| invalid("X-Amz-Date"))?,
    );
    headers.insert("x-amz-target", HeaderValue::from_static(service.target));
    let mut signed = vec!["content-type", "host", "x-amz-date"];
    if let Some(token) = &upstream.credentials.session_token {
        headers.insert(
            "x-amz-security-token",
            HeaderValue::from_str(token).map_err(|_| invalid("the session token"))?,
        );
        signed.push("x-amz-security-token");
    }
    signed.push("x-amz-target");
    let credential = Credential {
        access_key_id: upstream.credentials.access_key_id.clone(),
        date: amz_date[..8].to_owned(),
        region: upstream.region.clone(),
        service: service.signing_service.to_owned(),
    };
    let request = RequestParts {
        method: "POST",
        path: upstream.endpoint.path(),
        query: upstream.endpoint.query(),
        headers: &headers,
        body,
    };
    let authorization = sigv4::sign(
        &request,
        &signed,
        &credential,
        &upstream.credentials.secret_access_key,
    )?;
    headers.insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_str(&authorization).map_err(|_| invalid("the signature"))?,
    );
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ml_proxy::{rekognition, textract};
    use crate::aws::sigv4::{Authorization, Expectations};

    fn upstream(url: &str, token: Option<&str>) -> Upstream {
        Upstream {
            endpoint: url.parse().unwrap(),
            region: "eu-west-1".into(),
            credentials: Arc::new(Credentials {
                access_key_id: "AKIDUPSTREAM".into(),
                secret_access_key: "upstream secret".into(),
                session_token: token.map(str::to_owned),
            }),
        }
    }

    #[test]
    fn forwarded_calls_verify_for_the_service_and_region_they_are_signed_for() {
        let now = OffsetDateTime::now_utc();
        let body = br#"{"Image":{"S3Object":{"Bucket":"b","Name":"cat.jpg"}}}"#;
        let up = upstream("http://127.0.0.1:9001/", Some("session token"));
        let service = &rekognition::DETECT_MODERATION_LABELS;
        let headers = signed_headers(&up, service, body, now).unwrap();
        assert_eq!(headers["host"], "127.0.0.1:9001");
        assert_eq!(headers["x-amz-target"], service.target);
        assert_eq!(headers["x-amz-security-token"], "session token");
        let authorization =
            Authorization::parse(headers["authorization"].to_str().unwrap()).unwrap();
        assert_eq!(authorization.credential.service, "rekognition");
        assert_eq!(authorization.credential.access_key_id, "AKIDUPSTREAM");
        assert!(
            authorization
                .signed_headers
                .iter()
                .any(|h| h == "x-amz-security-token")
        );
        let request = RequestParts {
            method: "POST",
            path: "/",
            query: None,
            headers: &headers,
            body,
        };
        let expect = |service| Expectations {
            region: "eu-west-1",
            service,
            now,
        };
        sigv4::verify(
            &request,
            &authorization,
            "upstream secret",
            &expect("rekognition"),
        )
        .unwrap();
        assert!(
            sigv4::verify(
                &request,
                &authorization,
                "upstream secret",
                &expect("textract")
            )
            .is_err()
        );
    }

    #[test]
    fn the_default_port_is_not_part_of_the_signed_host() {
        let up = upstream("https://textract.eu-west-1.amazonaws.com", None);
        let headers = signed_headers(
            &up,
            &textract::ANALYZE_DOCUMENT,
            b"{}",
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        assert_eq!(headers["host"], "textract.eu-west-1.amazonaws.com");
        assert!(headers.get("x-amz-security-token").is_none());
    }
}
