# git-credential-adopat. `make test` is what CI runs (.ci/run).
GO      ?= go
PREFIX  ?= $(HOME)/.local
BIN     := bin/git-credential-adopat
MANAGE  := bin/git-credential-adopat-manage
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
# The commit built, for `version` (-dirty with uncommitted changes), and the
# release's time: the commit's, so that every build of it is the same.
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
LDFLAGS := -s -w -X github.com/adopat/git-credential-adopat/internal/cli.Version=$(VERSION) \
	-X github.com/adopat/git-credential-adopat/internal/cli.Commit=$(COMMIT)

.PHONY: all build test vet fmt-check race cross demo install uninstall bench fuzz clean test-windows dist dist-check licenses man

all: build

# Two binaries: git-credential-adopat, which git runs (get and store in
# process), and git-credential-adopat-manage beside it for every other
# command (ARCHITECTURE.md, "Two binaries").
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/git-credential-adopat
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(MANAGE) ./cmd/git-credential-adopat-manage

# test: formatting, vet for every target OS, the race-enabled tests (end to
# end with the real git included), the Windows build's tests under Wine,
# the CGO_ENABLED=0 cross builds and the release's reproducibility check
# (dist-check).
test: fmt-check vet race test-windows cross dist-check

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	@for goos in linux darwin windows; do \
		echo "go vet (GOOS=$$goos)"; \
		GOOS=$$goos CGO_ENABLED=0 $(GO) vet ./... || exit 1; \
	done

race:
	$(GO) test -race -count=1 ./...

# test-windows: the unit tests of the packages that need no Windows git,
# built for Windows and run under Wine 10 by .ci/wine (a Debian trixie root
# it debootstraps once into /tmp/adopat-wine; it needs root). Outside CI,
# without root, it says so and skips.
WINDOWS_TEST_PKGS := ./cmd/git-credential-adopat ./internal/adoapi ./internal/azdo ./internal/backends \
	./internal/cli ./internal/entra ./internal/gitaction ./internal/helper ./internal/importer ./internal/safetext ./internal/store/...
test-windows:
	@if [ "$$(id -u)" != 0 ] && [ -z "$$CI" ]; then \
		echo "test-windows: skipped: .ci/wine needs root (CI runs it as root)"; exit 0; fi; \
	./.ci/wine --setup && \
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) test -count=1 -exec "$(CURDIR)/.ci/wine" $(WINDOWS_TEST_PKGS)

cross:
	@for p in $(PLATFORMS); do \
		goos=$${p%/*}; goarch=$${p#*/}; ext=; [ $$goos = windows ] && ext=.exe; \
		echo "build $$p"; \
		for cmd in git-credential-adopat git-credential-adopat-manage; do \
			GOOS=$$goos GOARCH=$$goarch CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' \
				-o dist/$$goos-$$goarch/$$cmd$$ext ./cmd/$$cmd || exit 1; \
		done; \
	done

# demo: build, start the in-process Azure DevOps stand-in, add a PAT, clone.
demo: build
	$(GO) run ./internal/demo -binary $(BIN)

install: build man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/git-credential-adopat
	install -m 0755 $(MANAGE) $(DESTDIR)$(PREFIX)/bin/git-credential-adopat-manage
	install -m 0644 $(MANPAGE) $(DESTDIR)$(PREFIX)/share/man/man1/git-credential-adopat.1
	@echo "installed $(DESTDIR)$(PREFIX)/bin/git-credential-adopat and git-credential-adopat-manage"
	@echo "next: git-credential-adopat install && git-credential-adopat add --org YOUR_ORG"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/git-credential-adopat $(DESTDIR)$(PREFIX)/bin/git-credential-adopat-manage \
		$(DESTDIR)$(PREFIX)/share/man/man1/git-credential-adopat.1

# fuzz: run each fuzz target for FUZZTIME, one after another (go test can
# fuzz only one target at a time). Entries are package:FuzzName. The seeds,
# f.Add and testdata/fuzz, already run as plain tests under `make test`.
FUZZTIME ?= 30s
FUZZ_TARGETS := \
	./internal/helper/:FuzzReadCredential \
	./internal/helper/:FuzzWriteCredential \
	./internal/helper/:FuzzMatch \
	./internal/store/vault/:FuzzDecodeVault \
	./internal/store/vault/:FuzzDecodeVaultJSON \
	./internal/store/keyring/:FuzzReadIndex \
	./internal/store/journal/:FuzzReadUses \
	./internal/azdo/:FuzzValidOrg \
	./internal/importer/:FuzzCredURL

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "fuzz $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# bench: the Go benchmarks, then whole processes against git's own helpers
# (bench/main.go; bench/RESULTS.md has the table and how to read it). Not
# part of test. BENCHFLAGS passes flags to the harness, e.g. BENCHFLAGS=-n=1000.
BENCHFLAGS ?=
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./bench -bin $(BIN) $(BENCHFLAGS)

# Releases (internal/release; README "Making a release"). dist builds
# VERSION (x.y.z or x.y.z-rc.1) into DISTDIR: archives for every platform,
# the Debian packages (needs dpkg-deb), SBOMs and SHA256SUMS, the same bytes
# on every build of a commit. dist-check builds twice in two copies of the
# working tree and compares; DIST_CHECK_FLAGS=-fresh-cache makes the second
# build compile everything again. DEB_MAINTAINER sets the package's
# Maintainer.
DISTDIR ?= dist/release
DEB_MAINTAINER ?=
DIST_CHECK_FLAGS ?=
RELEASE = $(GO) run ./internal/release
RELEASE_FLAGS = -commit '$(COMMIT)' -epoch '$(or $(SOURCE_DATE_EPOCH),0)' $(if $(DEB_MAINTAINER),-maintainer '$(DEB_MAINTAINER)')
# dist-check checks VERSION when given, else a stand-in version.
DIST_CHECK_VERSION = $(if $(filter command line,$(origin VERSION)),$(VERSION),0.0.0-check)
# dist without VERSION: the commit's tag vX.Y.Z, else none, and the
# release builder names a development version after the commit
# (0.0.0-dev.gCOMMIT): the same for every build of it.
DIST_VERSION = $(if $(filter command line environment,$(origin VERSION)),$(VERSION),$(patsubst v%,%,$(shell git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null)))

dist:
	rm -rf $(DISTDIR)
	$(RELEASE) dist -version '$(DIST_VERSION)' $(RELEASE_FLAGS) -out $(DISTDIR)

dist-check:
	$(RELEASE) check -version '$(DIST_CHECK_VERSION)' $(RELEASE_FLAGS) $(DIST_CHECK_FLAGS)

# licenses: regenerate THIRD_PARTY_LICENSES after a dependency changes
# (a test and make dist fail until it is committed).
licenses:
	$(RELEASE) licenses

# man: git-credential-adopat(1), from the command table (internal/cli/manpage.go).
MANPAGE := bin/git-credential-adopat.1
man:
	@mkdir -p bin
	$(RELEASE) man -version '$(VERSION)' -epoch '$(or $(SOURCE_DATE_EPOCH),0)' -o $(MANPAGE)

clean:
	rm -rf bin dist
