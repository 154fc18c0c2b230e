//! Rekognition `DetectModerationLabels` (botocore `rekognition/2016-06-27`, target prefix
//! `RekognitionService`): the image is `Image`, and a flow definition that does not exist is a
//! `ResourceNotFoundException`, which the model lists for this call; other `HumanLoopConfig`
//! problems are `InvalidParameterException`.

use loupe_engine::conditions::RequestSource;

use super::AiService;
use crate::aws::error::ErrorKind;

pub const DETECT_MODERATION_LABELS: AiService = AiService {
    target: "RekognitionService.DetectModerationLabels",
    signing_service: "rekognition",
    source: RequestSource::RekognitionModeration,
    input_member: "Image",
    unknown_flow: ErrorKind::ResourceNotFound,
    upstream_flag: "--rekognition-upstream",
};
