"""Textract AnalyzeDocument and Rekognition DetectModerationLabels with HumanLoopConfig through the
real boto3 clients, called the way the A2I sample notebooks call them; Loupe forwards them to the
test's stand-in for the services.

Run by server/tests/api/ml_proxy.rs (LOUPE_URL, LOUPE_KEY_ID, LOUPE_SECRET, MODERATION_FLOW_ARN,
FORMS_FLOW_ARN).
"""

import json
import os

from loupe_clients import ACCOUNT, REGION, client, failure

textract = client("textract")
rekognition = client("rekognition")
a2i = client("sagemaker-a2i-runtime")
MODERATION = os.environ["MODERATION_FLOW_ARN"]
FORMS = os.environ["FORMS_FLOW_ARN"]
PII_FREE = {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]}


def loop_arn(name):
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-loop/{name}"


# Rekognition, as the moderation notebook calls it: an S3 image and a human loop config.
response = rekognition.detect_moderation_labels(
    Image={"S3Object": {"Bucket": "photos", "Name": "beach.jpg"}},
    HumanLoopConfig={"HumanLoopName": "beach-boto3", "FlowDefinitionArn": MODERATION, "DataAttributes": PII_FREE},
)
labels = [label["Name"] for label in response["ModerationLabels"]]
assert labels == ["Suggestive", "Female Swimwear Or Underwear"], labels
output = response["HumanLoopActivationOutput"]
assert output["HumanLoopArn"] == loop_arn("beach-boto3"), output
assert output["HumanLoopActivationReasons"] == ["ConditionsMatched"], output
results = json.loads(output["HumanLoopActivationConditionsEvaluationResults"])
assert results["Conditions"][0]["EvaluationResult"] is True, results
loop = a2i.describe_human_loop(HumanLoopName="beach-boto3")
assert loop["HumanLoopStatus"] == "InProgress" and loop["FlowDefinitionArn"] == MODERATION, loop

# Nothing to moderate: the notebooks' test `'HumanLoopArn' in ...` is false, the results are there.
response = rekognition.detect_moderation_labels(
    Image={"S3Object": {"Bucket": "photos", "Name": "mountains.jpg"}},
    HumanLoopConfig={"HumanLoopName": "mountains-boto3", "FlowDefinitionArn": MODERATION},
)
assert response["ModerationLabels"] == []
assert "HumanLoopArn" not in response["HumanLoopActivationOutput"], response
results = json.loads(response["HumanLoopActivationOutput"]["HumanLoopActivationConditionsEvaluationResults"])
assert results["Conditions"][0]["EvaluationResult"] is False, results

# Image bytes (boto3 base64-encodes them).
response = rekognition.detect_moderation_labels(
    Image={"Bytes": b"\xff\xd8\xff\xe0 a beach photo"},
    HumanLoopConfig={"HumanLoopName": "beach-bytes", "FlowDefinitionArn": MODERATION},
)
assert response["HumanLoopActivationOutput"]["HumanLoopArn"] == loop_arn("beach-bytes"), response

# Without HumanLoopConfig: the service's answer alone.
response = rekognition.detect_moderation_labels(Image={"S3Object": {"Bucket": "photos", "Name": "beach.jpg"}})
assert "HumanLoopActivationOutput" not in response and len(response["ModerationLabels"]) == 2

# Textract, as the forms notebook calls it.
response = textract.analyze_document(
    Document={"S3Object": {"Bucket": "documents", "Name": "smudged-payslip.png"}},
    HumanLoopConfig={"FlowDefinitionArn": FORMS, "HumanLoopName": "payslip-boto3", "DataAttributes": PII_FREE},
    FeatureTypes=["TABLES", "FORMS"],
)
assert response["DocumentMetadata"]["Pages"] == 1
keys = [b for b in response["Blocks"] if b["BlockType"] == "KEY_VALUE_SET" and "KEY" in b["EntityTypes"]]
assert len(keys) == 1, keys
output = response["HumanLoopActivationOutput"]
assert output["HumanLoopArn"] == loop_arn("payslip-boto3"), output
assert a2i.describe_human_loop(HumanLoopName="payslip-boto3")["HumanLoopStatus"] == "InProgress"
response = textract.analyze_document(
    Document={"S3Object": {"Bucket": "documents", "Name": "clean-payslip.png"}},
    HumanLoopConfig={"FlowDefinitionArn": FORMS, "HumanLoopName": "clean-boto3"},
    FeatureTypes=["FORMS"],
)
assert "HumanLoopArn" not in response["HumanLoopActivationOutput"], response
code, _, _ = failure(lambda: a2i.describe_human_loop(HumanLoopName="clean-boto3"))
assert code == "ResourceNotFoundException", code

# Errors, as the clients' modeled exceptions.
unknown = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:flow-definition/no-such-flow"
try:
    textract.analyze_document(
        Document={"S3Object": {"Bucket": "documents", "Name": "clean-payslip.png"}},
        HumanLoopConfig={"FlowDefinitionArn": unknown, "HumanLoopName": "x"},
        FeatureTypes=["FORMS"],
    )
    raise AssertionError("an unknown flow definition must be refused")
except textract.exceptions.InvalidParameterException as error:
    assert "no-such-flow" in error.response["Error"]["Message"], error.response
try:
    rekognition.detect_moderation_labels(
        Image={"S3Object": {"Bucket": "photos", "Name": "beach.jpg"}},
        HumanLoopConfig={"FlowDefinitionArn": unknown, "HumanLoopName": "y"},
    )
    raise AssertionError("an unknown flow definition must be refused")
except rekognition.exceptions.ResourceNotFoundException:
    pass
try:
    textract.analyze_document(
        Document={"S3Object": {"Bucket": "documents", "Name": "payslip.png"}},
        HumanLoopConfig={"FlowDefinitionArn": MODERATION, "HumanLoopName": "z"},
        FeatureTypes=["FORMS"],
    )
    raise AssertionError("a moderation flow cannot take a Textract loop")
except textract.exceptions.InvalidParameterException as error:
    assert "AWS/Textract/AnalyzeDocument/Forms/V1" in error.response["Error"]["Message"], error.response
# The service's own error comes through in its shape.
try:
    rekognition.detect_moderation_labels(
        Image={"S3Object": {"Bucket": "photos", "Name": "missing.jpg"}},
        HumanLoopConfig={"FlowDefinitionArn": MODERATION, "HumanLoopName": "missing"},
    )
    raise AssertionError("the upstream's error must come through")
except rekognition.exceptions.InvalidS3ObjectException as error:
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
print("boto3 textract and rekognition: ok")
