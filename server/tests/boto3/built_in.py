"""Built-in task types through boto3: a Rekognition and a Textract flow definition with activation
conditions, StartHumanLoop with the AI service's output, activation true and false.

Run by server/tests/api/boto3_conformance.rs (LOUPE_URL, LOUPE_KEY_ID, LOUPE_SECRET; work team
"reviewers" and task UI "text" exist).
"""

import json

from loupe_clients import ACCOUNT, REGION, client, failure


def error(call):
    code, message, _ = failure(call)
    return code, message


sm = client("sagemaker")
a2i = client("sagemaker-a2i-runtime")
UI = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/text"
TEAM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/reviewers"


def flow(name, source, conditions, **config):
    request = dict(
        FlowDefinitionName=name,
        HumanLoopRequestSource={"AwsManagedHumanLoopRequestSource": source},
        HumanLoopActivationConfig={
            "HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": json.dumps(conditions)}
        },
        HumanLoopConfig=dict(
            {"WorkteamArn": TEAM, "HumanTaskUiArn": UI, "TaskTitle": "t", "TaskDescription": "d", "TaskCount": 1},
            **config,
        ),
        OutputConfig={"S3OutputPath": "s3://results/built-in"},
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/a2i",
    )
    return lambda: sm.create_flow_definition(**request)


moderation = {
    "Conditions": [
        {
            "ConditionType": "ModerationLabelConfidenceCheck",
            "ConditionParameters": {"ModerationLabelName": "Suggestive", "ConfidenceLessThan": 98},
        }
    ]
}
rekognition_arn = flow("moderation", "AWS/Rekognition/DetectModerationLabels/Image/V3", moderation)()[
    "FlowDefinitionArn"
]

# Bad conditions, a wrong public-crowd price: ValidationException naming the problem.
code, message = error(flow("broken", "AWS/Rekognition/DetectModerationLabels/Image/V3", {"Conditions": []}))
assert code == "ValidationException" and "HumanLoopActivationConditions" in message, message
code, message = error(
    flow(
        "priced",
        "AWS/Rekognition/DetectModerationLabels/Image/V3",
        moderation,
        WorkteamArn=f"arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default",
        PublicWorkforceTaskPrice={"AmountInUsd": {"Dollars": 0, "Cents": 1, "TenthFractionsOfACent": 1}},
    )
)
assert code == "ValidationException" and "publicWorkforceTaskPrice" in message, message


def rekognition_input(confidence):
    # As the AWS SDK returns it (PascalCase); Loupe reads it in A2I's camelCase.
    return json.dumps(
        {
            "aiServiceRequest": {"Image": {"S3Object": {"Bucket": "b", "Name": "cat.jpg"}}},
            "aiServiceResponse": {
                "ModerationLabels": [{"Confidence": confidence, "Name": "Suggestive", "ParentName": ""}],
                "ModerationModelVersion": "6.1",
            },
        }
    )


sure = a2i.start_human_loop(
    HumanLoopName="sure", FlowDefinitionArn=rekognition_arn, HumanLoopInput={"InputContent": rekognition_input(99.5)}
)
assert "HumanLoopArn" not in sure, sure
assert error(lambda: a2i.describe_human_loop(HumanLoopName="sure"))[0] == "ResourceNotFoundException"
unsure = a2i.start_human_loop(
    HumanLoopName="unsure", FlowDefinitionArn=rekognition_arn, HumanLoopInput={"InputContent": rekognition_input(91.0)}
)
assert unsure["HumanLoopArn"].endswith("human-loop/unsure"), unsure
assert a2i.describe_human_loop(HumanLoopName="unsure")["HumanLoopStatus"] == "InProgress"

textract_conditions = {
    "Conditions": [
        {
            "ConditionType": "ImportantFormKeyConfidenceCheck",
            "ConditionParameters": {
                "ImportantFormKey": "Pay Date",
                "KeyValueBlockConfidenceLessThan": 90,
                "WordBlockConfidenceLessThan": 90,
            },
        }
    ]
}
textract_arn = flow("forms", "AWS/Textract/AnalyzeDocument/Forms/V1", textract_conditions)()["FlowDefinitionArn"]


def form(confidence):
    blocks = [
        {"BlockType": "KEY_VALUE_SET", "Id": "k", "Confidence": confidence, "EntityTypes": ["KEY"],
         "Relationships": [{"Type": "CHILD", "Ids": ["w1", "w2"]}, {"Type": "VALUE", "Ids": ["v"]}]},
        {"BlockType": "WORD", "Id": "w1", "Text": "Pay", "Confidence": confidence},
        {"BlockType": "WORD", "Id": "w2", "Text": "Date", "Confidence": confidence},
        {"BlockType": "KEY_VALUE_SET", "Id": "v", "Confidence": confidence, "EntityTypes": ["VALUE"],
         "Relationships": [{"Type": "CHILD", "Ids": ["w3"]}]},
        {"BlockType": "WORD", "Id": "w3", "Text": "2020-01-31", "Confidence": confidence},
    ]
    return json.dumps({"aiServiceRequest": {"Document": {"S3Object": {"Bucket": "b", "Name": "f.png"}}},
                       "aiServiceResponse": {"Blocks": blocks, "DocumentMetadata": {"Pages": 1}}})


clear = a2i.start_human_loop(
    HumanLoopName="clear-form", FlowDefinitionArn=textract_arn, HumanLoopInput={"InputContent": form(99.0)}
)
assert "HumanLoopArn" not in clear, clear
blurry = a2i.start_human_loop(
    HumanLoopName="blurry-form", FlowDefinitionArn=textract_arn, HumanLoopInput={"InputContent": form(60.0)}
)
assert blurry["HumanLoopArn"].endswith("human-loop/blurry-form"), blurry

# A built-in flow needs the AI service's output in the input.
code, message = error(
    lambda: a2i.start_human_loop(
        HumanLoopName="no-output", FlowDefinitionArn=textract_arn, HumanLoopInput={"InputContent": "{}"}
    )
)
assert code == "ValidationException" and "aiServiceResponse" in message, message
print("boto3 built-in task types: ok")
