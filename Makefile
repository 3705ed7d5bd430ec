# causeway: `make demo` runs the local demo, `make test` the whole suite. Both install what they
# need first (scripts/setup is idempotent).
PRESET ?= dev
BUILD  ?= build
FUZZ_SECONDS ?= 30
export FUZZ_SECONDS
# The pinned tools (Node.js 22, anvil, cast, forge) come first.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: all setup configure build test demo bench fuzz clean format

all: build

setup:
	@scripts/setup

configure: setup
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD) -j2

test: build
	@scripts/run-tests $(BUILD)

demo: build
	@scripts/demo

bench: build
	@scripts/bench $(BUILD)

fuzz: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build build-fuzz -j2
	@scripts/fuzz build-fuzz

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf build build-release build-asan build-fuzz
