#!/usr/bin/python3
"""Fills a running icpd with the demo accounts of `make run`, over its API only.

Usage: demo-data.py URL ADMIN_LOGIN ADMIN_PASSWORD
Idempotent: an account or resource already there is left as it is.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from openapi_client import Client  # noqa: E402

URL, ADMIN, ADMIN_PASSWORD = sys.argv[1:4]

# login, role, password, display name, real name (kind, name, certificate), bound mobile
ACCOUNTS = [
    ("zhangsan", "customer", "zhangsan-demo", "张三",
     ("person", "张三", {"type": "resident_id", "number": "110101199001010111"}), "13800138000"),
    ("acme", "customer", "acme-demo", "北京示例科技有限公司",
     ("organisation", "北京示例科技有限公司",
      {"type": "business_licence", "number": "91350100M000100Y43"}), "13700137000"),
    ("reviewer", "reviewer", "reviewer-demo", "审核专员", None, None),
]

RESOURCES = """id,account,kind,region,mainland,billing,trial,purchased_count,purchased_unit,\
expires_at,public_ip,parent
ins-zhangsan-1,zhangsan,cvm,ap-beijing,true,prepaid,false,12,months,2027-12-01T00:00:00+08:00,203.0.113.11,
ins-zhangsan-2,zhangsan,cvm,ap-beijing,true,pay_as_you_go,false,1,months,,203.0.113.12,
ins-zhangsan-hk,zhangsan,cvm,ap-hongkong,false,prepaid,false,12,months,2027-12-01T00:00:00+08:00,203.0.113.13,
ins-acme-1,acme,cvm,ap-shanghai,true,prepaid,false,36,months,2029-06-01T00:00:00+08:00,203.0.113.21,
"""


def main():
    admin = Client(URL)
    admin.post("/v1/sessions", json_body={"login": ADMIN, "password": ADMIN_PASSWORD}).expect(201)
    for login, role, password, name, real_name, mobile in ACCOUNTS:
        body = {"login": login, "role": role, "display_name": name, "password": password}
        if mobile:
            body["mobile"] = mobile
        r = admin.post("/v1/accounts", json_body=body)
        if r.status == 409:
            continue  # there from an earlier run
        r.expect(201)
        if real_name:
            kind, legal_name, certificate = real_name
            admin.put(f"/v1/accounts/{r.json()['id']}/real-name", json_body={
                "kind": kind, "name": legal_name, "certificate": certificate}).expect(200)
    admin.post("/v1/admin/resources:import", body=RESOURCES.encode(),
               headers={"Content-Type": "text/csv"}).expect(200)


if __name__ == "__main__":
    main()
