//! Who is calling the AWS-compatible API: the access key behind a SigV4 signature.
//!
//! The key id from the signature's scope is looked up in the store; an unknown or revoked key is
//! `UnrecognizedClientException`, as AWS answers for a key it does not know. The secret is
//! unsealed with the server's master key and the signature verified ([`super::sigv4`]).
//! Requests without an `Authorization` header are refused, unless the operator started Loupe
//! with `--allow-unsigned-api` (for local experiments; the start-up log warns about it).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, Uri};
use loupe_engine::domain::keys::{AccessKeyId, KeyStatus, MasterKey, SecretAccessKey};
use loupe_engine::services::Reviews;
use time::OffsetDateTime;
use tokio::sync::OwnedSemaphorePermit;

use super::error::{AwsError, ErrorKind, Protocol};
use super::sigv4::{self, Authorization, Expectations, RequestParts, SigV4Error};
use crate::body_limits::{self, BodyRoute};

/// SageMaker and the A2I runtime both sign with this service name.
pub const SIGNING_SERVICE: &str = "sagemaker";

/// The service a request's credential scope must name: [`SIGNING_SERVICE`], except for the two
/// Textract and Rekognition operations Loupe proxies (`POST /` with their `X-Amz-Target`),
/// which the SDKs sign for their own service.
pub fn signing_service(method: &str, path: &str, headers: &HeaderMap) -> &'static str {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    match (method, path, target) {
        ("POST", "/", Some(target)) => super::ml_proxy::AiService::of_target(target)
            .map_or(SIGNING_SERVICE, |service| service.signing_service),
        _ => SIGNING_SERVICE,
    }
}

/// The caller of one API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Key(AccessKeyId),
    /// No signature, accepted because the operator allowed unsigned requests.
    Unsigned,
}

impl Caller {
    /// For the audit log.
    pub fn label(&self) -> &str {
        match self {
            Self::Key(id) => id.as_str(),
            Self::Unsigned => "unsigned",
        }
    }
}

/// What authentication needs from the server.
#[derive(Clone, Copy)]
pub struct Authenticator<'a> {
    pub reviews: &'a Reviews,
    pub master_key: &'a MasterKey,
    pub region: &'a str,
    pub allow_unsigned: bool,
}

/// A request whose key, scope, signing time and signed headers check out: all that can be
/// known before its body is read. [`Identified::verify`] checks the signature over the body.
pub struct Identified {
    pub caller: Caller,
    check: Option<(Authorization, SecretAccessKey, Expect)>,
}

/// The owned half of [`Expectations`] kept between the two steps.
struct Expect {
    region: String,
    service: &'static str,
    now: OffsetDateTime,
}

impl Identified {
    pub fn verify(self, request: &RequestParts<'_>) -> Result<Caller, AwsError> {
        if let Some((authorization, secret, expect)) = &self.check {
            let expect = Expectations {
                region: &expect.region,
                service: expect.service,
                now: expect.now,
            };
            sigv4::verify(request, authorization, secret.expose(), &expect)
                .map_err(signature_error)?;
        }
        Ok(self.caller)
    }
}

impl Authenticator<'_> {
    /// Both steps at once, for a request already read whole.
    pub async fn authenticate(
        &self,
        request: &RequestParts<'_>,
        now: OffsetDateTime,
    ) -> Result<Caller, AwsError> {
        let service = signing_service(request.method, request.path, request.headers);
        self.identify(service, request.headers, now)
            .await?
            .verify(request)
    }

    /// The checks that need only the headers: the key exists and is active, its secret opens,
    /// and the signature's scope (for `service`), date and signed headers are acceptable.
    pub async fn identify(
        &self,
        service: &'static str,
        headers: &HeaderMap,
        now: OffsetDateTime,
    ) -> Result<Identified, AwsError> {
        let Some(header) = headers.get("authorization") else {
            return if self.allow_unsigned {
                Ok(Identified {
                    caller: Caller::Unsigned,
                    check: None,
                })
            } else {
                Err(AwsError::new(
                    ErrorKind::MissingAuthenticationToken,
                    "Missing Authentication Token: sign requests with SigV4 using a key from \
                     `loupe keys create`",
                ))
            };
        };
        let header = header.to_str().map_err(|_| {
            AwsError::new(
                ErrorKind::IncompleteSignature,
                "The Authorization header is not visible ASCII",
            )
        })?;
        let authorization = Authorization::parse(header).map_err(signature_error)?;
        let expect = Expectations {
            region: self.region,
            service,
            now,
        };
        sigv4::check_headers(headers, &authorization, &expect).map_err(signature_error)?;
        let unrecognized = || {
            AwsError::new(
                ErrorKind::UnrecognizedClient,
                "The security token included in the request is invalid.",
            )
        };
        let id = AccessKeyId::parse(&authorization.credential.access_key_id)
            .map_err(|_| unrecognized())?;
        let (key, sealed) = self
            .reviews
            .find_access_key(&id)
            .await
            .map_err(|e| AwsError::new(ErrorKind::InternalServer, e.to_string()))?
            .ok_or_else(unrecognized)?;
        if key.status != KeyStatus::Active {
            return Err(unrecognized());
        }
        let secret = self.master_key.open(&id, &sealed).map_err(|error| {
            tracing::error!(key = %id, %error, "an access key's secret does not open with this \
                server's master key");
            AwsError::new(
                ErrorKind::InternalServer,
                "The server cannot read this access key's secret; ask the operator.",
            )
        })?;
        Ok(Identified {
            caller: Caller::Key(id),
            check: Some((
                authorization,
                secret,
                Expect {
                    region: self.region.to_owned(),
                    service,
                    now,
                },
            )),
        })
    }
}

/// An authenticated API request: the extractor every API handler takes (last, as it reads the
/// body). Refuses the request with the AWS error, in the protocol of the path: AWS JSON 1.1 for
/// `POST /`, rest-json elsewhere. The body is read only once the key and the signature's
/// date are known, within the route's cap and the server's body budget.
pub struct Signed {
    pub caller: Caller,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The body's share of the budget, given back when the handler is done with it.
    _budget: Option<OwnedSemaphorePermit>,
}

impl FromRequest<crate::AppState> for Signed {
    type Rejection = AwsError;

    async fn from_request(request: Request, state: &crate::AppState) -> Result<Self, AwsError> {
        let (parts, body) = request.into_parts();
        let route = BodyRoute::of_request(&parts.method, parts.uri.path(), &parts.headers);
        let (cap, protocol) = match route {
            BodyRoute::Api { cap, protocol } => (cap, protocol),
            BodyRoute::Ui { cap } => (cap, Protocol::RestJson),
        };
        let auth = Authenticator {
            reviews: &state.reviews,
            master_key: &state.master_key,
            region: &state.region,
            allow_unsigned: state.allow_unsigned_api,
        };
        let now = state.clock.now().to_datetime();
        let service = signing_service(parts.method.as_str(), parts.uri.path(), &parts.headers);
        let identified = auth
            .identify(service, &parts.headers, now)
            .await
            .map_err(|e| e.in_protocol(protocol))?;
        if let Caller::Key(key) = &identified.caller
            && !state.api_rate.admit(key, std::time::Instant::now())
        {
            return Err(AwsError::new(ErrorKind::Throttling, "Rate exceeded").in_protocol(protocol));
        }
        let announced = parts
            .headers
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let budget = match announced {
            Some(0) => None,
            announced => Some(
                state
                    .body_limits
                    .reserve(announced.unwrap_or(cap).min(cap))
                    .await
                    .map_err(|_| body_limits::busy_error().in_protocol(protocol))?,
            ),
        };
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|error| body_error(&error, cap).in_protocol(protocol))?;
        let caller = identified
            .verify(&request_parts(
                parts.method.as_str(),
                &parts.uri,
                &parts.headers,
                &body,
            ))
            .map_err(|e| e.in_protocol(protocol))?;
        Ok(Self {
            caller,
            uri: parts.uri,
            headers: parts.headers,
            body,
            _budget: budget,
        })
    }
}

/// Why a body could not be read: over the cap (the guard in [`body_limits`] stops it there),
/// too slow, or cut off.
fn body_error(error: &axum::Error, cap: usize) -> AwsError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return body_limits::too_large_error(cap);
        }
        if cause.is::<body_limits::BodyTimedOut>() {
            return AwsError::new(
                ErrorKind::Serialization,
                "The request body did not arrive in time.",
            );
        }
        source = cause.source();
    }
    AwsError::new(
        ErrorKind::Serialization,
        format!("The request body could not be read: {error}"),
    )
}

/// Reads the pieces of an axum request that SigV4 covers.
pub fn request_parts<'a>(
    method: &'a str,
    uri: &'a axum::http::Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
) -> RequestParts<'a> {
    RequestParts {
        method,
        path: uri.path(),
        query: uri.query(),
        headers,
        body,
    }
}

fn signature_error(error: SigV4Error) -> AwsError {
    let kind = match error {
        SigV4Error::Incomplete(_) => ErrorKind::IncompleteSignature,
        SigV4Error::Invalid(_) => ErrorKind::InvalidSignature,
    };
    AwsError::new(kind, error.to_string())
}
