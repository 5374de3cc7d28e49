#!/usr/bin/env python3
"""icp-bureau's MIIT-portal stand-in, its test hooks and its fault injection, over the wire.

1. Without --test-hooks: the portal page is served, /test/ is not.
2. With --test-hooks: SMS verification as a person does it on the portal (FACTS.md §4.4): two
   leaders with their own mobiles, codes read from the sink (GET /test/messages), the first
   verifier told to wait for the other, the second completing it; a verification left 24 h on
   the test clock times out; one with six wrong entries fails on the sixth.
3. Faults: --fault-error-rate 1 answers a SOAP call with a server Fault and does not process
   it; --fault-drop-rate 1 processes an upload and closes the connection without a byte; the
   bureau restarted without faults shows the dropped upload taken (querypreviousupload).

Usage: bureau_portal_test.py PATH_TO_ICP_BUREAU
"""
import base64
import hashlib
import http.client
import json
import os
import random
import re
import signal
import string
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miit_wire import payload  # noqa: E402  (the client's own GBK, zip and MD5)

BUREAU = sys.argv[1]
ISP_ID, USER, PASSWORD = 440000000999, "isp999", "secret09"
PATH = "/ISPWebService/upDownLoad"
NS = "urn:beian:miit-enterprise-interface:3.0"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


class Bureau:
    def __init__(self, data_dir: str, *flags: str):
        self.process = subprocess.Popen(
            [BUREAU, "serve", "--port", "0", "--data-dir", data_dir, *flags],
            stdout=subprocess.PIPE, text=True)
        self.base = None
        for line in self.process.stdout:
            if line.startswith("listening on "):
                self.base = line.split()[-1]
                break
        check(self.base is not None, f"serve {' '.join(flags)} listens")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        rc = self.process.wait(timeout=20)
        check(rc == 0, f"SIGTERM stops icp-bureau with 0 (got {rc})")

    def request(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw = response.read()
                kind = response.headers.get("Content-Type", "")
                return response.status, (json.loads(raw) if "json" in kind else raw.decode())
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw.startswith(b"{") else raw.decode())

    def soap(self, method: str, **params) -> tuple[int, str]:
        nonce = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(20))
        pwd = base64.b64encode(hashlib.md5((PASSWORD + nonce).encode("gbk")).digest()).decode()
        fields = [("ispId", ISP_ID), ("userName", USER), ("randVal", nonce),
                  ("pwdHash", pwd)] + list(params.items())
        body = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields)
        envelope = ('<?xml version="1.0" encoding="UTF-8"?>'
                    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                    f'xmlns:tns="{NS}"><soapenv:Body><tns:{method}>{body}</tns:{method}>'
                    "</soapenv:Body></soapenv:Envelope>")
        host = self.base.removeprefix("http://")
        connection = http.client.HTTPConnection(host, timeout=20)
        connection.request("POST", PATH, envelope.encode("utf-8"),
                           {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
        response = connection.getresponse()  # raises when the connection closes unanswered
        text = response.read().decode("utf-8")
        connection.close()
        return response.status, text


def return_of(envelope: str) -> ET.Element:
    answer = ET.fromstring(envelope)
    returned = next(e for e in answer.iter() if e.tag.endswith("return"))
    return ET.fromstring(returned.text)


def upload_params(sequence: int) -> dict:
    xml_text = ('<?xml version="1.0" encoding="GBK"?><UploadData version="V.3.0"><ICP><ZXBA>'
                "<Zx_xx><Zxlx>2</Zxlx><Wzbah>京ICP备00000001号-1</Wzbah></Zx_xx>"
                f"</ZXBA><Qqdwid>{ISP_ID}</Qqdwid></ICP></UploadData>")
    info, info_hash = payload(xml_text, f"ZXBA{sequence:04d}")
    return {"beianInfo": info, "beianInfoHash": info_hash,
            "dataSequence": sequence, "encryptAlgorithm": 0, "hashAlgorithm": 0,
            "compressionFormat": 0}


def code_of(bureau: Bureau, mobile: str) -> str:
    status, body = bureau.request("GET", f"/test/messages?to={mobile}")
    check(status == 200 and body["messages"], f"the sink holds the SMS to {mobile}")
    match = re.search(r"核验码为(\d{6})", body["messages"][-1]["text"]) if body["messages"] else None
    return match.group(1) if match else ""


def verify(bureau: Bureau, mobile: str, code: str, tail: str):
    return bureau.request("POST", "/portal/api/sms/verify",
                          {"mobile": mobile, "code": code, "certificate_tail": tail})


def leaders(subject_mobile: str, website_mobile: str) -> list:
    return [{"role": "Zt_xx/Fzr", "name": "张三", "mobile": subject_mobile,
             "certificate_number": "110101199003070011"},
            {"role": "Wz_xx[0]/Wz_Fzr", "name": "李四", "mobile": website_mobile,
             "certificate_number": "44030119900101123X"}]


def portal_without_hooks(data_dir: str) -> None:
    bureau = Bureau(data_dir)
    try:
        status, page = bureau.request("GET", "/portal/")
        check(status == 200 and "备案短信核验" in page, "GET /portal/ is the 简体中文 page")
        status, _ = bureau.request("GET", "/test/clock")
        check(status == 404, f"without --test-hooks there is no /test/clock (got {status})")
        status, _ = bureau.request("GET", "/test/messages?to=13800138000")
        check(status == 404, f"nor /test/messages (got {status})")
    finally:
        bureau.stop()


def sms_with_hooks(data_dir: str) -> None:
    bureau = Bureau(data_dir, "--test-hooks")
    try:
        status, body = bureau.request("POST", "/test/sms", {
            "filing_id": 1, "recipients": leaders("13800138001", "13900139001")})
        check(status == 200 and body["state"] == "pending", f"verification 1 started ({body})")
        status, body = verify(bureau, "13800138001", code_of(bureau, "13800138001"), "070011")
        check(status == 200 and body["message_zh"] ==
              "您的短信核验完成，请等待其他核验人进行短信核验",
              f"the first verifier waits for the other ({body})")
        status, body = verify(bureau, "13900139001", code_of(bureau, "13900139001"), "01123x")
        check(status == 200 and body["outcome"] == "all_verified", f"the second completes ({body})")
        check(bureau.request("GET", "/test/sms/1")[1]["state"] == "verified", "1 is verified")

        bureau.request("POST", "/test/sms", {"filing_id": 2,
                                             "recipients": leaders("13800138002", "13800138002")})
        stale = code_of(bureau, "13800138002")
        status, body = bureau.request("POST", "/test/clock", {"advance_seconds": 86400})
        check(status == 200 and body["offset_seconds"] == 86400, f"the clock moves 24 h ({body})")
        status, body = verify(bureau, "13800138002", stale, "070011")
        check(status == 409 and body["violations"][0]["rule"] == "sms.timed_out",
              f"after 24 h the code is refused: timed out ({status} {body})")
        check(bureau.request("GET", "/test/sms/2")[1]["state"] == "timed_out", "2 timed out")

        bureau.request("POST", "/test/sms", {"filing_id": 3,
                                             "recipients": leaders("13800138003", "13900139003")})
        right = code_of(bureau, "13800138003")
        wrong = f"{(int(right) + 1) % 1000000:06d}"
        outcomes = [verify(bureau, "13800138003", wrong, "070011")[1].get("outcome")
                    for _ in range(6)]
        check(outcomes == ["wrong"] * 5 + ["failed"],
              f"five wrong entries are allowed, the sixth fails ({outcomes})")
        check(bureau.request("GET", "/test/sms/3")[1]["state"] == "failed", "3 failed")
        status, body = verify(bureau, "13800138003", right, "070011")
        check(status == 409, f"the right code after the failure is refused ({status})")
    finally:
        bureau.stop()


def faults(data_dir: str) -> None:
    env = dict(os.environ, ICP_BUREAU_PROVIDER_PASSWORD=PASSWORD)
    added = subprocess.run([BUREAU, "providers", "add", "--isp-id", str(ISP_ID), "--user-name",
                            USER, "--data-dir", data_dir], env=env, capture_output=True,
                           text=True, timeout=20)
    check(added.returncode == 0, f"providers add ({added.stderr.strip()})")

    bad = subprocess.run([BUREAU, "serve", "--port", "0", "--data-dir", data_dir,
                          "--fault-error-rate", "0.8", "--fault-drop-rate", "0.5"],
                         capture_output=True, text=True, timeout=20)
    check(bad.returncode == 2 and "--fault-drop-rate" in bad.stderr,
          f"rates adding up to more than 1 are refused, naming the flag ({bad.stderr.strip()})")

    failing = Bureau(data_dir, "--fault-error-rate", "1")
    try:
        status, text = failing.soap("isp_upload", **upload_params(1))
        check(status == 500 and "faultcode" in text, f"an injected error is a Fault ({status})")
        status, page = failing.request("GET", "/portal/")
        check(status == 200, "the portal is not faulted")
    finally:
        failing.stop()

    dropping = Bureau(data_dir, "--fault-drop-rate", "1", "--fault-seed", "3")
    try:
        try:
            dropping.soap("isp_upload", **upload_params(1))
            check(False, "a dropped answer never arrives")
        except (http.client.RemoteDisconnected, ConnectionResetError):
            check(True, "the connection closes without an answer")
    finally:
        dropping.stop()

    healthy = Bureau(data_dir)
    try:
        status, text = healthy.soap("isp_querypreviousupload", hashAlgorithm=0)
        previous = return_of(text)
        check(previous.findtext("dataSequence") == "1",
              "the upload whose answer was dropped was taken; the errored one was not: "
              f"last accepted 1 (got {previous.findtext('dataSequence')})")
        status, text = healthy.soap("isp_upload", **upload_params(1))
        check(return_of(text).findtext("msg_code") == "0",
              "resending the dropped upload answers 0 (its effect once)")
    finally:
        healthy.stop()


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir:
        portal_without_hooks(data_dir)
        sms_with_hooks(data_dir)
    with tempfile.TemporaryDirectory() as data_dir:
        faults(data_dir)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
