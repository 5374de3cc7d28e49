#!/usr/bin/env bash
# End-to-end test of the rules commands of icpctl, run from the repository root.
set -u
icpctl=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cd "$here/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect 0 "cases:" rules check
expect 0 "verification_form" materials --province 44 --subject-type individual --application-type first_filing --json
expect 0 "核验单" materials --province 广东 --subject-type enterprise --application-type first_filing
expect 2 "unknown province" materials --province 99 --subject-type individual --application-type first_filing
expect 0 '"type":"first_filing"' precheck tests/fixtures/personal_first_filing.json --json --today 2026-11-23
# --today dates the evaluation: the same server expired by then.
expect 0 "today: 2026-11-23" precheck data/rules/cases/kind-resource-eligibility-ok.json
expect 1 "resource.expired" precheck data/rules/cases/kind-resource-eligibility-ok.json --today 2027-09-02
expect 2 "--today 2027-13-01 is not a date" precheck data/rules/cases/kind-resource-eligibility-ok.json --today 2027-13-01
# A case's own "today" is honoured, so a case file prechecks as its expectations were written.
sed 's/"today": "2026-11-23"/"today": "2027-09-02"/' data/rules/cases/kind-resource-eligibility-ok.json > "$tmp/later.json"
expect 1 "resource.expired" precheck "$tmp/later.json"
# The document is strict: a mistyped key, a value of the wrong JSON type, a material for nothing.
sed '0,/"resources": \[/s//"resouces": [/' data/rules/cases/kind-resource-eligibility-ok.json > "$tmp/typo.json"
expect 1 "facts.resouces: 未知字段" precheck "$tmp/typo.json"
expect 1 "unknown field; did you mean facts.resources?" precheck "$tmp/typo.json"
sed 's/"facts": {/"fact": {/' data/rules/cases/kind-resource-eligibility-ok.json > "$tmp/wrapper.json"
expect 1 'fact: unknown key beside "application"' precheck "$tmp/wrapper.json"
sed 's/"purchased_months": 12/"purchased_months": "12"/' data/rules/cases/kind-resource-eligibility-ok.json > "$tmp/type.json"
expect 1 "facts.resources[0].purchased_months" precheck "$tmp/type.json"
sed 's/"type": "resident_id"/"type": "idcard"/' tests/fixtures/personal_first_filing.json > "$tmp/bad-cert.json"
sed 's/"owner": "websites\[0\]"/"owner": "websites[7]"/' tests/fixtures/personal_first_filing.json > "$tmp/owner.json"
expect 1 "[material.owner]" precheck "$tmp/owner.json" --today 2026-11-23
expect 1 "accepted: resident_id" precheck "$tmp/bad-cert.json" --today 2026-11-23
# The same application with a domain whose suffix MIIT has not approved.
sed 's/"example.com"/"example.rocks"/' tests/fixtures/personal_first_filing.json > "$tmp/rocks.json"
expect 1 "national.domain-suffix" precheck "$tmp/rocks.json"
# An invalid document: every bad field with its path.
echo '{"province": "44", "subject": {"type": "alien"}, "websites": [{"domains": ["com.cn"]}]}' > "$tmp/bad.json"
expect 1 "websites[0].domains[0]" precheck "$tmp/bad.json"
expect 2 "cannot read" precheck "$tmp/missing.json"
# Rejected values list the accepted ones.
expect 2 "enterprise, individual, social_organization" materials --province 44 --subject-type person --application-type first_filing
expect 2 "accepted: first_filing," materials --province 44 --subject-type individual --application-type first
# Rules with no case to exercise them are not "checked".
mkdir -p "$tmp/nocases"
cp -r data/rules/national.json data/rules/provinces "$tmp/nocases/"
expect 1 "no rule cases" rules check "$tmp/nocases"
# Reviewer checks carry the field path they concern.
expect 0 "national.pre-approval-document websites[0].pre_approvals" precheck tests/fixtures/personal_first_filing.json --today 2026-11-23
# A broken rules directory refuses to load, naming the file and check.
cp -r data/rules "$tmp/rules"
sed -i 's/"kind": "max_websites"/"kind": "max_sites"/' "$tmp/rules/national.json"
expect 1 'unknown kind "max_sites"' rules check "$tmp/rules"
expect 2 "are invalid" precheck tests/fixtures/personal_first_filing.json --rules "$tmp/rules"

summary
