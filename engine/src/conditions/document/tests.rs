use super::*;

const REKOGNITION: RequestSource = RequestSource::RekognitionModeration;
const TEXTRACT: RequestSource = RequestSource::TextractForms;

fn error(source: RequestSource, text: &str) -> String {
    ConditionsDocument::parse(source, text)
        .expect_err("the document should be rejected")
        .to_string()
}

/// Each `(document, message)` of `cases` is rejected for `source` with exactly that message.
fn assert_rejected(source: RequestSource, cases: &[(&str, &str)]) {
    for (document, message) in cases {
        assert_eq!(error(source, document), *message, "document {document}");
    }
}

fn label(name: &str, extra: &str) -> String {
    format!(
        r#"{{"ConditionType": "ModerationLabelConfidenceCheck", "ConditionParameters": {{"ModerationLabelName": "{name}"{extra}}}}}"#
    )
}

#[test]
fn parses_an_or_of_ands_into_typed_checks() {
    let text = format!(
        r#"{{"Conditions": [{{"Or": [{{"And": [{}, {}]}}, {}]}}]}}"#,
        label("Graphic Male Nudity", r#", "ConfidenceLessThanEquals": 99"#),
        label(
            "Graphic Male Nudity",
            r#", "ConfidenceGreaterThanEquals": 90"#
        ),
        label("*", ""),
    );
    let document = ConditionsDocument::parse(REKOGNITION, &text).unwrap();
    let [Condition::Or(members)] = document.conditions() else {
        panic!("expected one Or: {document:?}");
    };
    let Condition::And(band) = &members[0] else {
        panic!("expected an And first");
    };
    let Condition::Leaf(upper) = &band[0] else {
        panic!("expected a leaf");
    };
    assert_eq!(
        upper.check(),
        &Check::ModerationLabelConfidence {
            label: NamePattern::Exactly("Graphic Male Nudity".into()),
            confidence: Thresholds(vec![Threshold {
                comparison: Comparison::LessThanEquals,
                bound: Confidence(99.0),
            }]),
        }
    );
    let Condition::Leaf(any) = &members[1] else {
        panic!("expected a leaf");
    };
    assert!(matches!(
        any.check(),
        Check::ModerationLabelConfidence { label: NamePattern::Any, confidence } if confidence.is_empty()
    ));
}

#[test]
fn parses_textract_keys_with_aliases_and_both_threshold_groups() {
    let document = ConditionsDocument::parse(
            TEXTRACT,
            r#"{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck", "ConditionParameters": {
                "ImportantFormKey": "Pay Date", "ImportantFormKeyAliases": ["PayDate", "pay-date"],
                "KeyValueBlockConfidenceLessThan": 65, "WordBlockConfidenceGreaterThanEquals": 85.5}}]}"#,
        )
        .unwrap();
    let [Condition::Leaf(leaf)] = document.conditions() else {
        panic!("expected one leaf");
    };
    let Check::ImportantFormKeyConfidence {
        key,
        key_value,
        word,
    } = leaf.check()
    else {
        panic!("expected a key check");
    };
    assert_eq!(key.key, NamePattern::Exactly("Pay Date".into()));
    assert!(key.matches("Pay Date") && key.matches("pay-date") && !key.matches("pay date"));
    assert_eq!(key_value.as_slice()[0].comparison, Comparison::LessThan);
    assert_eq!(word.as_slice()[0].bound.value(), 85.5);
    assert_eq!(leaf.parameters()["ImportantFormKeyAliases"][1], "pay-date");
}

#[test]
fn rejects_what_is_not_a_json_object_with_conditions() {
    assert_rejected(
        REKOGNITION,
        &[
            (
                "{\"Conditions\": [",
                "HumanLoopActivationConditions: not valid JSON: EOF while parsing a list at line 1 column 16",
            ),
            (
                "[]",
                "HumanLoopActivationConditions: expected an object, found an array",
            ),
            ("{}", "Conditions: missing, required by the document"),
            (
                r#"{"Conditions": {}}"#,
                "Conditions: expected an array, found an object",
            ),
            (
                r#"{"Conditions": []}"#,
                "Conditions: needs at least one condition",
            ),
            (
                r#"{"Conditions": [{"Or": []}], "Version": 1}"#,
                "Version: not allowed here (allowed: Conditions)",
            ),
        ],
    );
}

#[test]
fn a_bare_condition_is_rejected_with_a_hint() {
    // Textract example 4 as the developer guide prints it.
    let err = error(
        TEXTRACT,
        r#"{"ConditionType": "MissingImportantFormKey",
                "ConditionParameters": {"ImportantFormKey": "Mailing Address", "ImportantFormKeyAliases": ["Mailing Address:"]}}"#,
    );
    assert_eq!(
        err,
        "Conditions: missing; the document is a single condition, wrap it as {\"Conditions\": [ ... ]}"
    );
}

#[test]
fn the_length_limit_counts_characters() {
    let pad = |n: usize| format!(r#"{{"Conditions": [{}]}}{}"#, label("ä", ""), " ".repeat(n));
    let base = pad(0).chars().count();
    assert!(ConditionsDocument::parse(REKOGNITION, &pad(MAX_DOCUMENT_CHARS - base)).is_ok());
    assert_eq!(
        error(REKOGNITION, &pad(MAX_DOCUMENT_CHARS - base + 1)),
        "HumanLoopActivationConditions: 10241 characters, more than the 10240 allowed"
    );
}

#[test]
fn and_and_or_need_two_members_and_one_kind() {
    let a = label("A", "");
    let one = format!(r#"{{"Conditions": [{{"Or": [{a}]}}]}}"#);
    let both = format!(r#"{{"Conditions": [{{"And": [{a}, {a}], "Or": [{a}, {a}]}}]}}"#);
    let params_on_and =
        format!(r#"{{"Conditions": [{{"And": [{a}, {a}], "ConditionParameters": {{}}}}]}}"#);
    assert_rejected(
        REKOGNITION,
        &[
            (
                &one,
                "Conditions[0].Or: needs at least two conditions, found 1",
            ),
            (
                r#"{"Conditions": [{"And": "x"}]}"#,
                "Conditions[0].And: expected an array, found a string",
            ),
            (
                &both,
                "Conditions[0]: needs exactly one of ConditionType, And or Or, found And and Or",
            ),
            (
                r#"{"Conditions": [{"ConditionParameters": {}}]}"#,
                "Conditions[0]: needs exactly one of ConditionType, And or Or, found none",
            ),
            (
                &params_on_and,
                "Conditions[0].ConditionParameters: not allowed here (allowed: And)",
            ),
            (
                r#"{"Conditions": [3]}"#,
                "Conditions[0]: expected an object, found a number",
            ),
        ],
    );
}

#[test]
fn nesting_stops_at_two_levels() {
    let a = label("A", "");
    let two = format!(r#"{{"Conditions": [{{"Or": [{{"And": [{a}, {a}]}}, {a}]}}]}}"#);
    assert!(ConditionsDocument::parse(REKOGNITION, &two).is_ok());
    let three =
        format!(r#"{{"Conditions": [{{"Or": [{{"And": [{{"Or": [{a}, {a}]}}, {a}]}}, {a}]}}]}}"#);
    assert_eq!(
        error(REKOGNITION, &three),
        "Conditions[0].Or[0].And[0].Or: nested deeper than the 2 levels of And/Or allowed"
    );
}

#[test]
fn condition_types_must_exist_and_suit_the_request_source() {
    assert_eq!(
        error(
            REKOGNITION,
            r#"{"Conditions": [{"ConditionType": "sampling", "ConditionParameters": {"RandomSamplingPercentage": 5}}]}"#
        ),
        "Conditions[0].ConditionType: \"sampling\" is not a condition type; AWS/Rekognition/DetectModerationLabels/Image/V3 allows ModerationLabelConfidenceCheck or Sampling"
    );
    assert_eq!(
        error(
            REKOGNITION,
            r#"{"Conditions": [{"ConditionType": "MissingImportantFormKey", "ConditionParameters": {"ImportantFormKey": "A"}}]}"#
        ),
        "Conditions[0].ConditionType: MissingImportantFormKey is not available for AWS/Rekognition/DetectModerationLabels/Image/V3, which allows ModerationLabelConfidenceCheck or Sampling"
    );
    assert_eq!(
        error(
            TEXTRACT,
            &format!(r#"{{"Conditions": [{}]}}"#, label("A", ""))
        ),
        "Conditions[0].ConditionType: ModerationLabelConfidenceCheck is not available for AWS/Textract/AnalyzeDocument/Forms/V1, which allows ImportantFormKeyConfidenceCheck, MissingImportantFormKey or Sampling"
    );
    assert_eq!(
        error(TEXTRACT, r#"{"Conditions": [{"ConditionType": 7}]}"#),
        "Conditions[0].ConditionType: expected a string, found a number"
    );
}

#[test]
fn parameters_are_named_typed_and_bounded() {
    // (source, the ConditionParameters of its confidence check, the message).
    let cases = [
        (
            REKOGNITION,
            r#"{"ModerationLabelName": "A", "ConfidenceLessThen": 5}"#,
            "Conditions[0].ConditionParameters.ConfidenceLessThen: not a parameter of ModerationLabelConfidenceCheck (allowed: ModerationLabelName, Confidence{Equals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals})",
        ),
        (
            REKOGNITION,
            r#"{"ConfidenceLessThan": 5}"#,
            "Conditions[0].ConditionParameters.ModerationLabelName: missing, required by ModerationLabelConfidenceCheck",
        ),
        (
            REKOGNITION,
            r#"{"ModerationLabelName": ""}"#,
            "Conditions[0].ConditionParameters.ModerationLabelName: must not be empty",
        ),
        (
            REKOGNITION,
            r#"{"ModerationLabelName": "A", "ConfidenceLessThan": "50"}"#,
            "Conditions[0].ConditionParameters.ConfidenceLessThan: expected a number, found a string",
        ),
        (
            REKOGNITION,
            r#"{"ModerationLabelName": "A", "ConfidenceGreaterThan": 100.5}"#,
            "Conditions[0].ConditionParameters.ConfidenceGreaterThan: 100.5 is outside the allowed range 0 to 100",
        ),
        (
            REKOGNITION,
            r#"{"ModerationLabelName": "A", "ConfidenceGreaterThan": -1}"#,
            "Conditions[0].ConditionParameters.ConfidenceGreaterThan: -1 is outside the allowed range 0 to 100",
        ),
        (
            TEXTRACT,
            r#"{"ImportantFormKey": "A", "ImportantFormKeyAliases": "B"}"#,
            "Conditions[0].ConditionParameters.ImportantFormKeyAliases: expected an array of strings, found a string",
        ),
        (
            TEXTRACT,
            r#"{"ImportantFormKey": "A", "ImportantFormKeyAliases": ["B", 3]}"#,
            "Conditions[0].ConditionParameters.ImportantFormKeyAliases[1]: expected a string, found a number",
        ),
        (
            TEXTRACT,
            r#"{"ImportantFormKey": "A", "ConfidenceLessThan": 5}"#,
            "Conditions[0].ConditionParameters.ConfidenceLessThan: not a parameter of ImportantFormKeyConfidenceCheck (allowed: ImportantFormKey, ImportantFormKeyAliases, KeyValueBlockConfidence{Equals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}, WordBlockConfidence{Equals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals})",
        ),
        (
            TEXTRACT,
            r#"{"ImportantFormKeyAliases": ["B"]}"#,
            "Conditions[0].ConditionParameters.ImportantFormKey: missing, required by ImportantFormKeyConfidenceCheck",
        ),
        (
            TEXTRACT,
            "[1]",
            "Conditions[0].ConditionParameters: expected an object, found an array",
        ),
    ];
    for (source, params, message) in cases {
        let kind = if source == REKOGNITION {
            "ModerationLabelConfidenceCheck"
        } else {
            "ImportantFormKeyConfidenceCheck"
        };
        let document = format!(
            r#"{{"Conditions": [{{"ConditionType": "{kind}", "ConditionParameters": {params}}}]}}"#
        );
        assert_rejected(source, &[(&document, message)]);
    }
}

#[test]
fn sampling_percentage_is_between_one_hundredth_and_one_hundred() {
    let sampling = |value: &str| {
        ConditionsDocument::parse(
            TEXTRACT,
            &format!(
                r#"{{"Conditions": [{{"ConditionType": "Sampling", "ConditionParameters": {{"RandomSamplingPercentage": {value}}}}}]}}"#
            ),
        )
    };
    assert!(sampling("0.01").is_ok());
    assert!(sampling("100").is_ok());
    assert_eq!(
        sampling("0.009").unwrap_err().to_string(),
        "Conditions[0].ConditionParameters.RandomSamplingPercentage: 0.009 is outside the allowed range 0.01 to 100"
    );
    assert!(sampling("100.0001").is_err());
    assert_eq!(
        error(
            TEXTRACT,
            r#"{"Conditions": [{"ConditionType": "Sampling"}]}"#
        ),
        "Conditions[0].ConditionParameters.RandomSamplingPercentage: missing, required by Sampling"
    );
    let err = ConditionsDocument::parse(
            TEXTRACT,
            r#"{"Conditions": [{"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 5, "Seed": 1}}]}"#,
        )
        .unwrap_err();
    assert_eq!(err.path(), "Conditions[0].ConditionParameters.Seed");
}

#[test]
fn errors_deep_in_the_tree_name_their_full_path() {
    let a = label("A", "");
    let bad = label("B", r#", "ConfidenceEquals": 101"#);
    let text = format!(r#"{{"Conditions": [{a}, {{"Or": [{a}, {{"And": [{a}, {bad}]}}]}}]}}"#);
    assert_eq!(
        error(REKOGNITION, &text),
        "Conditions[1].Or[1].And[1].ConditionParameters.ConfidenceEquals: 101 is outside the allowed range 0 to 100"
    );
}

#[test]
fn comparisons_hold_exactly_at_their_bounds() {
    assert!(Comparison::LessThanEquals.holds(60.0, 60.0));
    assert!(!Comparison::LessThan.holds(60.0, 60.0));
    assert!(Comparison::GreaterThanEquals.holds(60.0, 60.0));
    assert!(!Comparison::GreaterThan.holds(60.0, 60.0));
    assert!(Comparison::Equals.holds(60.0, 60.0));
    assert!(!Comparison::Equals.holds(60.000_001, 60.0));
}
