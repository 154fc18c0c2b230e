use super::*;

fn account() -> Account {
    Account::new("us-west-2", "111122223333").unwrap()
}

fn flow(name: &str) -> FlowDefinitionName {
    FlowDefinitionName::parse(name).unwrap()
}

/// The name of an error's variant, as its `Debug` text starts.
fn variant_of(error: &ArnError) -> String {
    let debug = format!("{error:?}");
    debug.split([' ', '(']).next().unwrap().to_owned()
}

#[test]
fn account_checks_region_and_id_and_derives_the_partition() {
    assert_eq!(account().partition(), "aws");
    assert_eq!(
        Account::new("cn-north-1", "111122223333")
            .unwrap()
            .partition(),
        "aws-cn"
    );
    assert_eq!(
        Account::new("us-gov-west-1", "111122223333")
            .unwrap()
            .partition(),
        "aws-us-gov"
    );
    assert_eq!(
        Account::new("us-isob-east-1", "111122223333")
            .unwrap()
            .partition(),
        "aws-iso-b"
    );
    for bad in ["", "US-EAST-1", "us_east_1", "-us", "us-", "1us"] {
        assert_eq!(
            Account::new(bad, "111122223333"),
            Err(ArnError::InvalidRegion(bad.to_owned()))
        );
    }
    for bad in ["", "11112222333", "1111222233334", "11112222333a"] {
        assert_eq!(
            Account::new("us-east-1", bad),
            Err(ArnError::InvalidAccountId(bad.to_owned()))
        );
    }
}

#[test]
fn an_account_reads_back_only_when_valid() {
    let json = serde_json::to_value(account()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"partition": "aws", "region": "us-west-2", "account_id": "111122223333"})
    );
    assert_eq!(serde_json::from_value::<Account>(json).unwrap(), account());
    let bad = serde_json::json!({"partition": "aws", "region": "us-west-2", "account_id": "1"});
    assert!(serde_json::from_value::<Account>(bad).is_err());
}

#[test]
fn builds_the_arns_of_the_spec() {
    let account = account();
    assert_eq!(
        account
            .flow_definition_arn(&flow("flow-definition-name"))
            .to_string(),
        "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/flow-definition-name"
    );
    assert_eq!(
        account
            .human_task_ui_arn(&HumanTaskUiName::parse("template-name").unwrap())
            .to_string(),
        "arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/template-name"
    );
    assert_eq!(
        account
            .human_loop_arn(&HumanLoopName::parse("humanloop-nov-14-1").unwrap())
            .to_string(),
        "arn:aws:sagemaker:us-west-2:111122223333:human-loop/humanloop-nov-14-1"
    );
    assert_eq!(
        account.public_crowd_arn().to_string(),
        "arn:aws:sagemaker:us-west-2:394669845002:workteam/public-crowd/default"
    );
}

#[test]
fn work_team_names_are_lower_cased_in_arns_only() {
    let name = WorkteamName::parse("Review-Team").unwrap();
    let arn = account().workteam_arn(&name);
    assert_eq!(
        arn.to_string(),
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/review-team"
    );
    assert_eq!(name.as_str(), "Review-Team");
    assert_eq!(
        account().arn_of(&WorkteamRef::Private(name)).to_string(),
        arn.to_string()
    );
}

#[test]
fn resolves_arns_of_this_account_case_insensitively() {
    let account = account();
    assert_eq!(
        account
            .resolve_flow_definition(
                "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/my-flow"
            )
            .unwrap(),
        flow("my-flow")
    );
    assert_eq!(
        account
            .resolve_flow_definition(
                "ARN:AWS:SageMaker:US-WEST-2:111122223333:Flow-Definition/My-Flow"
            )
            .unwrap(),
        flow("my-flow")
    );
    assert_eq!(
        account
            .resolve_human_task_ui(
                "arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/Template"
            )
            .unwrap()
            .as_str(),
        "template"
    );
    assert_eq!(
        account
            .resolve_human_loop("arn:aws:sagemaker:us-west-2:111122223333:human-loop/loop-1")
            .unwrap()
            .as_str(),
        "loop-1"
    );
    // A loop name keeps its capitals, in the ARN Loupe writes and in one it reads.
    let cased = HumanLoopName::parse("Fraud-detector-1613668909838").unwrap();
    let arn = account.human_loop_arn(&cased).to_string();
    assert_eq!(
        arn,
        "arn:aws:sagemaker:us-west-2:111122223333:human-loop/Fraud-detector-1613668909838"
    );
    assert_eq!(account.resolve_human_loop(&arn).unwrap(), cased);
    assert_eq!(
        account
            .resolve_human_loop("ARN:AWS:SageMaker:US-WEST-2:111122223333:Human-Loop/Item-A")
            .unwrap()
            .as_str(),
        "Item-A"
    );
    assert_eq!(
        account
            .resolve_workteam(
                "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/Review-Team"
            )
            .unwrap(),
        WorkteamRef::Private(WorkteamName::parse("review-team").unwrap())
    );
    assert_eq!(
        account
            .resolve_workteam(
                "arn:aws:sagemaker:us-west-2:394669845002:workteam/public-crowd/default"
            )
            .unwrap(),
        WorkteamRef::PublicCrowd
    );
}

#[test]
fn resolving_checks_every_part() {
    let account = account();
    let resolve = |raw: &str| account.resolve_flow_definition(raw).unwrap_err();
    // Each ARN gets one part wrong, and is refused for that part: (ARN, the refusal's variant).
    for (raw, variant) in [
        (
            "arn:aws-cn:sagemaker:us-west-2:111122223333:flow-definition/f",
            "WrongPartition",
        ),
        (
            "arn:aws:iam:us-west-2:111122223333:flow-definition/f",
            "WrongService",
        ),
        (
            "arn:aws:sagemaker:us-east-1:111122223333:flow-definition/f",
            "WrongRegion",
        ),
        (
            "arn:aws:sagemaker:us-west-2:999999999999:flow-definition/f",
            "WrongAccount",
        ),
        (
            "arn:aws:sagemaker:us-west-2:111122223333:human-loop/f",
            "WrongResourceType",
        ),
        (
            "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/bad_name",
            "InvalidName",
        ),
        (
            "arn:aws:sagemaker:us-west-2:11112222333:flow-definition/f",
            "InvalidAccountId",
        ),
        (
            "arn:aws:sagemaker::111122223333:flow-definition/f",
            "InvalidRegion",
        ),
    ] {
        let error = resolve(raw);
        assert_eq!(variant_of(&error), variant, "{raw}: {error:?}");
    }
    for malformed in [
        "",
        "flow",
        "arn:aws:sagemaker",
        "urn:aws:sagemaker:a:b:c",
        "arn:gcp:sagemaker:us-west-2:111122223333:flow-definition/f",
    ] {
        assert_eq!(
            resolve(malformed),
            ArnError::Malformed(malformed.to_owned())
        );
    }
    let long = format!(
        "arn:aws:sagemaker:us-west-2:111122223333:flow-definition/{}",
        "a".repeat(1000)
    );
    assert!(matches!(
        resolve(&long),
        ArnError::TooLong { max: 1024, .. }
    ));
}

#[test]
fn the_public_crowd_belongs_to_aws_and_private_teams_to_us() {
    let account = account();
    let public_crowd_in_ours =
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/public-crowd/default";
    let private_team_in_awss =
        "arn:aws:sagemaker:us-west-2:394669845002:workteam/private-crowd/team";
    let public_crowd_elsewhere =
        "arn:aws:sagemaker:eu-west-1:394669845002:workteam/public-crowd/default";
    for (raw, refusal) in [
        (
            public_crowd_in_ours,
            ArnError::WrongAccount {
                arn: public_crowd_in_ours.into(),
                found: "111122223333".into(),
                expected: PUBLIC_CROWD_ACCOUNT_ID.into(),
            },
        ),
        (
            private_team_in_awss,
            ArnError::WrongAccount {
                arn: private_team_in_awss.into(),
                found: PUBLIC_CROWD_ACCOUNT_ID.into(),
                expected: "111122223333".into(),
            },
        ),
        (
            public_crowd_elsewhere,
            ArnError::WrongRegion {
                arn: public_crowd_elsewhere.into(),
                found: "eu-west-1".into(),
                expected: "us-west-2".into(),
            },
        ),
    ] {
        assert_eq!(account.resolve_workteam(raw), Err(refusal), "{raw}");
    }
    for unsupported in [
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/vendor-crowd/acme",
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/team",
        "arn:aws:sagemaker:us-west-2:394669845002:workteam/public-crowd/other",
    ] {
        assert_eq!(
            account.resolve_workteam(unsupported).unwrap_err(),
            ArnError::UnsupportedWorkteam(unsupported.to_owned())
        );
    }
    let long = format!(
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/{}",
        "a".repeat(200)
    );
    assert!(matches!(
        account.resolve_workteam(&long).unwrap_err(),
        ArnError::TooLong { max: 256, .. }
    ));
}

#[test]
fn arns_serialise_as_text_and_parse_back() {
    let arn = account().flow_definition_arn(&flow("my-flow"));
    let json = serde_json::to_string(&arn).unwrap();
    assert_eq!(
        json,
        "\"arn:aws:sagemaker:us-west-2:111122223333:flow-definition/my-flow\""
    );
    let back: FlowDefinitionArn = serde_json::from_str(&json).unwrap();
    assert_eq!(back, arn);
    assert_eq!(back.name().as_str(), "my-flow");
    assert_eq!(back.account(), &account());
    let crowd = account().public_crowd_arn();
    let back: WorkteamArn = serde_json::from_str(&serde_json::to_string(&crowd).unwrap()).unwrap();
    assert!(back.is_public_crowd());
    assert_eq!(back.account().account_id(), PUBLIC_CROWD_ACCOUNT_ID);
    assert!(serde_json::from_str::<HumanLoopArn>("\"not an arn\"").is_err());
}

#[test]
fn the_public_crowd_is_recognised_from_the_resource_alone() {
    assert!(names_public_crowd(
        "arn:aws:sagemaker:us-west-2:394669845002:workteam/public-crowd/default"
    ));
    assert!(names_public_crowd(
        "arn:aws:sagemaker:eu-west-1:394669845002:workteam/Public-Crowd/Default"
    ));
    assert!(!names_public_crowd(
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/default"
    ));
}

#[test]
fn model_patterns_are_case_sensitive_whole_value_checks() {
    use RegionInPattern::*;
    let ok = "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/x";
    assert!(matches_model_pattern(ok, "workteam", MayBeEmpty));
    assert!(matches_model_pattern(
        "arn:aws-us-gov:sagemaker::111122223333:workteam/",
        "workteam",
        MayBeEmpty
    ));
    assert!(!matches_model_pattern(
        "arn:aws:sagemaker::111122223333:human-task-ui/x",
        "human-task-ui",
        Required
    ));
    for bad in [
        "ARN:aws:sagemaker:us-west-2:111122223333:workteam/x",
        "arn:aws:sagemaker:US-WEST-2:111122223333:workteam/x",
        "arn:aws:sagemaker:us-west-2:1111222233:workteam/x",
        "arn:aws:sagemaker:us-west-2:111122223333:workteams/x",
        "arn:aws:sagemaker:us-west-2:111122223333:workteam",
        "arn:aws:sagemaker:us-west-2:111122223333:workteam/x\ny",
        "arn:aws:iam:us-west-2:111122223333:workteam/x",
        "xarn:aws:sagemaker:us-west-2:111122223333:workteam/x",
    ] {
        assert!(!matches_model_pattern(bad, "workteam", MayBeEmpty), "{bad}");
    }
}

#[test]
fn role_arns_follow_the_iam_pattern() {
    for good in [
        "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20180111T151298",
        "arn:aws:iam::111122223333:role/a",
        // `role/?` then a class that holds `/`: both of these match the model's pattern.
        "arn:aws-cn:iam::111122223333:rolex",
        "arn:aws:iam::111122223333:role/",
    ] {
        assert_eq!(RoleArn::parse(good).unwrap().as_str(), good);
    }
    for bad in [
        // The seed's own example has a 10-digit account id.
        "arn:aws:iam::1234567890:role/service-role/AmazonSageMaker-ExecutionRole-20180111T151298",
        "arn:aws:iam::111122223333:role",
        "arn:aws:iam::111122223333:user/x",
        "arn:aws:iam:us-east-1:111122223333:role/x",
        "arn:aws:iam::111122223333:role/a b",
    ] {
        assert_eq!(
            RoleArn::parse(bad),
            Err(ArnError::InvalidRole(bad.to_owned())),
            "{bad}"
        );
    }
    let text = ArnError::InvalidRole("x".into()).to_string();
    assert!(
        text.contains("20-2048") && text.contains(":role/?"),
        "{text}"
    );
}
