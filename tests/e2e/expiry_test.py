#!/usr/bin/python3
"""End-to-end: a returned application the customer never fixes, over 45 days, on a test clock.

icpd runs with ICP_TEST_CLOCK_FILE (exe/clock.h: the real clock moved by the seconds in the
file) and a sweep every second. A customer's application is returned by the reviewer; the
test then moves icpd's clock to 7, 15 and 30 days after the return and waits (polling, never
a fixed sleep) for each reminder to reach the notification log, once each; at 45 days the
sweeper expires the application, the customer is told, and its state over the API is
"expired". Nothing here sleeps through a deadline: days pass by writing a number.

Usage: expiry_test.py PATH_TO_ICPD PATH_TO_ICPCTL
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import filing_test as base  # noqa: E402

DAY = 86400
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def wait_for(what, predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return check(False, f"timed out waiting for {what}")


def main():
    work = tempfile.mkdtemp(prefix="beian-expiry-")
    data = os.path.join(work, "var")
    os.makedirs(data)
    clock_file = os.path.join(work, "clock-offset")
    with open(clock_file, "w") as f:
        f.write("0")
    subprocess.run([base.ICPCTL, "db", "migrate", "--data-dir", data], check=True,
                   env=base.env(), stdout=subprocess.DEVNULL)
    subprocess.run([base.ICPCTL, "accounts", "bootstrap", "--data-dir", data, "--login", "root"],
                   check=True, env=dict(base.env(), ICP_NEW_PASSWORD="root-password-1"),
                   stdout=subprocess.DEVNULL)
    proc, url = base.start_icpd(data, {"ICP_TEST_CLOCK_FILE": clock_file,
                                       "ICP_SWEEP_INTERVAL_SECONDS": "1"})
    try:
        run(url, data, clock_file)
    finally:
        proc.terminate()
        proc.wait(base.TIMEOUT)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("expiry_test: reminders at 7, 15, 30 days and the expiry at 45, once each")


def run(url, data, clock_file):
    log = os.path.join(data, "icpd.stderr")

    def notifications(template):
        with open(log, encoding="utf-8", errors="replace") as f:
            return [line for line in f if "notification notify" in line and template in line]

    admin = base.sign_in(url, "root", "root-password-1")
    cert, mobile = "110101199001010111", "13800138000"
    base.create_account(admin, "zhangsan", "customer", "zhangsan-pass-1", "张三", cert, mobile)
    base.create_account(admin, "lisi", "customer", "lisi-pass-1", "李四", "110101198001010010",
                        "13700137000")
    base.create_account(admin, "reviewer1", "reviewer", "reviewer-pass-1", "审核员", cert, mobile)
    admin.post("/v1/admin/resources:import", json_body={"resources": [{
        "id": "ins-case00", "account": "zhangsan", "kind": "cvm", "region": "ap-beijing",
        "mainland": True, "billing": "prepaid", "trial": False,
        "purchased": {"count": 12, "unit": "months"},
        "expires_at": "2027-11-01T00:00:00+08:00", "public_ip": "203.0.113.10"}]}).expect(200)
    customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
    reviewer = base.sign_in(url, "reviewer1", "reviewer-pass-1")
    doc = base.document("example-bj.com", cert, mobile)
    checklist = customer.post("/v1/type-checks", json_body=doc).expect(200).json()["materials"]
    app_id = customer.post("/v1/applications", json_body=doc).expect(201).json()["id"]
    base.upload_checklist(customer, app_id, checklist, cert)
    r = customer.get(f"/v1/applications/{app_id}").expect(200)
    base.act(customer, app_id, "submit", r.header("ETag"))
    r = reviewer.get(f"/v1/applications/{app_id}").expect(200)
    r = base.act(reviewer, app_id, "return", r.header("ETag"), {"reasons": [{
        "field": "websites[0].name", "message": "网站名称不符合要求"}]})
    check(r.json()["deadline"]["kind"] == "customer_action", "a return waits for the customer")
    check(r.json()["deadline"]["on_expiry"] == "expire", "and expires when it runs out")
    wait_for("the return's notification", lambda: notifications("application.returned"))

    for days in (7, 15, 30):
        with open(clock_file, "w") as f:
            f.write(str(days * DAY + 3600))
        wait_for(f"the {days}-day reminder",
                 lambda d=days: any(f'"days":"{d}"' in line
                                    for line in notifications("application.reminder")))
    check(len(notifications("application.reminder")) == 3,
          f"three reminders, once each: {len(notifications('application.reminder'))}")
    # A session lasts 12 hours at most: days later the customer signs in again.
    customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
    check(customer.get(f"/v1/applications/{app_id}").json()["state"] == "provider_returned",
          "still waiting for the customer at 30 days")

    with open(clock_file, "w") as f:
        f.write(str(45 * DAY + 3600))
    customer = base.sign_in(url, "zhangsan", "zhangsan-pass-1")
    wait_for("the expiry", lambda: customer.get(f"/v1/applications/{app_id}").json()["state"]
             == "expired")
    wait_for("the expiry's notification", lambda: notifications("application.expired"))
    history = customer.get(f"/v1/applications/{app_id}").json()["history"]
    check(history[-1]["event"] == "expire", f"the last move is the expiry: {history[-1]}")


if __name__ == "__main__":
    main()
