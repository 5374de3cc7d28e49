#!/usr/bin/python3
"""End-to-end: adoption of a provider's filed estate, `icpctl bureau resync` against a real
icp-bureau on loopback (docs/bureau-protocol.md "Adoption").

1. icp-bureau's registry gets filed records (`icp-bureau import`): two subjects with a website
   each served by our provider, and one served only by another provider. `providers add`
   opens our account there, which queues BASJ of our estate.
2. icpd's store has a customer whose verified real name is the first subject (an
   organisation, by its USCC), and an estate account for records nobody claims yet.
3. `icpctl bureau resync --config icpd.json` downloads and applies until the bureau has
   nothing left: both subjects and websites are on record with their numbers, the first for
   the customer, the second for the estate account; the other provider's is not ours.
   The customer reads them over the API (GET /v1/subjects).
4. A second resync finds nothing waiting; then the bureau sends the whole estate again as
   SJTB (`icp-bureau estate send --as sjtb`) and as BASJ, and a third resync processes both
   files and changes nothing: the API shows the same records, and the store's audit log has
   no new `record.adopt`.
5. icpd with the bureau configured answers the type check from the national registry: the
   other provider's domain under another subject is the conflict, our customer's filed domain
   leads to a new website filing rather than a first one.

Usage: bureau_resync_test.py PATH_TO_ICPD PATH_TO_ICPCTL PATH_TO_ICP_BUREAU
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402  (start_icpd, sign_in, create_account, env)

BUREAU = sys.argv[3]
ISP_ID = 440000000123
OTHER_ISP = 440000000999
PROVIDER_PASSWORD = "provider-secret-1"
failures = base.failures
check = base.check

ACME_NAME, ACME_USCC = "云帆科技有限公司", "91210102200000216W"
OTHER_USCC = "91350100M000100Y43"
LEADER_ID = "11010519491231002X"
FILING_PASSWORD = "Abc12345"


def leader(name, mobile):
    return {"name": name, "mobiles": mobile, "emails": "leader@example.cn",
            "certificate_type": 2, "certificate_number": LEADER_ID}


def line(serial, name, uscc, domain, isp_id, password=None):
    number = f"京ICP备2025{serial:06d}号"
    subject = {"number": number, "name": name, "nature": 4,
               "certificate": {"type": 1, "number": uscc, "address": "北京市东城区示例路1号"},
               "region": {"province": 110000, "city": 110100, "county": 110101,
                          "address": "北京市东城区示例路1号"},
               "leader": leader("张三", "13800138000")}
    if password:
        subject["password"] = password
    return json.dumps({
        "subject": subject,
        "websites": [{"number": number + "-1", "name": name + "官网", "home_url": "www." + domain,
                      "domains": [domain], "languages": [1], "leader": leader("李四", "13900139000"),
                      "accesses": [{"isp_id": isp_id, "locations": [19], "methods": [3],
                                    "ips": ["192.0.2.10"]}]}]}, ensure_ascii=False)


def bureau(data_dir, *args, extra_env=None):
    r = subprocess.run([BUREAU, *args, "--data-dir", data_dir], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, **(extra_env or {})))
    check(r.returncode == 0, f"icp-bureau {' '.join(args)}: {r.returncode} {r.stderr.strip()}")
    return r.stdout


def resync(data, config):
    r = subprocess.run([base.ICPCTL, "bureau", "resync", "--config", config, "--data-dir", data],
                       capture_output=True, text=True, timeout=120, env=base.env())
    check(r.returncode == 0, f"icpctl bureau resync: {r.returncode} {r.stdout} {r.stderr}")
    return r.stdout


def rules_of(problem):
    return {(v["field"], v["rule"]) for v in problem.get("violations", [])}


def cancel_website(client, uscc, domain):
    """A cancel_website of the adopted subject with `uscc`, its website on `domain`."""
    with open(os.path.join(base.REPO, "data", "rules", "cases", "21-clean-unit.json"),
              encoding="utf-8") as f:
        doc = json.load(f)["application"]
    doc.pop("materials", None)
    doc["type"] = "cancel_website"
    doc["subject"]["certificate"]["number"] = uscc
    doc["websites"][0]["domains"] = [domain]
    doc["websites"][0]["home_url"] = "http://www." + domain
    return client.post("/v1/applications", json_body=doc).expect(201).json()["id"]


def submit(client, app_id, body, status):
    etag = client.get(f"/v1/applications/{app_id}").expect(200).header("ETag")
    r = client.post(f"/v1/applications/{app_id}:submit", json_body=body,
                    headers={"If-Match": etag})
    if status is not None:
        r.expect(status)
    return r


def subjects(client):
    return client.get("/v1/subjects").expect(200).json()


def adopted_entries(data):
    db = sqlite3.connect(os.path.join(data, "icp.db"))
    try:
        return db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'record.adopt'").fetchone()[0]
    finally:
        db.close()


def main():
    work = tempfile.mkdtemp(prefix="beian-resync-")
    data, bureau_dir = os.path.join(work, "var"), os.path.join(work, "bureau")
    os.makedirs(data)
    os.makedirs(bureau_dir)
    # 1. The national registry and our account at the bureau.
    records = os.path.join(work, "estate.jsonl")
    with open(records, "w", encoding="utf-8") as f:
        f.write(line(1, ACME_NAME, ACME_USCC, "yunfan-adopt.cn", ISP_ID, FILING_PASSWORD) + "\n")
        f.write(line(2, "示例网络有限公司", OTHER_USCC, "shili-adopt.cn", ISP_ID) + "\n")
        f.write(line(3, "别家科技有限公司", "91110000100000000R", "other-adopt.cn", OTHER_ISP) + "\n")
    bureau(bureau_dir, "import", records)
    out = bureau(bureau_dir, "providers", "add", "--isp-id", str(ISP_ID),
                 extra_env={"ICP_BUREAU_PROVIDER_PASSWORD": PROVIDER_PASSWORD})
    check("BASJ" in out, f"providers add queues the estate's BASJ ({out.strip()})")
    server = subprocess.Popen([BUREAU, "serve", "--port", "0", "--data-dir", bureau_dir],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc = None
    try:
        url = None
        for text in server.stdout:
            if text.startswith("listening on "):
                url = text.split()[-1]
                break
        check(url is not None, "icp-bureau listens")
        # 2. icpd's store with its admin, a customer (real name = subject 1) and the estate.
        subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data], check=True,
                       env=base.env(), stdout=subprocess.DEVNULL)
        subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                       check=True, env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                       stdout=subprocess.DEVNULL)
        proc, api = base.start_icpd(data)
        admin = base.sign_in(api, "root", "root-password-1")
        acme = admin.post("/v1/accounts", json_body={
            "login": "acme", "role": "customer", "display_name": ACME_NAME,
            "password": "acme-password-1", "mobile": "13800138000"}).expect(201).json()["id"]
        admin.put(f"/v1/accounts/{acme}/real-name", json_body={
            "kind": "organisation", "name": ACME_NAME,
            "certificate": {"type": "business_licence", "number": ACME_USCC}}).expect(200)
        admin.post("/v1/accounts", json_body={
            "login": "estate", "role": "customer", "display_name": "待认领备案",
            "password": "estate-password-1", "mobile": "13700137000"}).expect(201)
        config = os.path.join(work, "icpd.json")
        with open(config, "w", encoding="utf-8") as f:
            json.dump({"bureau_url": url, "bureau_isp_id": ISP_ID,
                       "bureau_password": PROVIDER_PASSWORD,
                       "bureau_estate_account": "estate"}, f)

        # 3. The first resync adopts the estate.
        out = resync(data, config)
        check("adopted 2 subject(s) and 2 website(s)" in out, f"first resync: {out}")
        customer = base.sign_in(api, "acme", "acme-password-1")
        numbers = [(s["number"], [w["number"] for w in s["websites"]])
                   for s in subjects(customer)["subjects"]]
        check(numbers == [("京ICP备2025000001号", ["京ICP备2025000001号-1"])],
              f"the customer finds its subject and website with their numbers: {numbers}")
        estate = base.sign_in(api, "estate", "estate-password-1")
        held = json.dumps(subjects(estate), ensure_ascii=False)
        check("京ICP备2025000002号-1" in held and "京ICP备2025000003号" not in held,
              f"the estate account holds the unclaimed subject, not the other provider's: {held}")
        before = (json.dumps(subjects(customer), sort_keys=True, ensure_ascii=False), held)
        adopted = adopted_entries(data)
        check(adopted == 4, f"one record.adopt audit entry per record written (got {adopted})")

        # 4. Nothing waits; then the whole estate again, as SJTB and as BASJ: nothing changes.
        out = resync(data, config)
        check("0 file(s) processed" in out, f"second resync finds nothing: {out}")
        sent = bureau(bureau_dir, "estate", "send", "--isp-id", str(ISP_ID), "--as", "sjtb")
        check("SJTB" in sent, f"estate send --as sjtb queues SJTB ({sent.strip()})")
        bureau(bureau_dir, "estate", "send", "--isp-id", str(ISP_ID))
        out = resync(data, config)
        check("2 file(s) processed" in out and "adopted 0 subject(s) and 0 website(s)" in out
              and "8 on record already" in out and "updated for 0" in out,
              f"third resync changes nothing: {out}")
        after = (json.dumps(subjects(customer), sort_keys=True, ensure_ascii=False),
                 json.dumps(subjects(estate), ensure_ascii=False))
        check(after == before, "the records read the same after resyncing the same estate")
        check(adopted_entries(data) == adopted, "no record.adopt written by the third resync")

        # 5. The type check with the bureau: icpd restarted with the bureau configured.
        proc.terminate()
        proc.wait(base.TIMEOUT)
        proc, api = base.start_icpd(data, {"ICP_BUREAU_URL": url,
                                           "ICP_BUREAU_ISP_ID": str(ISP_ID),
                                           "ICP_BUREAU_PASSWORD": PROVIDER_PASSWORD})
        customer = base.sign_in(api, "acme", "acme-password-1")
        doc = base.document("other-adopt.cn", "110101199001010111", "13800138000")
        doc["subject"]["name"] = doc["subject"]["investor"] = "王五"
        check_answer = customer.post("/v1/type-checks", json_body=doc).expect(200).json()
        rules = [c["rule"] for c in check_answer["conflicts"]]
        check(check_answer["bureau"]["asked"] == "asked", f"the bureau was asked: {check_answer}")
        check("type.domain-under-other-subject" in rules,
              f"a domain filed by another subject at the bureau is the conflict: {rules}")
        domains = check_answer["bureau"]["domains"]
        check(domains and domains[0]["subject_number"] == "京ICP备2025000003号",
              f"the answer shows what the registry knows of the domain: {domains}")

        # 6. A cancellation's filing password, checked with the bureau (isp_verifybamm).
        app_id = cancel_website(customer, ACME_USCC, "yunfan-adopt.cn")
        wrong = submit(customer, app_id, {"filing_password": "not-it"}, 400).json()
        hint = [v for v in wrong.get("violations", []) if v["field"] == "filing_password"]
        check(hint and hint[0]["rule"] == "bureau.filing-password.wrong"
              and "无需填写" in hint[0]["message_zh"] and "找回备案密码" in hint[0]["message_zh"],
              f"a wrong password is named with seed 004's way to recover it: {wrong}")
        missing = submit(customer, app_id, {}, 400).json()
        check(("filing_password", "application.filing-password.required") in rules_of(missing),
              f"the password is required with a bureau link: {missing}")
        right = submit(customer, app_id, {"filing_password": FILING_PASSWORD}, None)
        check(right.status == 200 and right.json()["state"] == "provider_review",
              f"the right password submits: {right.status} {right.json()}")
        # Five wrong in a day: the bureau stops checking (msg_code 22), and says so.
        estate = base.sign_in(api, "estate", "estate-password-1")
        other = cancel_website(estate, OTHER_USCC, "shili-adopt.cn")
        answers = []
        for _ in range(6):
            answers.append(submit(estate, other, {"filing_password": "guess"}, None))
        codes = [(a.status, sorted(rules_of(a.json()))) for a in answers]
        check([c[0] for c in codes] == [400] * 5 + [409] and
              codes[5][1] == [("filing_password", "bureau.filing-password.locked")],
              f"the sixth wrong password is refused as locked: {codes}")
        log = open(os.path.join(data, "icpd.stderr"), encoding="utf-8", errors="replace").read()
        check(FILING_PASSWORD not in log and "not-it" not in log,
              "no filing password in icpd's log")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(base.TIMEOUT)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("bureau_resync_test: all checks passed")


if __name__ == "__main__":
    main()
