# claimdesk — the README's commands.
SHELL := /bin/bash
CARGO ?= cargo
PORT ?= 8620
DATA ?= $(CURDIR)/.run/server-data

# Debian/Ubuntu packages the build and the tests need; installed only when missing.
APT_PACKAGES := build-essential pkg-config libdbus-1-dev dbus gnome-keyring keyutils \
	libsecret-tools sqlite3 curl ca-certificates procps time

.PHONY: deps build test lint run run-server bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing: install Rust from rustup"; exit 1; }

build: deps
	$(CARGO) build --release --bins

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test: deps lint
	CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring $(CARGO) test --workspace

run-server: build
	@mkdir -p $(DATA)
	@echo "central API on http://127.0.0.1:$(PORT) (demo data in $(DATA)); sign in with the CLI:"
	@echo "  printf 'claimdesk-demo\\n' | target/release/claimdesk --server http://127.0.0.1:$(PORT) login --email etude@demo.claimdesk.fr --password-stdin"
	@echo "  target/release/claimdesk sync && target/release/claimdesk procedures"
	target/release/claimdesk-server --listen 127.0.0.1:$(PORT) --data $(DATA) --demo

run: run-server

bench: build
	CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring scripts/bench-sync.sh

clean:
	$(CARGO) clean
	rm -rf .run
