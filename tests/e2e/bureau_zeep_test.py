#!/usr/bin/env python3
"""icp-bureau driven by an independent SOAP client: Python's zeep (issue 10).

zeep reads the WSDL `icp-bureau serve` publishes at ?wsdl and makes every call from it, so a
WSDL that disagrees with the envelopes the service takes fails here, whatever our own client
assumes. The payloads are built with Python's own tools only: the GBK codec, zipfile, hashlib's
MD5 and base64 (BUREAU-PROTOCOL.md §1.5); pwdHash = base64(MD5(GBK(password + randVal))).

Checks (the three services, each from its WSDL): BUREAU-PROTOCOL §1.3's pwdHash vectors, by Python and by the bureau (a provider whose
password is the vector's is authenticated with the vector's hash, and refused with the UTF-8
one); a dataSequence gap answered 14 with the missing numbers; an upload accepted; the same
upload resent has its effect once (one stored upload, one result file); querypreviousupload;
download and ack; nothing left afterwards; isp_querybeianstatus and isp_verifybamm on their
endpoints; then the SMS code entered on the portal, the automatic approval, FACTS §10.4's public
query (domain, number, unit name, batch, page) and seed 004's password recovery (every
mismatch "该备案信息不存在", then a new password that verifybamm takes instead of the old).

Usage: bureau_zeep_test.py PATH_TO_ICP_BUREAU SOURCE_DIR
Every check that fails is reported, and the exit status is 1 then (never a skip).
"""
import base64
import hashlib
import io
import json
import os
import random
import re
import signal
import sqlite3
import string
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import time
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

import zeep

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miit_wire import b64, payload  # noqa: E402  (the client's own GBK, zip and MD5)

BUREAU, SOURCE = sys.argv[1], sys.argv[2]
PATH = "/ISPWebService/upDownLoad"
ISP_ID, USER, PASSWORD = 440000000777, "isp777", "secret01"
VECTOR_ISP_ID, VECTOR_PASSWORD = 440000000778, "口令ab"
VECTOR_RAND = "aZ3kQ9xT2mB7nL4pW8vC"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)




def pwd_hash(password: str, nonce: str) -> str:
    return b64(hashlib.md5((password + nonce).encode("gbk")).digest())


def rand_val() -> str:
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(20))




def unpack(info: str, info_hash: str) -> str:
    data = base64.b64decode(info)
    check(b64(hashlib.md5(data).digest()) == info_hash, "the downloaded file's MD5 is its hash")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        check(len(names) == 1, "the downloaded zip has one entry")
        return z.read(names[0]).decode("gbk")


def first_filing(case: dict, isp_subject_id: int) -> str:
    """An XZBA (BUREAU-PROTOCOL.md §4.2) from an application document of data/rules/cases."""
    app = case["application"]
    s, w = app["subject"], app["websites"][0]
    region, p, wp = s["region_code"], s["principal"], w["principal"]
    domains = "".join(f"<Ym_xx><IspYmid>{800 + i}</IspYmid><Ym>{escape(d)}</Ym></Ym_xx>"
                      for i, d in enumerate(w["domains"]))
    return (
        '<?xml version="1.0" encoding="GBK"?>'
        '<UploadData version="V.3.0"><ICP><XZBA><Baxx>'
        f"<Zt_xx><IspZtid>{isp_subject_id}</IspZtid><Dwmc>{escape(s['name'])}</Dwmc>"
        "<Dwxz>4</Dwxz>"
        f"<Txdz><Shengid>{region[:2]}0000</Shengid><Shiid>{region[:4]}00</Shiid>"
        f"<Xianid>{region}</Xianid><Xxdz>{escape(s['mailing_address'])}</Xxdz></Txdz>"
        f"<Zj><Zjlx>1</Zjlx><Zjhm>{escape(s['certificate']['number'])}</Zjhm>"
        f"<Zjzs>{escape(s['certificate_address'])}</Zjzs></Zj>"
        f"<Fzr><Fzr_xm>{escape(p['name'])}</Fzr_xm><Fzr_sjhm>{p['mobile']}</Fzr_sjhm>"
        f"<Fzr_dzyj>{escape(p['email'])}</Fzr_dzyj></Fzr><Bbfs>1</Bbfs></Zt_xx>"
        f"<Wz_xx><IspWzid>{isp_subject_id + 1}</IspWzid><Wzmc>{escape(w['name'])}</Wzmc>"
        "<Fwnr><Fwnr_id>1</Fwnr_id></Fwnr><Yylb><Yylb_id>1</Yylb_id></Yylb>"
        f"{domains}"
        "<Jr_xx><IspJrid>61001</IspJrid><Wzfb><Fbdd>19</Fbdd></Wzfb><Wzjrfs><Jrfs>3</Jrfs></Wzjrfs>"
        "<Ip_xx><IspIpid>51001</IspIpid><Qsip>3221225994</Qsip><Zzip>3221225994</Zzip></Ip_xx>"
        "</Jr_xx>"
        f"<Wz_Fzr><Fzr_xm>{escape(wp['name'])}</Fzr_xm><Fzr_sjhm>{wp['mobile']}</Fzr_sjhm>"
        f"<Fzr_dzyj>{escape(wp['email'])}</Fzr_dzyj></Wz_Fzr>"
        f"<Syurl>{escape(w['home_url'])}</Syurl></Wz_xx>"
        f"</Baxx></XZBA><Qqdwid>{ISP_ID}</Qqdwid></ICP></UploadData>")


class Provider:
    """One provider's calls through zeep's service proxy (the WSDL's operations)."""

    def __init__(self, service, isp_id: int, user: str, password: str):
        self.service, self.isp_id, self.user, self.password = service, isp_id, user, password

    def call(self, method: str, nonce=None, hash_=None, **params) -> ET.Element:
        nonce = nonce or rand_val()
        text = getattr(self.service, method)(
            ispId=self.isp_id, userName=self.user, randVal=nonce,
            pwdHash=hash_ or pwd_hash(self.password, nonce), **params)
        check(isinstance(text, str), f"{method} returns the <return> document as a string")
        return ET.fromstring(text)

    def upload(self, xml_text: str, sequence: int, entry: str) -> ET.Element:
        info, info_hash = payload(xml_text, entry)
        return self.call("isp_upload", beianInfo=info, beianInfoHash=info_hash,
                         dataSequence=sequence, encryptAlgorithm=0, hashAlgorithm=0,
                         compressionFormat=0)


def code(ret: ET.Element) -> int:
    return int(ret.findtext("msg_code"))


def add_provider(data_dir: str, isp_id: int, user: str, password: str) -> None:
    env = dict(os.environ, ICP_BUREAU_PROVIDER_PASSWORD=password)
    added = subprocess.run([BUREAU, "providers", "add", "--isp-id", str(isp_id), "--user-name",
                            user, "--data-dir", data_dir],
                           env=env, capture_output=True, text=True, timeout=20)
    check(added.returncode == 0, f"providers add {isp_id} ({added.stderr.strip()})")


def main() -> int:
    # §1.3's vectors, by Python's own GBK codec.
    check(pwd_hash("secret01", VECTOR_RAND) == "Wy3xhGl5PmoCTNPlKNYtxg==", "pwdHash vector 1")
    check(pwd_hash("口令ab", VECTOR_RAND) == "o+QqqRN+A3nLo1VkJ3W5LA==", "pwdHash vector 2 (GBK)")
    utf8 = b64(hashlib.md5(("口令ab" + VECTOR_RAND).encode("utf-8")).digest())
    check(utf8 == "/fmKFT03iVZIKp64UfQTTw==", "the UTF-8 hash is the spec's wrong one")

    with open(os.path.join(SOURCE, "data/rules/cases/11-unit-office-phone-same.json"),
              encoding="utf-8") as f:
        case = json.load(f)
    with tempfile.TemporaryDirectory() as data_dir:
        add_provider(data_dir, ISP_ID, USER, PASSWORD)
        add_provider(data_dir, VECTOR_ISP_ID, str(VECTOR_ISP_ID), VECTOR_PASSWORD)
        server = subprocess.Popen([BUREAU, "serve", "--port", "0", "--data-dir", data_dir,
                                   "--auto-review", "approve", "--review-delay", "0",
                                   "--tick-ms", "50", "--test-hooks"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            base = None
            for line in server.stdout:
                if line.startswith("listening on "):
                    base = line.split()[-1]
                    break
            check(base is not None, f"listening: {base}")
            run(base, case)
        finally:
            server.send_signal(signal.SIGTERM)
            rc = server.wait(timeout=20)
            check(rc == 0, f"SIGTERM stops icp-bureau with 0 (got {rc})")
        db = sqlite3.connect(os.path.join(data_dir, "bureau.db"))
        stored = db.execute("SELECT data_sequence FROM uploads WHERE isp_id = ? ORDER BY 1",
                            (ISP_ID,)).fetchall()
        queued = db.execute("SELECT count(*) FROM downloads WHERE isp_id = ?",
                            (ISP_ID,)).fetchone()[0]
        db.close()
        check(stored == [(1,)], f"the bureau stored upload 1 once (got {stored})")
        check(queued == 3, "three result files for the upload and its resend: accepted with SMS "
                           f"pending, SMS verified, approved (got {queued})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


def run(base: str, case: dict) -> None:
    try:
        client = zeep.Client(base + PATH + "?wsdl")
    except Exception as e:  # noqa: BLE001 - a WSDL zeep cannot read is the finding
        check(False, f"zeep reads the served WSDL ({type(e).__name__}: {e})")
        return
    operations = sorted(client.service._binding._operations)
    check(operations == ["isp_download", "isp_downloadack", "isp_querypreviousupload",
                         "isp_upload"], f"the WSDL's operations (got {operations})")
    service = client.service

    # The vectors against the bureau: the GBK hash is the password's, the UTF-8 one is not.
    vector = Provider(service, VECTOR_ISP_ID, str(VECTOR_ISP_ID), VECTOR_PASSWORD)
    right = vector.call("isp_download", nonce=VECTOR_RAND, hash_="o+QqqRN+A3nLo1VkJ3W5LA==",
                        hashAlgorithm=0)
    check(code(right) == 2, f"vector 2's pwdHash authenticates: nothing to download, 2 "
                            f"(got {code(right)})")
    wrong = vector.call("isp_download", nonce=VECTOR_RAND, hash_=utf8_hash(), hashAlgorithm=0)
    check(code(wrong) == 5, f"the UTF-8 hash is refused with 5 (got {code(wrong)})")
    short = vector.call("isp_download", nonce="short", hash_="x", hashAlgorithm=0)
    check(code(short) == 16, f"a randVal under 20 characters is 16 (got {code(short)})")

    provider = Provider(service, ISP_ID, USER, PASSWORD)
    xml_text = first_filing(case, 81001)
    gap = provider.upload(xml_text, 3, "XZBA0003")
    missing = [e.text for e in gap.iter("dataSequence")]
    check(code(gap) == 14 and missing == ["1", "2"],
          f"dataSequence 3 first: 14 listing 1 and 2 (got {code(gap)} {missing})")
    first = provider.upload(xml_text, 1, "XZBA0001")
    check(code(first) == 0, f"the XZBA is accepted (got {code(first)} {first.findtext('msg')})")
    again = provider.upload(xml_text, 1, "XZBA0001")
    check(code(again) == 0, f"the same upload resent answers 0 (got {code(again)})")
    other = provider.upload(first_filing(case, 81011), 1, "XZBA0001")
    check(code(other) == 999, f"number 1 again with other content is 999 (got {code(other)})")
    previous = provider.call("isp_querypreviousupload", hashAlgorithm=0)
    check(previous.findtext("dataSequence") == "1" and
          previous.findtext("fileInfos/return_FileName") == "XZBA0001",
          "querypreviousupload: last accepted 1, its file XZBA0001")

    # The bureau decides in the background: the result file comes within a few ticks.
    deadline = time.monotonic() + 15
    download = provider.call("isp_download", hashAlgorithm=0)
    while download.find("fileInfos") is None and time.monotonic() < deadline:
        time.sleep(0.1)
        download = provider.call("isp_download", hashAlgorithm=0)
    check(code(download) == 1, f"one file waits: 1 (got {code(download)})")
    info = download.find("fileInfos")
    name = info.findtext("return_FileName") if info is not None else None
    if info is not None:
        text = unpack(info.findtext("beianInfo"), info.findtext("beianInfoHash"))
        doc = ET.fromstring(text.split("?>", 1)[1])
        codes = [x.findtext("Jgdm") for x in doc.iter("Jgxx")]
        check(codes[:1] == ["9001"], f"the BAJG accepts the record for review (got {codes})")
    ack = provider.call("isp_downloadack", hashAlgorithm=0, fileName=name)
    check(code(ack) == 0, f"downloadack {name} (got {code(ack)})")
    empty = provider.call("isp_download", hashAlgorithm=0)
    check(code(empty) == 2, f"after the ack nothing waits: 2 (got {code(empty)})")
    reack = provider.call("isp_downloadack", hashAlgorithm=0, fileName=name)
    check(code(reack) == 0, f"a second ack of the same file is 0 (got {code(reack)})")

    # The leader verifies on the portal; the automatic review approves: the numbers come in BASJ.
    app = case["application"]
    mobile = app["subject"]["principal"]["mobile"]
    tail = app["subject"]["certificate"]["number"][-6:]
    sms = [m["text"] for m in portal(base, "GET", "/test/messages?to=" + mobile)[1]["messages"]]
    found = re.search(r"核验码为(\d{6})", sms[-1]) if sms else None
    check(found is not None, "the leader's SMS code is in the sink")
    status, entered = portal(base, "POST", "/portal/api/sms/verify",
                             {"mobile": mobile, "code": found.group(1) if found else "",
                              "certificate_tail": tail})
    check(status == 200 and entered["outcome"] == "all_verified", f"SMS verified ({entered})")
    number = ""
    for _ in range(2):  # 9012, then the approval with BASJ
        got = next_file(provider)
        text = unpack(got.findtext("fileInfos/beianInfo"), got.findtext("fileInfos/beianInfoHash"))
        doc = ET.fromstring(text.split("?>", 1)[1])
        number = doc.findtext(".//BASJ/Baxx/Zt_xx/Baxh") or number
        provider.call("isp_downloadack", hashAlgorithm=0,
                      fileName=got.findtext("fileInfos/return_FileName"))
    check(number.endswith("号") and "ICP备" in number, f"approved with number {number}")
    public_query(base, case, number)
    recovery(base, case, number, ISP_ID)

    # The two status services, each from its own WSDL.
    status_client = zeep.Client(base + "/BeianStatusWebService/queryBeianStatus?wsdl")
    status = Provider(status_client.service, ISP_ID, USER, PASSWORD).call(
        "isp_querybeianstatus", hashAlgorithm=0, queryConditionType=0,
        queryCondition="not-filed-here.cn")
    check(code(status) == 0 and status.findtext("StatusInfo/Bazt") == "1",
          f"querybeianstatus of an unfiled domain: Bazt 1 (got {code(status)} "
          f"{status.findtext('StatusInfo/Bazt')})")
    bamm_client = zeep.Client(base + "/BeianStatusWebService/verifyBamm?wsdl")
    bamm = Provider(bamm_client.service, ISP_ID, USER, PASSWORD).call(
        "isp_verifybamm", hashAlgorithm=0, baxh="京ICP备27999999号",
        bamm=hashlib.md5(b"guess").hexdigest())
    check(code(bamm) == 0 and bamm.findtext("VerifyRes") == "1",
          f"verifybamm of an unknown number: VerifyRes 1 (got {code(bamm)} "
          f"{bamm.findtext('VerifyRes')})")


def portal(base: str, method: str, path: str, body=None):
    """A call of the portal stand-in's JSON API: (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            raw = response.read()
            is_json = "json" in response.headers.get("Content-Type", "")
            return response.status, json.loads(raw) if is_json else raw.decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def next_file(provider: Provider) -> ET.Element:
    deadline = time.monotonic() + 15
    while True:
        ret = provider.call("isp_download", hashAlgorithm=0)
        if ret.find("fileInfos") is not None or time.monotonic() > deadline:
            return ret
        time.sleep(0.1)


def public_query(base: str, case: dict, number: str) -> None:
    """FACTS §10.4's public query: by domain, number and unit name; batch; the page."""
    app = case["application"]
    domain, name = app["websites"][0]["domains"][0], app["subject"]["name"]
    status, page = portal(base, "GET", "/portal/api/query?condition=" + domain)
    record = page["list"][0] if status == 200 and page["list"] else {}
    check(status == 200 and page["total"] == 1 and record.get("mainLicence") == number and
          record.get("serviceLicence") == number + "-1" and record.get("unitName") == name and
          record.get("domain") == domain and record.get("natureName") == "企业" and
          record.get("limitAccess") == "否",
          f"the public query by domain returns MIIT's fields ({page})")
    by_number = portal(base, "GET", "/portal/api/query?by=number&condition=" +
                       urllib.parse.quote(number))[1]
    by_name = portal(base, "GET", "/portal/api/query?condition=" + urllib.parse.quote(name[:4]) +
                     "&page_size=1")[1]
    check(by_number["total"] == 1 and by_name["total"] == 1 and by_name["isLastPage"],
          "by number and by part of the unit name, with pages")
    status, batch = portal(base, "POST", "/portal/api/query/batch",
                           {"conditions": [domain, number + "-1", "nobody-filed-this.cn"]})
    totals = [r["total"] for r in batch["results"]] if status == 200 else []
    check(totals == [1, 1, 0], f"a batch answers each condition ({totals})")
    status, html = portal(base, "GET", "/portal/query?condition=" + urllib.parse.quote(number))
    check(status == 200 and domain in html and "主办单位名称" in html, "the query page lists it")


def recovery(base: str, case: dict, number: str, isp_id: int) -> None:
    """Seed 004: the number without -N, the certificate and the mobile must all match."""
    app = case["application"]
    right = {"number": number, "certificate_type": 1,
             "certificate_number": app["subject"]["certificate"]["number"],
             "mobile": app["subject"]["principal"]["mobile"]}
    for field, value in (("number", number + "-1"), ("certificate_type", 2),
                         ("certificate_number", "91110000MA00000000"), ("mobile", "13999999999")):
        status, body = portal(base, "POST", "/portal/api/password/recover", {**right, field: value})
        zh = body.get("violations", [{}])[0].get("message_zh") if status == 404 else None
        check(zh == "该备案信息不存在，请确认输入内容", f"recovery with a wrong {field}: {zh}")
    email = app["subject"]["principal"]["email"]
    mailed = [m["text"] for m in portal(base, "GET", "/test/messages?to=" + email)[1]["messages"]]
    old = mailed[-1].split("ICP备案密码：", 1)[1].split("。", 1)[0] if mailed else ""
    status, body = portal(base, "POST", "/portal/api/password/recover", right)
    check(status == 200, f"recovery with the filed number, certificate and mobile ({body})")
    texts = [m["text"] for m in
             portal(base, "GET", "/test/messages?to=" + right["mobile"])[1]["messages"]]
    found = re.search(r"新的备案密码为：([^。]+)。", texts[-1]) if texts else None
    new = found.group(1) if found else ""
    check(new != "" and new != old, "a new password is sent to the leader's mobile")
    bamm = zeep.Client(base + "/BeianStatusWebService/verifyBamm?wsdl").service
    caller = Provider(bamm, isp_id, USER, PASSWORD)
    check(caller.call("isp_verifybamm", hashAlgorithm=0, baxh=number,
                      bamm=new).findtext("VerifyRes") == "0", "verifybamm takes the new password")
    check(caller.call("isp_verifybamm", hashAlgorithm=0, baxh=number,
                      bamm=old).findtext("VerifyRes") == "1", "and no longer the old one")


def utf8_hash() -> str:
    return b64(hashlib.md5((VECTOR_PASSWORD + VECTOR_RAND).encode("utf-8")).digest())


if __name__ == "__main__":
    sys.exit(main())
