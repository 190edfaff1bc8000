# Sportello — every set-up step lives here so a fresh Debian/Ubuntu machine
# needs only `make run` or `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

WAILS_VERSION := v2.13.0
STATICCHECK_VERSION := v0.8.2
GOBIN := $(shell go env GOPATH)/bin
WAILS := $(GOBIN)/wails
STATICCHECK := $(GOBIN)/staticcheck
GOWINRES_VERSION := v0.3.3
GOWINRES := $(GOBIN)/go-winres
TAGS := webkit2_41
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
APT_PKGS := libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config build-essential xvfb xauth x11-utils \
	imagemagick dbus dbus-x11 chromium fonts-noto-color-emoji gnome-keyring
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
GO_SRC := $(shell find . -name '*.go' -not -path './frontend/*' 2>/dev/null) go.mod go.sum

.PHONY: run test check bench deps deps-system deps-go frontend bindings build build-dev cross windows mac e2e screenshot second-launch clean

## run: install what is missing, build, and open Sportello (demo workspace when no account is connected)
run: build
	./build/bin/sportello --demo $(ARGS)

## test: install what is missing and run every test (Go, frontend, end-to-end, screenshot)
test: deps frontend/node_modules/.stamp bindings
	go vet ./...
	scripts/keyring-session.sh go test -count=1 ./...
	cd frontend && npm run check && npm test
	$(MAKE) --no-print-directory cross e2e screenshot second-launch

## check: the gate before every commit
check: deps frontend/node_modules/.stamp bindings
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...
	go test -race -count=1 ./...
	cd frontend && npm run check && npm test

## bench: print the figures of targets.md (SIZE=S or SIZE=M)
bench: build
	rm -rf build/bench-$(or $(SIZE),S)
	go run ./bench -size $(or $(SIZE),S) -dir build/bench-$(or $(SIZE),S)
	scripts/footprint.sh build/bench-$(or $(SIZE),S)
	@echo "# footprint on the demo workspace:"
	@scripts/footprint.sh

deps: deps-system deps-go

deps-system:
	@missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends $$missing; \
	fi

deps-go: $(WAILS) $(STATICCHECK)

$(WAILS):
	go install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)

$(STATICCHECK):
	go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

frontend/node_modules/.stamp: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

## bindings: regenerate frontend/wailsjs from the bound Go services
bindings: frontend/wailsjs/.stamp
frontend/wailsjs/.stamp: $(GO_SRC) | deps-go
	$(WAILS) generate module -tags $(TAGS)
	touch $@

frontend/dist/index.html: frontend/node_modules/.stamp frontend/wailsjs/.stamp $(FRONTEND_SRC)
	cd frontend && npm run build
	touch frontend/dist/.gitkeep

frontend: frontend/dist/index.html

build: deps frontend build/bin/sportello
build/bin/sportello: frontend/dist/index.html $(GO_SRC)
	go build -tags desktop,$(TAGS),production -ldflags "$(LDFLAGS) -w -s" -o $@ .

build-dev: deps frontend build/bin/sportello-dev
build/bin/sportello-dev: frontend/dist/index.html $(GO_SRC)
	go build -tags dev,$(TAGS),devtools -ldflags "$(LDFLAGS)" -o $@ .

## cross: catch Windows and macOS breakage on every run (Windows binary; macOS type-check of the core)
cross: frontend
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production -ldflags "$(LDFLAGS) -w -s -H windowsgui" -o build/bin/sportello.exe .
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go vet ./...
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go vet $$(go list ./... | grep -v -e '/app/desktop$$' -e '^sportello$$')

## windows: build/bin/sportello.exe and its per-user installer build/bin/sportello-amd64-installer.exe;
## both signed when SIGN_PFX [SIGN_PASS] or SIGN_CERT + SIGN_KEY are set (build/windows/sign.sh)
windows: deps frontend $(GOWINRES)
	@$(MAKE) --no-print-directory deps-system APT_PKGS="nsis p7zip-full"
	VERSION=$(VERSION) GOWINRES=$(GOWINRES) build/windows/package.sh

$(GOWINRES):
	go install github.com/tc-hib/go-winres@$(GOWINRES_VERSION)

## mac: build/bin/Sportello.app, one universal binary for Apple silicon and Intel; only on a Mac
## with Xcode's command line tools, Go and Node (a macOS app needs cgo and Apple's SDK)
mac:
	@if [ "$$(uname -s)" != Darwin ]; then \
		echo "make mac: Sportello.app can only be built on a Mac (Wails needs cgo and Apple's SDK)." >&2; \
		echo "On a Mac with Xcode's command line tools (xcode-select --install), Go 1.26 and Node 20, run: make mac" >&2; \
		exit 1; fi
	$(MAKE) --no-print-directory deps-go frontend
	rm -rf build/bin/sportello.app build/bin/Sportello.app
	$(WAILS) build -platform darwin/universal -s -skipbindings -m -nosyncgomod -ldflags "$(LDFLAGS)"
	mv build/bin/sportello.app build/bin/Sportello.app
	@echo "built build/bin/Sportello.app"

## e2e: the real app (dev build) driven by headless Chromium through its real Go bindings
e2e: build-dev build/bin/notifyd
	scripts/e2e.sh

# notifyd: the desktop's notification service in the e2e run (records what the app shows)
build/bin/notifyd: $(GO_SRC)
	go build -o $@ ./e2e/notifyd

## screenshot: the real window under Xvfb, saved to build/screenshots/queue.png
screenshot: build
	scripts/screenshot.sh

## second-launch: starting Sportello again on the same data folder brings the running window forward
second-launch: build
	scripts/second-launch.sh

clean:
	rm -rf build/bin build/screenshots frontend/wailsjs frontend/node_modules
	find frontend/dist -mindepth 1 -not -name .gitkeep -delete
