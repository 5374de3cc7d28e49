#!/usr/bin/env python3
"""Self-test of tests/e2e/openapi_client.py (ctest e2e_openapi_client): the validator accepts
what api/openapi.yaml documents and refuses what it does not, so the e2e tests that use it
cannot pass vacuously. A small stand-in server on loopback answers exactly what each test
tells it to; the spec is the real one.

Usage: openapi_client_test.py   (run with /usr/bin/python3)
"""
import http.server
import json
import os
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openapi_client  # noqa: E402
from openapi_client import Client, ContractError  # noqa: E402

PROBLEM_404 = {"type": "urn:beian:problem:not-found", "title": "Not Found", "status": 404,
               "code": "NOT_FOUND", "detail": "no route for path /x", "violations": [],
               "request_id": "r1"}


class StandIn(http.server.BaseHTTPRequestHandler):
    """Answers each request with ANSWERS[(method, path)]: (status, headers, body)."""
    answers = {}
    seen = []

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        StandIn.seen.append((self.command, self.path, dict(self.headers), body))
        status, headers, out = StandIn.answers.get(
            (self.command, self.path.split("?")[0]), (500, {}, b"no answer set"))
        if isinstance(out, (dict, list)):
            out = json.dumps(out).encode()
        elif isinstance(out, str):
            out = out.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if status != 304:
            self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

    def log_message(self, *args):
        pass


JSON = [("Content-Type", "application/json")]
PROBLEM = [("Content-Type", "application/problem+json"), ("X-Request-Id", "r1")]
ETAG = '"0123abcd-10"'


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        StandIn.answers = {}
        StandIn.seen = []
        self.api = Client(self.base)

    def answer(self, method, path, status, headers, body):
        StandIn.answers[(method, path)] = (status, headers, body)

    def refused(self, method, path, *want):
        with self.assertRaises(ContractError) as caught:
            self.api.request(method, path)
        for w in want:
            self.assertIn(w, str(caught.exception))
        return str(caught.exception)

    # --- what the spec documents passes -------------------------------------------------------

    def test_accepts_documented_responses(self):
        self.answer("GET", "/healthz", 200, JSON, {"status": "up"})
        self.assertEqual(self.api.get("/healthz").json(), {"status": "up"})
        self.answer("GET", "/v1/openapi.json", 200, JSON + [("ETag", ETAG)],
                    {"openapi": "3.1.0", "info": {}, "paths": {}})
        self.assertEqual(self.api.get("/v1/openapi.json").operation, "GET /v1/openapi.json")
        self.answer("GET", "/v1/openapi.json", 304, [("ETag", ETAG)], b"")
        self.assertEqual(self.api.get("/v1/openapi.json").status, 304)
        self.answer("GET", "/metrics", 200,
                    [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], "x 1\n")
        self.assertEqual(self.api.get("/metrics").text(), "x 1\n")
        # A templated path: /v1/docs/{asset} with a value from its enum.
        self.answer("GET", "/v1/docs/docs.js", 200,
                    [("Content-Type", "text/javascript; charset=utf-8"), ("ETag", ETAG)], "1;")
        self.assertEqual(self.api.get("/v1/docs/docs.js").operation, "GET /v1/docs/{asset}")

    def test_accepts_the_servers_own_refusals(self):
        self.answer("GET", "/no/such/path", 404, PROBLEM, PROBLEM_404)
        self.assertEqual(self.api.get("/no/such/path").status, 404)
        problem = dict(PROBLEM_404, status=405, title="Method Not Allowed",
                       code="INVALID_ARGUMENT", type="urn:beian:problem:invalid-argument")
        self.answer("POST", "/healthz", 405, PROBLEM + [("Allow", "GET")], problem)
        self.assertEqual(self.api.post("/healthz").status, 405)
        problem = dict(problem, status=413, title="Content Too Large")
        self.answer("POST", "/healthz", 413, PROBLEM, problem)
        self.assertEqual(self.api.post("/healthz").status, 413)

    # --- what it does not document fails ------------------------------------------------------

    def test_refuses_a_wrong_body(self):
        self.answer("GET", "/healthz", 200, JSON, {"status": "down"})
        message = self.refused("GET", "/healthz", "GET /healthz -> 200: body", "at status",
                               "'up' was expected")
        self.answer("GET", "/healthz", 200, JSON, {"status": "up", "extra": 1})
        self.refused("GET", "/healthz", "Additional properties")
        self.answer("GET", "/healthz", 200, JSON, "{not json")
        self.refused("GET", "/healthz", "is not JSON")
        self.assertIn("value:", message)

    def test_refuses_a_problem_that_breaks_the_problem_schema(self):
        # Resolving $ref: the response is components/responses/Unavailable -> allOf Problem.
        bad = dict(PROBLEM_404, status=503, code="NOT_READY", title="Service Unavailable",
                   type="urn:beian:problem:unavailable")
        self.answer("GET", "/readyz", 503, PROBLEM, bad)
        self.refused("GET", "/readyz", "at code", "NOT_READY")
        wrong_status = dict(bad, code="UNAVAILABLE", status=500)
        self.answer("GET", "/readyz", 503, PROBLEM, wrong_status)
        self.refused("GET", "/readyz", "at status", "503 was expected")
        no_rule = dict(bad, code="UNAVAILABLE",
                       violations=[{"field": "store", "message": "x", "message_zh": ""}])
        self.answer("GET", "/readyz", 503, PROBLEM, no_rule)
        self.refused("GET", "/readyz", "at violations/0", "'rule' is a required property")

    def test_refuses_a_problem_with_another_status_or_request_id(self):
        # A spec whose problem response does not pin the status in its schema (as the
        # reusable responses do): the client still requires the body's status to be the
        # response's, and its request_id to be X-Request-Id.
        spec = {"paths": {"/x": {"get": {"responses": {"409": {
            "description": "x", "content": {"application/problem+json": {
                "schema": {"type": "object"}}}}}}}}}
        api = Client(self.base, validator=openapi_client.Validator(spec))
        problem = dict(PROBLEM_404, status=400)
        self.answer("GET", "/x", 409, PROBLEM, problem)
        with self.assertRaisesRegex(ContractError, "the problem's status is 400"):
            api.get("/x")
        self.answer("GET", "/x", 409, PROBLEM[:1] + [("X-Request-Id", "other")],
                    dict(problem, status=409))
        with self.assertRaisesRegex(ContractError, "request_id 'r1' is not X-Request-Id 'other'"):
            api.get("/x")
        self.answer("GET", "/x", 409, PROBLEM, dict(problem, status=409))
        self.assertEqual(api.get("/x").status, 409)

    def test_expect_names_the_status_and_body(self):
        self.answer("GET", "/healthz", 200, JSON, {"status": "up"})
        r = self.api.get("/healthz")
        self.assertIs(r.expect(200, 201), r)
        with self.assertRaisesRegex(AssertionError, "status 200, want 404; body:.*up"):
            r.expect(404)

    def test_refuses_an_undocumented_status(self):
        self.answer("GET", "/healthz", 500, PROBLEM, dict(PROBLEM_404, status=500))
        self.refused("GET", "/healthz", "status 500 is not documented for GET /healthz")
        # A 404 from a documented operation that does not list 404 is not the server's
        # "no such path" answer.
        self.answer("GET", "/readyz", 404, PROBLEM, PROBLEM_404)
        self.refused("GET", "/readyz", "status 404 is not documented for GET /readyz")
        # An undocumented path may only be refused with 404.
        self.answer("GET", "/v1/secret", 200, JSON, {})
        self.refused("GET", "/v1/secret", "not documented for no documented path")
        # A method the path does not take may only be refused with 405.
        self.answer("DELETE", "/healthz", 200, JSON, {"status": "up"})
        self.refused("DELETE", "/healthz", "documented for GET only")

    def test_refuses_a_wrong_content_type(self):
        self.answer("GET", "/healthz", 200, [("Content-Type", "text/plain")], "up")
        self.refused("GET", "/healthz", "Content-Type 'text/plain' is not documented")
        self.answer("GET", "/no/such/path", 404, JSON, PROBLEM_404)
        self.refused("GET", "/no/such/path", "'application/json' is not documented")

    def test_refuses_a_missing_required_header(self):
        self.answer("GET", "/v1/openapi.json", 200, JSON,
                    {"openapi": "3.1.0", "info": {}, "paths": {}})
        self.refused("GET", "/v1/openapi.json", "the documented header ETag is missing")
        self.answer("GET", "/v1/openapi.json", 304, [("ETag", "weak")], b"")
        self.refused("GET", "/v1/openapi.json", "header ETag does not match")
        problem = dict(PROBLEM_404, status=405, code="INVALID_ARGUMENT", title="x",
                       type="urn:beian:problem:invalid-argument")
        self.answer("POST", "/healthz", 405, PROBLEM, problem)
        self.refused("POST", "/healthz", "the documented header Allow is missing")

    def test_refuses_a_body_that_breaks_a_pattern(self):
        self.answer("GET", "/v1/openapi.json", 200, [("ETag", ETAG)] + JSON, {"openapi": "3.0"})
        self.refused("GET", "/v1/openapi.json", "at openapi", "does not match")

    # --- sessions -----------------------------------------------------------------------------

    def test_keeps_cookies_and_sends_csrf_on_unsafe_methods_only(self):
        self.answer("GET", "/healthz", 200, JSON + [
            ("Set-Cookie", "icp_session=s3cr3t; Path=/; HttpOnly; SameSite=Strict")],
                    {"status": "up"})
        self.api.get("/healthz")
        self.assertEqual(self.api.cookies, {"icp_session": "s3cr3t"})
        self.api.csrf_token = "tok"
        problem = dict(PROBLEM_404, status=405, code="INVALID_ARGUMENT",
                       type="urn:beian:problem:invalid-argument")
        self.answer("POST", "/healthz", 405, PROBLEM + [("Allow", "GET")], problem)
        self.api.get("/healthz")
        self.api.post("/healthz", json_body={"a": 1})
        self.api.post("/healthz", json_body={"a": 1}, csrf=False)
        get, post, post_without = StandIn.seen[1:]
        self.assertEqual(get[2].get("Cookie"), "icp_session=s3cr3t")
        self.assertNotIn("X-CSRF-Token", get[2])
        self.assertEqual(post[2].get("X-CSRF-Token"), "tok")
        self.assertEqual(post[2].get("Cookie"), "icp_session=s3cr3t")
        self.assertEqual(json.loads(post[3]), {"a": 1})
        self.assertNotIn("X-CSRF-Token", post_without[2])
        self.answer("GET", "/healthz", 200, JSON + [
            ("Set-Cookie", "icp_session=; Max-Age=0; Path=/")], {"status": "up"})
        self.api.get("/healthz")
        self.assertEqual(self.api.cookies, {})


class SpecLoadingTest(unittest.TestCase):
    def test_a_spec_with_a_key_given_twice_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("openapi: 3.1.0\npaths:\n  /a: {}\n  /a: {}\n")
        try:
            with self.assertRaisesRegex(Exception, "given twice"):
                openapi_client.load_spec(f.name)
        finally:
            os.unlink(f.name)

    def test_the_real_spec_loads_with_its_operations(self):
        spec = openapi_client.load_spec()
        self.assertIn("get", spec["paths"]["/healthz"])
        self.assertIn("404", spec["x-server-responses"]["unmatched-path"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
