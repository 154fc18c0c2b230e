#!/usr/bin/env bash
# Work teams and the two built-in task types through the real AWS CLI (v1, from PyPI), pointed at
# a running Loupe: CreateWorkteam … DeleteWorkteam with Loupe worker groups, a Rekognition and a
# Textract flow definition with activation conditions, and StartHumanLoop with the AI service's
# output, activation true and false. Run by server/tests/api/cli_conformance.rs like a2i.sh.
set -euo pipefail
source "$(dirname "$0")/expect.sh"

team_arn=$(sm create-workteam --workteam-name cli-crew --description "CLI crew" \
  --member-definitions '[{"OidcMemberDefinition": {"Groups": ["cli-days", "cli-nights"]}}]' \
  --query WorkteamArn --output text)
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:workteam/private-crowd/cli-crew" "$team_arn" "CreateWorkteam"
expect_error ResourceInUse sm create-workteam --workteam-name cli-crew --description again \
  --member-definitions '[{"OidcMemberDefinition": {"Groups": ["cli-days"]}}]'
expect "cli-days cli-nights" \
  "$(sm describe-workteam --workteam-name cli-crew \
      --query 'Workteam.MemberDefinitions[0].OidcMemberDefinition.Groups' --output text | xargs)" \
  "DescribeWorkteam groups"
sm update-workteam --workteam-name cli-crew --description "Day crew" \
  --member-definitions '[{"OidcMemberDefinition": {"Groups": ["cli-days"]}}]' >/dev/null
expect "Day crew" "$(sm describe-workteam --workteam-name cli-crew --query Workteam.Description --output text)" \
  "UpdateWorkteam"
# The CLI follows NextToken by itself; a page size of 1 makes it.
expect "cli-crew reviewers" \
  "$(sm list-workteams --sort-by Name --page-size 1 --query 'Workteams[].WorkteamName' --output text | xargs)" \
  "ListWorkteams over two pages"
expect_error ValidationException sm create-workteam --workteam-name "bad team" --description x \
  --member-definitions '[{"OidcMemberDefinition": {"Groups": ["g"]}}]'
expect_error ResourceInUse sm delete-workteam --workteam-name reviewers
expect True "$(sm delete-workteam --workteam-name cli-crew --query Success --output text)" "DeleteWorkteam"
expect_error ResourceNotFound sm describe-workteam --workteam-name cli-crew

ui_arn="arn:aws:sagemaker:$REGION:$ACCOUNT:human-task-ui/text"
team="arn:aws:sagemaker:$REGION:$ACCOUNT:workteam/private-crowd/reviewers"
built_in_flow() { # built_in_flow NAME SOURCE CONDITIONS
  sm create-flow-definition --flow-definition-name "$1" \
    --human-loop-request-source "AwsManagedHumanLoopRequestSource=$2" \
    --human-loop-activation-config \
      "{\"HumanLoopActivationConditionsConfig\": {\"HumanLoopActivationConditions\": $(json_string "$3")}}" \
    --human-loop-config "WorkteamArn=$team,HumanTaskUiArn=$ui_arn,TaskTitle=Check,TaskDescription=Check it,TaskCount=1" \
    --output-config S3OutputPath=s3://results/cli-built-in \
    --role-arn "arn:aws:iam::$ACCOUNT:role/a2i" --query FlowDefinitionArn --output text
}

moderation='{"Conditions": [{"ConditionType": "ModerationLabelConfidenceCheck",
  "ConditionParameters": {"ModerationLabelName": "Suggestive", "ConfidenceLessThan": 98}}]}'
rekognition_arn=$(built_in_flow cli-moderation AWS/Rekognition/DetectModerationLabels/Image/V3 "$moderation")
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:flow-definition/cli-moderation" "$rekognition_arn" \
  "CreateFlowDefinition (Rekognition)"
expect_error ValidationException built_in_flow cli-broken AWS/Rekognition/DetectModerationLabels/Image/V3 \
  '{"Conditions": [{"ConditionType": "NoSuchCheck"}]}'

rekognition_input() { # the AI service's request and response, PascalCase as the SDKs return it
  local content
  content=$(printf '{"aiServiceRequest": {"Image": {"S3Object": {"Bucket": "b", "Name": "cat.jpg"}}},
    "aiServiceResponse": {"ModerationLabels": [{"Confidence": %s, "Name": "Suggestive", "ParentName": ""}],
    "ModerationModelVersion": "6.1"}}' "$1")
  printf '{"InputContent": %s}' "$(json_string "$content")"
}
expect None "$(a2i start-human-loop --human-loop-name cli-sure --flow-definition-arn "$rekognition_arn" \
  --human-loop-input "$(rekognition_input 99.5)" --query HumanLoopArn --output text)" \
  "no loop when every label is confident"
expect_error ResourceNotFoundException a2i describe-human-loop --human-loop-name cli-sure
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:human-loop/cli-unsure" \
  "$(a2i start-human-loop --human-loop-name cli-unsure --flow-definition-arn "$rekognition_arn" \
      --human-loop-input "$(rekognition_input 91.0)" --query HumanLoopArn --output text)" \
  "a loop when a label is below the threshold"
expect InProgress "$(a2i describe-human-loop --human-loop-name cli-unsure --query HumanLoopStatus --output text)" \
  "DescribeHumanLoop (Rekognition)"

forms='{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck",
  "ConditionParameters": {"ImportantFormKey": "Pay Date", "KeyValueBlockConfidenceLessThan": 90,
                          "WordBlockConfidenceLessThan": 90}}]}'
textract_arn=$(built_in_flow cli-forms AWS/Textract/AnalyzeDocument/Forms/V1 "$forms")
form_input() { # a one-key form whose blocks all have confidence $1, camelCase as A2I stores it
  local content
  content=$(printf '{"aiServiceRequest": {"document": {"s3Object": {"bucket": "b", "name": "f.png"}}},
    "aiServiceResponse": {"documentMetadata": {"pages": 1}, "blocks": [
      {"blockType": "KEY_VALUE_SET", "id": "k", "confidence": %s, "entityTypes": ["KEY"],
       "relationships": [{"type": "CHILD", "ids": ["w1", "w2"]}, {"type": "VALUE", "ids": ["v"]}]},
      {"blockType": "WORD", "id": "w1", "text": "Pay", "confidence": %s},
      {"blockType": "WORD", "id": "w2", "text": "Date", "confidence": %s},
      {"blockType": "KEY_VALUE_SET", "id": "v", "confidence": %s, "entityTypes": ["VALUE"],
       "relationships": [{"type": "CHILD", "ids": ["w3"]}]},
      {"blockType": "WORD", "id": "w3", "text": "2020-01-31", "confidence": %s}]}}' "$1" "$1" "$1" "$1" "$1")
  printf '{"InputContent": %s}' "$(json_string "$content")"
}
expect None "$(a2i start-human-loop --human-loop-name cli-clear --flow-definition-arn "$textract_arn" \
  --human-loop-input "$(form_input 99)" --query HumanLoopArn --output text)" "no loop for a clear form"
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:human-loop/cli-blurry" \
  "$(a2i start-human-loop --human-loop-name cli-blurry --flow-definition-arn "$textract_arn" \
      --human-loop-input "$(form_input 60)" --query HumanLoopArn --output text)" "a loop for a blurry form"
expect_error ValidationException a2i start-human-loop --human-loop-name cli-empty \
  --flow-definition-arn "$textract_arn" --human-loop-input '{"InputContent": "{}"}'
echo "AWS CLI work teams and built-in task types: ok"
