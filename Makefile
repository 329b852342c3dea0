# Kwartier — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
.PHONY: run demo test build release bench fuzz clean setup setup-test install

run: setup release  ## install what is missing, build release, start the demo dashboard
	.build/release/kwartier demo

demo: run

setup:
	@scripts/setup-system.sh

setup-test:
	@scripts/setup-system.sh test
	@scripts/setup-venv.sh

# The Swift runtime and Foundation linked in: the binary runs on a site without a Swift
# toolchain, starts in a fifth of the time and holds fewer relocated pages.
release: setup
	@SWIFT=$(SWIFT) scripts/build.sh -c release --static-swift-stdlib

build: setup
	@$(SWIFT) build

test: setup-test  ## install what is missing, build, run unit and integration tests
	@scripts/test.sh

bench: setup-test release  ## benchmarks (not in CI)
	@scripts/bench.sh

fuzz: setup  ## run the P1 fuzzer for a fixed time
	@scripts/fuzz.sh

# `make install` (after `make release`): the binary, its profiles, scenarios, themes, the
# systemd unit and sysusers entry, and /etc/kwartier/kwartier.yaml from the example — never
# over an existing one. DESTDIR stages into another root (packaging, tests).
PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/kwartier
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= /etc
KWARTIER_BIN ?= .build/release/kwartier

install:
	@test -x $(KWARTIER_BIN) || { echo "$(KWARTIER_BIN) is not built: run make release first" >&2; exit 1; }
	install -D -m 0755 $(KWARTIER_BIN) $(DESTDIR)$(BINDIR)/kwartier
	install -d $(DESTDIR)$(SHAREDIR)/profiles $(DESTDIR)$(SHAREDIR)/scenarios $(DESTDIR)$(SHAREDIR)/themes $(DESTDIR)$(SHAREDIR)/examples
	install -m 0644 Sources/IO/Profiles/*.yaml $(DESTDIR)$(SHAREDIR)/profiles/
	install -m 0644 Scenarios/*.yaml $(DESTDIR)$(SHAREDIR)/scenarios/
	install -m 0644 Themes/*.theme $(DESTDIR)$(SHAREDIR)/themes/
	install -m 0644 examples/*.yaml $(DESTDIR)$(SHAREDIR)/examples/
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' packaging/kwartier.service > $(DESTDIR)$(UNITDIR)/kwartier.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/kwartier.service
	install -m 0644 packaging/kwartier.sysusers $(DESTDIR)$(SYSUSERSDIR)/kwartier.conf
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/kwartier
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/kwartier/kwartier.yaml ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/kwartier/kwartier.yaml (the example is in $(SHAREDIR)/examples)"; \
	else install -m 0644 examples/kwartier.yaml $(DESTDIR)$(SYSCONFDIR)/kwartier/kwartier.yaml; fi
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null 2>&1; then systemd-sysusers $(SYSUSERSDIR)/kwartier.conf; fi
	@if [ -z "$(DESTDIR)" ] && command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi

clean:
	rm -rf .build .build-* .venv
