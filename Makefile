# claimdesk — the README's commands.
SHELL := /bin/bash
CARGO ?= cargo
PORT ?= 8620
DATA ?= $(CURDIR)/.run/server-data

# Debian/Ubuntu packages the build and the tests need; installed only when missing.
APT_PACKAGES := build-essential pkg-config libdbus-1-dev dbus gnome-keyring keyutils \
	libsecret-tools sqlite3 curl ca-certificates procps time qpdf poppler-utils zbar-tools python3 python3-pip \
	libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev webkit2gtk-driver xvfb xauth

.PHONY: deps build test lint run run-server bench bench-desktop clean ui ui-test desktop bindings tauri-driver test-desktop run-desktop tauri-cli package

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
	@# tuspy, the independent tus client the server's upload tests speak with.
	@PYTHONPATH=.tools/py python3 -c "import tusclient" 2>/dev/null || \
	  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --target .tools/py tuspy

# The central API and the command line (the desktop app has its own target).
build: deps
	$(CARGO) build --release -p claimdesk-server -p claimdesk-cli

# Every test build uses one feature set, so each crate compiles once: the app
# embeds the UI (custom-protocol), as the WebDriver test that drives it needs.
TEST_FEATURES := --features claimdesk-desktop/custom-protocol
# Tests run in a private keyring, with a display for the real window.
IN_TEST_SESSION := CLAIMDESK_FORCE_KEYRING=1 xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring

# Clippy sees the WebDriver test too, which needs the embedded UI.
lint: deps ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets $(TEST_FEATURES) -- -D warnings

test: deps lint ui-test tauri-driver
	$(IN_TEST_SESSION) $(CARGO) test --workspace $(TEST_FEATURES)

# The web UI, built into ui/dist for the app to embed.
ui: deps
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20.19 or later"; exit 1; }
	cd ui && npm ci --no-audit --no-fund && npm run build

ui-test: ui
	cd ui && npm test && npm run check

# The desktop app with the UI embedded (Tauri's custom-protocol feature).
DESKTOP_BIN ?= $(CURDIR)/target/debug/claimdesk-desktop
desktop: ui
	$(CARGO) build -p claimdesk-desktop --features custom-protocol

# Rewrites ui/src/lib/bindings from the Rust types; the bindings test fails until then.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test -p claimdesk-desktop --test bindings

tauri-driver: deps
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --locked --version ^2

# The UI's tests, the shell's tests, the TypeScript bindings check, then the
# real app (the one cargo builds for these tests) in Xvfb driven through
# WebDriver against a central API on loopback (screenshots/).
test-desktop: deps tauri-driver ui-test
	$(IN_TEST_SESSION) $(CARGO) test -p claimdesk-desktop $(TEST_FEATURES)

# The desktop app against a central API on loopback with the demo data
# (sign in as etude@demo.claimdesk.fr / claimdesk-demo); the server stops with the app.
run-desktop: desktop
	$(CARGO) build -p claimdesk-server --bin claimdesk-server
	@mkdir -p $(DATA) $(CURDIR)/.run/desktop-home
	target/debug/claimdesk-server --listen 127.0.0.1:$(PORT) --data $(DATA) --demo & server=$$!; \
	  trap 'kill $$server' EXIT; \
	  CLAIMDESK_SERVER=http://127.0.0.1:$(PORT) CLAIMDESK_HOME=$(CURDIR)/.run/desktop-home $(DESKTOP_BIN)

run-server: build
	@mkdir -p $(DATA)
	@echo "central API on http://127.0.0.1:$(PORT) (demo data in $(DATA)); sign in with the CLI:"
	@echo "  printf 'claimdesk-demo\\n' | target/release/claimdesk --server http://127.0.0.1:$(PORT) login --email etude@demo.claimdesk.fr --password-stdin"
	@echo "  target/release/claimdesk sync && target/release/claimdesk procedures"
	target/release/claimdesk-server --listen 127.0.0.1:$(PORT) --data $(DATA) --demo

# The desktop app on the central API with the demo data where there is a
# display; on a machine without one, the central API alone, for the CLI.
run: build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  $(MAKE) --no-print-directory run-desktop; \
	else \
	  echo "no display here: starting the central API alone (the desktop app needs a graphical session)"; \
	  $(MAKE) --no-print-directory run-server; \
	fi

bench: build
	CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring scripts/bench-sync.sh
	CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring scripts/bench-documents.sh
	CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring scripts/bench-uploads.sh
	$(MAKE) --no-print-directory bench-desktop

# Release app against a bare Tauri window (bench/bare-tauri): binary size, start
# to the first procedure row with 5,000 procedures synced, PSS after a minute
# idle; appended to bench-results/desktop.txt.
bench-desktop: build ui tauri-driver
	CLAIMDESK_FORCE_KEYRING=1 xvfb-run -a -s "-screen 0 1280x800x24" \
	  scripts/with-keyring scripts/bench-desktop.sh

# Tauri's CLI, the registry's prebuilt binary, kept out of ui/package.json (npm ci
# rejects a lock file listing it) in .tools/; installed only when missing.
TAURI_CLI := $(CURDIR)/.tools/node_modules/.bin/tauri
tauri-cli:
	@test -x $(TAURI_CLI) || npm install --no-save --no-audit --no-fund --prefix $(CURDIR)/.tools @tauri-apps/cli@^2

# The Linux installers, .deb and .rpm, in target/release/bundle/{deb,rpm}/.
BUNDLE_DIR := $(CURDIR)/target/release/bundle
package: ui tauri-cli
	rm -rf $(BUNDLE_DIR)/deb $(BUNDLE_DIR)/rpm
	cd src-tauri && $(TAURI_CLI) build --ci --features custom-protocol --bundles deb rpm
	dpkg-deb --info $(BUNDLE_DIR)/deb/*.deb
	dpkg-deb --contents $(BUNDLE_DIR)/deb/*.deb
	@if command -v rpm >/dev/null; then rpm -qip $(BUNDLE_DIR)/rpm/*.rpm && rpm -qlp $(BUNDLE_DIR)/rpm/*.rpm; \
	  else echo "rpm is not installed here: $$(ls $(BUNDLE_DIR)/rpm/*.rpm) left unchecked"; fi
	@ls -l $(BUNDLE_DIR)/deb/*.deb $(BUNDLE_DIR)/rpm/*.rpm

clean:
	$(CARGO) clean
	rm -rf .run
