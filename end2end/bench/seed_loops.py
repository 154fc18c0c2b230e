"""Fills a Loupe with waiting tasks for the worker measurements, through boto3 like any caller.

    python seed_loops.py BASE_URL KEY_JSON FLOW COUNT

Creates a task UI and a custom flow definition FLOW (TaskCount 1, for the private team
"reviewers") when missing, then starts COUNT loops on it from 16 threads and prints the rate.
"""

import json
import pathlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3

TEMPLATE = """<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <crowd-classifier name="verdict" categories="{{ task.input.labels | to_json | escape }}" header="Is this review about the product?">
    <classification-target><p>{{ task.input.taskObject }}</p></classification-target>
    <short-instructions>Pick one.</short-instructions>
  </crowd-classifier>
</crowd-form>
"""

base, key_file, flow, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
key = json.loads(pathlib.Path(key_file).read_text())["AccessKey"]
session = boto3.session.Session(
    aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name="us-east-1"
)
config = boto3.session.Config(max_pool_connections=32, retries={"max_attempts": 0})
sm = session.client("sagemaker", endpoint_url=base, config=config)
a2i = session.client("sagemaker-a2i-runtime", endpoint_url=base, config=config)

try:
    ui = sm.create_human_task_ui(HumanTaskUiName=f"{flow}-ui", UiTemplate={"Content": TEMPLATE})["HumanTaskUiArn"]
except sm.exceptions.ResourceInUse:
    ui = sm.describe_human_task_ui(HumanTaskUiName=f"{flow}-ui")["HumanTaskUiArn"]
account = ui.split(":")[4]
try:
    arn = sm.describe_flow_definition(FlowDefinitionName=flow)["FlowDefinitionArn"]
except sm.exceptions.ResourceNotFound:
    arn = sm.create_flow_definition(
        FlowDefinitionName=flow,
        HumanLoopConfig={
            "WorkteamArn": f"arn:aws:sagemaker:us-east-1:{account}:workteam/private-crowd/reviewers",
            "HumanTaskUiArn": ui,
            "TaskTitle": "Is it about the product?",
            "TaskDescription": "Read the review and pick one",
            "TaskCount": 1,
        },
        OutputConfig={"S3OutputPath": "s3://measure/out"},
        RoleArn=f"arn:aws:iam::{account}:role/a2i",
    )["FlowDefinitionArn"]


def start(n: int) -> None:
    content = {"taskObject": f"Review {n}: arrived quickly and works as described.", "labels": ["Product", "Not product"]}
    a2i.start_human_loop(HumanLoopName=f"{flow}-{n:07d}", FlowDefinitionArn=arn, HumanLoopInput={"InputContent": json.dumps(content)})


began = time.time()
with ThreadPoolExecutor(16) as pool:
    list(pool.map(start, range(count)))
elapsed = time.time() - began
print(f"started {count} loops on {flow} in {elapsed:.0f} s ({count / elapsed:.0f}/s)")
