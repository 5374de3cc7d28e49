#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus (fuzz/corpus/<target>/) from the repository's own data
and test vectors, so that every seed is an input Beian meets for real. Deterministic: the same
tree gives the same files (named by the SHA-1 of their bytes); run it again after the data
changes and commit the result. Usage: tools/fuzz_seeds.py [REPO]"""
import hashlib
import io
import json
import os
import struct
import sys
import zipfile
import zlib

REPO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(REPO, "fuzz", "corpus")
MAX_SEED = 4096  # bytes: big files are cut, so that the fuzzer's inputs stay small and fast


def read(path, limit=MAX_SEED):
    with open(os.path.join(REPO, path), "rb") as f:
        return f.read(limit)


def lines(path):
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def identifiers():
    def col0(path):
        return [l.split("\t")[0] for l in lines(path)]
    for v in col0("tests/vectors/cn_resident_id_vectors.tsv"):
        put("identifiers", bytes([0]) + v.encode())
    for v in col0("tests/vectors/cn_uscc_vectors.tsv"):
        put("identifiers", bytes([1]) + v.encode())
        if len(v) == 18:
            put("identifiers", bytes([2]) + v[8:17].encode())
    for v in col0("tests/vectors/icp_number_examples.tsv"):
        put("identifiers", bytes([4]) + v.encode())
    psl = [l.split("(")[1].split(",")[0].strip(" '\"") for l in lines("tests/vectors/psl_test_vectors.txt")
           if l.startswith("checkPublicSuffix(")]
    for v in psl[:60] + ["www.例子.中国", "xn--fiqs8s.cn", "WWW.Example.COM.", "a_b.cn"]:
        if v and v != "null":
            put("identifiers", bytes([3]) + v.encode())
            put("identifiers", bytes([12]) + (v + ":8080").encode())
    for v in ["13800138000", "+86 138 0013 8000", "19912345678", "1380013800"]:
        put("identifiers", bytes([5]) + v.encode())
    for v in ["li@example.cn", "张三@例子.中国", "a@b", "x@@y.cn"]:
        put("identifiers", bytes([6]) + v.encode())
    for v in ["E12345678", "G1234567", "P174468(6)", "A123456(A)", "H12345678", "M1234567801",
              "A123456789", "F131104093", "12345678", "01234567"]:
        for selector in (7, 8, 9, 10, 11):
            put("identifiers", bytes([selector]) + v.encode())
    for i, v in enumerate(["11010519491231002X", "91110000600037341L", "D2143569X",
                           "E12345678", "登记号123"]):
        put("identifiers", bytes([13, i * 3]) + v.encode())
    put("identifiers", bytes([14]) + read("data/reference/mobile_segments.tsv", 1024))


def json_documents():
    app = read("tests/fixtures/personal_first_filing.json", 1 << 20)
    put("json_documents", bytes([0]) + app)
    put("json_documents", bytes([8]) + b'{"subjects":[' + app + b"]}")
    put("json_documents", bytes([4]) + json.dumps({
        "subject_id": 1001, "subject_number": "京ICP备2022000001号",
        "websites": [{"id": 5, "number": "京ICP备2022000001号-1",
                      "domains": [{"domain": "example.cn", "id": 7}],
                      "access": {"id": 9, "isp_id": 440000000001,
                                 "ips": [{"ip": "1.2.3.4", "id": 11}]}}]},
        ensure_ascii=False).encode())
    put("json_documents", bytes([5]) + b'{"name":"\xe5\xbc\xa0\xe4\xb8\x89","mobile":"13800138000"}')
    put("json_documents", bytes([6]) + b"instance_id,region,kind,public_ip,owner\nins-1,ap-beijing,cvm,1.2.3.4,acme\n")
    put("json_documents", bytes([6]) + b"2026-11-29T08:00:00+08:00")
    put("json_documents", bytes([7]) + read("data/reference/material_limits.json", 1 << 20))
    put("json_documents", bytes([7]) + b'[{"instance_id":"ins-1","region":"ap-beijing"}]')


def rules_files():
    put("rules_files", bytes([0]) + read("data/rules/national.json", 1 << 20))
    provinces = sorted(os.listdir(os.path.join(REPO, "data/rules/provinces")))
    for p in provinces[:3]:
        put("rules_files", bytes([0]) + read("data/rules/provinces/" + p, 1 << 20))
    put("rules_files", bytes([1]) + read("data/reference/cn_admin_division_codes.loc.dat"))
    put("rules_files", bytes([2]) + read("data/reference/calendar/cn_public_holidays.tsv"))
    put("rules_files", bytes([3]) + read("data/reference/filing_suffixes.tsv"))
    put("rules_files", bytes([4]) + read("data/reference/mobile_segments.tsv"))


NS = "urn:beian:miit-enterprise-interface:3.0"  # the WSDL's target namespace (src/miit/wsdl.cc)


def miit_messages():
    for name, selector in (("xzba_spec.xml", 0), ("xzjr_spec.xml", 0), ("zxba_spec.xml", 0),
                           ("bajg_spec.xml", 1)):
        xml = read("src/miit/testdata/" + name, 1 << 20)
        put("miit_messages", bytes([selector]) + xml)
        put("miit_messages", bytes([2]) + xml)
        text = xml.decode("utf-8").replace('encoding="GBK"', 'encoding="UTF-8"')
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
            # A fixed time in the entry, so that the seed is the same on every run.
            entry = zipfile.ZipInfo("UP1", date_time=(2026, 11, 29, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, xml.decode("utf-8").encode("gbk"))
        put("miit_messages", bytes([5]) + zipped.getvalue())
        put("miit_messages", bytes([6]) + text.encode("gbk"))
    for method in ("isp_upload", "isp_download", "isp_downloadack", "isp_querypreviousupload"):
        body = ("<ispId>440000000001</ispId><userName>u</userName><randVal>ABCDEFGHIJKLMNOPQRST"
                "</randVal><pwdHash>00</pwdHash><dataSequence>1</dataSequence>")
        env = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
               '"http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="' + NS + '"><soapenv:Body>'
               f"<tns:{method}>{body}</tns:{method}></soapenv:Body></soapenv:Envelope>")
        put("miit_messages", bytes([3]) + env.encode())
    ret = ('<?xml version="1.0" encoding="UTF-8"?><return><msg_code>0</msg_code><msg>ok</msg>'
           "<fileInfos><fileName>BAJG1</fileName><beianInfo>UEsDBA==</beianInfo>"
           "<beianInfoHash>AA==</beianInfoHash></fileInfos></return>")
    put("miit_messages", bytes([4, 1]) + ret.encode())
    put("miit_messages", bytes([7]) + b"UEsDBBQAAAAIAA==")


def import_line(serial, domain, **extra):
    """One line of `icp-bureau import` (docs/bureau-protocol.md), as registry-gen writes them."""
    subject = {"number": f"京ICP备2025{serial:06d}号", "name": f"单位{serial}", "nature": 4,
               "certificate": {"type": 1, "number": f"9111000000000{serial:05d}"},
               "region": {"province": 110000, "city": 110100},
               "leader": {"name": "张三", "mobiles": "13800000000", "emails": "z@example.cn"}}
    subject.update(extra)
    website = {"number": f"京ICP备2025{serial:06d}号-1", "name": f"网站{serial}",
               "domains": [domain], "languages": [1],
               "leader": {"name": "李四", "mobiles": "13900000000", "emails": "l@example.cn"},
               "accesses": [{"isp_id": 440000000123, "locations": [19], "methods": [3],
                             "ips": ["192.0.2.10", "192.0.2.20-192.0.2.29"]}]}
    return json.dumps({"subject": subject, "websites": [website]}, ensure_ascii=False)


def bureau_import():
    one, two = import_line(1, "one.cn"), import_line(2, "xn--fiqs8s.cn")
    put("bureau_import", bytes([0]) + (one + "\n").encode())
    put("bureau_import", bytes([1]) + (one + "\n\n" + two + "\n").encode())
    put("bureau_import", bytes([2]) + (one + "\n" + one + "\n").encode())  # a repeated line
    put("bureau_import", bytes([3]) + (import_line(3, "three.cn", password="Abc12345") + "\n"
                                       + import_line(1, "other.cn") + "\n").encode())
    put("bureau_import", bytes([0]) + b'{"subject": {"number": 1}, "websites": {}}\n{')


def http_api():
    """Every route of api/openapi.yaml as the caller it is for, with the spec's example body,
    and a filing's daily path as one conversation (fuzz/http_api.cc's format)."""
    import yaml  # Debian's python3-yaml, as tools/ uses elsewhere
    with open(os.path.join(REPO, "api/openapi.yaml"), encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    app = read("tests/fixtures/personal_first_filing.json", 1 << 20).decode("utf-8")
    for path, ops in sorted(spec["paths"].items()):
        for method, op in sorted(ops.items()):
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            target = path.replace("{id}", "1").replace("{index}", "0").replace(
                "{code}", "ABCD-EFGH-JKMN-PQRS").replace("{asset}", "swagger-ui.css")
            caller = ("admin" if "/admin/" in path or path.startswith("/v1/accounts")
                      else "reviewer" if "review" in path or ":pass" in path or ":return" in path
                      or ":claim" in path or ":contact" in path
                      else "customer" if path.startswith("/v1/") else "anonymous")
            body = ""
            content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if content and "example" in content:
                body = json.dumps(content["example"], ensure_ascii=False)
            elif content and "examples" in content:
                first = next(iter(content["examples"].values()))
                body = json.dumps(first.get("value", {}), ensure_ascii=False)
            if path in ("/v1/applications", "/v1/type-checks") and method == "post":
                body = app
            put("http_api", f"{caller} {method.upper()} {target}\n{body}".encode())
    daily = [
        "customer POST /v1/applications\n" + app,
        "customer GET /v1/applications/1",
        'customer POST /v1/applications/1:submit\nIf-Match: "r1"\nIdempotency-Key: k1\n{}',
        "reviewer GET /v1/review/queue?limit=5",
        'reviewer POST /v1/applications/1:claim\nIf-Match: "r2"\n{}',
        'reviewer POST /v1/applications/1:return\nIf-Match: "r3"\n{"reasons": [{"field": '
        '"subject.name", "message": "名称与证件不符", "suggestion": "按营业执照填写"}]}',
        "customer GET /v1/applications/1",
    ]
    put("http_api", "\n---\n".join(daily).encode())


def png(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg(width, height):
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9")


def upload_sniffer():
    put("upload_sniffer", png(32, 24))
    put("upload_sniffer", png(400, 500))
    put("upload_sniffer", jpeg(640, 480))
    put("upload_sniffer", jpeg(1, 1))
    put("upload_sniffer", b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    put("upload_sniffer", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    put("upload_sniffer", b"<html><body>not an image</body></html>")


def main():
    for f in (identifiers, json_documents, rules_files, miit_messages, upload_sniffer,
              bureau_import, http_api):
        f()
    for target in sorted(os.listdir(OUT)):
        print(f"{target}: {len(os.listdir(os.path.join(OUT, target)))} seed(s)")


if __name__ == "__main__":
    main()
