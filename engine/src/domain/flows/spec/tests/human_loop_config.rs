//! The `HumanLoopConfig` members a worker sees and is paid by: title and description, lifetimes
//! and time limits, keywords, and the public crowd's price.

use super::*;

#[test]
fn titles_are_xml_text_and_descriptions_one_line() {
    let request = with(
        custom(),
        "/HumanLoopConfig/TaskTitle",
        json!("Title\twith tab"),
    );
    assert!(parse(&request).is_ok());
    let request = with(custom(), "/HumanLoopConfig/TaskTitle", json!("Smile 😀"));
    assert_eq!(
        one_violation(&request),
        r"Value 'Smile 😀' at 'humanLoopConfig.taskTitle' failed to satisfy constraint: Member must satisfy regular expression pattern: [\t\n\r -\uD7FF\uE000-\uFFFD]*"
    );
    let request = with(
        custom(),
        "/HumanLoopConfig/TaskTitle",
        json!("t".repeat(129)),
    );
    assert!(one_violation(&request).ends_with("Member must have length less than or equal to 128"));
    let request = with(
        custom(),
        "/HumanLoopConfig/TaskTitle",
        json!("t".repeat(128)),
    );
    assert!(parse(&request).is_ok());
    let request = with(
        custom(),
        "/HumanLoopConfig/TaskDescription",
        json!("two\nlines"),
    );
    assert_eq!(
        one_violation(&request),
        "Value 'two\nlines' at 'humanLoopConfig.taskDescription' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: .+"
    );
    let request = with(
        custom(),
        "/HumanLoopConfig/TaskDescription",
        json!("d".repeat(256)),
    );
    assert!(one_violation(&request).ends_with("Member must have length less than or equal to 255"));
    let request = with(custom(), "/HumanLoopConfig/TaskDescription", json!(""));
    assert_eq!(violations(&request).len(), 2);
}

#[test]
fn lifetimes_and_time_limits_have_floors_ceilings_and_defaults() {
    let set = |request: Value, member: &str, value: i64| {
        with(request, &format!("/HumanLoopConfig/{member}"), json!(value))
    };
    let lifetime = "TaskAvailabilityLifetimeInSeconds";
    let time_limit = "TaskTimeLimitInSeconds";
    assert!(
        one_violation(&set(custom(), lifetime, 0))
            .ends_with("Member must have value greater than or equal to 1")
    );
    assert_eq!(
        one_violation(&set(custom(), lifetime, 864_001)),
        "Value '864001' at 'humanLoopConfig.taskAvailabilityLifetimeInSeconds' failed to \
             satisfy constraint: Member must have value less than or equal to 864000"
    );
    let spec = parse(&set(custom(), lifetime, 864_000)).unwrap();
    assert_eq!(
        spec.human_loop_config.task_availability_lifetime_in_seconds,
        864_000
    );
    let crowd = with(
        public(custom()),
        "/HumanLoopConfig/PublicWorkforceTaskPrice",
        price(0, 1, 2),
    );
    assert!(
        one_violation(&set(crowd.clone(), lifetime, 43_201))
            .ends_with("Member must have value less than or equal to 43200")
    );
    assert_eq!(
        parse(&set(crowd.clone(), lifetime, 43_200))
            .unwrap()
            .human_loop_config
            .task_availability_lifetime_in_seconds,
        43_200
    );
    assert_eq!(
        parse(&crowd)
            .unwrap()
            .human_loop_config
            .task_availability_lifetime_in_seconds,
        21_600
    );
    assert!(
        one_violation(&set(custom(), time_limit, 29))
            .ends_with("Member must have value greater than or equal to 30")
    );
    assert!(
        one_violation(&set(custom(), time_limit, 28_801))
            .ends_with("Member must have value less than or equal to 28800")
    );
    // The time limit may exceed the lifetime: the per-assignment deadline is capped later.
    let both = set(set(custom(), lifetime, 60), time_limit, 28_800);
    let config = parse(&both).unwrap().human_loop_config;
    assert_eq!(
        (
            config.task_availability_lifetime_in_seconds,
            config.task_time_limit_in_seconds
        ),
        (60, 28_800)
    );
}

#[test]
fn operators_may_change_the_limits() {
    let limits = TaskLimits {
        default_time_limit: 1_800,
        max_time_limit: 3_600,
        default_private_lifetime: 3_600,
        max_private_lifetime: 7_200,
        ..TaskLimits::default()
    };
    let spec = FlowDefinitionSpec::parse(&custom(), &account(), &limits).unwrap();
    assert_eq!(spec.human_loop_config.task_time_limit_in_seconds, 1_800);
    assert_eq!(
        spec.human_loop_config.task_availability_lifetime_in_seconds,
        3_600
    );
    let request = with(
        custom(),
        "/HumanLoopConfig/TaskAvailabilityLifetimeInSeconds",
        json!(7_201),
    );
    let err = FlowDefinitionSpec::parse(&request, &account(), &limits).unwrap_err();
    assert!(
        err.to_string().ends_with("less than or equal to 7200"),
        "{err}"
    );
}

#[test]
fn keywords_are_one_to_five_words_of_at_most_30_characters() {
    let keywords = |list: Value| with(custom(), "/HumanLoopConfig/TaskKeywords", list);
    assert_eq!(
        one_violation(&keywords(json!([]))),
        "Value '[]' at 'humanLoopConfig.taskKeywords' failed to satisfy constraint: Member \
             must have length greater than or equal to 1"
    );
    assert_eq!(
        one_violation(&keywords(json!(["a", "b", "c", "d", "e", "f"]))),
        "Value '[a, b, c, d, e, f]' at 'humanLoopConfig.taskKeywords' failed to satisfy \
             constraint: Member must have length less than or equal to 5"
    );
    assert_eq!(
            violations(&keywords(json!(["ok", "two  spaces", "k".repeat(31), null]))),
            [
                "Value 'two  spaces' at 'humanLoopConfig.taskKeywords.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9]+( [A-Za-z0-9]+)*".to_owned(),
                format!("Value '{}' at 'humanLoopConfig.taskKeywords.3.member' failed to satisfy constraint: Member must have length less than or equal to 30", "k".repeat(31)),
                "Value null at 'humanLoopConfig.taskKeywords.4.member' failed to satisfy constraint: Member must not be null".to_owned(),
            ]
        );
    let spec = parse(&keywords(json!(["Image", "Content Moderation"]))).unwrap();
    assert_eq!(spec.human_loop_config.task_keywords.unwrap().len(), 2);
}

#[test]
fn price_parts_have_their_ranges() {
    let request = with(
        custom(),
        "/HumanLoopConfig/PublicWorkforceTaskPrice",
        price(3, 100, -1),
    );
    assert_eq!(
        violations(&request),
        [
            "Value '3' at 'humanLoopConfig.publicWorkforceTaskPrice.amountInUsd.dollars' failed to satisfy constraint: Member must have value less than or equal to 2",
            "Value '100' at 'humanLoopConfig.publicWorkforceTaskPrice.amountInUsd.cents' failed to satisfy constraint: Member must have value less than or equal to 99",
            "Value '-1' at 'humanLoopConfig.publicWorkforceTaskPrice.amountInUsd.tenthFractionsOfACent' failed to satisfy constraint: Member must have value greater than or equal to 0",
        ]
    );
    // Out of range on the public crowd: only the range is reported, not a missing price.
    let request = with(
        public(custom()),
        "/HumanLoopConfig/PublicWorkforceTaskPrice",
        price(0, 100, 0),
    );
    assert_eq!(violations(&request).len(), 1);
}

#[test]
fn the_public_crowd_needs_a_price_from_the_task_types_list() {
    assert_eq!(
        one_violation(&public(custom())),
        "Value null at 'humanLoopConfig.publicWorkforceTaskPrice' failed to satisfy \
             constraint: Member must not be null when the work team is the public crowd"
    );
    let priced = |request: Value, price: Value| {
        with(
            public(request),
            "/HumanLoopConfig/PublicWorkforceTaskPrice",
            price,
        )
    };
    let message = one_violation(&priced(custom(), price(2, 40, 0)));
    assert!(
        message.starts_with(
            "Value '2.400' at 'humanLoopConfig.publicWorkforceTaskPrice.amountInUsd' failed \
                 to satisfy constraint: Member must be one of the public crowd prices for Amazon \
                 Augmented AI custom human review tasks: [0.012, 0.024,"
        ),
        "{message}"
    );
    assert!(message.ends_with("1.080, 1.200]"), "{message}");
    let textract = with(
        custom(),
        "/HumanLoopRequestSource",
        json!({"AwsManagedHumanLoopRequestSource": TEXTRACT}),
    );
    assert!(parse(&priced(textract, price(2, 40, 0))).is_ok());
    // An empty price is $0, which no list holds.
    assert!(
        one_violation(&priced(custom(), json!({})))
            .starts_with("Value '0.000' at 'humanLoopConfig.publicWorkforceTaskPrice.amountInUsd'")
    );
    assert!(parse(&priced(custom(), json!({"AmountInUsd": {"Cents": 12}}))).is_ok());
    // A misspelt request source hides which list applies; only the enum is reported.
    let unknown_source = with(
        custom(),
        "/HumanLoopRequestSource",
        json!({"AwsManagedHumanLoopRequestSource": "AWS/Textract"}),
    );
    assert_eq!(
        violations(&priced(unknown_source, price(2, 40, 0))).len(),
        1
    );
}

#[test]
fn a_private_team_keeps_any_price_in_range_unchecked() {
    let request = with(
        custom(),
        "/HumanLoopConfig/PublicWorkforceTaskPrice",
        price(0, 1, 3),
    );
    let config = parse(&request).unwrap().human_loop_config;
    assert_eq!(
        config
            .public_workforce_task_price
            .map(|price| price.to_milli_usd()),
        Some(MilliUsd::new(13))
    );
    assert_eq!(config.pay_per_task(), None);
}
