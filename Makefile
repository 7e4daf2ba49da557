# Shishi developer tasks. `make test` is what CI runs (via .ci/run).
GO ?= go

.PHONY: test build run vet fmt-check

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
