//! Textract `AnalyzeDocument` (botocore `textract/2018-06-27`): the document is `Document`, and
//! every `HumanLoopConfig` problem is an `InvalidParameterException`, the one error the model
//! lists for a request Textract refuses (it has no `ResourceNotFoundException` for this call).

use loupe_engine::conditions::RequestSource;

use super::AiService;
use crate::aws::error::ErrorKind;

pub const ANALYZE_DOCUMENT: AiService = AiService {
    target: "Textract.AnalyzeDocument",
    signing_service: "textract",
    source: RequestSource::TextractForms,
    input_member: "Document",
    unknown_flow: ErrorKind::InvalidParameter,
    upstream_flag: "--textract-upstream",
};
