#!/usr/bin/python3
"""Fills a running icpd with the demo accounts of `make run`, over its API only.

Usage: demo-data.py URL ADMIN_LOGIN ADMIN_PASSWORD
Idempotent: an account, resource or filed record already there is left as it is. Prints the
filed records (subjects, websites, numbers, domains) for the banner.
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


def principal(name, resident_id, mobile, email, legal_representative=False):
    return {"name": name, "certificate": {"type": "resident_id", "number": resident_id},
            "certificate_valid_until": "2036-01-01", "mobile": mobile, "phone2": "",
            "emergency_contact": "13900139000", "email": email,
            "is_legal_representative": legal_representative}


def website(name, domain, leader, resource, remark):
    return {"name": name, "domains": [domain], "home_url": "http://www." + domain,
            "service_content": ["other"], "languages": ["zh-Hans"], "pre_approvals": [],
            "principal": leader, "remark": remark, "resources": [resource]}


ZHANGSAN = principal("张三", "110101199001010111", "13800138000", "zhangsan@example.com")
ACME_LEADER = principal("王芳", "11010519491231002X", "13700137000", "wangfang@example.com", True)

# Filed records (as a provider brings them from its previous system), by account login: the
# subjects to try a change, a cancellation or an access filing on, and domains to see the
# conflict of (a domain filed under another subject).
RECORDS = {
    "zhangsan": {
        "province": "11", "number": "京ICP备2020001234号",
        "subject": {"type": "individual", "name": "张三",
                    "certificate": {"type": "resident_id", "number": "110101199001010111"},
                    "region_code": "110101", "certificate_address": "北京市东城区示例路 1 号",
                    "mailing_address": "北京市东城区示例路 1 号 2 栋 301 室", "investor": "张三",
                    "principal": ZHANGSAN, "remark": "应急联系电话使用人为李四，与本人关系为配偶"},
        "websites": [("京ICP备2020001234号-1", website(
            "张三的读书笔记", "zhangsan-notes.com", ZHANGSAN, "ins-zhangsan-1",
            "本网站是个人网站，网站主要内容为个人读书笔记，不含企业、单位信息。"))],
    },
    "acme": {
        # Filed in Fujian, where its licence was issued (350100: 福州).
        "province": "35", "number": "闽ICP备2018012345号",
        "subject": {"type": "enterprise", "name": "北京示例科技有限公司",
                    "certificate": {"type": "business_licence", "number": "91350100M000100Y43"},
                    "region_code": "350102", "certificate_address": "福建省福州市鼓楼区示例路 8 号",
                    "mailing_address": "福建省福州市鼓楼区示例路 8 号",
                    "investor": "北京示例科技有限公司",
                    "legal_representative": {"name": "王芳", "certificate": {
                        "type": "resident_id", "number": "11010519491231002X"}},
                    "principal": ACME_LEADER, "remark": ""},
        "websites": [
            ("闽ICP备2018012345号-1", website("示例科技官网", "acme-example.com", ACME_LEADER,
                                             "ins-acme-1", "企业门户网站，介绍公司产品和服务")),
            ("闽ICP备2018012345号-2", website("示例商城", "acme-shop.com", ACME_LEADER,
                                             "ins-acme-1", "企业产品展示网站")),
        ],
    },
}


def import_records(admin):
    ids = {a["login"]: a["id"] for a in admin.get("/v1/accounts", params={"limit": 100})
           .expect(200).json()["items"]}
    subjects = []
    for login, r in RECORDS.items():
        subjects.append({"account": ids[login], "province": r["province"], "number": r["number"],
                         "subject": r["subject"],
                         "websites": [{"number": n, "website": w} for n, w in r["websites"]]})
    admin.post("/v1/admin/records:import", json_body={"subjects": subjects}).expect(200)
    print("  Filed records (GET /v1/subjects as the customer):")
    for login, r in RECORDS.items():
        print(f"    {login:9} {r['number']}  {r['subject']['name']}")
        for number, w in r["websites"]:
            print(f"              {number}  {', '.join(w['domains'])}")


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
    import_records(admin)


if __name__ == "__main__":
    main()
