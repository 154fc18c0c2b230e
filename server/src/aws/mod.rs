//! The AWS-compatible door: what the SageMaker control plane and the A2I runtime clients speak.
//!
//! * [`sigv4`] verifies (and makes) `AWS4-HMAC-SHA256` request signatures.
//! * [`audit`] records every call.
//! * [`authn`] finds the access key behind a signature.
//! * [`rate_limit`] keeps each key to its request rate.
//! * [`error`] is the API's one error type, written in each protocol's shape.
//! * [`runtime`] serves the A2I runtime's human-loop operations.
//! * [`control_plane`] serves SageMaker's task UI and flow definition operations.
//! * [`compilation`] serves SageMaker's compilation job operations on the same door.
//! * [`ml_proxy`] serves Textract `AnalyzeDocument` and Rekognition `DetectModerationLabels`
//!   with `HumanLoopConfig`, as a proxy to the real services.

pub mod audit;
pub mod authn;
pub mod compilation;
pub mod control_plane;
pub mod error;
pub mod ml_proxy;
pub mod rate_limit;
pub mod runtime;
pub mod sigv4;
