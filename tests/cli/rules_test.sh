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
expect 0 '"type":"first_filing"' precheck tests/fixtures/personal_first_filing.json --json
# The same application with a domain whose suffix MIIT has not approved.
sed 's/"example.com"/"example.rocks"/' tests/fixtures/personal_first_filing.json > "$tmp/rocks.json"
expect 1 "national.domain-suffix" precheck "$tmp/rocks.json"
# An invalid document: every bad field with its path.
echo '{"province": "44", "subject": {"type": "alien"}, "websites": [{"domains": ["com.cn"]}]}' > "$tmp/bad.json"
expect 1 "websites[0].domains[0]" precheck "$tmp/bad.json"
expect 2 "cannot read" precheck "$tmp/missing.json"
# A broken rules directory refuses to load, naming the file and check.
cp -r data/rules "$tmp/rules"
sed -i 's/"kind": "max_websites"/"kind": "max_sites"/' "$tmp/rules/national.json"
expect 1 'unknown kind "max_sites"' rules check "$tmp/rules"
expect 2 "are invalid" precheck tests/fixtures/personal_first_filing.json --rules "$tmp/rules"

summary
