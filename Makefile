# Warden's two everyday commands are `make run` and `make test`; both install
# what is missing first (see scripts/setup.sh).

GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: setup build run test bench lint fuzz clean

setup:
	@scripts/setup.sh

build: setup
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/warden ./cmd/warden

# Serve on http://127.0.0.1:8080 with the private PostgreSQL cluster in var/
# (or DATABASE_URL), migrations applied and the sample reserves loaded.
run: build
	bin/warden serve --migrate --sample

# Every test, against real PostGIS clusters the tests start themselves.
test: setup
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

# Speed figures (Go benchmarks against a private cluster).
bench: setup
	$(GO) test -run '^$$' -bench . -benchtime 5x -timeout 30m ./...

lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin
