"""SageMaker's task UI (with RenderUiTemplate), flow definition and work team operations through
the real boto3 client.

Run by server/tests/api/boto3_conformance.rs with LOUPE_URL, LOUPE_KEY_ID and LOUPE_SECRET set; the
server has a private work team named "reviewers".
"""

import hashlib
import json

from loupe_clients import ACCOUNT, REGION, client, failure


def error_code(call):
    return failure(call)[0]


sm = client("sagemaker")
a2i = client("sagemaker-a2i-runtime")

template = '<crowd-form><crowd-classifier name="category" categories="[\'a\', \'b\']" header="{{ task.input.taskObject }}"></crowd-classifier></crowd-form>'
ui_arn = sm.create_human_task_ui(HumanTaskUiName="cp-ui", UiTemplate={"Content": template})["HumanTaskUiArn"]
assert ui_arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/cp-ui", ui_arn
assert error_code(
    lambda: sm.create_human_task_ui(HumanTaskUiName="cp-ui", UiTemplate={"Content": "x"})
) == "ResourceInUse"
described = sm.describe_human_task_ui(HumanTaskUiName="cp-ui")
assert described["HumanTaskUiStatus"] == "Active", described
assert described["UiTemplate"]["ContentSha256"] == hashlib.sha256(template.encode()).hexdigest()
assert described["UiTemplate"]["Url"].endswith("/human-task-uis/cp-ui/template")
assert described["CreationTime"].year >= 2026
for n in range(3):
    sm.create_human_task_ui(HumanTaskUiName=f"cp-extra-{n}", UiTemplate={"Content": "<p>x</p>"})
pages = list(sm.get_paginator("list_human_task_uis").paginate(PaginationConfig={"PageSize": 2}))
names = [s["HumanTaskUiName"] for p in pages for s in p["HumanTaskUiSummaries"]]
assert sorted(names) == sorted(["text", "cp-ui", "cp-extra-0", "cp-extra-1", "cp-extra-2"]), names
assert len(pages) == 3
assert error_code(lambda: sm.describe_human_task_ui(HumanTaskUiName="missing")) == "ResourceNotFound"

# RenderUiTemplate: a stored UI by ARN, or the template itself; autoescape on, as in A2I.
role = f"arn:aws:iam::{ACCOUNT}:role/a2i"
rendered = sm.render_ui_template(
    HumanTaskUiArn=ui_arn, Task={"Input": json.dumps({"taskObject": "Tom & Jerry"})}, RoleArn=role
)
assert rendered["Errors"] == [], rendered
assert 'header="Tom &amp; Jerry"' in rendered["RenderedContent"], rendered
rendered = sm.render_ui_template(
    UiTemplate={"Content": "{{ task.input.labels | to_json | escape }}"},
    Task={"Input": json.dumps({"labels": ["a", "b"]})},
    RoleArn=role,
)
assert rendered["RenderedContent"] == "[&quot;a&quot;,&quot;b&quot;]", rendered
broken = sm.render_ui_template(UiTemplate={"Content": "{% for x in %}"}, Task={"Input": "{}"}, RoleArn=role)
assert broken["RenderedContent"] == "" and broken["Errors"][0]["Code"] == "TemplateSyntaxError", broken
assert "line 1" in broken["Errors"][0]["Message"], broken
assert error_code(
    lambda: sm.render_ui_template(
        HumanTaskUiArn=f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/missing", Task={"Input": "{}"}, RoleArn=role
    )
) == "ResourceNotFound"

flow_request = dict(
    FlowDefinitionName="cp-flow",
    HumanLoopConfig={
        "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/reviewers",
        "HumanTaskUiArn": ui_arn,
        "TaskTitle": "Classify",
        "TaskDescription": "Pick a or b",
        "TaskCount": 2,
        "TaskAvailabilityLifetimeInSeconds": 3600,
        "TaskTimeLimitInSeconds": 300,
        "TaskKeywords": ["text"],
    },
    OutputConfig={"S3OutputPath": "s3://results/cp"},
    RoleArn=f"arn:aws:iam::{ACCOUNT}:role/a2i",
)
flow_arn = sm.create_flow_definition(**flow_request)["FlowDefinitionArn"]
assert flow_arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:flow-definition/cp-flow", flow_arn
assert error_code(lambda: sm.create_flow_definition(**flow_request)) == "ResourceInUse"
bad = dict(flow_request, FlowDefinitionName="cp-bad")
bad["HumanLoopConfig"] = dict(flow_request["HumanLoopConfig"], TaskCount=7)
assert error_code(lambda: sm.create_flow_definition(**bad)) == "ValidationException"

flow = sm.describe_flow_definition(FlowDefinitionName="cp-flow")
assert flow["FlowDefinitionStatus"] == "Active", flow
assert flow["FlowDefinitionArn"] == flow_arn
assert flow["HumanLoopConfig"]["TaskCount"] == 2
assert flow["HumanLoopConfig"]["TaskKeywords"] == ["text"]
assert flow["HumanLoopConfig"]["HumanTaskUiArn"] == ui_arn
assert flow["OutputConfig"]["S3OutputPath"] == "s3://results/cp"
assert flow["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/a2i"
summaries = sm.list_flow_definitions(SortOrder="Ascending")["FlowDefinitionSummaries"]
assert [s["FlowDefinitionName"] for s in summaries] == ["review-text", "cp-flow"], summaries

# The flow takes loops through the runtime.
arn = a2i.start_human_loop(
    HumanLoopName="cp-loop",
    FlowDefinitionArn=flow_arn,
    HumanLoopInput={"InputContent": json.dumps({"taskObject": "hello"})},
)["HumanLoopArn"]
assert arn.endswith("human-loop/cp-loop")

# A UI in use is retired: not listed, refused to new flows; the flow stops taking loops.
sm.delete_human_task_ui(HumanTaskUiName="cp-extra-0")
assert error_code(lambda: sm.describe_human_task_ui(HumanTaskUiName="cp-extra-0")) == "ResourceNotFound"

# Deleting the flow stops and deletes its untouched loop, then the flow.
sm.delete_flow_definition(FlowDefinitionName="cp-flow")
assert error_code(lambda: sm.describe_flow_definition(FlowDefinitionName="cp-flow")) == "ResourceNotFound"
assert error_code(lambda: a2i.describe_human_loop(HumanLoopName="cp-loop")) == "ResourceNotFoundException"
# Work teams: member definitions name Loupe worker groups.
team_request = dict(
    WorkteamName="night-crew",
    Description="Nights",
    MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["nights", "weekends"]}}],
    NotificationConfiguration={"NotificationTopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:night"},
)
team_arn = sm.create_workteam(**team_request)["WorkteamArn"]
assert team_arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/night-crew", team_arn
assert error_code(lambda: sm.create_workteam(**team_request)) == "ResourceInUse"
team = sm.describe_workteam(WorkteamName="night-crew")["Workteam"]
assert team["MemberDefinitions"] == team_request["MemberDefinitions"], team
assert team["Description"] == "Nights"
assert team["NotificationConfiguration"]["NotificationTopicArn"].endswith(":night")
assert team["WorkteamArn"] == team_arn
assert team["CreateDate"].year >= 2026
updated = sm.update_workteam(
    WorkteamName="night-crew",
    Description="Night shift",
    MemberDefinitions=[{"OidcMemberDefinition": {"Groups": ["nights"]}}],
)["Workteam"]
assert updated["Description"] == "Night shift", updated
assert updated["MemberDefinitions"] == [{"OidcMemberDefinition": {"Groups": ["nights"]}}]
names = [
    t["WorkteamName"]
    for page in sm.get_paginator("list_workteams").paginate(SortBy="Name", PaginationConfig={"PageSize": 1})
    for t in page["Workteams"]
]
assert names == ["night-crew", "reviewers"], names
assert [t["WorkteamName"] for t in sm.list_workteams(NameContains="night")["Workteams"]] == ["night-crew"]
# A team made in Loupe shows its own members as a group named after it.
reviewers = sm.describe_workteam(WorkteamName="reviewers")["Workteam"]
assert reviewers["MemberDefinitions"] == [{"OidcMemberDefinition": {"Groups": ["reviewers"]}}], reviewers
assert error_code(lambda: sm.delete_workteam(WorkteamName="reviewers")) == "ResourceInUse"
assert sm.delete_workteam(WorkteamName="night-crew")["Success"] is True
assert error_code(lambda: sm.describe_workteam(WorkteamName="night-crew")) == "ResourceNotFound"
assert error_code(
    lambda: sm.create_workteam(WorkteamName="bad team", Description="x", MemberDefinitions=[{}])
) == "ValidationException"
print("boto3 control plane conformance: ok")
