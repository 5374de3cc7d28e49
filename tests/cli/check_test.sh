#!/usr/bin/env bash
# End-to-end test of `icpctl check`: exit codes 0 (valid), 1 (invalid), 2 (usage), and output.
set -u
icpctl=$1
source "$(dirname "$0")/lib.sh"

expect 0 "valid resident-id: 11010519491231002X" check resident-id 11010519491231002x
expect 0 '"registrable_domain":"xn--fsqu00a.xn--fiqs8s"' check domain www.例子.中国 --json
expect 0 '"suffix_status":"approved"' check domain example.com --json
expect 0 '"suffix_status":"not_approved"' check domain example.rocks --json
expect 0 "subject_number: 京ICP备12345678号" check filing-number "京ICP备 12345678号-1"
expect 0 "carrier: 中国移动" check mobile "+86 138 0013 8000"
expect 1 "[resident-id.checksum]" check resident-id 110105194912310021
expect 1 "[filing-number.prefix]" check filing-number 萌ICP备20257012号
expect 1 "[domain.public-suffix]" check domain com.cn
expect 1 '"valid":false' check credit-code 91350100M000100Y44 --json
expect 2 "unknown kind" check zip-code 100000
expect 2 "" check resident-id
expect 2 "" frobnicate
expect 0 "valid hk-id-card: P174468(6)" check hk-id-card P1744686
expect 1 "[taiwan-id.checksum]" check taiwan-id M517086311
expect 0 "check" --help
expect 0 "icpctl 0." --version

summary
