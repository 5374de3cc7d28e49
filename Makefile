# Beian: the two commands are `make run` and `make test` (README.md).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-sanitize bench fuzz reliability format lint clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

## build: binaries in build/bin/ (icpd, icpctl, icp-bureau)
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

## run: install what is missing, build, and start Beian with demo data
run: build
	@scripts/run-demo $(BUILD_DIR)

## test: install what is missing, build, and run every test (PostgreSQL ones against a
## throwaway server that scripts/with-postgres starts and stops)
test: build
	ICP_REQUIRE_PG=1 scripts/with-postgres ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

## test-sanitize: the same tests on a build with AddressSanitizer, LeakSanitizer and
## UndefinedBehaviorSanitizer (in $(BUILD_DIR)-asan); any sanitizer report fails it
test-sanitize: deps
	scripts/test-sanitize $(BUILD_DIR)-asan

## bench: build the benchmarks in release mode and print one table, each figure beside its
## baseline (bench/national_bench.py, docs/performance.md). BENCH_WEBSITES sets the national
## registry's size (default 10 million websites, 5 million subjects: about 12 GB in BENCH_WORK
## or a temporary directory); BENCH_SECONDS each wrk run; BENCH_SKIP parts to leave out.
BENCH_WEBSITES ?= 10000000
BENCH_SECONDS ?= 10
bench: deps
	cmake -S . -B $(BUILD_DIR)-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DICP_BUILD_TESTS=OFF -DICP_BUILD_BENCH=ON
	cmake --build $(BUILD_DIR)-bench -j $(JOBS)
	BENCH_WEBSITES=$(BENCH_WEBSITES) BENCH_SECONDS=$(BENCH_SECONDS) scripts/with-postgres \
	  /usr/bin/python3 bench/national_bench.py $(BUILD_DIR)-bench/bin/icpd $(BUILD_DIR)-bench/bin/icpctl

## fuzz: every fuzz target under libFuzzer with the sanitizers, FUZZ_SECONDS each (default 60)
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz $(FUZZ_SECONDS) $(BUILD_DIR)-fuzz

## reliability: the tests that try hard to break Beian (docs/reliability.md): icpd killed
## under load on SQLite and PostgreSQL (RELIABILITY_KILLS per store), the bureau faulty and
## restarted (RELIABILITY_APPLICATIONS), then every fuzz target (FUZZ_SECONDS each)
RELIABILITY_KILLS ?= 20
RELIABILITY_APPLICATIONS ?= 200
reliability: build
	ICP_REQUIRE_PG=1 scripts/with-postgres /usr/bin/python3 tests/reliability/crash_test.py \
	  $(BUILD_DIR)/bin/icpd $(BUILD_DIR)/bin/icpctl $(BUILD_DIR)/bin/icp-bureau \
	  --kills $(RELIABILITY_KILLS)
	/usr/bin/python3 tests/reliability/faults_test.py \
	  $(BUILD_DIR)/bin/icpd $(BUILD_DIR)/bin/icpctl $(BUILD_DIR)/bin/icp-bureau \
	  --applications $(RELIABILITY_APPLICATIONS)
	$(MAKE) fuzz

format:
	clang-format -i $$(git ls-files "src/*.h" "src/*.cc" "bench/*.cc" "fuzz/*.h" "fuzz/*.cc")

lint: build
	find src -name '*.cc' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-bench $(BUILD_DIR)-fuzz $(BUILD_DIR)-asan
