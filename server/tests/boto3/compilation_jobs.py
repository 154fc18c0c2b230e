"""SageMaker compilation jobs through boto3, compiled by Loupe's real compiler: the seed's request
shapes, every DataInputConfig form, sitara_am57x and aarch64 and x86_64 targets, describe while
running and after, every List filter with a pagination walk, delete, and each way a job fails.

Run by server/tests/api/compilation.rs with LOUPE_URL, LOUPE_KEY_ID, LOUPE_SECRET, OUTPUT_ROOT
(the server's --output-root: s3://bucket/key is OUTPUT_ROOT/bucket/key) and MODELS_DIR (what
compiler/tests/models/make_models.py wrote).
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
import time

from loupe_clients import ACCOUNT, REGION, client, failure

sm = client("sagemaker")
root = os.environ["OUTPUT_ROOT"]
models = os.environ["MODELS_DIR"]
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole"


def put(key, data):
    path = os.path.join(root, "models", key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


for name in ["cnn", "mlp"]:
    with open(os.path.join(models, f"{name}.tar.gz"), "rb") as f:
        put(f"{name}/model.tar.gz" if name == "cnn" else f"{name}.tar.gz", f.read())
put("broken.tar.gz", b"this is not a gzip archive at all")


def create(name, s3_uri, data_input=None, framework="ONNX", device=None, platform=None, **extra):
    input_config = {"S3Uri": s3_uri, "Framework": framework}
    if data_input is not None:
        input_config["DataInputConfig"] = data_input
    output = {"S3OutputLocation": "s3://models/compiled/"}
    if device:
        output["TargetDevice"] = device
    if platform:
        output["TargetPlatform"] = platform
    return sm.create_compilation_job(
        CompilationJobName=name,
        RoleArn=ROLE,
        InputConfig=input_config,
        OutputConfig=output,
        StoppingCondition={"MaxRuntimeInSeconds": 900},
        **extra,
    )


def wait(name, timeout=180):
    deadline = time.time() + timeout
    while True:
        job = sm.describe_compilation_job(CompilationJobName=name)
        if job["CompilationJobStatus"] in ("COMPLETED", "FAILED", "STOPPED"):
            return job
        assert time.time() < deadline, job
        time.sleep(0.1)


# The CNN for TI's AM57x, as the seed's example shapes it (console dictionary form).
arn = create(
    "Edge-Cnn-Am57x",
    "s3://models/cnn/model.tar.gz",
    data_input='{"data": [1, 3, 32, 32]}',
    device="sitara_am57x",
    Tags=[{"Key": "team", "Value": "edge"}],
)["CompilationJobArn"]
assert arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:compilation-job/edge-cnn-am57x", arn
early = sm.describe_compilation_job(CompilationJobName="Edge-Cnn-Am57x")
assert early["CompilationJobStatus"] in ("STARTING", "INPROGRESS", "COMPLETED"), early
assert early["CompilationJobName"] == "Edge-Cnn-Am57x"
assert early["ModelArtifacts"]["S3ModelArtifacts"] == (
    "s3://models/compiled/model-sitara_am57x.tar.gz"
), early["ModelArtifacts"]
assert early["StoppingCondition"] == {"MaxRuntimeInSeconds": 900}, early
assert early["RoleArn"] == ROLE and early["InputConfig"]["Framework"] == "ONNX"
assert early["OutputConfig"]["TargetDevice"] == "sitara_am57x"
assert "FailureReason" in early and early["CreationTime"] <= early["LastModifiedTime"]

job = wait("Edge-Cnn-Am57x")
assert job["CompilationJobStatus"] == "COMPLETED", job
assert job["FailureReason"] == "", job
assert job["CreationTime"] <= job["CompilationStartTime"] <= job["CompilationEndTime"], job
assert job["LastModifiedTime"] == job["CompilationEndTime"], job
assert json.loads(job["DerivedInformation"]["DerivedDataInputConfig"]) == {"data": [1, 3, 32, 32]}
artifact = os.path.join(root, "models", "compiled", "model-sitara_am57x.tar.gz")
with open(artifact, "rb") as f:
    data = f.read()
assert job["ModelDigests"]["ArtifactDigest"] == "sha256:" + hashlib.sha256(data).hexdigest()
with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
    manifest = json.load(archive.extractfile("manifest.json"))
assert manifest["target_device"] == "sitara_am57x" and manifest["cpu_arch"] == "armv7-neon", manifest
assert [i["name"] for i in manifest["inputs"]] == ["data"], manifest["inputs"]

# The MLP for Graviton (aarch64), DataInputConfig as the CLI escapes it; for x86_64 as PyTorch's
# list of shapes; and for a platform given by its parts.
create("mlp-graviton", "s3://models/mlp.tar.gz", data_input='{\\"input\\": [1, 64]}', device="ml_c6g")
create("mlp-c5", "s3://models/mlp.tar.gz", data_input="[[1, 64]]", device="ml_c5")
create(
    "mlp-linux-arm64",
    "s3://models/mlp.tar.gz",
    platform={"Os": "LINUX", "Arch": "ARM64"},
)
for name, arch, file in [
    ("mlp-graviton", "aarch64", "mlp-ml_c6g.tar.gz"),
    ("mlp-c5", "x86_64", "mlp-ml_c5.tar.gz"),
    ("mlp-linux-arm64", "aarch64", "mlp-linux_arm64.tar.gz"),
]:
    job = wait(name)
    assert job["CompilationJobStatus"] == "COMPLETED", job
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == f"s3://models/compiled/{file}", job
    with tarfile.open(os.path.join(root, "models", "compiled", file), mode="r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["cpu_arch"] == arch, (name, manifest["cpu_arch"])

# A name in use, in another case.
code, message, _ = failure(
    lambda: create("EDGE-CNN-am57x", "s3://models/cnn/model.tar.gz", device="ml_c5")
)
assert code == "ResourceInUse" and "EDGE-CNN-am57x" in message, (code, message)

# What the model's constraints refuse, before any job exists.
code, message, _ = failure(
    lambda: create("bad-shapes", "s3://models/mlp.tar.gz", data_input='{"input": [1, 0]}', device="ml_c5")
)
assert code == "ValidationException" and "dataInputConfig" in message, message
code, message, _ = failure(
    lambda: create("bad_name", "s3://models/mlp.tar.gz", device="ml_c5")
)
assert code == "ValidationException" and "compilationJobName" in message, message
code, message, _ = failure(
    lambda: create("no-target", "s3://models/mlp.tar.gz")
)
assert code == "ValidationException" and "targetDevice" in message, message

# Jobs that are accepted and fail, each saying why and what to do.
create("missing-model", "s3://models/nothing-here.tar.gz", device="ml_c5")
create("broken-archive", "s3://models/broken.tar.gz", device="ml_c5")
create("wrong-input", "s3://models/mlp.tar.gz", data_input='{"pixels": [1, 64]}', device="ml_c5")
create("from-pytorch", "s3://models/mlp.tar.gz", framework="PYTORCH", device="ml_c5")
create("for-inferentia", "s3://models/mlp.tar.gz", device="ml_inf1")
for name, expected in [
    ("missing-model", "no object at InputConfig.S3Uri"),
    ("broken-archive", "gzip"),
    ("wrong-input", "input"),
    ("from-pytorch", "torch.onnx.export"),
    ("for-inferentia", "ml_inf1"),
]:
    job = wait(name)
    assert job["CompilationJobStatus"] == "FAILED", job
    assert expected in job["FailureReason"], (name, job["FailureReason"])
    assert len(job["FailureReason"]) <= 1024
wrong = sm.describe_compilation_job(CompilationJobName="wrong-input")["FailureReason"]
assert "pixels" in wrong and '"input"' in wrong, wrong

# List: every filter, every sort, and a walk over pages of one.
everything = sm.list_compilation_jobs(MaxResults=100)["CompilationJobSummaries"]
assert len(everything) == 9, [j["CompilationJobName"] for j in everything]
created = [j["CreationTime"] for j in everything]
assert created == sorted(created), "oldest first by default"
first = everything[0]
assert first["CompilationJobName"] == "Edge-Cnn-Am57x", first
assert first["CompilationTargetDevice"] == "sitara_am57x" and first["CompilationJobStatus"] == "COMPLETED"
assert "CompilationStartTime" in first and "CompilationEndTime" in first and "LastModifiedTime" in first
platform = next(j for j in everything if j["CompilationJobName"] == "mlp-linux-arm64")
assert (platform["CompilationTargetPlatformOs"], platform["CompilationTargetPlatformArch"]) == (
    "LINUX",
    "ARM64",
), platform

failed = sm.list_compilation_jobs(StatusEquals="FAILED", MaxResults=100)["CompilationJobSummaries"]
assert {j["CompilationJobName"] for j in failed} == {
    "missing-model", "broken-archive", "wrong-input", "from-pytorch", "for-inferentia"
}, failed
mlps = sm.list_compilation_jobs(NameContains="mlp", SortBy="Name")["CompilationJobSummaries"]
assert [j["CompilationJobName"] for j in mlps] == ["mlp-c5", "mlp-graviton", "mlp-linux-arm64"], mlps
newest = sm.list_compilation_jobs(SortOrder="Descending", MaxResults=1)["CompilationJobSummaries"]
assert newest[0]["CreationTime"] == max(created), newest
by_status = sm.list_compilation_jobs(SortBy="Status", MaxResults=100)["CompilationJobSummaries"]
statuses = [j["CompilationJobStatus"] for j in by_status]
assert statuses == sorted(statuses), statuses
middle = everything[4]["CreationTime"]
after = sm.list_compilation_jobs(CreationTimeAfter=middle, MaxResults=100)["CompilationJobSummaries"]
assert all(j["CreationTime"] > middle for j in after) and len(after) >= 1, after
before = sm.list_compilation_jobs(CreationTimeBefore=middle, MaxResults=100)["CompilationJobSummaries"]
assert all(j["CreationTime"] < middle for j in before) and len(before) >= 1, before
last_change = max(j["LastModifiedTime"] for j in everything)
recent = sm.list_compilation_jobs(LastModifiedTimeAfter=last_change)["CompilationJobSummaries"]
assert recent == [], recent
earlier = sm.list_compilation_jobs(LastModifiedTimeBefore=last_change, MaxResults=100)
earlier = earlier["CompilationJobSummaries"]
assert 1 <= len(earlier) < 9 and all(j["LastModifiedTime"] < last_change for j in earlier), earlier

walked = []
paginator = sm.get_paginator("list_compilation_jobs")
for page in paginator.paginate(SortBy="Name", PaginationConfig={"PageSize": 2}):
    assert len(page["CompilationJobSummaries"]) <= 2
    walked += [j["CompilationJobName"] for j in page["CompilationJobSummaries"]]
assert walked == sorted((j["CompilationJobName"] for j in everything), key=str.lower), walked

code, message, _ = failure(lambda: sm.list_compilation_jobs(SortBy="Size"))
assert code == "ValidationException" and "sortBy" in message, message

# Stopping an ended job is refused; deleting it works, and it is gone.
code, message, _ = failure(lambda: sm.stop_compilation_job(CompilationJobName="mlp-c5"))
assert code == "ValidationException" and "COMPLETED" in message, message
sm.delete_compilation_job(CompilationJobName="mlp-c5")
code, _, _ = failure(lambda: sm.describe_compilation_job(CompilationJobName="mlp-c5"))
assert code == "ResourceNotFound", code
code, _, _ = failure(lambda: sm.delete_compilation_job(CompilationJobName="mlp-c5"))
assert code == "ResourceNotFound", code
code, _, _ = failure(lambda: sm.stop_compilation_job(CompilationJobName="never-made"))
assert code == "ResourceNotFound", code
# The artifact stays where it was written, as in AWS.
assert os.path.exists(os.path.join(root, "models", "compiled", "mlp-ml_c5.tar.gz"))
shutil.rmtree(os.path.join(root, "models", "compiled"))
print("compilation jobs behave")
