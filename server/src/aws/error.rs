//! The AWS-compatible API's one error type, and how each protocol writes it (spec 1.1, 1.2).
//!
//! * AWS JSON 1.1 (SageMaker): HTTP 400 for every modeled error, body
//!   `{"__type": "<Shape>", "Message": "…"}`.
//! * rest-json (A2I runtime): the modeled status code, header `X-Amzn-ErrorType: <Shape>`, and
//!   the same body (Loupe sends `__type` too, which clients also read).
//!
//! Authentication failures use the status codes AWS uses for them (403, or 400 for a malformed
//! signature) in both protocols.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use loupe_engine::domain::validation::RequestError;
use loupe_engine::services::ReviewError;
use serde_json::json;

/// The error shapes Loupe returns, named as AWS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Validation,
    ResourceNotFound,
    /// SageMaker's not-found shape (`ResourceNotFound`, no `Exception` suffix).
    SageMakerResourceNotFound,
    Conflict,
    ResourceInUse,
    ResourceLimitExceeded,
    ServiceQuotaExceeded,
    Throttling,
    /// A body over the operation's cap (AWS's front end answers 413 so).
    RequestEntityTooLarge,
    /// The server is shedding load; the caller retries with back-off.
    ServiceUnavailable,
    InternalServer,
    /// Textract's and Rekognition's name for a request they refuse (`InvalidParameterException`).
    InvalidParameter,
    /// Textract's and Rekognition's name for their own failure (`InternalServerError`).
    AiServiceInternal,
    Serialization,
    UnknownOperation,
    IncompleteSignature,
    InvalidSignature,
    UnrecognizedClient,
    MissingAuthenticationToken,
}

impl ErrorKind {
    pub fn shape(self) -> &'static str {
        match self {
            Self::Validation => "ValidationException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::SageMakerResourceNotFound => "ResourceNotFound",
            Self::Conflict => "ConflictException",
            Self::ResourceInUse => "ResourceInUse",
            Self::ResourceLimitExceeded => "ResourceLimitExceeded",
            Self::ServiceQuotaExceeded => "ServiceQuotaExceededException",
            Self::Throttling => "ThrottlingException",
            Self::RequestEntityTooLarge => "RequestEntityTooLargeException",
            Self::ServiceUnavailable => "ServiceUnavailable",
            Self::InternalServer => "InternalServerException",
            Self::InvalidParameter => "InvalidParameterException",
            Self::AiServiceInternal => "InternalServerError",
            Self::Serialization => "SerializationException",
            Self::UnknownOperation => "UnknownOperationException",
            Self::IncompleteSignature => "IncompleteSignatureException",
            Self::InvalidSignature => "InvalidSignatureException",
            Self::UnrecognizedClient => "UnrecognizedClientException",
            Self::MissingAuthenticationToken => "MissingAuthenticationTokenException",
        }
    }

    /// The rest-json status code (the runtime model's `httpStatusCode`, or AWS's usual one).
    pub fn rest_status(self) -> StatusCode {
        match self {
            Self::ResourceNotFound | Self::SageMakerResourceNotFound => StatusCode::NOT_FOUND,
            Self::Conflict | Self::ResourceInUse => StatusCode::CONFLICT,
            Self::ServiceQuotaExceeded | Self::ResourceLimitExceeded => {
                StatusCode::PAYMENT_REQUIRED
            }
            Self::Throttling => StatusCode::TOO_MANY_REQUESTS,
            Self::RequestEntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::InternalServer | Self::AiServiceInternal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::InvalidSignature
            | Self::UnrecognizedClient
            | Self::MissingAuthenticationToken => StatusCode::FORBIDDEN,
            Self::Validation
            | Self::InvalidParameter
            | Self::Serialization
            | Self::UnknownOperation
            | Self::IncompleteSignature => StatusCode::BAD_REQUEST,
        }
    }

    /// The AWS JSON 1.1 status code: 400 for everything the model declares, 403 and 500 where
    /// AWS's front end answers.
    pub fn json_status(self) -> StatusCode {
        match self {
            Self::InvalidSignature
            | Self::UnrecognizedClient
            | Self::MissingAuthenticationToken => StatusCode::FORBIDDEN,
            Self::InternalServer | Self::AiServiceInternal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::RequestEntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// Which wire protocol an error is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Json11,
    RestJson,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", kind.shape())]
pub struct AwsError {
    pub kind: ErrorKind,
    pub message: String,
    pub protocol: Protocol,
}

impl AwsError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            protocol: Protocol::RestJson,
        }
    }

    pub fn in_protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }
}

impl AwsError {
    /// A refused request, in `protocol`'s vocabulary. A reference to something this server does
    /// not have is a missing resource for the runtime and a validation error for SageMaker.
    pub fn from_request(error: RequestError, protocol: Protocol) -> Self {
        let kind = match (&error, protocol) {
            (RequestError::Malformed(_), _) => ErrorKind::Serialization,
            (RequestError::Invalid(_), _) => ErrorKind::Validation,
            (RequestError::UnknownReference(_), Protocol::RestJson) => ErrorKind::ResourceNotFound,
            (RequestError::UnknownReference(_), Protocol::Json11) => ErrorKind::Validation,
        };
        Self::new(kind, error.to_string()).in_protocol(protocol)
    }

    /// An engine error, named as each service names it: `ResourceNotFoundException` and
    /// `ConflictException` in the runtime, `ResourceNotFound` and `ResourceInUse` in SageMaker.
    pub fn from_review(error: ReviewError, protocol: Protocol) -> Self {
        let rest = protocol == Protocol::RestJson;
        let (kind, message) = match error {
            ReviewError::Request(error) => return Self::from_request(error, protocol),
            ReviewError::Validation(violation) => (ErrorKind::Validation, violation.to_string()),
            ReviewError::NotFound(message) if rest => (ErrorKind::ResourceNotFound, message),
            ReviewError::NotFound(message) => (ErrorKind::SageMakerResourceNotFound, message),
            ReviewError::Conflict(message) if rest => (ErrorKind::Conflict, message),
            ReviewError::Conflict(message) => (ErrorKind::ResourceInUse, message),
            ReviewError::Refused(refusal) => (ErrorKind::Validation, refusal.to_string()),
            ReviewError::Store(error) => {
                tracing::error!(%error, "storage failed under an API call");
                (
                    ErrorKind::InternalServer,
                    "We couldn't process your request because of an issue with the server. \
                     Try again later."
                        .to_owned(),
                )
            }
        };
        Self::new(kind, message).in_protocol(protocol)
    }
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let shape = self.kind.shape();
        let status = match self.protocol {
            Protocol::Json11 => self.kind.json_status(),
            Protocol::RestJson => self.kind.rest_status(),
        };
        let content_type = match self.protocol {
            Protocol::Json11 => "application/x-amz-json-1.1",
            Protocol::RestJson => "application/json",
        };
        let body = json!({"__type": shape, "Message": self.message}).to_string();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        );
        if let Ok(value) = HeaderValue::from_str(shape) {
            headers.insert("x-amzn-errortype", value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parts(error: AwsError) -> (StatusCode, Option<String>, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let header = response
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, header, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn rest_json_errors_carry_the_modeled_status_header_and_type() {
        let (status, header, body) =
            parts(AwsError::new(ErrorKind::Conflict, "same name, other input")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(header.as_deref(), Some("ConflictException"));
        assert_eq!(body["__type"], "ConflictException");
        assert_eq!(body["Message"], "same name, other input");
        assert_eq!(
            ErrorKind::ServiceQuotaExceeded.rest_status(),
            StatusCode::PAYMENT_REQUIRED
        );
        assert_eq!(
            ErrorKind::Throttling.rest_status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            ErrorKind::ResourceNotFound.rest_status(),
            StatusCode::NOT_FOUND
        );
    }

    #[tokio::test]
    async fn json_1_1_errors_are_400_with_the_shape_name() {
        let error = AwsError::new(ErrorKind::SageMakerResourceNotFound, "no such flow")
            .in_protocol(Protocol::Json11);
        let (status, _, body) = parts(error).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["__type"], "ResourceNotFound");
        let (status, _, _) =
            parts(AwsError::new(ErrorKind::InvalidSignature, "bad").in_protocol(Protocol::Json11))
                .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
