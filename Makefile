# Warden's two everyday commands are `make run` and `make test`; both install
# what is missing first (see scripts/setup.sh).

GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: setup setup-test web build run test bench lint fuzz clean

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh test

# The browser pages: the npm packages pinned by web/package-lock.json (npm ci,
# again whenever the lockfile changes), then the bundle into web/dist/, which
# the binary embeds.
web: setup web/node_modules/.package-lock.json
	cd web && npm run build

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

build: setup web
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/warden ./cmd/warden

# Serve on http://127.0.0.1:8080 with the private PostgreSQL cluster in var/
# (or DATABASE_URL), migrations applied and the sample reserves loaded.
run: build
	bin/warden serve --migrate --sample

# Every test, against real PostGIS clusters the tests start themselves, and
# the pages in headless Chromium (internal/web).
test: setup-test web
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
	rm -rf bin web/dist/assets web/dist/*.html web/test-artifacts
