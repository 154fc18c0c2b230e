//! The worked examples of spec 4.5 and the output samples of spec 7.2, through the public API.

use loupe_engine::conditions::{
    ActivationReason, ActivationReport, CompileOptions, CompiledConditions, ConditionType,
    ConditionsDocument, CustomActivation, CustomFlowConditions, DryRunError, Evaluation,
    EvaluationError, HumanLoopContext, ImportantFormKey, Inference, MlOutputError, RequestSource,
    WordBlockRule, dry_run,
};
use serde_json::{Value, json};

const REKOGNITION: RequestSource = RequestSource::RekognitionModeration;
const TEXTRACT: RequestSource = RequestSource::TextractForms;

fn compile(source: RequestSource, text: &str) -> CompiledConditions {
    CompiledConditions::compile(source, text).unwrap_or_else(|err| panic!("{err}"))
}

/// A `DetectModerationLabels` response in A2I's camelCase.
fn labels(labels: &[(&str, f64)]) -> Value {
    let labels: Vec<Value> = labels
        .iter()
        .map(|(name, confidence)| json!({"confidence": confidence, "name": name, "parentName": ""}))
        .collect();
    json!({"moderationLabels": labels, "moderationModelVersion": "3.0"})
}

fn image_request(name: &str) -> Value {
    json!({
        "humanLoopConfig": {"flowDefinitionArn": "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/flow-definition-name",
                            "humanLoopName": "loop"},
        "image": {"s3Object": {"bucket": "DOC-EXAMPLE-BUCKET1", "name": name}}
    })
}

fn results(compiled: &CompiledConditions, response: &Value) -> Vec<(String, bool)> {
    compiled
        .evaluate(Inference::new(response))
        .unwrap()
        .results()
        .map(|(path, result)| (path.to_owned(), result))
        .collect()
}

/// `response` evaluated (answering `request`, when there is one).
fn inference<'a>(
    compiled: &'a CompiledConditions,
    response: &'a Value,
    request: Option<&'a Value>,
) -> Evaluation<'a> {
    let inference = Inference::new(response);
    let inference = match request {
        Some(request) => inference.with_request(request),
        None => inference,
    };
    compiled.evaluate(inference).unwrap()
}

/// The report on `response` (answering `request`, when there is one).
fn report_on(
    compiled: &CompiledConditions,
    response: &Value,
    request: Option<&Value>,
) -> ActivationReport {
    inference(compiled, response, request).report()
}

/// Whether `response` (answering `request`, when there is one) starts a human loop.
fn activates(compiled: &CompiledConditions, response: &Value, request: Option<&Value>) -> bool {
    inference(compiled, response, request).is_activated()
}

/// The `member` of each entry in the `list` of the selected response.
fn selected(report: &ActivationReport, list: &str, member: &str) -> Vec<String> {
    report.selected_ai_service_response.as_ref().unwrap()[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry[member].as_str().unwrap().to_owned())
        .collect()
}

fn selected_names(report: &ActivationReport) -> Vec<String> {
    selected(report, "moderationLabels", "name")
}

/// Whether `evaluation` starts a loop; when it does, a sampled inference, it shows `response`
/// in full.
fn sampled_in_full(evaluation: Evaluation<'_>, response: &Value) -> bool {
    let activated = evaluation.is_activated();
    if activated {
        let selected = evaluation.report().selected_ai_service_response;
        assert_eq!(selected.as_ref(), Some(response), "reviewed in full");
    }
    activated
}

/// One form field: key text, KEY confidence, VALUE confidence (`None`: no VALUE block), and the
/// WORD confidences of the key's words followed by the value's words.
struct Field<'a> {
    key: &'a str,
    key_confidence: f64,
    value_confidence: Option<f64>,
    words: &'a [f64],
}

/// A [`Field`]: key text, KEY confidence, VALUE confidence, WORD confidences.
fn field<'a>(
    key: &'a str,
    key_confidence: f64,
    value_confidence: Option<f64>,
    words: &'a [f64],
) -> Field<'a> {
    Field {
        key,
        key_confidence,
        value_confidence,
        words,
    }
}

/// An `AnalyzeDocument` response in A2I's camelCase, with a PAGE and a LINE block around the
/// fields like the real thing.
fn form(fields: &[Field<'_>]) -> Value {
    let mut blocks =
        vec![json!({"blockType": "PAGE", "id": "page", "confidence": 99.9, "relationships": []})];
    for (i, field) in fields.iter().enumerate() {
        let key_words: Vec<&str> = field.key.split(' ').collect();
        let (key_confs, value_confs) = field.words.split_at(key_words.len());
        let key_word_ids: Vec<String> = (0..key_words.len()).map(|j| format!("k{i}w{j}")).collect();
        let value_word_ids: Vec<String> = (0..value_confs.len())
            .map(|j| format!("v{i}w{j}"))
            .collect();
        let mut relationships = vec![json!({"type": "CHILD", "ids": key_word_ids})];
        if field.value_confidence.is_some() {
            relationships.insert(0, json!({"type": "VALUE", "ids": [format!("v{i}")]}));
        }
        blocks.push(
            json!({"blockType": "KEY_VALUE_SET", "entityTypes": ["KEY"], "id": format!("k{i}"),
                           "confidence": field.key_confidence, "relationships": relationships}),
        );
        if let Some(confidence) = field.value_confidence {
            blocks.push(json!({"blockType": "KEY_VALUE_SET", "entityTypes": ["VALUE"], "id": format!("v{i}"),
                               "confidence": confidence,
                               "relationships": [{"type": "CHILD", "ids": value_word_ids}]}));
        }
        blocks.push(json!({"blockType": "LINE", "id": format!("line{i}"), "confidence": 99.0, "text": field.key,
                           "relationships": [{"type": "CHILD", "ids": key_word_ids}]}));
        for (j, (word, confidence)) in key_words.iter().zip(key_confs).enumerate() {
            blocks.push(json!({"blockType": "WORD", "id": format!("k{i}w{j}"), "text": word, "confidence": confidence}));
        }
        for (j, confidence) in value_confs.iter().enumerate() {
            blocks.push(json!({"blockType": "WORD", "id": format!("v{i}w{j}"), "text": format!("value{j}"), "confidence": confidence}));
        }
    }
    json!({"blocks": blocks, "documentMetadata": {"pages": 1}})
}

fn block_ids(report: &ActivationReport) -> Vec<String> {
    selected(report, "blocks", "id")
}

/// Finds an input that the document's sampling draws (or does not draw), so tests do not depend
/// on a particular hash value.
fn image_where_sampled(compiled: &CompiledConditions, response: &Value, sampled: bool) -> Value {
    let (sampling, ..) = compiled
        .leaf_tests()
        .find(|(_, kind, _)| *kind == ConditionType::Sampling)
        .expect("the document samples");
    (0..10_000)
        .map(|i| image_request(&format!("image-{i}.jpg")))
        .find(|request| {
            let evaluation = compiled
                .evaluate(Inference::new(response).with_request(request))
                .unwrap();
            evaluation.result_at(sampling) == Some(sampled)
        })
        .expect("some input in 10,000 is sampled either way")
}

// Rekognition, spec 4.5.

const REKOGNITION_EXAMPLE_1: &str = include_str!("fixtures/rekognition_example_1.json");

#[test]
fn rekognition_example_1_reviews_labels_inside_their_bands() {
    let compiled = compile(REKOGNITION, REKOGNITION_EXAMPLE_1);
    let response = labels(&[
        ("Explicit Nudity", 99.5),
        ("Graphic Male Nudity", 95.25),
        ("Suggestive", 60.0),
    ]);
    let expect = |pairs: &[(&str, bool)]| -> Vec<(String, bool)> {
        pairs.iter().map(|(p, r)| (p.to_string(), *r)).collect()
    };
    assert_eq!(
        results(&compiled, &response),
        expect(&[
            ("Conditions[0]", true),
            ("Conditions[0].Or[0]", true),
            ("Conditions[0].Or[0].And[0]", true),
            ("Conditions[0].Or[0].And[1]", true),
            ("Conditions[0].Or[1]", false),
            ("Conditions[0].Or[1].And[0]", false),
            ("Conditions[0].Or[1].And[1]", false),
        ])
    );
    let report = report_on(&compiled, &response, None);
    assert!(report.activated);
    assert_eq!(
        report.activation_reasons,
        [ActivationReason::ConditionsMatched]
    );
    assert_eq!(selected_names(&report), ["Graphic Male Nudity"]);
    assert_eq!(report.human_loop_context, None);
}

#[test]
fn rekognition_example_1_bounds_are_inclusive() {
    let compiled = compile(REKOGNITION, REKOGNITION_EXAMPLE_1);
    let activated = |response: Value| activates(&compiled, &response, None);
    assert!(activated(labels(&[("Graphic Male Nudity", 90.0)])));
    assert!(activated(labels(&[("Graphic Male Nudity", 99.0)])));
    assert!(!activated(labels(&[("Graphic Male Nudity", 89.999)])));
    assert!(!activated(labels(&[("Graphic Male Nudity", 99.001)])));
    assert!(activated(labels(&[("Graphic Female Nudity", 80.0)])));
    assert!(!activated(labels(&[("Graphic Female Nudity", 79.99)])));
    // Names are exact and case-sensitive.
    assert!(!activated(labels(&[("graphic male nudity", 95.0)])));
    assert!(!activated(labels(&[])));
}

#[test]
fn rekognition_example_1_reports_nothing_when_no_band_holds() {
    let compiled = compile(REKOGNITION, REKOGNITION_EXAMPLE_1);
    let response = labels(&[
        ("Graphic Male Nudity", 99.9),
        ("Graphic Female Nudity", 50.0),
    ]);
    let report = report_on(&compiled, &response, None);
    assert!(!report.activated);
    assert!(report.activation_reasons.is_empty());
    assert_eq!(report.selected_ai_service_response, None);
    let results = report.human_task_activation_condition_results.unwrap();
    assert_eq!(results["Conditions"][0]["EvaluationResult"], false);
    assert_eq!(
        results["Conditions"][0]["Or"][0]["And"][1]["EvaluationResult"],
        true
    );
    let serialized =
        serde_json::to_value(report_on(&compiled, &response, None).activation_output(None))
            .unwrap();
    assert_eq!(serialized.as_object().unwrap().len(), 1, "{serialized}");
    assert!(serialized["HumanLoopActivationConditionsEvaluationResults"].is_string());
}

/// Rekognition example 2.
const EVERY_LABEL_AT_75_OR_MORE: &str = r#"{ "Conditions": [ { "ConditionType": "ModerationLabelConfidenceCheck",
    "ConditionParameters": { "ModerationLabelName": "*", "ConfidenceGreaterThanEquals": 75 } } ] }"#;

#[test]
fn rekognition_example_2_selects_every_label_at_or_above_75() {
    let compiled = compile(REKOGNITION, EVERY_LABEL_AT_75_OR_MORE);
    let response = labels(&[
        ("Suggestive", 80.0),
        ("Revealing Clothes", 74.99),
        ("Drugs", 75.0),
    ]);
    let report = report_on(&compiled, &response, None);
    assert!(report.activated);
    assert_eq!(selected_names(&report), ["Suggestive", "Drugs"]);
    let low = labels(&[("Suggestive", 74.0)]);
    assert!(!activates(&compiled, &low, None));
}

/// 5 % of the inputs, as the guide's sampling examples draw them.
const SAMPLING_5: &str =
    r#"{ "ConditionType": "Sampling", "ConditionParameters": { "RandomSamplingPercentage": 5 } }"#;
const SAMPLE_5: &str = r#"{ "Conditions": [ { "ConditionType": "Sampling", "ConditionParameters": { "RandomSamplingPercentage": 5 } } ] }"#;

// The guide's three ways of combining a check with sampling (Rekognition examples 4 to 6,
// Textract examples 5 to 7), and the checks they combine.

/// Sampled inputs that also pass `check`.
fn sampled_and(check: &str) -> String {
    format!(r#"{{ "Conditions": [ {{ "And": [ {SAMPLING_5}, {check} ] }} ] }}"#)
}

/// Sampled inputs, and every input that passes `check`.
fn sampled_or(check: &str) -> String {
    format!(r#"{{ "Conditions": [ {{ "Or": [ {SAMPLING_5}, {check} ] }} ] }}"#)
}

/// Every input that passes `low`, and sampled ones that pass `high`.
fn low_or_sampled_high(low: &str, high: &str) -> String {
    format!(
        r#"{{ "Conditions": [ {{ "Or": [ {low}, {{ "And": [ {SAMPLING_5}, {high} ] }} ] }} ] }}"#
    )
}

/// The check of the label `name` with `threshold` (a JSON member).
fn label_check(name: &str, threshold: &str) -> String {
    format!(
        r#"{{ "ConditionType": "ModerationLabelConfidenceCheck", "ConditionParameters": {{ "ModerationLabelName": "{name}", {threshold} }} }}"#
    )
}

/// The check of the label "Graphic Male Nudity" with `threshold` (a JSON member).
fn graphic_male_nudity(threshold: &str) -> String {
    label_check("Graphic Male Nudity", threshold)
}

/// The guide's pair of checks: "Suggestive" below 98, "Female Swimwear Or Underwear" above
/// `swimwear_above`.
fn suggestive_and_swimwear(swimwear_above: u32) -> [String; 2] {
    [
        label_check("Suggestive", r#""ConfidenceLessThan": 98"#),
        label_check(
            "Female Swimwear Or Underwear",
            &format!(r#""ConfidenceGreaterThan": {swimwear_above}"#),
        ),
    ]
}

/// The check of the key "Pay Date" (or one of its aliases) with `thresholds` (JSON members).
fn pay_date(thresholds: &str) -> String {
    format!(
        r#"{{ "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {{
            "ImportantFormKey": "Pay Date", "ImportantFormKeyAliases": ["PayDate", "DateOfPay", "pay-date"],
            {thresholds} }} }}"#
    )
}

#[test]
fn rekognition_example_3_samples_five_percent_and_never_re_rolls() {
    let compiled = compile(REKOGNITION, SAMPLE_5);
    let response = labels(&[("Suggestive", 60.0)]);
    let mut sampled = 0;
    for i in 0..4_000 {
        let request = image_request(&format!("photo-{i}.jpg"));
        let first = inference(&compiled, &response, Some(&request));
        let again = inference(&compiled, &response, Some(&request));
        assert_eq!(first.is_activated(), again.is_activated());
        sampled += usize::from(sampled_in_full(first, &response));
    }
    // 5 % of 4,000 is 200, with a standard deviation of about 14.
    assert!((150..=250).contains(&sampled), "{sampled}");
}

#[test]
fn sampling_ignores_the_loop_name_but_not_the_flow() {
    let compiled = compile(REKOGNITION, SAMPLE_5);
    let response = labels(&[]);
    let sampled = image_where_sampled(&compiled, &response, true);
    let mut renamed = sampled.clone();
    renamed["humanLoopConfig"]["humanLoopName"] = json!("retry-2");
    assert!(activates(&compiled, &response, Some(&renamed)));
    // Another flow definition (salt) draws independently: over many inputs the two 5 % samples
    // barely overlap.
    let document = ConditionsDocument::parse(REKOGNITION, SAMPLE_5).unwrap();
    let other = CompiledConditions::new(
        document,
        CompileOptions {
            sampling_salt: "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/other".into(),
            ..CompileOptions::default()
        },
    );
    let (mut both, mut first) = (0, 0);
    for i in 0..4_000 {
        let request = image_request(&format!("photo-{i}.jpg"));
        let a = activates(&compiled, &response, Some(&request));
        let b = activates(&other, &response, Some(&request));
        first += usize::from(a);
        both += usize::from(a && b);
    }
    assert!(first > 100 && both < 30, "{first} {both}");
}

#[test]
fn rekognition_example_4_samples_only_among_matching_labels() {
    let compiled = compile(
        REKOGNITION,
        &sampled_and(&graphic_male_nudity(r#""ConfidenceGreaterThan": 50"#)),
    );
    let response = labels(&[("Graphic Male Nudity", 70.0), ("Suggestive", 90.0)]);
    let sampled = image_where_sampled(&compiled, &response, true);
    let report = report_on(&compiled, &response, Some(&sampled));
    assert!(report.activated);
    // Sampling inside And only gates; the label check decides what is shown.
    assert_eq!(selected_names(&report), ["Graphic Male Nudity"]);
    let not_sampled = image_where_sampled(&compiled, &response, false);
    assert!(!activates(&compiled, &response, Some(&not_sampled)));
    // Sampled, but the label is not above 50: no loop.
    let weak = labels(&[("Graphic Male Nudity", 50.0)]);
    assert!(!activates(&compiled, &weak, Some(&sampled)));
}

#[test]
fn rekognition_example_5_always_reviews_low_and_samples_high() {
    let compiled = compile(
        REKOGNITION,
        &low_or_sampled_high(
            &graphic_male_nudity(r#""ConfidenceLessThan": 60"#),
            &graphic_male_nudity(r#""ConfidenceGreaterThan": 90"#),
        ),
    );
    let low = labels(&[("Graphic Male Nudity", 55.0)]);
    let high = labels(&[("Graphic Male Nudity", 95.0)]);
    let middle = labels(&[("Graphic Male Nudity", 75.0)]);
    let mut high_sampled = 0;
    for i in 0..2_000 {
        let request = image_request(&format!("x-{i}.png"));
        let activated = |response: &Value| activates(&compiled, response, Some(&request));
        assert!(activated(&low));
        assert!(!activated(&middle));
        high_sampled += usize::from(activated(&high));
    }
    assert!((60..=140).contains(&high_sampled), "{high_sampled}");
}

#[test]
fn rekognition_example_6_reviews_matches_and_samples_the_rest() {
    let compiled = compile(
        REKOGNITION,
        &sampled_or(&graphic_male_nudity(r#""ConfidenceGreaterThan": 50"#)),
    );
    let response = labels(&[("Graphic Male Nudity", 51.0), ("Suggestive", 99.0)]);
    let not_sampled = image_where_sampled(&compiled, &response, false);
    let report = report_on(&compiled, &response, Some(&not_sampled));
    assert_eq!(selected_names(&report), ["Graphic Male Nudity"]);
    let sampled = image_where_sampled(&compiled, &response, true);
    let report = report_on(&compiled, &response, Some(&sampled));
    assert_eq!(report.selected_ai_service_response, Some(response.clone()));
    let other = labels(&[("Suggestive", 99.0)]);
    assert!(activates(&compiled, &other, Some(&sampled)));
}

#[test]
fn rekognition_guide_variant_and_of_two_labels_selects_both() {
    let compiled = compile(
        REKOGNITION,
        &format!(
            r#"{{"Conditions": [{{"And": [{}]}}]}}"#,
            suggestive_and_swimwear(95).join(", ")
        ),
    );
    let response = labels(&[
        ("Suggestive", 96.7),
        ("Female Swimwear Or Underwear", 96.0),
        ("Other", 99.0),
    ]);
    let report = report_on(&compiled, &response, None);
    assert_eq!(
        selected_names(&report),
        ["Suggestive", "Female Swimwear Or Underwear"]
    );
}

// Output samples, spec 7.2.

const REKOGNITION_OUTPUT_SAMPLE: &str = include_str!("fixtures/rekognition_output_sample.json");

#[test]
fn rekognition_output_sample_matches_the_developer_guide() {
    let compiled = compile(
        REKOGNITION,
        &format!(
            r#"{{"Conditions": [{{"Or": [{}]}}]}}"#,
            suggestive_and_swimwear(98).join(", ")
        ),
    );
    // The request, the response and the task input they make, as the output sample holds them.
    let sample: Value = serde_json::from_str(REKOGNITION_OUTPUT_SAMPLE).unwrap();
    let expected_input = &sample["inputContent"];
    let request = expected_input["aiServiceRequest"].clone();
    let response = expected_input["aiServiceResponse"].clone();
    let report = report_on(&compiled, &response, Some(&request));
    let input = report.task_input(Some(&request), &response);
    assert_eq!(&input, expected_input);
    // Byte for byte as A2I prints it: keys sorted at every level.
    let text = serde_json::to_string(&input["humanTaskActivationConditionResults"]).unwrap();
    assert_eq!(
        text,
        r#"{"Conditions":[{"EvaluationResult":true,"Or":[{"ConditionParameters":{"ConfidenceLessThan":98,"ModerationLabelName":"Suggestive"},"ConditionType":"ModerationLabelConfidenceCheck","EvaluationResult":true},{"ConditionParameters":{"ConfidenceGreaterThan":98,"ModerationLabelName":"Female Swimwear Or Underwear"},"ConditionType":"ModerationLabelConfidenceCheck","EvaluationResult":false}]}]}"#
    );
    let output = serde_json::to_value(report.activation_output(Some(
        "arn:aws:sagemaker:us-west-2:111122223333:human-loop/humnan-loop-name".into(),
    )))
    .unwrap();
    assert_eq!(
        output["HumanLoopActivationReasons"],
        json!(["ConditionsMatched"])
    );
    assert_eq!(
        output["HumanLoopActivationConditionsEvaluationResults"]
            .as_str()
            .unwrap(),
        text
    );
}

const MAIL_ADDRESS_KEY: &str = r#""ImportantFormKey": "Mail address",
    "ImportantFormKeyAliases": [ "Mail Address:", "Mail address:", "Mailing Add:", "Mailing Addresses" ]"#;

#[test]
fn textract_output_sample_matches_the_developer_guide() {
    let compiled = compile(
        TEXTRACT,
        &format!(
            r#"{{"Conditions": [{{"Or": [
              {{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {{ {MAIL_ADDRESS_KEY},
                "KeyValueBlockConfidenceLessThan": 100, "WordBlockConfidenceLessThan": 100}}}},
              {{"ConditionType": "MissingImportantFormKey", "ConditionParameters": {{ {MAIL_ADDRESS_KEY} }}}}]}}]}}"#
        ),
    );
    let response = form(&[
        field("Name:", 97.0, Some(96.0), &[99.0, 98.0, 97.0]),
        field(
            "Mail Address:",
            38.43309020996094,
            Some(40.0),
            &[99.0, 95.0, 91.0, 92.0],
        ),
    ]);
    let report = report_on(&compiled, &response, None);
    assert_eq!(
        report
            .human_task_activation_condition_results
            .clone()
            .unwrap(),
        json!({
          "Conditions": [ { "EvaluationResult": true, "Or": [
            { "ConditionParameters": { "ImportantFormKey": "Mail address",
                "ImportantFormKeyAliases": [ "Mail Address:", "Mail address:", "Mailing Add:", "Mailing Addresses" ],
                "KeyValueBlockConfidenceLessThan": 100, "WordBlockConfidenceLessThan": 100 },
              "ConditionType": "ImportantFormKeyConfidenceCheck", "EvaluationResult": true },
            { "ConditionParameters": { "ImportantFormKey": "Mail address",
                "ImportantFormKeyAliases": [ "Mail Address:", "Mail address:", "Mailing Add:", "Mailing Addresses" ] },
              "ConditionType": "MissingImportantFormKey", "EvaluationResult": false } ] } ]
        })
    );
    // The KEY block, its VALUE block and the CHILD words of both, in response order.
    assert_eq!(
        block_ids(&report),
        ["k1", "v1", "k1w0", "k1w1", "v1w0", "v1w1"]
    );
    assert_eq!(
        report.human_loop_context,
        Some(HumanLoopContext {
            important_form_keys: vec![ImportantFormKey {
                important_form_key: "Mail address".into(),
                important_form_key_aliases: vec![
                    "Mail Address:".into(),
                    "Mail address:".into(),
                    "Mailing Add:".into(),
                    "Mailing Addresses".into()
                ],
            }],
        })
    );
    let input = report.task_input(None, &response);
    assert_eq!(
        input["humanLoopContext"]["importantFormKeys"][0]["importantFormKey"],
        "Mail address"
    );
}

// Textract, spec 4.5.

const TEXTRACT_EXAMPLE_1: &str = r#"{ "Conditions": [
  { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
      "ImportantFormKey": "Employee Name", "ImportantFormKeyAliases": ["Name", "EmployeeName"],
      "KeyValueBlockConfidenceLessThan": 60, "WordBlockConfidenceLessThan": 85 } },
  { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
      "ImportantFormKey": "Pay Date", "ImportantFormKeyAliases": ["PayDate", "DateOfPay", "pay-date"],
      "KeyValueBlockConfidenceLessThan": 65, "WordBlockConfidenceLessThan": 85 } },
  { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
      "ImportantFormKey": "Gross Pay", "ImportantFormKeyAliases": ["GrossPay", "GrossAmount"],
      "KeyValueBlockConfidenceLessThan": 60, "WordBlockConfidenceLessThan": 85 } } ] }"#;

#[test]
fn textract_example_1_checks_each_important_key_by_name_or_alias() {
    let compiled = compile(TEXTRACT, TEXTRACT_EXAMPLE_1);
    let response = form(&[
        // Found through the alias "Name"; key and value below 60, one word below 85.
        field("Name", 50.0, Some(55.0), &[99.0, 80.0]),
        // Key and value below 65, but every word at 85 or more.
        field("Pay Date", 60.0, Some(61.0), &[85.0, 90.0, 99.0]),
        // Words are fine, but the VALUE block is at 60, not below it.
        field("GrossPay", 10.0, Some(60.0), &[10.0, 10.0]),
        field("Employer", 1.0, Some(1.0), &[1.0, 1.0]),
    ]);
    let evaluation = compiled.evaluate(Inference::new(&response)).unwrap();
    let results: Vec<bool> = evaluation.results().map(|(_, r)| r).collect();
    assert_eq!(results, [true, false, false]);
    let report = evaluation.report();
    assert_eq!(block_ids(&report), ["k0", "v0", "k0w0", "v0w0"]);
    let keys = report.human_loop_context.unwrap().important_form_keys;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].important_form_key, "Employee Name");
    assert_eq!(keys[0].important_form_key_aliases, ["Name", "EmployeeName"]);
}

#[test]
fn textract_key_names_are_exact_and_case_sensitive() {
    let compiled = compile(TEXTRACT, TEXTRACT_EXAMPLE_1);
    let response = form(&[
        field("pay date", 1.0, Some(1.0), &[1.0, 1.0, 1.0]),
        field("Pay Date:", 1.0, Some(1.0), &[1.0, 1.0, 1.0]),
    ]);
    assert!(!activates(&compiled, &response, None));
}

#[test]
fn textract_example_2_checks_every_key() {
    let compiled = compile(
        TEXTRACT,
        r#"{ "Conditions": [ { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
            "ImportantFormKey": "*", "KeyValueBlockConfidenceLessThan": 60, "WordBlockConfidenceLessThan": 90 } } ] }"#,
    );
    let response = form(&[
        field("A", 59.0, Some(10.0), &[95.0, 89.9]),
        field("B", 59.0, Some(10.0), &[95.0, 90.0]),
        field("C", 59.0, None, &[80.0]),
        field("D", 60.0, Some(10.0), &[1.0, 1.0]),
    ]);
    let report = report_on(&compiled, &response, None);
    // A: a value word below 90. B: no word below 90. C: no VALUE block, key word below 90.
    // D: the KEY block is not below 60.
    assert_eq!(
        block_ids(&report),
        ["k0", "v0", "k0w0", "v0w0", "k2", "k2w0"]
    );
    assert_eq!(
        report.human_loop_context.unwrap().important_form_keys[0].important_form_key,
        "*"
    );
}

#[test]
fn word_thresholds_can_require_every_word() {
    let text = r#"{ "Conditions": [ { "ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
        "ImportantFormKey": "Pay Date", "WordBlockConfidenceLessThan": 85 } } ] }"#;
    let one_low = form(&[field("Pay Date", 99.0, Some(99.0), &[99.0, 50.0, 99.0])]);
    let all_low = form(&[field("Pay Date", 99.0, Some(99.0), &[84.0, 50.0, 1.0])]);
    let any = compile(TEXTRACT, text);
    let all = CompiledConditions::new(
        ConditionsDocument::parse(TEXTRACT, text).unwrap(),
        CompileOptions {
            word_blocks: WordBlockRule::All,
            ..CompileOptions::default()
        },
    );
    assert!(activates(&any, &one_low, None));
    assert!(!activates(&all, &one_low, None));
    assert!(activates(&any, &all_low, None));
    assert!(activates(&all, &all_low, None));
}

#[test]
fn textract_example_3_samples_whole_forms() {
    let compiled = compile(TEXTRACT, SAMPLE_5);
    let mut sampled = 0;
    for i in 0..2_000 {
        let response = form(&[field("Id", f64::from(i % 100), None, &[99.0])]);
        let request = json!({"document": {"s3Object": {"bucket": "b", "name": format!("form-{i}.png")}}, "featureTypes": ["FORMS"]});
        let evaluation = inference(&compiled, &response, Some(&request));
        sampled += usize::from(sampled_in_full(evaluation, &response));
    }
    assert!((60..=140).contains(&sampled), "{sampled}");
}

const MISSING_MAILING_ADDRESS: &str = r#"{"Conditions": [{ "ConditionType": "MissingImportantFormKey",
  "ConditionParameters": { "ImportantFormKey": "Mailing Address", "ImportantFormKeyAliases": ["Mailing Address:"] } }]}"#;

#[test]
fn textract_example_4_reviews_forms_missing_a_key_without_predictions() {
    let compiled = compile(TEXTRACT, MISSING_MAILING_ADDRESS);
    let without = form(&[field("Name:", 99.0, Some(99.0), &[99.0, 99.0])]);
    let report = report_on(&compiled, &without, None);
    assert!(report.activated);
    // "no predicted key-value pairs are included"
    assert_eq!(
        report.selected_ai_service_response,
        Some(json!({"blocks": []}))
    );
    assert_eq!(
        report.human_loop_context.unwrap().important_form_keys,
        [ImportantFormKey {
            important_form_key: "Mailing Address".into(),
            important_form_key_aliases: vec!["Mailing Address:".into()],
        }]
    );
    let with_alias = form(&[field("Mailing Address:", 20.0, None, &[20.0, 20.0])]);
    assert!(!activates(&compiled, &with_alias, None));
}

#[test]
fn missing_any_key_means_a_form_without_keys() {
    let compiled = compile(
        TEXTRACT,
        r#"{"Conditions": [{"ConditionType": "MissingImportantFormKey", "ConditionParameters": {"ImportantFormKey": "*"}}]}"#,
    );
    let activated = |response: Value| activates(&compiled, &response, None);
    assert!(activated(form(&[])));
    assert!(!activated(form(&[field("Anything", 99.0, None, &[99.0])])));
}

#[test]
fn textract_example_5_samples_low_confidence_pay_dates() {
    let compiled = compile(
        TEXTRACT,
        &sampled_and(&pay_date(
            r#""KeyValueBlockConfidenceLessThan": 65, "WordBlockConfidenceLessThan": 85"#,
        )),
    );
    let response = form(&[
        field("DateOfPay", 50.0, Some(50.0), &[50.0, 50.0]),
        field("Other", 1.0, Some(1.0), &[1.0, 1.0]),
    ]);
    let sampled = image_where_sampled(&compiled, &response, true);
    let report = report_on(&compiled, &response, Some(&sampled));
    assert_eq!(block_ids(&report), ["k0", "v0", "k0w0", "v0w0"]);
    let not_sampled = image_where_sampled(&compiled, &response, false);
    assert!(!activates(&compiled, &response, Some(&not_sampled)));
}

#[test]
fn textract_example_6_reviews_low_and_samples_high_confidence() {
    let compiled = compile(
        TEXTRACT,
        &low_or_sampled_high(
            &pay_date(
                r#""KeyValueBlockConfidenceLessThan": 60, "WordBlockConfidenceLessThan": 60"#,
            ),
            &pay_date(
                r#""KeyValueBlockConfidenceLessThan": 90, "WordBlockConfidenceGreaterThan": 90"#,
            ),
        ),
    );
    let low = form(&[field("Pay Date", 50.0, Some(40.0), &[59.0, 99.0, 99.0])]);
    let high = form(&[field("PayDate", 80.0, Some(85.0), &[95.0, 10.0])]);
    let request_sampled = image_where_sampled(&compiled, &high, true);
    let request_not = image_where_sampled(&compiled, &high, false);
    let run = |r: &Value, q: &Value| {
        let evaluation = compiled
            .evaluate(Inference::new(r).with_request(q))
            .unwrap();
        (
            evaluation.is_activated(),
            evaluation.result_at("Conditions[0].Or[1]"),
        )
    };
    assert_eq!(run(&low, &request_not), (true, Some(false)));
    assert_eq!(run(&high, &request_sampled), (true, Some(true)));
    assert_eq!(run(&high, &request_not), (false, Some(false)));
}

#[test]
fn textract_example_7_checks_the_key_or_samples_the_form() {
    let compiled = compile(
        TEXTRACT,
        &sampled_or(&pay_date(
            r#""KeyValueBlockConfidenceLessThan": 65, "WordBlockConfidenceLessThan": 85"#,
        )),
    );
    let response = form(&[
        field("pay-date", 64.99, Some(64.0), &[84.99, 99.0]),
        field("Total", 99.0, Some(99.0), &[99.0, 99.0]),
    ]);
    let not_sampled = image_where_sampled(&compiled, &response, false);
    let report = report_on(&compiled, &response, Some(&not_sampled));
    assert_eq!(block_ids(&report), ["k0", "v0", "k0w0", "v0w0"]);
    let sampled = image_where_sampled(&compiled, &response, true);
    let report = report_on(&compiled, &response, Some(&sampled));
    assert_eq!(report.selected_ai_service_response, Some(response.clone()));
}

#[test]
fn the_notebook_demo_conditions_always_fire() {
    let compiled = compile(
        TEXTRACT,
        &format!(
            r#"{{"Conditions": [{{"Or": [
              {{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {{ {MAIL_ADDRESS_KEY},
                "KeyValueBlockConfidenceLessThan": 100, "WordBlockConfidenceLessThan": 100}}}},
              {{"ConditionType": "MissingImportantFormKey", "ConditionParameters": {{ {MAIL_ADDRESS_KEY} }}}},
              {{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {{"ImportantFormKey": "Phone Number",
                "KeyValueBlockConfidenceLessThan": 100, "WordBlockConfidenceLessThan": 100}}}},
              {{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {{"ImportantFormKey": "*",
                "KeyValueBlockConfidenceLessThan": 100, "WordBlockConfidenceLessThan": 100}}}},
              {{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {{"ImportantFormKey": "*",
                "KeyValueBlockConfidenceGreaterThan": 0, "WordBlockConfidenceGreaterThan": 0}}}}]}}]}}"#
        ),
    );
    for response in [
        form(&[]),
        form(&[field("Mail Address:", 100.0, Some(100.0), &[100.0, 100.0])]),
        form(&[field("Zip", 50.0, None, &[50.0])]),
    ] {
        assert!(activates(&compiled, &response, None));
    }
}

#[test]
fn key_value_thresholds_apply_to_the_key_and_its_value() {
    let compiled = compile(
        TEXTRACT,
        r#"{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
            "ImportantFormKey": "Total", "KeyValueBlockConfidenceLessThanEquals": 60}}]}"#,
    );
    let activated = |key: f64, value: Option<f64>| {
        let response = form(&[field("Total", key, value, &[99.0, 99.0])]);
        activates(&compiled, &response, None)
    };
    assert!(activated(60.0, Some(60.0)));
    assert!(!activated(60.0, Some(60.01)));
    assert!(!activated(60.01, Some(10.0)));
    assert!(activated(10.0, None));
}

#[test]
fn a_false_and_contributes_no_keys_to_the_context() {
    let compiled = compile(
        TEXTRACT,
        r#"{"Conditions": [
          {"And": [
            {"ConditionType": "MissingImportantFormKey", "ConditionParameters": {"ImportantFormKey": "Signature"}},
            {"ConditionType": "MissingImportantFormKey", "ConditionParameters": {"ImportantFormKey": "Name"}}]},
          {"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {"ImportantFormKey": "Name"}}]}"#,
    );
    let response = form(&[field("Name", 90.0, None, &[90.0])]);
    let evaluation = compiled.evaluate(Inference::new(&response)).unwrap();
    assert_eq!(evaluation.result_at("Conditions[0].And[0]"), Some(true));
    assert_eq!(evaluation.result_at("Conditions[0]"), Some(false));
    let keys = evaluation
        .report()
        .human_loop_context
        .unwrap()
        .important_form_keys;
    let names: Vec<&str> = keys.iter().map(|k| k.important_form_key.as_str()).collect();
    assert_eq!(names, ["Name"]);
}

// Flows without conditions, custom flows, dry runs and bad input.

#[test]
fn built_in_flows_without_conditions_send_everything() {
    let response = labels(&[("Suggestive", 51.0)]);
    let report = ActivationReport::without_conditions(REKOGNITION, &response);
    assert!(report.activated);
    assert_eq!(report.human_task_activation_condition_results, None);
    assert_eq!(report.selected_ai_service_response, Some(response.clone()));
    let output = serde_json::to_value(report.activation_output(None)).unwrap();
    assert_eq!(
        output,
        json!({"HumanLoopActivationReasons": ["ConditionsMatched"]})
    );
    let textract = ActivationReport::without_conditions(TEXTRACT, &form(&[]));
    assert_eq!(
        textract.human_loop_context,
        Some(HumanLoopContext::default())
    );
}

#[test]
fn custom_flows_start_always_unless_an_expression_says_otherwise() {
    let input = json!({"taskObject": "MS Dhoni retired from cricket"});
    assert!(CustomFlowConditions::always().decide(&input).starts_loop());
    let conditions =
        CustomFlowConditions::parse(r#"{"!": {"in": ["cricket", {"var": "taskObject"}]}}"#)
            .unwrap();
    assert_eq!(conditions.decide(&input), CustomActivation::NotMatched);
    assert_eq!(
        conditions.decide(&json!({"taskObject": "Rain in Spain"})),
        CustomActivation::Matched
    );
}

#[test]
fn a_dry_run_explains_every_leaf() {
    let sdk_response = r#"{"ModerationLabels": [
        {"Confidence": 95.5, "Name": "Graphic Male Nudity", "ParentName": "Explicit Nudity"},
        {"Confidence": 99.5, "Name": "Explicit Nudity", "ParentName": ""}],
      "ModerationModelVersion": "3.0"}"#;
    let run = dry_run(
        REKOGNITION,
        REKOGNITION_EXAMPLE_1,
        sdk_response,
        CompileOptions::default(),
    )
    .unwrap();
    assert!(run.report.activated);
    assert_eq!(run.leaves.len(), 4);
    let first = &run.leaves[0];
    assert_eq!(first.path, "Conditions[0].Or[0].And[0]");
    assert_eq!(first.json_logic, json!({"<=": [{"var": []}, 99]}));
    assert_eq!(first.tests.len(), 1);
    assert_eq!(first.tests[0].at, "aiServiceResponse.moderationLabels[0]");
    assert_eq!(first.tests[0].name.as_deref(), Some("Graphic Male Nudity"));
    assert_eq!(first.tests[0].data, json!(95.5));
    assert!(first.tests[0].result);
    assert!(run.leaves[2].tests.is_empty() && !run.leaves[2].evaluation_result);
    let json = serde_json::to_value(&run).unwrap();
    assert_eq!(json["activated"], true);
    assert_eq!(
        json["selectedAiServiceResponse"]["moderationLabels"][0]["name"],
        "Graphic Male Nudity"
    );
    assert_eq!(
        json["leaves"][0]["conditionType"],
        "ModerationLabelConfidenceCheck"
    );
}

#[test]
fn a_dry_run_shows_the_sampling_draw_of_the_given_request() {
    let wrapped = json!({
        "aiServiceRequest": image_request("cat.jpg"),
        "aiServiceResponse": labels(&[("Suggestive", 60.0)]),
    })
    .to_string();
    let run = dry_run(REKOGNITION, SAMPLE_5, &wrapped, CompileOptions::default()).unwrap();
    let draw = run.leaves[0].sample_draw.unwrap();
    assert!((0.0..100.0).contains(&draw));
    assert_eq!(run.leaves[0].evaluation_result, draw < 5.0);
    let again = dry_run(REKOGNITION, SAMPLE_5, &wrapped, CompileOptions::default()).unwrap();
    assert_eq!(again.leaves[0].sample_draw, Some(draw));
}

#[test]
fn a_dry_run_reports_bad_conditions_and_bad_output() {
    let err = dry_run(
        REKOGNITION,
        r#"{"Conditions": []}"#,
        "{}",
        CompileOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "Conditions: needs at least one condition");
    let err = dry_run(REKOGNITION, SAMPLE_5, "{", CompileOptions::default()).unwrap_err();
    assert!(matches!(err, DryRunError::NotJson { .. }), "{err}");
    let err = dry_run(
        TEXTRACT,
        SAMPLE_5,
        r#"{"blocks": [{"id": "x"}]}"#,
        CompileOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "aiServiceResponse.blocks[0].blockType: missing"
    );
}

#[test]
fn candidates_tested_together_are_explained_one_by_one() {
    // Five labels go to the evaluator in one call; the dry run still shows each of them.
    let run = dry_run(
        REKOGNITION,
        EVERY_LABEL_AT_75_OR_MORE,
        &labels(&[
            ("A", 80.0),
            ("B", 74.99),
            ("C", 75.0),
            ("D", 10.0),
            ("E", 99.5),
        ])
        .to_string(),
        CompileOptions::default(),
    )
    .unwrap();
    let tests: Vec<(String, Option<String>, Value, bool)> = run.leaves[0]
        .tests
        .iter()
        .map(|t| (t.at.clone(), t.name.clone(), t.data.clone(), t.result))
        .collect();
    let expected: Vec<(String, Option<String>, Value, bool)> = [
        ("A", 80.0, true),
        ("B", 74.99, false),
        ("C", 75.0, true),
        ("D", 10.0, false),
        ("E", 99.5, true),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, confidence, result))| {
        (
            format!("aiServiceResponse.moderationLabels[{i}]"),
            Some(name.to_string()),
            json!(confidence),
            *result,
        )
    })
    .collect();
    assert_eq!(tests, expected);
    assert_eq!(selected_names(&run.report), ["A", "C", "E"]);

    // Two leaves about the same key share its candidates, four of them, tested in one call;
    // each leaf explains all of them.
    let conditions = r#"{"Conditions": [{"Or": [
        {"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
            "ImportantFormKey": "*", "KeyValueBlockConfidenceLessThan": 60}},
        {"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
            "ImportantFormKey": "*", "WordBlockConfidenceGreaterThan": 90}}]}]}"#;
    let fields = [
        field("A", 50.0, Some(55.0), &[80.0, 85.0]),
        field("B", 70.0, None, &[95.0]),
        field("C D", 10.0, Some(90.0), &[91.0, 20.0, 30.0]),
        field("E", 75.0, Some(50.0), &[50.0, 50.0]),
    ];
    let run = dry_run(
        TEXTRACT,
        conditions,
        &form(&fields).to_string(),
        CompileOptions::default(),
    )
    .unwrap();
    let data = [
        json!({"keyValueConfidences": [50.0, 55.0], "wordConfidences": [80.0, 85.0]}),
        json!({"keyValueConfidences": [70.0], "wordConfidences": [95.0]}),
        json!({"keyValueConfidences": [10.0, 90.0], "wordConfidences": [91.0, 20.0, 30.0]}),
        json!({"keyValueConfidences": [75.0, 50.0], "wordConfidences": [50.0, 50.0]}),
    ];
    for (leaf, results) in run
        .leaves
        .iter()
        .zip([[true, false, false, false], [false, true, true, false]])
    {
        let seen: Vec<(&str, &Value, bool)> = leaf
            .tests
            .iter()
            .map(|t| (t.name.as_deref().unwrap(), &t.data, t.result))
            .collect();
        let expected: Vec<(&str, &Value, bool)> = ["A", "B", "C D", "E"]
            .into_iter()
            .zip(&data)
            .zip(results)
            .map(|((name, data), result)| (name, data, result))
            .collect();
        assert_eq!(seen, expected, "{}", leaf.path);
    }
    assert_eq!(
        block_ids(&run.report),
        [
            "k0", "v0", "k0w0", "v0w0", "k1", "k1w0", "k2", "v2", "k2w0", "k2w1", "v2w0"
        ]
    );
}

#[test]
fn a_value_is_looked_up_only_when_a_condition_reads_it() {
    // The VALUE block of "Total" is missing from the response.
    let response = json!({"blocks": [
        {"blockType": "KEY_VALUE_SET", "entityTypes": ["KEY"], "id": "k", "confidence": 50.0,
         "relationships": [{"type": "VALUE", "ids": ["gone"]}, {"type": "CHILD", "ids": ["w"]}]},
        {"blockType": "WORD", "id": "w", "text": "Total", "confidence": 50.0}]});
    // Key names alone, or another key's value, do not need it.
    for conditions in [
        r#"{"Conditions": [{"ConditionType": "MissingImportantFormKey", "ConditionParameters": {"ImportantFormKey": "Total"}}]}"#,
        r#"{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {"ImportantFormKey": "Date"}}]}"#,
    ] {
        let compiled = compile(TEXTRACT, conditions);
        assert!(!activates(&compiled, &response, None));
    }
    let total = compile(
        TEXTRACT,
        r#"{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {"ImportantFormKey": "Total"}}]}"#,
    );
    assert_eq!(
        total.evaluate(Inference::new(&response)).unwrap_err(),
        EvaluationError::MlOutput(MlOutputError::UnknownBlockId {
            path: "aiServiceResponse.blocks[0].relationships[0].ids[0]".into(),
            id: "gone".into(),
        })
    );
}

#[test]
fn a_response_of_the_wrong_shape_is_an_error_not_a_silent_false() {
    let compiled = compile(REKOGNITION, REKOGNITION_EXAMPLE_1);
    let textract_output = form(&[]);
    let err = compiled
        .evaluate(Inference::new(&textract_output))
        .unwrap_err();
    assert_eq!(
        err,
        EvaluationError::MlOutput(MlOutputError::Missing {
            path: "aiServiceResponse.moderationLabels".into()
        })
    );
    let sdk_casing = json!({"ModerationLabels": []});
    let err = compiled.evaluate(Inference::new(&sdk_casing)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "aiServiceResponse.moderationLabels: missing, found ModerationLabels instead; convert the AWS response to A2I's camelCase first"
    );
    let textract = compile(TEXTRACT, MISSING_MAILING_ADDRESS);
    // Blocks are read as far as the conditions need them: a key's words need their text.
    let word_without_text = json!({"blocks": [
        {"blockType": "KEY_VALUE_SET", "entityTypes": ["KEY"], "id": "k", "confidence": 50.0,
         "relationships": [{"type": "CHILD", "ids": ["w"]}]},
        {"blockType": "WORD", "id": "w", "confidence": 9.0}]});
    assert_eq!(
        textract
            .evaluate(Inference::new(&word_without_text))
            .unwrap_err()
            .to_string(),
        "aiServiceResponse.blocks[1].text: missing"
    );
    let stray_word = json!({"blocks": [{"blockType": "WORD", "id": "w", "confidence": 9.0}]});
    assert!(activates(&textract, &stray_word, None));
}
