# Kwartier — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
.PHONY: run demo test build release bench fuzz clean setup setup-test

run: setup release  ## install what is missing, build release, start the demo dashboard
	.build/release/kwartier demo

demo: run

setup:
	@scripts/setup-system.sh

setup-test:
	@scripts/setup-system.sh test
	@scripts/setup-venv.sh

release: setup
	@SWIFT=$(SWIFT) scripts/build.sh -c release

build: setup
	@$(SWIFT) build

test: setup-test  ## install what is missing, build, run unit and integration tests
	@scripts/test.sh

bench: setup-test release  ## benchmarks (not in CI)
	@scripts/bench.sh

fuzz: setup  ## run the P1 fuzzer for a fixed time
	@scripts/fuzz.sh

clean:
	rm -rf .build .build-* .venv
