"""An HTTP client for end-to-end tests that checks every response against api/openapi.yaml.

    from openapi_client import Client, ContractError
    api = Client("http://127.0.0.1:8080")
    r = api.get("/readyz")            # sends, then validates; ContractError if undocumented
    r.status, r.headers["ETag"], r.json()

Every response must be documented for its operation: the status (exactly, as a range such as
"4XX", or as the operation's "default"), the media type (Content-Type without parameters,
matched against the documented content; no content documented means an empty body), every
header the response documents as required, and the body against the schema (OpenAPI 3.1
schemas are JSON Schema 2020-12; $refs resolve inside the spec); a problem's status and
request_id must be the response's status and X-Request-Id. Besides its operations the
spec lists, under x-server-responses, what the server answers for any request: 404 for a path
no route takes, 405 for a method the path does not take, 413 and 431 for a request too large.
Anything else raises ContractError naming the request, the response and what is wrong.

Sessions: cookies a response sets (Set-Cookie) are kept per Client and sent back; Max-Age=0
or an expiry in the past removes one. `csrf_token` (set it, or let a response field named
"csrf_token" set it) is sent as X-CSRF-Token on POST, PUT, PATCH and DELETE.
`bearer` sends Authorization: Bearer <bearer> on every request.

Run with /usr/bin/python3: Debian's python3-yaml and python3-jsonschema, nothing else.
"""
import datetime
import email.utils
import http.client
import http.cookies
import importlib.util
import json
import os
import re
import urllib.parse

import jsonschema

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SPEC_PATH = os.path.join(REPO, "api", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class ContractError(AssertionError):
    """A response the spec does not allow."""


def load_spec(path=SPEC_PATH):
    """The spec, loaded strictly by the same code the build uses (tools/openapi_to_json.py)."""
    loader_path = os.path.join(REPO, "tools", "openapi_to_json.py")
    module_spec = importlib.util.spec_from_file_location("openapi_to_json", loader_path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.load(path)


def media_type(content_type):
    """"application/json; charset=utf-8" -> "application/json"."""
    return (content_type or "").split(";", 1)[0].strip().lower()


class Response:
    def __init__(self, method, target, status, headers, body):
        self.method = method
        self.target = target
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: case-insensitive, get_all()
        self.body = body        # bytes
        self.operation = None   # "GET /v1/things/{id}" or the server response it matched

    def json(self):
        return json.loads(self.body)

    def text(self):
        return self.body.decode("utf-8")

    def header(self, name, default=None):
        return self.headers.get(name, default)

    getheader = header  # as http.client.HTTPResponse names it

    def expect(self, *statuses):
        """This response if its status is one of `statuses`; else AssertionError with the body."""
        if self.status not in statuses:
            raise AssertionError(f"{self.method} {self.target}: status {self.status}, want"
                                 f" {' or '.join(map(str, statuses))}; body:"
                                 f" {self.body[:500].decode('utf-8', 'replace')}")
        return self

    def __repr__(self):
        return f"<{self.method} {self.target} -> {self.status}>"


class Validator:
    """Decides whether a response is one the spec documents."""

    def __init__(self, spec):
        self.spec = spec
        self.resolver = jsonschema.RefResolver(base_uri="", referrer=spec)
        self.paths = []  # (compiled regex, path template), literal paths first
        for template in spec.get("paths", {}):
            pattern = "^" + "".join(
                "[^/]+" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{[^}/]+\})", template)) + "$"
            self.paths.append((re.compile(pattern), template))
        self.paths.sort(key=lambda p: p[1].count("{"))

    def resolve(self, node):
        """Follows $ref (a JSON pointer into the spec) until a node without one."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
            seen += 1
            if seen > 20:
                raise ContractError("a $ref cycle in the spec")
        return node

    def find_path(self, path):
        for regex, template in self.paths:
            if regex.match(path):
                return template
        return None

    def server_responses(self, kind):
        return self.spec.get("x-server-responses", {}).get(kind, {})

    def check(self, response):
        """Raises ContractError unless `response` is documented; returns what matched."""
        path = urllib.parse.urlsplit(response.target).path
        where = f"{response.method} {response.target} -> {response.status}"
        template = self.find_path(path)
        status = str(response.status)
        if template is None:
            documented = dict(self.server_responses("unmatched-path"))
            documented.update(self.server_responses("any-request"))
            operation = "no documented path"
        else:
            item = self.spec["paths"][template]
            op = item.get(response.method.lower())
            if op is None:
                documented = dict(self.server_responses("unmatched-method"))
                allowed = [m.upper() for m in METHODS if m in item]
                operation = f"{template} (documented for {', '.join(allowed)} only)"
            else:
                documented = dict(op.get("responses", {}))
                operation = f"{response.method} {template}"
            for code, doc in self.server_responses("any-request").items():
                documented.setdefault(code, doc)
        doc = (documented.get(status) or documented.get(status[0] + "XX")
               or documented.get("default"))
        if doc is None:
            raise ContractError(
                f"{where}: status {status} is not documented for {operation} in"
                f" api/openapi.yaml (documented: {', '.join(sorted(documented)) or 'none'});"
                f" body: {response.body[:300]!r}")
        response.operation = operation
        self.check_documented(where, self.resolve(doc), response)
        return operation

    def check_documented(self, where, doc, response):
        for name, header in doc.get("headers", {}).items():
            header = self.resolve(header)
            value = response.headers.get(name)
            if value is None:
                if header.get("required"):
                    raise ContractError(f"{where}: the documented header {name} is missing")
                continue
            if "schema" in header:
                schema = self.resolve(header["schema"])
                if schema.get("type") == "integer":
                    if not re.fullmatch(r"-?\d+", value):
                        raise ContractError(f"{where}: header {name}: {value!r} is not an integer")
                    value = int(value)
                self.validate(f"{where}: header {name}", header["schema"], value)
        content = doc.get("content")
        if not content:
            if response.body:
                raise ContractError(f"{where}: a body where none is documented:"
                                    f" {response.body[:300]!r}")
            return
        got = media_type(response.headers.get("Content-Type"))
        if got not in content:
            raise ContractError(f"{where}: Content-Type {got or '(none)'!r} is not documented"
                                f" (documented: {', '.join(content)})")
        schema = content[got].get("schema")
        if schema is None:
            return
        if got == "application/json" or got.endswith("+json"):
            try:
                body = json.loads(response.body)
            except ValueError as e:
                raise ContractError(f"{where}: the {got} body is not JSON ({e}):"
                                    f" {response.body[:300]!r}") from e
        else:
            try:
                body = response.body.decode("utf-8")
            except UnicodeDecodeError:
                return  # a binary body: its media type was checked above
        self.validate(f"{where}: body", schema, body)
        if got == "application/problem+json" and isinstance(body, dict):
            # Beyond the schema: a problem names the status it came with and the request id
            # the server log knows it by (docs/api.md).
            if body.get("status") != response.status:
                raise ContractError(f"{where}: the problem's status is {body.get('status')!r}")
            rid = response.headers.get("X-Request-Id")
            if body.get("request_id") != rid:
                raise ContractError(f"{where}: the problem's request_id"
                                    f" {body.get('request_id')!r} is not X-Request-Id {rid!r}")

    def validate(self, what, schema, instance):
        validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            lines = []
            for e in errors[:10]:
                at = "/".join(str(p) for p in e.absolute_path) or "(the whole value)"
                lines.append(f"  at {at}: {e.message}")
            raise ContractError(f"{what} does not match the spec's schema:\n" + "\n".join(lines)
                                + f"\n  value: {json.dumps(instance, ensure_ascii=False)[:500]}")


def _expired(expires):
    if not expires:
        return False
    try:
        when = email.utils.parsedate_to_datetime(expires)
    except (TypeError, ValueError):
        return False
    return when <= datetime.datetime.now(datetime.timezone.utc)


_SHARED = {}


def shared_validator(path=SPEC_PATH):
    """One Validator per spec file, loaded once."""
    if path not in _SHARED:
        _SHARED[path] = Validator(load_spec(path))
    return _SHARED[path]


class Client:
    """Sends requests to `base_url` and validates every response (see the module doc)."""

    def __init__(self, base_url, validator=None, timeout=20):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"base_url must be http://host:port, not {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self.validator = validator or shared_validator()
        self.cookies = {}
        self.csrf_token = None
        self.bearer = None

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def request(self, method, path, json_body=None, body=None, headers=None, params=None,
                csrf=True):
        """Sends one request and returns the validated Response.

        json_body: sent as application/json; body: raw bytes (with headers giving the type);
        params: a dict for the query string; csrf=False leaves X-CSRF-Token off (to test its
        refusal)."""
        target = path
        if params:
            target += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        sent = {}
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if csrf and self.csrf_token and method.upper() in UNSAFE:
            sent["X-CSRF-Token"] = self.csrf_token
        if self.bearer:
            sent["Authorization"] = f"Bearer {self.bearer}"
        sent.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method.upper(), target, body=body, headers=sent)
            raw = conn.getresponse()
            data = raw.read()
            response = Response(method.upper(), target, raw.status, raw.headers, data)
        finally:
            conn.close()
        self.validator.check(response)
        self._remember(response)
        return response

    def _remember(self, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or morsel["max-age"] == "0" or _expired(morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if media_type(response.headers.get("Content-Type")) == "application/json":
            try:
                body = response.json()
            except ValueError:
                return
            if isinstance(body, dict) and isinstance(body.get("csrf_token"), str):
                self.csrf_token = body["csrf_token"]
