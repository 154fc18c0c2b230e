//! Who is calling the AWS-compatible API: the access key behind a SigV4 signature.
//!
//! The key id from the signature's scope is looked up in the store; an unknown or revoked key is
//! `UnrecognizedClientException`, as AWS answers for a key it does not know. The secret is
//! unsealed with the server's master key and the signature verified ([`super::sigv4`]).
//! Requests without an `Authorization` header are refused, unless the operator started Loupe
//! with `--allow-unsigned-api` (for local experiments; the start-up log warns about it).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, Method, Uri};
use loupe_engine::keys::{AccessKeyId, KeyStatus, MasterKey};
use loupe_engine::store::Store;
use time::OffsetDateTime;

use super::error::{AwsError, ErrorKind, Protocol};
use super::sigv4::{self, Authorization, Expectations, RequestParts, SigV4Error};

/// SageMaker and the A2I runtime both sign with this service name.
pub const SIGNING_SERVICE: &str = "sagemaker";

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
    pub store: &'a dyn Store,
    pub master_key: &'a MasterKey,
    pub region: &'a str,
    pub allow_unsigned: bool,
}

impl Authenticator<'_> {
    pub async fn authenticate(
        &self,
        request: &RequestParts<'_>,
        now: OffsetDateTime,
    ) -> Result<Caller, AwsError> {
        let Some(header) = request.headers.get("authorization") else {
            return if self.allow_unsigned {
                Ok(Caller::Unsigned)
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
        let unrecognized = || {
            AwsError::new(
                ErrorKind::UnrecognizedClient,
                "The security token included in the request is invalid.",
            )
        };
        let id = AccessKeyId::parse(&authorization.credential.access_key_id)
            .map_err(|_| unrecognized())?;
        let (key, sealed) = self
            .store
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
        let expect = Expectations {
            region: self.region,
            service: SIGNING_SERVICE,
            now,
        };
        sigv4::verify(request, &authorization, secret.expose(), &expect)
            .map_err(signature_error)?;
        Ok(Caller::Key(id))
    }
}

/// An authenticated API request: the extractor every API handler takes (last, as it reads the
/// body). Refuses the request with the AWS error, in the protocol of the path: AWS JSON 1.1 for
/// `POST /`, rest-json elsewhere.
pub struct Signed {
    pub caller: Caller,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl FromRequest<crate::AppState> for Signed {
    type Rejection = AwsError;

    async fn from_request(request: Request, state: &crate::AppState) -> Result<Self, AwsError> {
        let method = request.method().clone();
        let uri = request.uri().clone();
        let headers = request.headers().clone();
        let protocol = if method == Method::POST && uri.path() == "/" {
            Protocol::Json11
        } else {
            Protocol::RestJson
        };
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                AwsError::new(ErrorKind::Serialization, rejection.body_text()).in_protocol(protocol)
            })?;
        let auth = Authenticator {
            store: &*state.store,
            master_key: &state.master_key,
            region: &state.region,
            allow_unsigned: state.allow_unsigned_api,
        };
        let now = state.clock.now().to_datetime();
        let caller = auth
            .authenticate(&request_parts(method.as_str(), &uri, &headers, &body), now)
            .await
            .map_err(|e| e.in_protocol(protocol))?;
        Ok(Self {
            caller,
            uri,
            headers,
            body,
        })
    }
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
