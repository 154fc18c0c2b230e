//! Starter templates: what an admin picks from instead of a blank page, each with a sample
//! `task.input` for the preview. The two built-in ones follow the shape of A2I's default
//! templates for Rekognition moderation and Textract forms (spec 5.2); the rest are common
//! custom tasks. Written for Loupe.

use serde_json::{Value, json};

/// One starter template.
#[derive(Debug, Clone)]
pub struct Starter {
    /// A stable id, also a valid `HumanTaskUiName`.
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub content: &'static str,
    pub sample_input: Value,
}

/// The `<script>` tag that loads the crowd elements, as A2I templates carry it. A macro, so that
/// `concat!` can put it before each starter's markup.
macro_rules! elements {
    () => {
        r#"<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>"#
    };
}

/// A starter's markup after the elements' `<script>` line.
macro_rules! with_elements {
    ($markup:literal) => {
        concat!(elements!(), "\n", $markup)
    };
}

const ELEMENTS: &str = elements!();

pub fn starters() -> Vec<Starter> {
    vec![
        Starter {
            id: "text-classifier",
            title: "Text classification",
            description: "One label per item from a fixed list; categories come from the input.",
            content: with_elements!(
                r#"<crowd-form>
  <crowd-classifier
    name="category"
    categories="{{ task.input.labels | to_json | escape }}"
    header="Which label fits this text best?">
    <classification-target>
      <p>{{ task.input.taskObject }}</p>
    </classification-target>
    <short-instructions>Read the text and choose the one label that fits it best.</short-instructions>
    <full-instructions header="How to choose">
      <p>Pick the label a careful reader would agree with. When two seem to fit, choose the more specific one.</p>
    </full-instructions>
  </crowd-classifier>
</crowd-form>
"#
            ),
            sample_input: json!({
                "taskObject": "The delivery came two days late and the box was crushed.",
                "labels": ["Positive", "Negative", "Neutral", "Mixed"]
            }),
        },
        Starter {
            id: "free-text",
            title: "Free-text answer",
            description: "A question about the item, answered in the worker's own words.",
            content: with_elements!(
                r#"<crowd-form>
  <p><strong>{{ task.input.question }}</strong></p>
  <blockquote>{{ task.input.taskObject }}</blockquote>
  <crowd-text-area name="answer" label="Your answer" rows="4" max-length="2000" char-counter required></crowd-text-area>
  <crowd-checkbox name="unsure" value="unsure">I am not sure about this one</crowd-checkbox>
</crowd-form>
"#
            ),
            sample_input: json!({
                "question": "Summarise the complaint in one sentence.",
                "taskObject": "I ordered the blue kettle but received a red toaster, and support has not answered in a week."
            }),
        },
        Starter {
            id: "bounding-boxes",
            title: "Bounding boxes",
            description: "Draw a box around every object of the listed kinds in an image.",
            content: with_elements!(
                r#"{% capture image %}s3://{{ task.input.bucket }}/{{ task.input.key }}{% endcapture %}
<crowd-form>
  <crowd-bounding-box
    name="boxes"
    src="{{ image | grant_read_access }}"
    labels="{{ task.input.labels | to_json | escape }}"
    header="Draw a tight box around each object.">
    <short-instructions>Cover the whole object and as little background as you can.</short-instructions>
    <full-instructions header="Boxes">
      <p>One box per object. Partly hidden objects get a box around the visible part.</p>
    </full-instructions>
  </crowd-bounding-box>
</crowd-form>
"#
            ),
            sample_input: json!({
                "bucket": "inputs",
                "key": "street/corner.jpg",
                "labels": ["car", "bicycle", "person"]
            }),
        },
        Starter {
            id: "moderation-review",
            title: "Rekognition: image moderation (built-in)",
            description: "Confirm the moderation labels Rekognition found; for flows with the AWS/Rekognition/DetectModerationLabels/Image/V3 source.",
            content: with_elements!(
                r#"{% capture s3_uri %}s3://{{ task.input.aiServiceRequest.image.s3Object.bucket }}/{{ task.input.aiServiceRequest.image.s3Object.name }}{% endcapture %}
<crowd-form>
  <crowd-rekognition-detect-moderation-labels
    categories='[
      {% for label in task.input.selectedAiServiceResponse.moderationLabels %}
        { name: "{{ label.name }}", parentName: "{{ label.parentName }}" },
      {% endfor %}
    ]'
    src="{{ s3_uri | grant_read_access }}"
    header="Look at the image and select every category that applies.">
    <short-instructions header="What to do">Select each category you can see in the image. Select none if nothing applies.</short-instructions>
    <full-instructions header="What to do"></full-instructions>
  </crowd-rekognition-detect-moderation-labels>
</crowd-form>
"#
            ),
            sample_input: json!({
                "aiServiceRequest": {"image": {"s3Object": {"bucket": "inputs", "name": "beach.jpg"}}, "minConfidence": 50},
                "aiServiceResponse": {"moderationLabels": [
                    {"confidence": 83.1, "name": "Suggestive", "parentName": ""},
                    {"confidence": 83.1, "name": "Female Swimwear Or Underwear", "parentName": "Suggestive"}
                ], "moderationModelVersion": "6.1"},
                "selectedAiServiceResponse": {"moderationLabels": [
                    {"confidence": 83.1, "name": "Suggestive", "parentName": ""},
                    {"confidence": 83.1, "name": "Female Swimwear Or Underwear", "parentName": "Suggestive"}
                ]}
            }),
        },
        Starter {
            id: "form-review",
            title: "Textract: form key-value pairs (built-in)",
            description: "Check and correct the key-value pairs Textract read from a document; for flows with the AWS/Textract/AnalyzeDocument/Forms/V1 source.",
            content: with_elements!(
                r#"{% capture s3_uri %}s3://{{ task.input.aiServiceRequest.document.s3Object.bucket }}/{{ task.input.aiServiceRequest.document.s3Object.name }}{% endcapture %}
<crowd-form>
  <crowd-textract-analyze-document
    src="{{ s3_uri | grant_read_access }}"
    initial-value="{{ task.input.selectedAiServiceResponse.blocks }}"
    header="Compare the key-value pairs on the right with the document and correct any that differ."
    no-key-edit
    no-geometry-edit
    keys="{{ task.input.humanLoopContext.importantFormKeys }}"
    block-types="['KEY_VALUE_SET']">
    <short-instructions header="What to do">Fix values that do not match the document. Leave correct ones as they are.</short-instructions>
    <full-instructions header="What to do"></full-instructions>
  </crowd-textract-analyze-document>
</crowd-form>
"#
            ),
            sample_input: json!({
                "aiServiceRequest": {"document": {"s3Object": {"bucket": "inputs", "name": "payslip.png"}}},
                "selectedAiServiceResponse": {"blocks": [
                    {"blockType": "KEY_VALUE_SET", "id": "k1", "confidence": 61.0, "entityTypes": ["KEY"],
                     "relationships": [{"type": "CHILD", "ids": ["w1", "w2"]}, {"type": "VALUE", "ids": ["v1"]}]},
                    {"blockType": "WORD", "id": "w1", "text": "Pay", "confidence": 61.0},
                    {"blockType": "WORD", "id": "w2", "text": "Date", "confidence": 61.0},
                    {"blockType": "KEY_VALUE_SET", "id": "v1", "confidence": 61.0, "entityTypes": ["VALUE"],
                     "relationships": [{"type": "CHILD", "ids": ["w3"]}]},
                    {"blockType": "WORD", "id": "w3", "text": "2020-01-31", "confidence": 61.0}
                ]},
                "humanLoopContext": {"importantFormKeys": [{"importantFormKey": "Pay Date", "importantFormKeyAliases": ["Pay Day"]}]}
            }),
        },
    ]
}

/// The starter with this id.
pub fn starter(id: &str) -> Option<Starter> {
    starters().into_iter().find(|s| s.id == id)
}

/// The `<script>` tag that loads the crowd elements, as A2I templates carry it.
pub fn elements_script_tag() -> &'static str {
    ELEMENTS
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::names::HumanTaskUiName;
    use crate::templates::{ReadGrants, render};

    struct Links;
    impl ReadGrants for Links {
        fn grant(&self, reference: &str) -> Result<String, String> {
            crate::templates::blob_links::ObjectRef::parse(reference)
                .map(|o| format!("/blobs/{}/{}", o.bucket, o.key))
        }
    }

    #[test]
    fn every_starter_renders_its_sample() {
        for starter in starters() {
            assert!(HumanTaskUiName::parse(starter.id).is_ok(), "{}", starter.id);
            let html = render(starter.content, &starter.sample_input, Arc::new(Links))
                .unwrap_or_else(|e| panic!("{}: {e}", starter.id));
            assert!(html.contains("<crowd-form>"), "{}", starter.id);
            assert!(html.starts_with(elements_script_tag()), "{}", starter.id);
        }
    }

    #[test]
    fn the_built_in_starters_hand_the_elements_their_data() {
        let moderation = starter("moderation-review").unwrap();
        let html = render(
            moderation.content,
            &moderation.sample_input,
            Arc::new(Links),
        )
        .unwrap();
        assert!(html.contains(r#"src="/blobs/inputs/beach.jpg""#), "{html}");
        assert!(
            html.contains(r#"{ name: "Suggestive", parentName: "" }"#),
            "{html}"
        );
        let forms = starter("form-review").unwrap();
        let html = render(forms.content, &forms.sample_input, Arc::new(Links)).unwrap();
        assert!(
            html.contains("initial-value=\"[{&quot;blockType&quot;:&quot;KEY_VALUE_SET&quot;"),
            "{html}"
        );
        assert!(
            html.contains("keys=\"[{&quot;importantFormKey&quot;:&quot;Pay Date&quot;"),
            "{html}"
        );
    }
}
