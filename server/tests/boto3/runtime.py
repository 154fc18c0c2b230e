"""The A2I runtime through the real boto3 client, pointed at a running Loupe.

Run by server/tests/api/boto3_conformance.rs with LOUPE_URL, LOUPE_KEY_ID, LOUPE_SECRET and FLOW_ARN set.
Exits non-zero (an AssertionError with a message) on the first difference from A2I.
"""

import datetime
import json
import os

from loupe_clients import client, failure

FLOW = os.environ["FLOW_ARN"]


def error_code(call):
    code, _, status = failure(call)
    return code, status


a2i = client("sagemaker-a2i-runtime")
before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)

started = a2i.start_human_loop(
    HumanLoopName="boto-1",
    FlowDefinitionArn=FLOW,
    HumanLoopInput={"InputContent": json.dumps({"taskObject": "first"})},
    DataAttributes={"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]},
)
assert started["HumanLoopArn"] == "arn:aws:sagemaker:us-east-1:123456789012:human-loop/boto-1", started

described = a2i.describe_human_loop(HumanLoopName="boto-1")
assert described["HumanLoopStatus"] == "InProgress", described
assert described["HumanLoopName"] == "boto-1"
assert described["FlowDefinitionArn"] == FLOW
assert isinstance(described["CreationTime"], datetime.datetime), described
assert described["CreationTime"] >= before
# Notebooks print where the output will be right after starting the loop.
created = described["CreationTime"].astimezone(datetime.timezone.utc)
assert described["HumanLoopOutput"]["OutputS3Uri"] == (
    f"s3://results/loupe/review-text/{created:%Y/%m/%d/%H/%M/%S}/boto-1/output.json"
), described

# The Fraud Detector notebook names loops with a capital; A2I kept the case.
cased = a2i.start_human_loop(
    HumanLoopName="Fraud-detector-1613668909838",
    FlowDefinitionArn=FLOW,
    HumanLoopInput={"InputContent": json.dumps({"taskObject": "cased"})},
)
assert cased["HumanLoopArn"].endswith(":human-loop/Fraud-detector-1613668909838"), cased
described = a2i.describe_human_loop(HumanLoopName="Fraud-detector-1613668909838")
assert described["HumanLoopName"] == "Fraud-detector-1613668909838", described
assert described["HumanLoopOutput"]["OutputS3Uri"].endswith("/Fraud-detector-1613668909838/output.json")
assert error_code(
    lambda: a2i.start_human_loop(
        HumanLoopName="fraud-detector-1613668909838",
        FlowDefinitionArn=FLOW,
        HumanLoopInput={"InputContent": json.dumps({"taskObject": "cased"})},
    )
) == ("ConflictException", 409)
a2i.stop_human_loop(HumanLoopName="Fraud-detector-1613668909838")
a2i.delete_human_loop(HumanLoopName="Fraud-detector-1613668909838")

for n in range(2, 6):
    a2i.start_human_loop(
        HumanLoopName=f"boto-{n}",
        FlowDefinitionArn=FLOW,
        HumanLoopInput={"InputContent": json.dumps({"taskObject": n})},
    )

pages = list(
    a2i.get_paginator("list_human_loops").paginate(
        FlowDefinitionArn=FLOW,
        CreationTimeAfter=before,
        SortOrder="Ascending",
        PaginationConfig={"PageSize": 2},
    )
)
names = [s["HumanLoopName"] for page in pages for s in page["HumanLoopSummaries"]]
assert names == [f"boto-{n}" for n in range(1, 6)], names
assert len(pages) == 3, [len(p["HumanLoopSummaries"]) for p in pages]
assert "NextToken" not in pages[-1]
summary = pages[0]["HumanLoopSummaries"][0]
assert summary["HumanLoopStatus"] == "InProgress" and summary["FlowDefinitionArn"] == FLOW, summary

assert error_code(
    lambda: a2i.start_human_loop(
        HumanLoopName="boto-1",
        FlowDefinitionArn=FLOW,
        HumanLoopInput={"InputContent": json.dumps({"taskObject": "other"})},
    )
) == ("ConflictException", 409)
assert error_code(lambda: a2i.describe_human_loop(HumanLoopName="missing")) == (
    "ResourceNotFoundException",
    404,
)
assert error_code(
    lambda: a2i.start_human_loop(
        HumanLoopName="Bad_Name", FlowDefinitionArn=FLOW, HumanLoopInput={"InputContent": "{}"}
    )
) == ("ValidationException", 400)
assert error_code(lambda: a2i.delete_human_loop(HumanLoopName="boto-2")) == ("ValidationException", 400)

# boto3 models the runtime's errors: the modeled exception classes catch them.
try:
    a2i.describe_human_loop(HumanLoopName="missing")
except a2i.exceptions.ResourceNotFoundException:
    pass

a2i.stop_human_loop(HumanLoopName="boto-2")
assert a2i.describe_human_loop(HumanLoopName="boto-2")["HumanLoopStatus"] == "Stopped"
a2i.delete_human_loop(HumanLoopName="boto-2")
assert error_code(lambda: a2i.describe_human_loop(HumanLoopName="boto-2"))[0] == "ResourceNotFoundException"

assert error_code(lambda: client("sagemaker-a2i-runtime", "not the secret").describe_human_loop(HumanLoopName="boto-1")) == (
    "InvalidSignatureException",
    403,
)
# A full InputContent (3 MiB of UTF-8) of non-ASCII text: boto3 escapes each such character as
# \uXXXX, so the request body is three times the content, and it is still taken.
LIMIT = 3 * 1024 * 1024
frame = json.dumps({"taskObject": ""})
content = json.dumps({"taskObject": "\u00e9" * ((LIMIT - len(frame)) // 2)}, ensure_ascii=False)
assert LIMIT - 1 <= len(content.encode()) <= LIMIT, len(content.encode())
big = a2i.start_human_loop(
    HumanLoopName="boto-big", FlowDefinitionArn=FLOW, HumanLoopInput={"InputContent": content}
)
assert big["HumanLoopArn"].endswith("/boto-big"), big
assert a2i.describe_human_loop(HumanLoopName="boto-big")["HumanLoopStatus"] == "InProgress"
# Past the limit: the model's length error, not a size or serialization error.
too_big = json.dumps({"taskObject": "\u00e9" * (LIMIT // 2)}, ensure_ascii=False)
assert error_code(
    lambda: a2i.start_human_loop(
        HumanLoopName="boto-too-big", FlowDefinitionArn=FLOW, HumanLoopInput={"InputContent": too_big}
    )
) == ("ValidationException", 400)

print("boto3 runtime conformance: ok")
