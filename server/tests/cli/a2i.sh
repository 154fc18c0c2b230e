#!/usr/bin/env bash
# Task UIs, flow definitions and human loops through the real AWS CLI (v1, from PyPI), pointed at
# a running Loupe. Run by server/tests/api/cli_conformance.rs with AWS (the CLI), LOUPE_URL and the
# key in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Stops at the first difference.
set -euo pipefail

source "$(dirname "$0")/expect.sh"

ui_arn=$(sm create-human-task-ui --human-task-ui-name cli-ui \
  --ui-template '{"Content": "<p>{{ task.input.taskObject }}</p>"}' --query HumanTaskUiArn --output text)
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:human-task-ui/cli-ui" "$ui_arn" "CreateHumanTaskUi"
expect Active "$(sm describe-human-task-ui --human-task-ui-name cli-ui --query HumanTaskUiStatus --output text)" \
  "DescribeHumanTaskUi"
expect_error ResourceInUse sm create-human-task-ui --human-task-ui-name cli-ui --ui-template Content=x

flow_arn=$(sm create-flow-definition --flow-definition-name cli-flow \
  --human-loop-config "WorkteamArn=arn:aws:sagemaker:$REGION:$ACCOUNT:workteam/private-crowd/reviewers,HumanTaskUiArn=$ui_arn,TaskTitle=Review,TaskDescription=Review it,TaskCount=1" \
  --output-config S3OutputPath=s3://results/cli \
  --role-arn "arn:aws:iam::$ACCOUNT:role/a2i" --query FlowDefinitionArn --output text)
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:flow-definition/cli-flow" "$flow_arn" "CreateFlowDefinition"
expect Active "$(sm describe-flow-definition --flow-definition-name cli-flow --query FlowDefinitionStatus --output text)" \
  "DescribeFlowDefinition"
expect_error ValidationException sm create-flow-definition --flow-definition-name Bad_Name \
  --human-loop-config "WorkteamArn=arn:aws:sagemaker:$REGION:$ACCOUNT:workteam/private-crowd/reviewers,HumanTaskUiArn=$ui_arn,TaskTitle=t,TaskDescription=d,TaskCount=1" \
  --output-config S3OutputPath=s3://results/cli --role-arn "arn:aws:iam::$ACCOUNT:role/a2i"

loop_arn=$(a2i start-human-loop --human-loop-name cli-1 --flow-definition-arn "$flow_arn" \
  --human-loop-input '{"InputContent": "{\"taskObject\": \"from the CLI\"}"}' --query HumanLoopArn --output text)
expect "arn:aws:sagemaker:$REGION:$ACCOUNT:human-loop/cli-1" "$loop_arn" "StartHumanLoop"
a2i start-human-loop --human-loop-name cli-2 --flow-definition-arn "$flow_arn" \
  --human-loop-input '{"InputContent": "{}"}' >/dev/null
expect InProgress "$(a2i describe-human-loop --human-loop-name cli-1 --query HumanLoopStatus --output text)" \
  "DescribeHumanLoop"
# The CLI pages through all results by itself; a page size of 1 makes it follow NextToken.
names=$(a2i list-human-loops --flow-definition-arn "$flow_arn" --page-size 1 \
  --query 'HumanLoopSummaries[].HumanLoopName' --output text | tr -s '[:space:]' ' ' | xargs)
expect "cli-2 cli-1" "$names" "ListHumanLoops over two pages, newest first"
expect_error ConflictException a2i start-human-loop --human-loop-name cli-1 --flow-definition-arn "$flow_arn" \
  --human-loop-input '{"InputContent": "{\"other\": 1}"}'
expect_error ValidationException a2i delete-human-loop --human-loop-name cli-1
a2i stop-human-loop --human-loop-name cli-1
expect Stopped "$(a2i describe-human-loop --human-loop-name cli-1 --query HumanLoopStatus --output text)" \
  "StopHumanLoop"
a2i delete-human-loop --human-loop-name cli-1
expect_error ResourceNotFoundException a2i describe-human-loop --human-loop-name cli-1

AWS_SECRET_ACCESS_KEY=wrong expect_error InvalidSignatureException \
  a2i describe-human-loop --human-loop-name cli-2
echo "AWS CLI conformance: ok"
