"""What the boto3 conformance scripts share: clients pointed at the Loupe under test, and a way
to read the AWS error a call ends with."""

import os

import boto3
import botocore.exceptions

ACCOUNT = "123456789012"
REGION = "us-east-1"


def client(service, secret=None):
    """A boto3 client for Loupe at LOUPE_URL with the test's key (or another secret)."""
    return boto3.client(
        service,
        endpoint_url=os.environ["LOUPE_URL"],
        region_name=REGION,
        aws_access_key_id=os.environ["LOUPE_KEY_ID"],
        aws_secret_access_key=secret or os.environ["LOUPE_SECRET"],
    )


def failure(call):
    """Runs a call that must fail; returns (code, message, HTTP status)."""
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return (
            error.response["Error"]["Code"],
            error.response["Error"]["Message"],
            error.response["ResponseMetadata"]["HTTPStatusCode"],
        )
    raise AssertionError("expected an error")
