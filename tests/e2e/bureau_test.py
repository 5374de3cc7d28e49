#!/usr/bin/env python3
"""End-to-end test of `icp-bureau serve` with an independent client (issue 10).

The client is what a provider's own system would be: Python's standard library only. It builds
the SOAP 1.1 envelopes by hand, and the payload as BUREAU-PROTOCOL.md §1.5 says: the XML
encoded in GBK (codecs), zipped as one entry (zipfile), its MD5 in base64 as beianInfoHash
(hashlib), the zip in base64 as beianInfo; pwdHash = base64(MD5(GBK(password + randVal))).
The XZBA is built from the fields of an application document of data/rules/cases.

Checks: the WSDL at ?wsdl; a wrong pwdHash refused with msg_code 5; a dataSequence gap answered
14 with the missing numbers; an accepted upload; the same upload resent has its effect once
(one upload, one result file); querypreviousupload names it; download gets the BAJG with the
record's result (9001, accepted for review), again until acknowledged; ack; then 9011 (SMS
verification pending), each leader's code read from the sink (serve --test-hooks) and entered on
the portal stand-in, 9012 (verified). The automatic review (--auto-review approve) approves
it: BAJG 1001 with Gjsh Shjg=1 and BASJ with the numbers issued (subject and -1) and every bureau id; the registry answers
isp_querybeianstatus (by domain) and isp_verifybamm (the password mailed to the subject
leader, read from the stand-in's message sink, right and wrong); the reviewer API lists the
approved filing (with its bearer token only). A second upload breaking a field rule the bureau checks itself
gets 1041 in its BAJG; the same subject filed again gets 1003 and 1005 (subject and domain
filed already). A reviewer returns a fourth filing through the API with a reason on a field
(BAJG 1002, the path in Bz, Gjsh Shjg=0) and cannot decide it twice; `icp-bureau review list`
and `lists add --domain` work on the same store (HMDLB downloaded).

Usage: bureau_test.py PATH_TO_ICP_BUREAU SOURCE_DIR
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
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miit_wire import b64, payload  # noqa: E402  (the client's own GBK, zip and MD5)

BUREAU, SOURCE = sys.argv[1], sys.argv[2]
ISP_ID, USER, PASSWORD = 440000000123, "isp440", "口令secret01"
TOKEN = "reviewer-token-e2e"
PATH = "/ISPWebService/upDownLoad"
NS = "urn:beian:miit-enterprise-interface:3.0"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)




def rand_val() -> str:
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(20))


def pwd_hash(password: str, nonce: str) -> str:
    return b64(hashlib.md5((password + nonce).encode("gbk")).digest())




def unpack(info: str, info_hash: str) -> str:
    data = base64.b64decode(info)
    check(b64(hashlib.md5(data).digest()) == info_hash, "the downloaded file's MD5 is its hash")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        check(len(names) == 1, "the downloaded zip has one entry")
        return z.read(names[0]).decode("gbk")


def first_filing_xml(case: dict, isp_subject_id: int, home_url=None, certificate=None,
                     domain=None) -> str:
    """An XZBA from an application document's fields (BUREAU-PROTOCOL.md §4.2, §7.1)."""
    app = case["application"]
    s, w = app["subject"], app["websites"][0]
    region = s["region_code"]
    p, wp = s["principal"], w["principal"]
    names = [domain] if domain else w["domains"]
    domains = "".join(
        f"<Ym_xx><IspYmid>{900 + i}</IspYmid><Ym>{escape(d)}</Ym></Ym_xx>"
        for i, d in enumerate(names))
    return (
        '<?xml version="1.0" encoding="GBK"?>'
        '<UploadData version="V.3.0"><ICP><XZBA><Baxx>'
        f"<Zt_xx><IspZtid>{isp_subject_id}</IspZtid><Dwmc>{escape(s['name'])}</Dwmc>"
        "<Dwxz>4</Dwxz>"
        f"<Txdz><Shengid>{region[:2]}0000</Shengid><Shiid>{region[:4]}00</Shiid>"
        f"<Xianid>{region}</Xianid><Xxdz>{escape(s['mailing_address'])}</Xxdz></Txdz>"
        f"<Zj><Zjlx>1</Zjlx><Zjhm>{escape(certificate or s['certificate']['number'])}</Zjhm>"
        f"<Zjzs>{escape(s['certificate_address'])}</Zjzs></Zj>"
        f"<Fzr><Fzr_xm>{escape(p['name'])}</Fzr_xm><Fzr_sjhm>{p['mobile']}</Fzr_sjhm>"
        f"<Fzr_dzyj>{escape(p['email'])}</Fzr_dzyj></Fzr><Bbfs>1</Bbfs></Zt_xx>"
        f"<Wz_xx><IspWzid>{isp_subject_id + 1}</IspWzid><Wzmc>{escape(w['name'])}</Wzmc>"
        "<Fwnr><Fwnr_id>1</Fwnr_id></Fwnr><Yylb><Yylb_id>1</Yylb_id></Yylb>"
        f"{domains}"
        "<Jr_xx><IspJrid>60001</IspJrid><Wzfb><Fbdd>19</Fbdd></Wzfb><Wzjrfs><Jrfs>3</Jrfs></Wzjrfs>"
        "<Ip_xx><IspIpid>50001</IspIpid><Qsip>3221225994</Qsip><Zzip>3221225994</Zzip></Ip_xx>"
        "</Jr_xx>"
        f"<Wz_Fzr><Fzr_xm>{escape(wp['name'])}</Fzr_xm><Fzr_sjhm>{wp['mobile']}</Fzr_sjhm>"
        f"<Fzr_dzyj>{escape(wp['email'])}</Fzr_dzyj></Wz_Fzr>"
        f"<Syurl>{escape(home_url or ('www.' + domain if domain else w['home_url']))}</Syurl></Wz_xx>"
        f"</Baxx></XZBA><Qqdwid>{ISP_ID}</Qqdwid></ICP></UploadData>")


class Client:
    def __init__(self, base: str, password: str = PASSWORD):
        self.base, self.password = base, password

    def call(self, method: str, path: str = PATH, **params) -> ET.Element:
        nonce = rand_val()
        fields = [("ispId", ISP_ID), ("userName", USER), ("randVal", nonce),
                  ("pwdHash", pwd_hash(self.password, nonce))] + list(params.items())
        body = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields)
        envelope = ('<?xml version="1.0" encoding="UTF-8"?>'
                    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                    f'xmlns:tns="{NS}"><soapenv:Body><tns:{method}>{body}</tns:{method}>'
                    "</soapenv:Body></soapenv:Envelope>")
        request = urllib.request.Request(
            self.base + path, data=envelope.encode("utf-8"), method="POST",
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
        with urllib.request.urlopen(request, timeout=20) as response:
            answer = ET.fromstring(response.read())
        returned = answer.find(f".//{{{NS}}}{method}Response/return")
        if returned is None:
            returned = next(e for e in answer.iter() if e.tag.endswith("return"))
        return ET.fromstring(returned.text)

    def upload(self, xml_text: str, sequence: int, entry: str) -> ET.Element:
        info, info_hash = payload(xml_text, entry)
        return self.call("isp_upload", beianInfo=info, beianInfoHash=info_hash,
                         dataSequence=sequence, encryptAlgorithm=0, hashAlgorithm=0,
                         compressionFormat=0)


def file_of(ret: ET.Element) -> ET.Element:
    """The downloaded file of a download's fileInfos, parsed."""
    info = ret.find("fileInfos")
    text = unpack(info.findtext("beianInfo"), info.findtext("beianInfoHash"))
    return ET.fromstring(text.split("?>", 1)[1])


def next_download(client, seconds: float = 15.0) -> ET.Element:
    """Downloads until a file comes (the bureau decides in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        ret = client.call("isp_download", hashAlgorithm=0)
        if ret.find("fileInfos") is not None or time.monotonic() > deadline:
            return ret
        time.sleep(0.1)


def code(ret: ET.Element) -> int:
    return int(ret.findtext("msg_code"))


def results_of(ret: ET.Element) -> list[tuple[str, list[str]]]:
    """(Czlx, [Jgdm...]) per Jg_xx of the BAJG in a download's fileInfos."""
    info = ret.find("fileInfos")
    text = unpack(info.findtext("beianInfo"), info.findtext("beianInfoHash"))
    check(text.startswith('<?xml version="1.0" encoding="GBK"?>'), "the file declares GBK")
    doc = ET.fromstring(text.split("?>", 1)[1])  # expat reads no GBK: the text is decoded
    return [(jg.findtext("Czlx"), jg.findtext("Bs"), [x.findtext("Jgdm") for x in jg.iter("Jgxx")])
            for jg in doc.iter("Jg_xx")]


def main() -> int:
    with open(os.path.join(SOURCE, "data/rules/cases/11-unit-office-phone-same.json"),
              encoding="utf-8") as f:
        case = json.load(f)
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, ICP_BUREAU_PROVIDER_PASSWORD=PASSWORD)
        added = subprocess.run([BUREAU, "providers", "add", "--isp-id", str(ISP_ID),
                                "--user-name", USER, "--data-dir", data_dir],
                               env=env, capture_output=True, text=True, timeout=20)
        check(added.returncode == 0, f"providers add ({added.stderr.strip()})")
        log_path = os.path.join(data_dir, "serve.log")
        log = open(log_path, "w", encoding="utf-8")
        server = subprocess.Popen([BUREAU, "serve", "--port", "0", "--data-dir", data_dir,
                                   "--auto-review", "approve", "--review-delay", "3",
                                   "--tick-ms", "50", "--test-hooks"],
                                  stdout=subprocess.PIPE, stderr=log, text=True,
                                  env=dict(os.environ, ICP_BUREAU_REVIEW_TOKEN=TOKEN))
        try:
            base = None
            for line in server.stdout:
                if line.startswith("listening on "):
                    base = line.split()[-1]
                    break
            check(base is not None and base.startswith("http://127.0.0.1:"), f"listening: {base}")
            run(base, case, log_path, data_dir)
        finally:
            server.send_signal(signal.SIGTERM)
            rc = server.wait(timeout=20)
            log.close()
            check(rc == 0, f"SIGTERM stops icp-bureau with 0 (got {rc})")
        # The bureau's own count: the resent upload was stored once.
        db = sqlite3.connect(os.path.join(data_dir, "bureau.db"))
        stored = db.execute("SELECT data_sequence FROM uploads ORDER BY 1").fetchall()
        db.close()
        check(stored == [(1,), (2,), (3,), (4,)],
              f"the bureau stored uploads 1 to 4 once each (got {stored})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


def api(base: str, method: str, path: str, body=None):
    """A reviewer API call with the token: (status, JSON body)."""
    request = urllib.request.Request(
        base + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def sink_messages(base: str, to: str) -> list:
    """The stand-in's messages to a mobile or an address (serve --test-hooks)."""
    url = base + "/test/messages?to=" + urllib.parse.quote(to)
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())["messages"]


def verify_sms(base: str, case: dict, certificate=None) -> None:
    """Enters each leader's code on the portal: mobile, code, last six of the certificate
    (the leaders carry none in this XZBA, so the subject's: `certificate` when the XZBA was
    built with another)."""
    app = case["application"]
    tail = (certificate or app["subject"]["certificate"]["number"])[-6:]
    mobiles = dict.fromkeys([app["subject"]["principal"]["mobile"],
                             app["websites"][0]["principal"]["mobile"]])
    for mobile in mobiles:
        texts = [m["text"] for m in sink_messages(base, mobile)]
        found = re.search(r"核验码为(\d{6})", texts[-1]) if texts else None
        check(found is not None, f"an SMS code was sent to {mobile}")
        body = json.dumps({"mobile": mobile, "code": found.group(1) if found else "",
                           "certificate_tail": tail}).encode("utf-8")
        request = urllib.request.Request(base + "/portal/api/sms/verify", data=body,
                                         method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            outcome = json.loads(response.read())["outcome"]
        check(outcome in ("verified_others_pending", "all_verified"),
              f"the portal takes {mobile}'s code ({outcome})")


def run(base: str, case: dict, log_path: str, data_dir: str) -> None:
    with urllib.request.urlopen(base + PATH + "?wsdl", timeout=20) as response:
        wsdl = response.read().decode("utf-8")
    check("isp_upload" in wsdl and base + PATH in wsdl, "GET ?wsdl names isp_upload and the address")

    client = Client(base)
    xml_text = first_filing_xml(case, 70001)

    wrong = Client(base, password="not-the-password").upload(xml_text, 1, "XZBA0001")
    check(code(wrong) == 5, f"a wrong pwdHash is refused with msg_code 5 (got {code(wrong)})")

    gap = client.upload(xml_text, 3, "XZBA0003")
    missing = [e.text for e in gap.iter("dataSequence")]
    check(code(gap) == 14 and missing == ["1", "2"],
          f"dataSequence 3 first: 14 listing 1 and 2 (got {code(gap)} {missing})")

    first = client.upload(xml_text, 1, "XZBA0001")
    check(code(first) == 0, f"the XZBA is accepted (got {code(first)} {first.findtext('msg')})")
    again = client.upload(xml_text, 1, "XZBA0001")
    check(code(again) == 0, f"the same upload resent answers as the first (got {code(again)})")
    previous = client.call("isp_querypreviousupload", hashAlgorithm=0)
    check(previous.findtext("dataSequence") == "1" and
          previous.findtext("fileInfos/return_FileName") == "XZBA0001",
          "querypreviousupload: last accepted 1, its file XZBA0001")

    download = next_download(client)
    check(code(download) == 1, f"one file waits: msg_code 1 (got {code(download)})")
    name = download.findtext("fileInfos/return_FileName")
    results = results_of(download)
    check(results == [("1", "70001", ["9001"]), ("1", "70001", ["9011"])],
          "BAJG: the XZBA record (IspZtid 70001) accepted for review, 9001, and its SMS "
          f"verification pending, 9011 (got {results})")
    resent = client.call("isp_download", hashAlgorithm=0)
    check(resent.findtext("fileInfos/return_FileName") == name,
          "an unacknowledged file is downloaded again")
    ack = client.call("isp_downloadack", hashAlgorithm=0, fileName=name)
    check(code(ack) == 0, f"downloadack {name} (got {code(ack)})")

    # SMS verification (BUREAU-PROTOCOL §7.4.1): 9011 while the leaders' codes wait, each
    # entered on the portal stand-in (codes read from the sink through the test hooks), 9012.
    verify_sms(base, case)
    verified = next_download(client)
    check(results_of(verified) == [("1", "70001", ["9012"])], "BAJG 9012: SMS verified")
    client.call("isp_downloadack", hashAlgorithm=0,
                fileName=verified.findtext("fileInfos/return_FileName"))

    # The automatic review approves it after its delay: BAJG 1001 and BASJ in one file.
    approved = next_download(client)
    check(approved.find("fileInfos") is not None, "the approval is downloaded")
    doc = file_of(approved)
    jg = [(j.findtext("Czlx"), j.findtext("Bs"), [x.findtext("Jgdm") for x in j.iter("Jgxx")])
          for j in doc.iter("Jg_xx")]
    check(jg == [("1", "70001", ["1001"])], f"BAJG 1001 for IspZtid 70001 (got {jg})")
    gjsh = doc.find(".//GJSHS/Gjsh")
    check(gjsh is not None and gjsh.findtext("Shjg") == "1" and gjsh.findtext("Jlid") == "70001",
          "Gjsh: Shjg=1 (approved) for Jlid 70001")
    zt = doc.find(".//BASJ/Baxx/Zt_xx")
    wz = doc.find(".//BASJ/Baxx/Wz_xx")
    province = case["application"]["subject"]["region_code"][:2]
    prefixes = {"11": "京", "31": "沪", "44": "粤", "33": "浙", "51": "蜀", "32": "苏"}
    number = zt.findtext("Baxh") if zt is not None else ""
    year = time.gmtime(time.time() + 8 * 3600).tm_year
    check(number == f"{prefixes.get(province, '?')}ICP备{year}000001号",
          f"the subject's number is its province's first of the year (got {number})")
    check(wz is not None and wz.findtext("Baxh") == number + "-1", "the website's number is -1")
    ids = {tag: (doc.find(f".//BASJ//{tag}") is not None and
                 (doc.findtext(f".//BASJ//{tag}") or "").isdigit())
           for tag in ("Ztid", "Wzid", "Ymid", "Jrid", "Ipid", "IspZtid", "IspWzid")}
    check(all(ids.values()), f"BASJ carries every bureau id and the provider's ids ({ids})")
    check(doc.findtext(".//BASJ//Jr_xx/Ispid") == str(ISP_ID), "the access names its provider")
    ack = client.call("isp_downloadack", hashAlgorithm=0,
                      fileName=approved.findtext("fileInfos/return_FileName"))
    check(code(ack) == 0, "the approval is acknowledged")
    empty = client.call("isp_download", hashAlgorithm=0)
    check(code(empty) == 2 and empty.find("fileInfos") is None,
          f"after the acks, nothing to download: 2 (got {code(empty)}); the resend had no effect")

    # The registry answers the two status services on their own endpoints.
    domain = case["application"]["websites"][0]["domains"][0]
    status = client.call("isp_querybeianstatus", path="/BeianStatusWebService/queryBeianStatus",
                         hashAlgorithm=0, queryConditionType=0, queryCondition=domain)
    info = status.find("StatusInfo")
    check(code(status) == 0 and info is not None and info.findtext("Bazt") == "0" and
          info.findtext("Wzbah") == number + "-1",
          f"querybeianstatus {domain}: filed (Bazt 0) with its website number")
    leader_email = case["application"]["subject"]["principal"]["email"]
    mailed = [m["text"] for m in sink_messages(base, leader_email) if "ICP备案密码：" in m["text"]]
    password = mailed[-1].split("ICP备案密码：", 1)[1].split("。", 1)[0] if mailed else ""
    check(password != "", "the filing password was mailed to the subject leader")
    verify = "/BeianStatusWebService/verifyBamm"
    right = client.call("isp_verifybamm", path=verify, hashAlgorithm=0, baxh=number, bamm=password)
    check(right.findtext("VerifyRes") == "0", "verifybamm with the mailed password: 0 (right)")
    wrong_password = client.call("isp_verifybamm", path=verify, hashAlgorithm=0, baxh=number,
                                 bamm=hashlib.md5(b"wrong").hexdigest())
    check(wrong_password.findtext("VerifyRes") == "1", "verifybamm with another password: 1")

    # The reviewer API: the approved filing, with the bearer token only.
    approved_url = base + "/bureau/api/filings?state=approved"
    try:
        urllib.request.urlopen(approved_url, timeout=20)
        check(False, "the reviewer API refuses a call without the token")
    except urllib.error.HTTPError as e:
        check(e.code == 401, f"the reviewer API refuses a call without the token: 401 (got {e.code})")
    request = urllib.request.Request(approved_url, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=20) as response:
        listed = json.load(response)["filings"]
    check([(f["id"], f["state"], f["reviewer"]) for f in listed] == [(1, "approved", "自动审核")],
          f"the reviewer API lists the approved filing (got {listed})")

    # The bureau's own field rule: the home page must name one of the domains (1041).
    bad = first_filing_xml(case, 70011, home_url="http://www.not-our-domain.cn")
    check(code(client.upload(bad, 2, "XZBA0002")) == 0, "a second XZBA is accepted as number 2")
    second_file = next_download(client)
    second = results_of(second_file)
    # (It is also the subject and the domain filed already: 1003 and 1005.)
    check(second == [("1", "70011", ["1003", "1041", "1005"])],
          f"its BAJG says 1041 among the registry's conflicts (got {second})")
    client.call("isp_downloadack", hashAlgorithm=0,
                fileName=second_file.findtext("fileInfos/return_FileName"))
    # The same subject again: already filed (a sponsor conflict, 1003).
    check(code(client.upload(first_filing_xml(case, 70021), 3, "XZBA0003")) == 0,
          "a third XZBA is accepted as number 3")
    third_file = next_download(client)
    third = results_of(third_file)
    check(third == [("1", "70021", ["1003", "1005"])],
          f"the subject and its domain filed already: 1003, 1005 (got {third})")
    client.call("isp_downloadack", hashAlgorithm=0,
                fileName=third_file.findtext("fileInfos/return_FileName"))

    # A reviewer returns a filing with a reason on the field it concerns (the API).
    other = first_filing_xml(case, 70031, certificate="91110108MA00000X1B", domain="other-e2e.cn")
    check(code(client.upload(other, 4, "XZBA0004")) == 0, "a fourth XZBA is accepted as number 4")
    accepted_file = next_download(client)
    accepted = results_of(accepted_file)
    check(accepted == [("1", "70031", ["9001"]), ("1", "70031", ["9011"])],
          f"it is accepted for review and its SMS codes sent (got {accepted})")
    client.call("isp_downloadack", hashAlgorithm=0,
                fileName=accepted_file.findtext("fileInfos/return_FileName"))
    verify_sms(base, case, certificate="91110108MA00000X1B")
    verified_file = next_download(client)
    check(results_of(verified_file) == [("1", "70031", ["9012"])], "BAJG 9012: SMS verified")
    client.call("isp_downloadack", hashAlgorithm=0,
                fileName=verified_file.findtext("fileInfos/return_FileName"))
    deadline, in_review = time.monotonic() + 10, []
    while not in_review and time.monotonic() < deadline:
        in_review = api(base, "GET", "/bureau/api/filings?state=review")[1]["filings"]
    check(len(in_review) == 1 and in_review[0]["key"] == "70031", "the API lists it in review")
    fid = in_review[0]["id"] if in_review else 0
    status, body = api(base, "POST", f"/bureau/api/filings/{fid}:return",
                       {"reasons": [{"jgdm": 1002, "path": "websites[0].name", "text": "网站名称不规范"}],
                        "reviewer": "赵六"})
    check(status == 200 and body.get("state") == "returned", f"the return is made (got {status} {body})")
    status, body = api(base, "POST", f"/bureau/api/filings/{fid}:approve", {})
    check(status == 409, f"a decided filing is not decided again: 409 (got {status})")
    returned_file = next_download(client)
    returned = file_of(returned_file)
    jg = returned.find(".//Jg_xx")
    check(jg is not None and jg.findtext("Jgxx/Jgdm") == "1002" and
          json.loads(jg.findtext("Bz") or "{}") ==
          {"beian": 1, "fields": [{"jgdm": 1002, "path": "websites[0].name"}]},
          "its BAJG has 1002 and the field in Bz")
    check(returned.findtext(".//Gjsh/Shjg") == "0" and
          returned.findtext(".//Gjsh/Shyj") == "网站名称不规范", "and Gjsh Shjg=0 with the reason")
    client.call("isp_downloadack", hashAlgorithm=0,
                fileName=returned_file.findtext("fileInfos/return_FileName"))

    # The command line over the same store: review list, a blacklisted domain.
    listed = subprocess.run([BUREAU, "review", "list", "--state", "approved", "--data-dir",
                             data_dir], capture_output=True, text=True, timeout=20)
    rows = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    check(listed.returncode == 0 and [r["id"] for r in rows] == [1],
          f"icp-bureau review list --state approved: filing 1 (got {listed.stdout!r})")
    added = subprocess.run([BUREAU, "lists", "add", "--domain", "Bad-E2E.cn", "--data-dir",
                            data_dir], capture_output=True, text=True, timeout=20)
    check(added.returncode == 0, f"icp-bureau lists add --domain ({added.stderr.strip()})")
    hmdlb = next_download(client)
    doc = file_of(hmdlb) if hmdlb.find("fileInfos") is not None else ET.Element("none")
    check(doc.findtext(".//HMDLB/Wzhmdxxs/Wz_xx/Ym_xx/Ym") == "bad-e2e.cn" and
          doc.findtext(".//HMDLB/Wzhmdxxs/Czlx") == "0",
          "the blacklisted domain is downloaded as HMDLB (Czlx 0, add)")


if __name__ == "__main__":
    sys.exit(main())
