"""The notebooks' link to the worker portal: 'https://' + the work team's SubDomain, read through
boto3 from a Loupe that serves TLS itself. Run by server/tests/api/boto3_conformance.rs with
LOUPE_URL (https), LOUPE_KEY_ID, LOUPE_SECRET and AWS_CA_BUNDLE (the server's certificate) set.
"""

import os
import ssl
import urllib.request

from loupe_clients import client

sm = client("sagemaker")
team_arn = sm.list_workteams()["Workteams"][0]["WorkteamArn"]
# The notebooks take the team's name from the end of its ARN.
team = sm.describe_workteam(WorkteamName=team_arn[team_arn.rfind("/") + 1 :])["Workteam"]
portal = "https://" + team["SubDomain"]
assert portal == os.environ["LOUPE_URL"], (portal, os.environ["LOUPE_URL"])

trusted = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
with urllib.request.urlopen(portal, context=trusted) as page:
    html = page.read().decode()
    assert page.status == 200, page.status
    assert page.geturl().endswith("/login"), page.geturl()
assert "Sign in to Loupe" in html, html[:300]
print("portal link opens the sign-in page")
