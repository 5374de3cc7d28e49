#!/usr/bin/env python3
"""icp-bureau's decisions on the operator uploads and on 1045, driven by Python's zeep (issue 10).

The client is independent of Beian's C++: zeep reads the WSDL `icp-bureau serve` publishes, and
every payload is built with Python's own GBK codec, zipfile, hashlib's MD5 and base64
(BUREAU-PROTOCOL.md §1.5). Every result is read from the file the bureau queues, as a provider
would.

Checks:
- 1045: an account of MIIT's own system (`providers add --ministry`) uploads XZHYD; the upload
  is taken (0) and the result file answers the record 1045 with Czlx 35.
- XZHYD (§4.7): material for the filed website, named by its number, is stored (1060, Czlx 35,
  Bs the number); material for a number the registry does not have is 1059.
- HSRW/HSJG (§5.4, §4.8): `icp-bureau verify send` queues a task; the provider builds its HSJG
  from the task's own record (bureau ids, <sjhm>), answers "not true" (Hsjg 1): the result
  file holds Jg_xx 9021 (Czlx 9008, Bz beian-ext) and XGTZ ordering rectification of the
  website; the same answer again is 5006.
- WBAWZLB/WBACLJG (§5.2, §4.9): the unfiled site listed by `lists add --unfiled` is downloaded,
  answered "access stopped" (9022, Czlx 9009); `lists send-unfiled` then has nothing to send;
  an answer about a site never sent to this provider is 5005.

Usage: bureau_zeep_operator_test.py PATH_TO_ICP_BUREAU
Every check that fails is reported, and the exit status is 1 then (never a skip).
"""
import base64
import hashlib
import io
import json
import os
import random
import signal
import sqlite3
import string
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

import zeep

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miit_wire import b64, payload  # noqa: E402  (the client's own GBK, zip and MD5)

BUREAU = sys.argv[1]
PATH = "/ISPWebService/upDownLoad"
ISP_ID, MINISTRY_ID, PASSWORD = 440000000777, 100000000001, "secret01"
SUBJECT_NUMBER = "粤ICP备2025000777号"
WEBSITE_NUMBER = SUBJECT_NUMBER + "-1"
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode("ascii")
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)




def pwd_hash(password: str, nonce: str) -> str:
    return b64(hashlib.md5((password + nonce).encode("gbk")).digest())


def rand_val() -> str:
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(20))




def unpack(info: str, info_hash: str) -> ET.Element:
    data = base64.b64decode(info)
    check(b64(hashlib.md5(data).digest()) == info_hash, "the downloaded file's MD5 is its hash")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        text = z.read(names[0]).decode("gbk")
    return ET.fromstring(text.split("?>", 1)[1])


def upload_doc(body: str, isp_id: int) -> str:
    return ('<?xml version="1.0" encoding="GBK"?><UploadData version="V.3.0"><ICP>'
            f"{body}<Qqdwid>{isp_id}</Qqdwid></ICP></UploadData>")


def material(number: str) -> str:
    return ("<Fjxx><Fjwjgs>1</Fjwjgs><Fjyt>4</Fjyt>"
            f"<Fjnr>{JPEG}</Fjnr><Fjssdx><Ssdxlx>2</Ssdxlx><Ssdxbs><Baxh>{escape(number)}</Baxh>"
            "</Ssdxbs></Fjssdx></Fjxx>")


class Provider:
    """One provider's calls through zeep's service proxy; its own dataSequence."""

    def __init__(self, service, isp_id: int, user: str):
        self.service, self.isp_id, self.user, self.sequence = service, isp_id, user, 0

    def call(self, method: str, **params) -> ET.Element:
        nonce = rand_val()
        text = getattr(self.service, method)(ispId=self.isp_id, userName=self.user,
                                              randVal=nonce, pwdHash=pwd_hash(PASSWORD, nonce),
                                              **params)
        return ET.fromstring(text)

    def upload(self, body: str) -> int:
        self.sequence += 1
        info, info_hash = payload(upload_doc(body, self.isp_id), f"OPER{self.sequence:04d}")
        ret = self.call("isp_upload", beianInfo=info, beianInfoHash=info_hash,
                        dataSequence=self.sequence, encryptAlgorithm=0, hashAlgorithm=0,
                        compressionFormat=0)
        return int(ret.findtext("msg_code"))

    def next_file(self):
        """The next file, decoded and acknowledged; None when nothing waits."""
        ret = self.call("isp_download", hashAlgorithm=0)
        info = ret.find("fileInfos")
        if info is None:
            return None
        doc = unpack(info.findtext("beianInfo"), info.findtext("beianInfoHash"))
        self.call("isp_downloadack", hashAlgorithm=0, fileName=info.findtext("return_FileName"))
        return doc


def results(doc) -> list[tuple[list[str], str, str, str]]:
    """Each Jg_xx as (codes, Czlx, Bs, Bz)."""
    if doc is None:
        return []
    return [([j.findtext("Jgdm") for j in g.iter("Jgxx")], g.findtext("Czlx"),
             g.findtext("Bs") or "", g.findtext("Bz") or "") for g in doc.iter("Jg_xx")]


def bureau(data_dir: str, *args: str, password: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, ICP_BUREAU_PROVIDER_PASSWORD=password) if password else None
    return subprocess.run([BUREAU, *args, "--data-dir", data_dir], env=env, capture_output=True,
                          text=True, timeout=30)


def setup(data_dir: str) -> None:
    for args in (("--isp-id", str(ISP_ID), "--province", "440000"),
                 ("--isp-id", str(MINISTRY_ID), "--ministry")):
        added = bureau(data_dir, "providers", "add", *args, password=PASSWORD)
        check(added.returncode == 0, f"providers add {' '.join(args)} ({added.stderr.strip()})")
    record = {
        "subject": {"number": SUBJECT_NUMBER, "name": "示例科技有限公司", "nature": 4,
                    "certificate": {"type": 1, "number": "91440300MA5EXAM777",
                                    "address": "深圳市示例路7号"},
                    "region": {"province": 440000, "city": 440300, "county": 440305,
                               "address": "示例路7号"},
                    "leader": {"name": "李四", "mobiles": "13800000777",
                               "emails": "li@example.cn"}},
        "websites": [{"number": WEBSITE_NUMBER, "name": "示例官网", "home_url": "www.example.cn",
                      "domains": ["example.cn"], "service_content": [1], "languages": [1],
                      "leader": {"name": "王五", "mobiles": "13900000777",
                                 "emails": "wang@example.cn"},
                      "accesses": [{"isp_id": ISP_ID, "ips": ["192.0.2.77"], "locations": [5],
                                    "methods": [1]}]}]}
    path = os.path.join(data_dir, "records.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
    imported = bureau(data_dir, "import", path)
    check(imported.returncode == 0, f"import the filed record ({imported.stderr.strip()})")
    listed = bureau(data_dir, "lists", "add", "--unfiled", "unfiled.example", "--ip",
                    "198.51.100.7", "--isp-id", str(ISP_ID))
    check(listed.returncode == 0, f"lists add --unfiled ({listed.stderr.strip()})")


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        server = subprocess.Popen([BUREAU, "serve", "--port", "0", "--data-dir", data_dir,
                                   "--tick-ms", "50"], stdout=subprocess.PIPE, text=True)
        try:
            base = None
            for line in server.stdout:
                if line.startswith("listening on "):
                    base = line.split()[-1]
                    break
            check(base is not None, f"listening: {base}")
            if base is not None:
                run(base, data_dir)
        finally:
            server.send_signal(signal.SIGTERM)
            rc = server.wait(timeout=20)
            check(rc == 0, f"SIGTERM stops icp-bureau with 0 (got {rc})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


def run(base: str, data_dir: str) -> None:
    service = zeep.Client(base + PATH + "?wsdl").service
    provider = Provider(service, ISP_ID, str(ISP_ID))
    ministry = Provider(service, MINISTRY_ID, str(MINISTRY_ID))

    # 1045: ICP data to MIIT's own system.
    check(ministry.upload("<XZHYD>" + material(WEBSITE_NUMBER) + "</XZHYD>") == 0,
          "the ministry account's XZHYD is taken (0)")
    got = results(ministry.next_file())
    check(got == [(["1045"], "35", WEBSITE_NUMBER, "")],
          f"its record is answered 1045 只能到所在省报备, Czlx 35 (got {got})")

    # XZHYD.
    wbawzlb = provider.next_file()  # the unfiled-site list queued before serve started
    check(provider.upload("<XZHYD>" + material(WEBSITE_NUMBER) +
                          material("粤ICP备2025999999号-1") + "</XZHYD>") == 0, "XZHYD taken")
    got = results(provider.next_file())
    check(got == [(["1060"], "35", WEBSITE_NUMBER, ""), (["1059"], "35", "粤ICP备2025999999号-1", "")],
          f"XZHYD: the filed website's material stored 1060, the unknown number 1059 (got {got})")
    db = sqlite3.connect(os.path.join(data_dir, "bureau.db"))
    stored = db.execute("SELECT count(*) FROM verification_materials").fetchone()[0]
    wzid = db.execute("SELECT wzid FROM websites").fetchone()[0]
    db.close()
    check(stored == 1, f"one material in the bureau's store (got {stored})")

    # HSRW, answered by HSJG "not true".
    sent = bureau(data_dir, "verify", "send", "--wzid", str(wzid))
    check(sent.returncode == 0 and "queued HSRW" in sent.stdout,
          f"verify send queues HSRW ({sent.stdout.strip()} {sent.stderr.strip()})")
    task = provider.next_file()
    baxx = task.find("ICP/HSRW/Baxx") if task is not None else None
    check(baxx is not None, "the provider downloads the HSRW task")
    if baxx is not None:
        answer = hsjg(baxx, "1")
        check(provider.upload(answer) == 0, "HSJG taken")
        doc = provider.next_file()
        got = results(doc)
        check(got == [(["9021"], "9008", baxx.findtext("Zt_xx/Ztid"), "beian-ext")],
              f"HSJG: 9021 recorded, Czlx 9008, Bz beian-ext (got {got})")
        notice = doc.find("ICP/XGTZ/Tzxx") if doc is not None else None
        check(notice is not None and notice.findtext("Tzlb") == "1" and
              notice.findtext("Baxh") == WEBSITE_NUMBER and
              notice.findtext("Jlid") == str(wzid) and "核实未通过" in notice.findtext("Tznr"),
              "a 'not true' answer brings an XGTZ rectification notice about the website")
        check(provider.upload(answer) == 0, "the same HSJG again is taken")
        got = results(provider.next_file())
        check(got and got[0][0] == ["5006"], f"and answered 5006 (got {got})")

    # WBAWZLB, answered by WBACLJG.
    site = wbawzlb.find("ICP/WBAWZLB/Wbawz_xx") if wbawzlb is not None else None
    check(site is not None and site.findtext("Wzym_mc") == "unfiled.example",
          "the WBAWZLB lists unfiled.example")
    if site is not None:
        check(provider.upload(wbacljg(site.findtext("Wzym_mc"), site.findtext("IP"), "1")) == 0,
              "WBACLJG taken")
        got = results(provider.next_file())
        check(got == [(["9022"], "9009", "unfiled.example", "beian-ext")],
              f"WBACLJG: 9022 recorded, Czlx 9009 (got {got})")
        resend = bureau(data_dir, "lists", "send-unfiled", "--isp-id", str(ISP_ID))
        check(resend.returncode == 0 and "nothing queued" in resend.stdout,
              f"the handled site is off the next WBAWZLB ({resend.stdout.strip()})")
        check(provider.next_file() is None, "and nothing waits for the provider")
        check(provider.upload(wbacljg("never-sent.example", site.findtext("IP"), "1")) == 0,
              "a WBACLJG about another site is taken")
        got = results(provider.next_file())
        check(got and got[0][0] == ["5005"], f"and answered 5005 网站不属于该企业 (got {got})")


def hsjg(baxx: ET.Element, result: str) -> str:
    """An HSJG (§4.8) answering the task's record, rebuilt from it: bureau ids, <sjhm>."""
    z = baxx.find("Zt_xx")
    t = z.find("Txdz")
    subject = (f"<Zt_xx><Ztid>{z.findtext('Ztid')}</Ztid><Dwmc>{escape(z.findtext('Dwmc'))}</Dwmc>"
               f"<Txdz><Shengid>{t.findtext('Shengid')}</Shengid><Shiid>{t.findtext('Shiid')}"
               "</Shiid></Txdz>"
               f"<Zj><Zjlx>{z.findtext('Zj/Zjlx')}</Zjlx><Zjhm>{z.findtext('Zj/Zjhm')}</Zjhm>"
               f"<Zjzs>{escape(z.findtext('Zj/Zjzs'))}</Zjzs></Zj>"
               f"<Fzr><Fzr_xm>{escape(z.findtext('Fzr/Fzr_xm'))}</Fzr_xm>"
               f"<sjhm>{z.findtext('Fzr/Fzr_sjhm')}</sjhm>"
               f"<Fzr_dzyj>{z.findtext('Fzr/Fzr_dzyj')}</Fzr_dzyj></Fzr></Zt_xx>")
    websites = ""
    for w in baxx.findall("Wz_xx"):
        domains = "".join(f"<Ym_xx><Ymid>{d.findtext('Ymid')}</Ymid><Ym>{d.findtext('Ym')}</Ym>"
                          "</Ym_xx>" for d in w.findall("Ym_xx"))
        accesses = ""
        for a in w.findall("Jr_xx"):
            ips = "".join(f"<Ip_xx><Ipid>{i.findtext('Ipid')}</Ipid><Qsip>{i.findtext('Qsip')}"
                          f"</Qsip><Zzip>{i.findtext('Zzip')}</Zzip></Ip_xx>"
                          for i in a.findall("Ip_xx"))
            accesses += (f"<Jr_xx><Jrid>{a.findtext('Jrid')}</Jrid>"
                         f"<Wzfb><Fbdd>{a.findtext('Wzfb/Fbdd')}</Fbdd></Wzfb>"
                         f"<Wzjrfs><Jrfs>{a.findtext('Wzjrfs/Jrfs')}</Jrfs></Wzjrfs>"
                         f"{ips}<Bbfs>1</Bbfs></Jr_xx>")
        websites += (f"<Wz_xx><Wzid>{w.findtext('Wzid')}</Wzid>"
                     f"<Wzmc>{escape(w.findtext('Wzmc'))}</Wzmc>"
                     f"<Fwnr><Fwnr_id>{w.findtext('Fwnr/Fwnr_id')}</Fwnr_id></Fwnr>"
                     f"{domains}{accesses}"
                     f"<Wz_Fzr><Fzr_xm>{escape(w.findtext('Wz_Fzr/Fzr_xm'))}</Fzr_xm>"
                     f"<sjhm>{w.findtext('Wz_Fzr/Fzr_sjhm')}</sjhm>"
                     f"<Fzr_dzyj>{w.findtext('Wz_Fzr/Fzr_dzyj')}</Fzr_dzyj></Wz_Fzr></Wz_xx>")
    return (f"<HSJG><Hsjgxx><Hsjg>{result}</Hsjg><Hsrxm>赵六</Hsrxm><Hssj>2026-05-01</Hssj>"
            f"<Bbdw>{ISP_ID}</Bbdw><Hsyj>网站负责人电话为空号</Hsyj><Cwxx>Wz_Fzr/sjhm</Cwxx>"
            f"<Baxx>{subject}{websites}</Baxx></Hsjgxx></HSJG>")


def wbacljg(domain: str, ip: str, result: str) -> str:
    return (f"<WBACLJG><Clxx><Ym>{escape(domain)}</Ym><IP>{ip}</IP><Yys>{ISP_ID}</Yys>"
            f"<Jrs>{ISP_ID}</Jrs><Shengid>440000</Shengid><Cljg>{result}</Cljg>"
            "<Clyj>已停止接入</Clyj><Rbsj>2026-05-01</Rbsj><Clsx>2026-05-08</Clsx></Clxx></WBACLJG>")


if __name__ == "__main__":
    sys.exit(main())
