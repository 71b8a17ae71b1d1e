"""Google's own client (google-api-python-client, androidmanagement v1 with
its bundled discovery document) against the Google-compatible surface, with
only the endpoint changed. Run by tests/e2e/google.test.mjs, which starts the
worker and passes MDM_URL, MDM_TOKEN and MDM_ENTERPRISE.

The discovery document has rootUrl https://androidmanagement.googleapis.com/
and servicePath "", and paths like v1/{+parent}/enrollmentTokens, so
api_endpoint http://127.0.0.1:PORT/ maps every call onto /v1/enterprises/...
"""

import json
import os
import unittest

import httplib2

from google.oauth2.credentials import Credentials
from googleapiclient import discovery
from googleapiclient.errors import HttpError

URL = os.environ["MDM_URL"].rstrip("/") + "/"
TOKEN = os.environ["MDM_TOKEN"]
ENTERPRISE = os.environ["MDM_ENTERPRISE"]
PARENT = f"enterprises/{ENTERPRISE}"


def client(token=TOKEN):
    """The client as Google documents it, endpoint changed. A bare access
    token: google-auth sends it as "Authorization: Bearer <token>". Without a
    token it uses a plain httplib2.Http (no credentials at all): with
    credentials, a 401 makes google-auth try a refresh before reporting it."""
    auth = {"credentials": Credentials(token)} if token else {"http": httplib2.Http()}
    return discovery.build(
        "androidmanagement",
        "v1",
        static_discovery=True,
        client_options={"api_endpoint": URL},
        cache_discovery=False,
        **auth,
    )


class GoogleClientTest(unittest.TestCase):
    tokens = client().enterprises().enrollmentTokens()

    def test_create_get_delete(self):
        created = self.tokens.create(
            parent=PARENT,
            body={
                "duration": "600s",
                "policyName": "kiosk",
                "additionalData": "org-unit-42",
                "oneTimeOnly": True,
                "user": {"accountIdentifier": "user342"},
            },
        ).execute()
        self.assertTrue(created["name"].startswith(PARENT + "/enrollmentTokens/"), created["name"])
        self.assertEqual(created["duration"], "600s")
        self.assertEqual(created["policyName"], f"{PARENT}/policies/kiosk")
        self.assertEqual(created["additionalData"], "org-unit-42")
        self.assertTrue(created["oneTimeOnly"])
        self.assertEqual(created["user"], {"accountIdentifier": "user342"})
        self.assertGreaterEqual(len(created["value"]), 22)
        qr = json.loads(created["qrCode"])
        extras = qr["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"]
        self.assertEqual(extras["com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN"], created["value"])

        got = self.tokens.get(name=created["name"]).execute()
        self.assertEqual(got, created)

        self.assertEqual(self.tokens.delete(name=created["name"]).execute(), {})
        with self.assertRaises(HttpError) as e:
            self.tokens.get(name=created["name"]).execute()
        self.assertEqual(e.exception.resp.status, 404)
        self.assertEqual(json.loads(e.exception.content)["error"]["status"], "NOT_FOUND")

    def test_defaults(self):
        created = self.tokens.create(parent=PARENT, body={}).execute()
        self.assertEqual(created["duration"], "3600s")
        self.assertEqual(created["policyName"], f"{PARENT}/policies/default")
        self.assertFalse(created["oneTimeOnly"])

    def test_list_pages_through_everything(self):
        made = {self.tokens.create(parent=PARENT, body={"additionalData": f"p{i}"}).execute()["name"] for i in range(5)}
        seen, pages = [], 0
        request = self.tokens.list(parent=PARENT, pageSize=2)
        while request is not None:
            response = request.execute()
            pages += 1
            self.assertLessEqual(len(response.get("enrollmentTokens", [])), 2)
            seen += [t["name"] for t in response.get("enrollmentTokens", [])]
            request = self.tokens.list_next(request, response)
        self.assertTrue(made <= set(seen))
        self.assertEqual(len(seen), len(set(seen)), "a token appeared on two pages")
        self.assertGreaterEqual(pages, 3)

    def test_invalid_argument(self):
        with self.assertRaises(HttpError) as e:
            self.tokens.create(parent=PARENT, body={"duration": "30s", "additionalData": "x" * 1025}).execute()
        self.assertEqual(e.exception.resp.status, 400)
        error = json.loads(e.exception.content)["error"]
        self.assertEqual(error["code"], 400)
        self.assertEqual(error["status"], "INVALID_ARGUMENT")
        fields = sorted(v["field"] for v in error["details"][0]["fieldViolations"])
        self.assertEqual(fields, ["additionalData", "duration"])

    def test_unauthenticated_and_not_found(self):
        with self.assertRaises(HttpError) as e:
            client(None).enterprises().enrollmentTokens().list(parent=PARENT).execute()
        self.assertEqual(e.exception.resp.status, 401)
        self.assertEqual(json.loads(e.exception.content)["error"]["status"], "UNAUTHENTICATED")
        with self.assertRaises(HttpError) as e:
            self.tokens.list(parent="enterprises/no-such-enterprise").execute()
        self.assertEqual(e.exception.resp.status, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
