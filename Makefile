# Shishi developer tasks. `make test` is what CI runs (via .ci/run).
GO ?= go

.PHONY: test build run vet fmt-check gen targets

# gofmt + vet + go test against a throwaway PostgreSQL (see scripts/test.sh).
# Extra go test flags: make test ARGS='-race -run TestFoo'
test:
	bash scripts/test.sh $(ARGS)

build:
	CGO_ENABLED=0 $(GO) build -o bin/shishi ./cmd/shishi

run:
	$(GO) run ./cmd/shishi serve --demo

vet:
	$(GO) vet ./...

fmt-check:
	bash scripts/gofmt-check.sh

# The national benchmark dataset (scale 1 = 530,000 units, 1,000,000 items,
# 12,000,000 reports, 1,000,000 complaints, 10,000,000 credentials).
SCALE ?= 0.1
CRED_SCALE ?= 0.02
GEN_DATA ?= /tmp/shishi-gen-$(SCALE)
gen:
	SHISHI_GEN_PASSWORD=$${SHISHI_GEN_PASSWORD:-Correct-Horse-42} $(GO) run ./cmd/shishi gen --data $(GEN_DATA) --scale $(SCALE) --credential-scale $(CRED_SCALE) --users

# BENCHMARKS.md's table of the performance targets, on the dataset of
# `make gen` (copied first: the run writes), each beside a baseline of the
# same run.
DURATION ?= 20s
targets:
	test -f $(GEN_DATA)/shishi.db || $(MAKE) gen
	$(GO) run ./bench/load -data $(GEN_DATA) -duration $(DURATION) -clients 64
