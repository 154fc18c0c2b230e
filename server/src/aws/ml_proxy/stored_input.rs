//! An image or document sent as `Bytes` rather than as an `S3Object`: workers need to see it,
//! and the worker templates of both task types show `aiServiceRequest.<member>.s3Object` through
//! `grant_read_access`. So Loupe keeps the bytes in its output store, next to the flow's
//! outputs, at `<S3OutputPath>/<flow>/ai-service-inputs/<sha-256>.<ext>`, and the loop's
//! `aiServiceRequest` names that object as its `S3Object` instead of carrying the bytes
//! (which would also count against the 3 MiB input limit).
//!
//! The name is the content's digest, so the same bytes sent twice are one object and a loop's
//! image can never be replaced by another call's.

use axum::body::Bytes;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use loupe_engine::domain::digest::hex;
use loupe_engine::domain::names::FlowDefinitionName;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The folder under a flow's outputs that holds its loops' inputs.
pub const FOLDER: &str = "ai-service-inputs";

/// Bytes to be written to the output store before the loop starts.
#[derive(Debug, PartialEq)]
pub struct StoredInput {
    pub uri: String,
    pub bytes: Bytes,
    pub content_type: &'static str,
}

/// When `request[member]` carries `Bytes`, decodes them and replaces the member by an `S3Object`
/// naming where they are to be kept; returns what to keep there. A member given as `S3Object`
/// is left as it is.
pub fn take_bytes(
    request: &mut Map<String, Value>,
    member: &str,
    s3_output_path: &str,
    flow: &FlowDefinitionName,
) -> Result<Option<StoredInput>, String> {
    let Some(encoded) = request
        .get(member)
        .and_then(|m| m.get("Bytes"))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|e| format!("{member}.Bytes is not base64: {e}"))?;
    let (extension, content_type) = kind_of(&bytes);
    let digest = hex(&Sha256::digest(&bytes));
    let (bucket, prefix) = s3_output_path
        .strip_prefix("s3://")
        .map(|rest| rest.split_once('/').unwrap_or((rest, "")))
        .ok_or_else(|| format!("the flow's S3OutputPath {s3_output_path} is not an s3:// URI"))?;
    let file = format!("{digest}.{extension}");
    let key = [
        prefix.trim_matches('/'),
        flow.as_str(),
        FOLDER,
        file.as_str(),
    ]
    .iter()
    .filter(|part| !part.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("/");
    request.insert(
        member.into(),
        json!({"S3Object": {"Bucket": bucket, "Name": key}}),
    );
    Ok(Some(StoredInput {
        uri: format!("s3://{bucket}/{key}"),
        bytes: bytes.into(),
        content_type,
    }))
}

/// The file extension and media type of the formats Textract and Rekognition read, from the
/// content's first bytes.
fn kind_of(bytes: &[u8]) -> (&'static str, &'static str) {
    if bytes.starts_with(b"\x89PNG") {
        ("png", "image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        ("jpg", "image/jpeg")
    } else if bytes.starts_with(b"%PDF") {
        ("pdf", "application/pdf")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        ("tiff", "image/tiff")
    } else {
        ("bin", "application/octet-stream")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow() -> FlowDefinitionName {
        FlowDefinitionName::parse("forms").unwrap()
    }

    #[test]
    fn bytes_become_an_s3_object_named_by_their_digest_under_the_flow() {
        let png = b"\x89PNG\r\n\x1a\nrest of the image";
        let mut request = Map::new();
        request.insert("Document".into(), json!({"Bytes": STANDARD.encode(png)}));
        request.insert("FeatureTypes".into(), json!(["FORMS"]));
        let stored = take_bytes(&mut request, "Document", "s3://results/a2i/", &flow())
            .unwrap()
            .unwrap();
        let digest = hex(&Sha256::digest(png));
        let key = format!("a2i/forms/ai-service-inputs/{digest}.png");
        assert_eq!(stored.uri, format!("s3://results/{key}"));
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(&stored.bytes[..], png);
        assert_eq!(
            request["Document"],
            json!({"S3Object": {"Bucket": "results", "Name": key}})
        );
        assert_eq!(request["FeatureTypes"], json!(["FORMS"]));
    }

    #[test]
    fn a_bucket_without_prefix_and_other_formats() {
        let mut request = Map::new();
        request.insert(
            "Image".into(),
            json!({"Bytes": STANDARD.encode(b"\xff\xd8\xff\xe0")}),
        );
        let stored = take_bytes(&mut request, "Image", "s3://results", &flow())
            .unwrap()
            .unwrap();
        assert!(
            stored
                .uri
                .starts_with("s3://results/forms/ai-service-inputs/")
        );
        assert!(stored.uri.ends_with(".jpg"));
        assert_eq!(kind_of(b"%PDF-1.7"), ("pdf", "application/pdf"));
        assert_eq!(kind_of(b"II*\0...."), ("tiff", "image/tiff"));
        assert_eq!(kind_of(b"GIF89a"), ("bin", "application/octet-stream"));
    }

    #[test]
    fn s3_objects_stay_and_bad_base64_is_refused() {
        let mut request = Map::new();
        let object = json!({"S3Object": {"Bucket": "in", "Name": "cat.jpg"}});
        request.insert("Image".into(), object.clone());
        assert_eq!(
            take_bytes(&mut request, "Image", "s3://results", &flow()),
            Ok(None)
        );
        assert_eq!(request["Image"], object);
        request.insert("Image".into(), json!({"Bytes": "not base64!"}));
        let refused = take_bytes(&mut request, "Image", "s3://results", &flow()).unwrap_err();
        assert!(refused.contains("Image.Bytes"), "{refused}");
    }
}
