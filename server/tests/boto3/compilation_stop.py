"""Stopping compilation jobs through boto3, on a server whose compiler never finishes by itself
(a stand-in that sleeps), one job at a time: a queued job stops at once, a running one goes
STOPPING then STOPPED, MaxRuntimeInSeconds stops a job, only ended jobs are deleted, and a
third job waiting or running is over the server's limit of two.

Run by server/tests/api/compilation.rs with LOUPE_URL, LOUPE_KEY_ID, LOUPE_SECRET and
OUTPUT_ROOT set.
"""

import os
import time

from loupe_clients import ACCOUNT, client, failure

sm = client("sagemaker")
root = os.environ["OUTPUT_ROOT"]
os.makedirs(os.path.join(root, "models"), exist_ok=True)
with open(os.path.join(root, "models", "slow.tar.gz"), "wb") as f:
    f.write(b"the stand-in compiler never reads this")


def create(name, runtime=900):
    sm.create_compilation_job(
        CompilationJobName=name,
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/NeoRole",
        InputConfig={"S3Uri": "s3://models/slow.tar.gz", "Framework": "ONNX"},
        OutputConfig={"S3OutputLocation": "s3://models/out", "TargetDevice": "sitara_am57x"},
        StoppingCondition={"MaxRuntimeInSeconds": runtime},
    )


def wait_for(name, statuses, timeout=60):
    deadline = time.time() + timeout
    while True:
        job = sm.describe_compilation_job(CompilationJobName=name)
        if job["CompilationJobStatus"] in statuses:
            return job
        assert time.time() < deadline, job
        time.sleep(0.1)


create("slow-1")
running = wait_for("slow-1", {"INPROGRESS"})
assert "CompilationStartTime" in running and "CompilationEndTime" not in running, running

# One job at a time: the next one waits, and stopping it ends it at once.
create("queued-1")
queued = sm.describe_compilation_job(CompilationJobName="queued-1")
assert queued["CompilationJobStatus"] == "STARTING", queued
# The server allows two jobs waiting or running.
code, message, _ = failure(lambda: create("one-too-many"))
assert code == "ResourceLimitExceeded" and "2 compilation jobs" in message, (code, message)
sm.stop_compilation_job(CompilationJobName="queued-1")
stopped = sm.describe_compilation_job(CompilationJobName="queued-1")
assert stopped["CompilationJobStatus"] == "STOPPED", stopped
assert "CompilationStartTime" not in stopped and "CompilationEndTime" in stopped, stopped

code, message, _ = failure(lambda: sm.delete_compilation_job(CompilationJobName="slow-1"))
assert code == "ValidationException" and "INPROGRESS" in message, (code, message)

sm.stop_compilation_job(CompilationJobName="slow-1")
status = sm.describe_compilation_job(CompilationJobName="slow-1")["CompilationJobStatus"]
assert status in ("STOPPING", "STOPPED"), status
sm.stop_compilation_job(CompilationJobName="slow-1")  # stopping again changes nothing
job = wait_for("slow-1", {"STOPPED", "FAILED", "COMPLETED"}, timeout=20)
assert job["CompilationJobStatus"] == "STOPPED", job
assert job["FailureReason"] == "", job
assert not os.path.exists(os.path.join(root, "models", "out", "slow-sitara_am57x.tar.gz"))

# MaxRuntimeInSeconds ends a job that runs too long.
create("slow-timeout", runtime=2)
job = wait_for("slow-timeout", {"STOPPED", "FAILED", "COMPLETED"}, timeout=30)
assert job["CompilationJobStatus"] == "STOPPED", job
assert "MaxRuntimeExceeded" in job["FailureReason"] and "2 seconds" in job["FailureReason"], job
took = (job["CompilationEndTime"] - job["CompilationStartTime"]).total_seconds()
assert 2 <= took < 10, took

for name in ["slow-1", "queued-1", "slow-timeout"]:
    sm.delete_compilation_job(CompilationJobName=name)
assert sm.list_compilation_jobs()["CompilationJobSummaries"] == []
print("stopping compilation jobs behaves")
