#!/usr/bin/python3
"""End-to-end: materials and authorization codes over HTTP only (docs/materials.md).

Like filing_test.py: a SQLite store with its first admin, the real icpd on a free port, and
the contract-checking client (every response is validated against api/openapi.yaml).
Checks: JPEG, PNG and PDF uploads are taken; an ELF executable (the bytes of /bin/true) named
photo.png is refused (material.type) and so is a file over its kind's size limit
(material.too-large); another account gets 404 for the material's content; the content comes
back as a private, never-cached attachment; an authorization code created by one account is
redeemed by another, and a second redeem is refused (auth-code.used).

Needs the accounts API (sign-in, accounts, real names: the h-auth branch).
Usage: materials_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402  (start_icpd, sign_in, document, create_account)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def jpeg(width, height):
    """A valid baseline greyscale JPEG of mid-grey 8x8 blocks (DC 0, end of block each)."""
    def segment(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = "00" * blocks  # DC difference category 0 ('0'), then EOB ('0')
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    return (b"\xff\xd8" +
            segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00") +
            segment(0xDB, b"\x00" + bytes([1] * 64)) +
            segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00") +
            segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00") +
            segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00") +
            segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9")


def pdf():
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def upload(client, app_id, body, kind, owner, name, content_type, number=None):
    params = {"kind": kind, "owner": owner, "file_name": name}
    if number:
        params["certificate_number"] = number
    return client.post(f"/v1/applications/{app_id}/materials", body=body,
                       headers={"Content-Type": content_type}, params=params)


def run(url):
    admin = base.sign_in(url, "root", "root-password-1")
    cert, mobile = "110101199001010111", "13800138000"
    base.create_account(admin, "zhangsan", "customer", "zhangsan-pass-1", "张三", cert, mobile)
    base.create_account(admin, "lisi", "customer", "lisi-pass-1", "李四", "110101198001010010",
                        "13700137000")
    customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
    other = base.sign_in(url, "lisi", "lisi-pass-1")
    base.create_account(admin, "wangwu", "customer", "wangwu-pass-1", "王五", "110101197001010016",
                        "13600136000")
    third = base.sign_in(url, "wangwu", "wangwu-pass-1")
    doc = base.document("materials-e2e.com", cert, mobile)
    app_id = customer.post("/v1/applications", json_body=doc).expect(201).json()["id"]

    m = upload(customer, app_id, base.png(1200, 900), "identity_document", "subject.principal",
               "身份证.png", "image/png", cert).expect(201).json()
    check(m["content_type"] == "image/png", f"png: {m['content_type']}")
    j = upload(customer, app_id, jpeg(1024, 768), "domain_certificate", "websites[0]", "d.jpg",
               "image/jpeg").expect(201).json()
    check(j["content_type"] == "image/jpeg", f"jpeg: {j['content_type']}")
    p = upload(customer, app_id, pdf(), "verification_form", "websites[0]", "form.pdf",
               "application/pdf").expect(201).json()
    check(p["content_type"] == "application/pdf", f"pdf: {p['content_type']}")

    with open("/bin/true", "rb") as f:
        elf = f.read()
    r = upload(customer, app_id, elf, "domain_certificate", "websites[0]", "photo.png", "image/png")
    r.expect(400)
    check(r.json()["violations"][0]["rule"] == "material.type", f"elf: {r.json()}")
    big = base.png(1200, 900) + b"\0" * (4 * 1024 * 1024)
    r = upload(customer, app_id, big, "domain_certificate", "websites[0]", "big.png", "image/png")
    r.expect(400)
    check(any(v["rule"] == "material.too-large" for v in r.json()["violations"]), f"big: {r.json()}")

    content = customer.get(f"/v1/materials/{m['id']}/content").expect(200)
    check(content.body == base.png(1200, 900), "the content comes back as uploaded")
    check(content.header("Cache-Control") == "private, no-store", "no-store on the content")
    check(content.header("Content-Disposition", "").startswith("attachment"), "an attachment")
    check(content.header("X-Content-Type-Options") == "nosniff", "nosniff")
    other.get(f"/v1/materials/{m['id']}/content").expect(404)
    other.delete(f"/v1/materials/{m['id']}").expect(404)
    listed = customer.get(f"/v1/applications/{app_id}/materials").expect(200).json()["materials"]
    check(len(listed) == 3, f"three materials listed: {len(listed)}")

    # 备案授权码: lisi (an enterprise) lends its server to zhangsan.
    lisi = [a for a in admin.get("/v1/accounts").expect(200).json()["items"]
            if a["login"] == "lisi"][0]["id"]
    admin.put(f"/v1/accounts/{lisi}/real-name", json_body={
        "kind": "organisation", "name": "北京李四科技有限公司",
        "certificate": {"type": "business_licence", "number": "91350100M000100Y43"}}).expect(200)
    admin.post("/v1/admin/resources:import", body=(
        "id,account,kind,region,mainland,billing,trial,purchased_count,purchased_unit,"
        "expires_at,public_ip,parent\n"
        "ins-lisi,lisi,cvm,ap-beijing,true,prepaid,false,12,months,"
        "2027-11-01T00:00:00+08:00,203.0.113.20,\n").encode(),
        headers={"Content-Type": "text/csv"}).expect(200)
    code = other.post("/v1/authorization-codes", json_body={"server_id": "ins-lisi"}).expect(201)
    value = code.json()["code"]
    used = customer.post(f"/v1/authorization-codes/{value}:redeem", json_body={}).expect(200)
    check(used.json()["state"] == "used", f"redeemed: {used.json()}")
    again = customer.post(f"/v1/authorization-codes/{value}:redeem", json_body={}).expect(409)
    check(again.json()["violations"][0]["rule"] == "auth-code.used", f"again: {again.json()}")
    other.post(f"/v1/authorization-codes/{value}:redeem", json_body={}).expect(409)
    # The same from a terminal: lisi makes a code with icpctl, lists it, and revokes it.
    tokens = tempfile.mkdtemp(prefix="beian-codes-")
    token_file = os.path.join(tokens, "lisi.token")
    base.icpctl_login(url, "lisi", "lisi-pass-1", token_file)
    made = base.icpctl(token_file, "codes", "create", "ins-lisi").split("\t")
    check(made[1] == "unused" and made[2] == "ins-lisi", f"icpctl codes create: {made}")
    listed = base.icpctl(token_file, "codes", "list")
    check(made[0] in listed and value in listed, f"icpctl codes list: {listed}")
    revoked = base.icpctl(token_file, "codes", "revoke", made[0]).split("\t")
    check(revoked[1] == "invalid", f"icpctl codes revoke: {revoked}")
    refused = subprocess.run([base.ICPCTL, "codes", "redeem", made[0]], capture_output=True,
                             text=True, env=dict(base.env(), ICP_TOKEN_FILE=token_file))
    check(refused.returncode == 1 and "auth-code." in refused.stderr,
          f"a revoked code is refused with its rule: {refused.returncode} {refused.stderr}")

    # Every route that takes an id, walked from the API description (which the route table
    # matches, http_test OpenApiRoutes): one account's object asked for by another answers
    # 404, or 403 for a route its role may not call at all (rule auth.role, which says
    # nothing of the object). Redeeming another account's code is the one legitimate use.
    key = other.post("/v1/api-keys", json_body={"name": "lisi-ci"}).expect(201).json()
    owned = {"/v1/applications/": app_id, "/v1/materials/": m["id"],
             "/v1/api-keys/": key["id"], "/v1/accounts/": lisi,
             "/v1/verifications/": 1, "/v1/authorization-codes/": value,
             "/v1/transfers/": 1, "/v1/admin/outbox/": 1, "/v1/admin/rules/": "44"}
    # A subject lisi has on record (docs/records.md), imported by the admin.
    filed = admin.post("/v1/admin/records:import", json_body={"subjects": [{
        "account": lisi, "province": "11", "number": "京ICP备2020007777号",
        "subject": base.document("lisi-filed.com", "110101198001010010", "13700137000")["subject"],
        "websites": []}]}).expect(200).json()
    owned["/v1/subjects/"] = filed["subjects"][0]["id"]
    # lisi was told of each redeemed code (站内消息, as by SMS and e-mail).
    told = other.get("/v1/notifications").expect(200).json()["items"]
    check(told and all(n["template"] == "authorization_code.redeemed" for n in told) and
          any(value in n["title"] for n in told), f"lisi's notification of the redeemed code: {told}")
    owned["/v1/notifications/"] = told[0]["id"] if told else 1
    bodies = {":contact": {"outcome": "reached"},
              ":return": {"reasons": [{"field": "subject.name", "message": "x"}]},
              ":review": {"passed": True, "reason": ""}, ":withdraw": {"confirm": True},
              ":abandon": {"confirm": True},
              "/verifications": {"method": "video", "evidence": "video-0001"},
              ":object": {"reason": "x"}, ":approve": {"reason": "x"}, ":reject": {"reason": "x"}}
    spec = customer.get("/v1/openapi.json").expect(200).json()
    walked = 0
    for template, operations in spec["paths"].items():
        if "{" not in template or template.endswith(":redeem") or template.startswith("/v1/docs"):
            continue
        prefix = template[:template.index("{")]
        path = re.sub(r"\{[^}]+\}", str(owned[prefix]), template, count=1)
        path = re.sub(r"\{[^}]+\}", "0", path)  # a second parameter (an evidence's index)
        for method in operations:
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            body, headers = None, {"If-Match": '"r1"'}
            if method in ("post", "put"):
                body = bodies.get(template[max(template.rfind(":"), template.rfind("/")):], {})
                if template == "/v1/applications/{id}":
                    body = doc
            if template.endswith("/materials") and method == "post":
                r = third.post(path, body=base.png(1200, 900), headers={"Content-Type": "image/png"},
                               params={"kind": "domain_certificate", "owner": "websites[0]",
                                       "file_name": "x.png"})
            else:
                r = third.request(method.upper(), path, json_body=body, headers=headers)
            walked += 1
            rule = (r.json().get("violations") or [{}])[0].get("rule") if r.body else None
            check(r.status == 404 or (r.status == 403 and rule == "auth.role"),
                  f"{method.upper()} {path} by another account: {r.status} {rule}")
    check(walked >= 15, f"the walk covered {walked} operations")


def main():
    work = tempfile.mkdtemp(prefix="beian-materials-")
    data = os.path.join(work, "var")
    os.makedirs(data)
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data], check=True, env=base.env(),
                   stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data)
    try:
        run(url)
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)
    blobs = os.path.join(data, "blobs")
    check(os.stat(blobs).st_mode & 0o777 == 0o700, "the blob directory is private")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("materials_test: all checks passed")


if __name__ == "__main__":
    main()
