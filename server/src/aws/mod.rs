//! The AWS-compatible door: what the SageMaker control plane and the A2I runtime clients speak.
//!
//! * [`sigv4`] verifies `AWS4-HMAC-SHA256` request signatures.

pub mod sigv4;
