use serde_json::json;

use super::*;

mod human_loop_config;

const PRIVATE_TEAM: &str =
    "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/reviewers";
const PUBLIC_CROWD: &str = "arn:aws:sagemaker:us-west-2:394669845002:workteam/public-crowd/default";
const TEMPLATE: &str = "arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/sentiment";
const ROLE: &str = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-A2I";
const REKOGNITION: &str = "AWS/Rekognition/DetectModerationLabels/Image/V3";
const TEXTRACT: &str = "AWS/Textract/AnalyzeDocument/Forms/V1";

fn account() -> Account {
    Account::new("us-west-2", "111122223333").unwrap()
}

/// A custom flow definition with the required members only.
fn custom() -> Value {
    json!({
        "FlowDefinitionName": "sentiment-review",
        "HumanLoopConfig": {
            "WorkteamArn": PRIVATE_TEAM,
            "HumanTaskUiArn": TEMPLATE,
            "TaskTitle": "Review sentiment",
            "TaskDescription": "Choose the sentiment the text conveys",
            "TaskCount": 1
        },
        "OutputConfig": {"S3OutputPath": "s3://bucket/a2i-results"},
        "RoleArn": ROLE
    })
}

/// Sets the member at a JSON pointer whose parent exists.
fn with(mut request: Value, pointer: &str, value: Value) -> Value {
    let (parent, member) = pointer.rsplit_once('/').unwrap();
    request
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap()
        .insert(member.to_owned(), value);
    request
}

fn without(mut request: Value, pointer: &str) -> Value {
    let (parent, member) = pointer.rsplit_once('/').unwrap();
    request
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap()
        .remove(member);
    request
}

fn parse(request: &Value) -> Result<FlowDefinitionSpec, RequestError> {
    FlowDefinitionSpec::parse(request, &account(), &TaskLimits::default())
}

/// The violations of a request that must fail validation, one message each.
fn violations(request: &Value) -> Vec<String> {
    crate::domain::validation::violation_messages(parse(request))
}

fn one_violation(request: &Value) -> String {
    let all = violations(request);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().unwrap()
}

fn public(request: Value) -> Value {
    with(request, "/HumanLoopConfig/WorkteamArn", json!(PUBLIC_CROWD))
}

fn price(dollars: i64, cents: i64, tenths: i64) -> Value {
    json!({"AmountInUsd": {"Dollars": dollars, "Cents": cents, "TenthFractionsOfACent": tenths}})
}

#[test]
fn a_custom_flow_with_the_required_members_gets_the_defaults() {
    let spec = parse(&custom()).unwrap();
    assert_eq!(spec.flow_definition_name.as_str(), "sentiment-review");
    assert_eq!(spec.task_type(), TaskType::Custom);
    assert_eq!(spec.human_loop_request_source, None);
    assert_eq!(spec.activation_conditions(), None);
    let config = &spec.human_loop_config;
    assert_eq!(config.workteam_arn.to_string(), PRIVATE_TEAM);
    assert_eq!(config.human_task_ui_arn.to_string(), TEMPLATE);
    assert_eq!(config.task_count.get(), 1);
    assert_eq!(config.task_availability_lifetime_in_seconds, 864_000);
    assert_eq!(config.task_time_limit_in_seconds, 3_600);
    assert_eq!(config.task_keywords, None);
    assert_eq!(config.public_workforce_task_price, None);
    assert!(!config.is_public_crowd());
    assert_eq!(config.pay_per_loop(), None);
    assert_eq!(spec.output_config.s3_output_path, "s3://bucket/a2i-results");
    assert_eq!(spec.output_config.kms_key_id, None);
    assert_eq!(spec.role_arn.as_str(), ROLE);
    assert!(spec.tags.is_empty());
}

#[test]
fn a_built_in_flow_on_the_public_crowd_reads_every_member() {
    let conditions = r#"{"Conditions":[{"ConditionType":"Sampling","ConditionParameters":{"RandomSamplingPercentage":5}}]}"#;
    let request = json!({
        "FlowDefinitionName": "forms",
        "HumanLoopRequestSource": {"AwsManagedHumanLoopRequestSource": TEXTRACT},
        "HumanLoopActivationConfig": {
            "HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": conditions}
        },
        "HumanLoopConfig": {
            "WorkteamArn": PUBLIC_CROWD,
            "HumanTaskUiArn": TEMPLATE,
            "TaskTitle": "Check the form",
            "TaskDescription": "Check the key-value pairs",
            "TaskCount": 3,
            "TaskTimeLimitInSeconds": 600,
            "TaskKeywords": ["Forms", "Document Review"],
            "PublicWorkforceTaskPrice": price(0, 7, 2)
        },
        "OutputConfig": {"S3OutputPath": "https://bucket.s3.amazonaws.com/out", "KmsKeyId": "alias/a2i"},
        "RoleArn": ROLE,
        "Tags": [{"Key": "team", "Value": "forms"}]
    });
    let spec = parse(&request).unwrap();
    assert_eq!(spec.task_type(), TaskType::TextractForms);
    assert_eq!(spec.activation_conditions(), Some(conditions));
    let config = &spec.human_loop_config;
    assert!(config.is_public_crowd());
    assert_eq!(config.task_availability_lifetime_in_seconds, 21_600);
    assert_eq!(config.task_time_limit_in_seconds, 600);
    assert_eq!(
        config.task_keywords.as_deref(),
        Some(&["Forms".to_owned(), "Document Review".to_owned()][..])
    );
    assert_eq!(config.pay_per_task(), Some(MilliUsd::new(72)));
    // Spec 8's example: 3 workers × $0.072.
    assert_eq!(config.pay_per_loop(), Some(MilliUsd::new(216)));
    assert_eq!(spec.output_config.kms_key_id.as_deref(), Some("alias/a2i"));
    assert_eq!(spec.tags.len(), 1);
}

#[test]
fn task_count_above_three_reads_like_aws() {
    let request = with(custom(), "/HumanLoopConfig/TaskCount", json!(4));
    assert_eq!(
        parse(&request).unwrap_err().to_string(),
        "1 validation error detected: Value '4' at 'humanLoopConfig.taskCount' failed to \
             satisfy constraint: Member must have value less than or equal to 3"
    );
    let request = with(custom(), "/HumanLoopConfig/TaskCount", json!(0));
    assert_eq!(
        one_violation(&request),
        "Value '0' at 'humanLoopConfig.taskCount' failed to satisfy constraint: Member must \
             have value greater than or equal to 1"
    );
}

#[test]
fn every_missing_required_member_is_reported() {
    let err = parse(&json!({})).unwrap_err();
    assert_eq!(err.aws_error_type(), "ValidationException");
    assert_eq!(
        err.to_string(),
        "4 validation errors detected: \
             Value null at 'flowDefinitionName' failed to satisfy constraint: Member must not be null; \
             Value null at 'humanLoopConfig' failed to satisfy constraint: Member must not be null; \
             Value null at 'outputConfig' failed to satisfy constraint: Member must not be null; \
             Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
    );
    let request = with(
        with(custom(), "/HumanLoopConfig", json!({})),
        "/OutputConfig",
        json!({}),
    );
    let missing: Vec<String> = violations(&request);
    assert_eq!(
        missing,
        [
            "humanLoopConfig.workteamArn",
            "humanLoopConfig.humanTaskUiArn",
            "humanLoopConfig.taskTitle",
            "humanLoopConfig.taskDescription",
            "humanLoopConfig.taskCount",
            "outputConfig.s3OutputPath",
        ]
        .map(|path| {
            format!("Value null at '{path}' failed to satisfy constraint: Member must not be null")
        })
    );
    let request = with(
        with(custom(), "/HumanLoopRequestSource", json!({})),
        "/HumanLoopActivationConfig",
        json!({"HumanLoopActivationConditionsConfig": {}}),
    );
    assert_eq!(
            violations(&request),
            [
                "humanLoopRequestSource.awsManagedHumanLoopRequestSource",
                "humanLoopActivationConfig.humanLoopActivationConditionsConfig.humanLoopActivationConditions",
            ]
            .map(|path| {
                format!("Value null at '{path}' failed to satisfy constraint: Member must not be null")
            })
        );
}

#[test]
fn the_flow_definition_name_follows_spec_2_1() {
    let request = with(custom(), "/FlowDefinitionName", json!("Sentiment"));
    assert_eq!(
        one_violation(&request),
        "Value 'Sentiment' at 'flowDefinitionName' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: [a-z0-9](-*[a-z0-9]){0,62}"
    );
    let request = with(custom(), "/FlowDefinitionName", json!(""));
    assert_eq!(
        violations(&request),
        [
            "Value '' at 'flowDefinitionName' failed to satisfy constraint: Member must have length greater than or equal to 1",
            "Value '' at 'flowDefinitionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9](-*[a-z0-9]){0,62}",
        ]
    );
    let long = "f".repeat(64);
    let request = with(custom(), "/FlowDefinitionName", json!(long));
    assert_eq!(violations(&request).len(), 2);
    let request = with(custom(), "/FlowDefinitionName", json!("f".repeat(63)));
    assert!(parse(&request).is_ok());
}

#[test]
fn the_request_source_is_one_of_the_two_integrations() {
    let request = with(
        custom(),
        "/HumanLoopRequestSource",
        json!({"AwsManagedHumanLoopRequestSource": "AWS/Textract/AnalyzeExpense"}),
    );
    assert_eq!(
        one_violation(&request),
        "Value 'AWS/Textract/AnalyzeExpense' at \
             'humanLoopRequestSource.awsManagedHumanLoopRequestSource' failed to satisfy \
             constraint: Member must satisfy enum value set: \
             [AWS/Rekognition/DetectModerationLabels/Image/V3, AWS/Textract/AnalyzeDocument/Forms/V1]"
    );
    let request = with(
        custom(),
        "/HumanLoopRequestSource",
        json!({"AwsManagedHumanLoopRequestSource": REKOGNITION}),
    );
    let spec = parse(&request).unwrap();
    assert_eq!(spec.task_type(), TaskType::RekognitionModeration);
    // A source without activation conditions: every request goes to humans.
    assert_eq!(spec.activation_conditions(), None);
}

#[test]
fn activation_conditions_need_a_request_source() {
    let request = with(
        custom(),
        "/HumanLoopActivationConfig",
        json!({"HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": "{}"}}),
    );
    assert_eq!(
        one_violation(&request),
        "Value at 'humanLoopActivationConfig' failed to satisfy constraint: Member must not be \
             set without humanLoopRequestSource: custom task types have no activation conditions"
    );
}

#[test]
fn activation_conditions_are_a_string_of_at_most_10240_characters() {
    let built_in = |conditions: Value| {
        with(
            with(
                custom(),
                "/HumanLoopRequestSource",
                json!({"AwsManagedHumanLoopRequestSource": REKOGNITION}),
            ),
            "/HumanLoopActivationConfig",
            json!({"HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": conditions}}),
        )
    };
    // Only the length is checked here; the document itself is the conditions module's.
    let longest = "x".repeat(10_240);
    let spec = parse(&built_in(json!(longest))).unwrap();
    assert_eq!(spec.activation_conditions(), Some(longest.as_str()));
    assert_eq!(
        one_violation(&built_in(json!("x".repeat(10_241)))),
        "Value at 'humanLoopActivationConfig.humanLoopActivationConditionsConfig.\
             humanLoopActivationConditions' failed to satisfy constraint: Member must have length \
             less than or equal to 10240"
    );
    let err = parse(&built_in(json!({"Conditions": []}))).unwrap_err();
    assert_eq!(err.aws_error_type(), "SerializationException");
    assert!(
        err.to_string().contains("must be a string, not an object"),
        "{err}"
    );
}

#[test]
fn work_team_and_template_arns_follow_their_patterns() {
    let request = with(
        custom(),
        "/HumanLoopConfig/WorkteamArn",
        json!("arn:aws:sagemaker:us-west-2:1111:workteam/private-crowd/reviewers"),
    );
    assert_eq!(
        one_violation(&request),
        r"Value 'arn:aws:sagemaker:us-west-2:1111:workteam/private-crowd/reviewers' at 'humanLoopConfig.workteamArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:workteam/.*"
    );
    let request = with(
        custom(),
        "/HumanLoopConfig/HumanTaskUiArn",
        json!("arn:aws:sagemaker::111122223333:human-task-ui/sentiment"),
    );
    assert!(one_violation(&request).contains(r"[a-z0-9\-]+:[0-9]{12}:human-task-ui/.*"));
    // The model's patterns are case-sensitive, even though resolving is not.
    let request = with(
        custom(),
        "/HumanLoopConfig/WorkteamArn",
        json!(PRIVATE_TEAM.to_uppercase()),
    );
    assert!(one_violation(&request).contains("regular expression pattern"));
    let long = format!("{PRIVATE_TEAM}{}", "x".repeat(200));
    let request = with(custom(), "/HumanLoopConfig/WorkteamArn", json!(long));
    assert!(one_violation(&request).ends_with("Member must have length less than or equal to 256"));
}

#[test]
fn arns_of_other_accounts_or_regions_are_unknown_references() {
    let foreign = "arn:aws:sagemaker:us-west-2:999999999999:workteam/private-crowd/reviewers";
    let request = with(custom(), "/HumanLoopConfig/WorkteamArn", json!(foreign));
    let err = parse(&request).unwrap_err();
    assert_eq!(err.aws_error_type(), "ValidationException");
    let RequestError::UnknownReference(reference) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(reference.kind, ReferenceKind::Workteam);
    assert!(
        err.to_string().starts_with(&format!(
            "The specified Workteam '{foreign}' does not exist or you do not have access to it."
        )),
        "{err}"
    );
    assert!(err.to_string().contains("account 999999999999"), "{err}");

    let template = "arn:aws:sagemaker:eu-west-1:111122223333:human-task-ui/sentiment";
    let request = with(custom(), "/HumanLoopConfig/HumanTaskUiArn", json!(template));
    assert!(matches!(
        parse(&request),
        Err(RequestError::UnknownReference(ReferenceError {
            kind: ReferenceKind::HumanTaskUi,
            ..
        }))
    ));
    let vendor = "arn:aws:sagemaker:us-west-2:111122223333:workteam/vendor-crowd/acme";
    let request = with(custom(), "/HumanLoopConfig/WorkteamArn", json!(vendor));
    assert!(matches!(
        parse(&request),
        Err(RequestError::UnknownReference(_))
    ));
}

#[test]
fn arns_resolve_case_insensitively_to_their_canonical_form() {
    let request = with(
        with(
            custom(),
            "/HumanLoopConfig/WorkteamArn",
            json!("arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/Reviewers"),
        ),
        "/HumanLoopConfig/HumanTaskUiArn",
        json!("arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/Sentiment"),
    );
    let config = parse(&request).unwrap().human_loop_config;
    assert_eq!(config.workteam_arn.to_string(), PRIVATE_TEAM);
    assert_eq!(config.human_task_ui_arn.to_string(), TEMPLATE);
}

#[test]
fn output_paths_and_kms_keys_follow_their_patterns() {
    let request = with(
        custom(),
        "/OutputConfig/S3OutputPath",
        json!("bucket/prefix"),
    );
    assert_eq!(
        one_violation(&request),
        "Value 'bucket/prefix' at 'outputConfig.s3OutputPath' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: (https|s3)://([^/]+)/?(.*)"
    );
    let long = format!("s3://bucket/{}", "p".repeat(1013));
    let request = with(custom(), "/OutputConfig/S3OutputPath", json!(long));
    assert!(
        one_violation(&request).ends_with("Member must have length less than or equal to 1024")
    );
    let request = with(custom(), "/OutputConfig/KmsKeyId", json!("key id"));
    assert_eq!(
        one_violation(&request),
        "Value 'key id' at 'outputConfig.kmsKeyId' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: [a-zA-Z0-9:/_-]*"
    );
    let request = with(custom(), "/OutputConfig/KmsKeyId", json!(""));
    assert_eq!(
        parse(&request).unwrap().output_config.kms_key_id.as_deref(),
        Some("")
    );
}

#[test]
fn the_role_arn_follows_the_iam_pattern() {
    let request = with(custom(), "/RoleArn", json!("arn:aws:iam::1:role"));
    assert_eq!(
        violations(&request),
        [
            "Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
            r"Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+",
        ]
    );
    // The seed's own example has a 10-digit account id, which the pattern refuses.
    let seed_example =
        "arn:aws:iam::1234567890:role/service-role/AmazonSageMaker-ExecutionRole-20180111T151298";
    let request = with(custom(), "/RoleArn", json!(seed_example));
    assert!(one_violation(&request).contains("regular expression pattern"));
}

#[test]
fn tags_are_read_with_their_rules() {
    let request = with(
        custom(),
        "/Tags",
        json!([{"Key": "team", "Value": "sentiment"}, {"Key": "", "Value": "x"}]),
    );
    assert_eq!(
        one_violation(&request),
        "Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have \
             length greater than or equal to 1"
    );
    let request = with(
        custom(),
        "/Tags",
        json!([{"Key": "team", "Value": "sentiment"}]),
    );
    assert_eq!(
        parse(&request).unwrap().tags,
        vec![Tag {
            key: "team".into(),
            value: "sentiment".into()
        }]
    );
}

#[test]
fn wrong_types_are_serialisation_errors() {
    let cases = [
        (
            with(custom(), "/HumanLoopConfig/TaskCount", json!("1")),
            "'humanLoopConfig.taskCount' must be a whole number within the 32-bit integer range, not a string",
        ),
        (
            with(custom(), "/HumanLoopConfig/TaskCount", json!(1.5)),
            "'humanLoopConfig.taskCount' must be a whole number within the 32-bit integer range, not a floating-point number",
        ),
        (
            with(custom(), "/HumanLoopConfig", json!("config")),
            "'humanLoopConfig' must be a JSON object, not a string",
        ),
        (
            with(custom(), "/HumanLoopConfig/TaskKeywords", json!("a b")),
            "'humanLoopConfig.taskKeywords' must be a list, not a string",
        ),
        (
            with(custom(), "/HumanLoopConfig/TaskKeywords", json!([1])),
            "'humanLoopConfig.taskKeywords.1.member' must be a string, not a number",
        ),
        (
            json!([custom()]),
            "the request body must be a JSON object, not a list",
        ),
    ];
    for (request, message) in cases {
        let err = parse(&request).unwrap_err();
        assert_eq!(err.aws_error_type(), "SerializationException");
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn null_members_count_as_absent_and_unknown_members_are_ignored() {
    let request = with(
        with(custom(), "/HumanLoopRequestSource", Value::Null),
        "/HumanLoopConfig/TaskKeywords",
        Value::Null,
    );
    let request = with(request, "/SomethingNew", json!({"x": 1}));
    let spec = parse(&request).unwrap();
    assert_eq!(spec.task_type(), TaskType::Custom);
    assert_eq!(spec.human_loop_config.task_keywords, None);
    let request = with(custom(), "/RoleArn", Value::Null);
    assert_eq!(
        one_violation(&request),
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn errors_come_in_member_order_with_a_count() {
    let request = without(
        with(
            with(custom(), "/FlowDefinitionName", json!("Bad_Name")),
            "/HumanLoopConfig/TaskCount",
            json!(9),
        ),
        "/RoleArn",
    );
    let err = parse(&request).unwrap_err().to_string();
    assert!(
        err.starts_with("3 validation errors detected: Value 'Bad_Name' at 'flowDefinitionName'"),
        "{err}"
    );
    let task_count = err.find("'humanLoopConfig.taskCount'").unwrap();
    let role = err.find("'roleArn'").unwrap();
    assert!(task_count < role, "{err}");
}

#[test]
fn the_spec_serialises_in_the_describe_shape_and_reads_back() {
    let request = with(
        with(
            with(
                custom(),
                "/HumanLoopRequestSource",
                json!({"AwsManagedHumanLoopRequestSource": REKOGNITION}),
            ),
            "/HumanLoopConfig/PublicWorkforceTaskPrice",
            price(1, 8, 0),
        ),
        "/Tags",
        json!([{"Key": "k", "Value": "v"}]),
    );
    let spec = parse(&request).unwrap();
    let json = serde_json::to_value(&spec).unwrap();
    let mut expected = with(
        with(
            request,
            "/HumanLoopConfig/TaskAvailabilityLifetimeInSeconds",
            json!(864_000),
        ),
        "/HumanLoopConfig/TaskTimeLimitInSeconds",
        json!(3_600),
    );
    expected = with(
        expected,
        "/HumanLoopConfig/PublicWorkforceTaskPrice",
        json!({"AmountInUsd": {"Dollars": 1, "Cents": 8, "TenthFractionsOfACent": 0}}),
    );
    assert_eq!(json, expected);
    let back: FlowDefinitionSpec = serde_json::from_value(json).unwrap();
    assert_eq!(back, spec);
}
