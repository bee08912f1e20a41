#!/usr/bin/env python3
"""Generate benchmark inputs for gorun-lint (issues 4 and 23). Python 3.11+, stdlib only.

Three modes:

  gen-tree.py --files N --out DIR [--seed S] [--every 20] [--size 3000] [--mix default|go] [--sources]
      A monorepo-like tree of N Makefiles of about --size bytes each, under
      <area>/<group>/<project>/. One in --every holds realistic `go run`
      callsites (2-4 repo-local helpers that exist under the Makefile's
      directory, half the time also a remote `pkg@version`); the rest are
      ordinary build rules of a kind of project: Go (build, test, lint,
      docker, release), C (objects, archives, install, dist), infra
      (terraform, helm, kubectl) or docs (sphinx, hugo), all with variables,
      conditionals and phony targets. Some Go ones mention "go run" without
      running it (what grep gets wrong). Only Go Makefiles contain the
      bytes "run" (`go test -run`, `golangci-lint run`, `docker run`): with
      --mix default (45% Go, 25% C, 15% infra, 15% docs) about half the
      files do; with --mix go all do. A go.mod at the root makes the helpers
      repo-local. Each project directory also holds one non-Makefile file.

      --sources (issue 23, scripts/bench/floor.sh) adds the other files
      `check` reads, so that its floor (rg, grep over the same files) can be
      measured. The Makefiles and the files above stay byte for byte the
      same (the additions come from a generator of their own), so the two
      trees differ only by what was added, in proportions of an ordinary Go
      monorepo (guessed, not measured):
        - each Go project a package layout: cmd/<name>/main.go and 1-3
          packages under internal/ or pkg/, 6-15 .go files of 1-4 KB
          (license, package clause, imports, types and funcs); one in 33
          imports os/exec (to run git: check reads such files further, for
          GR016), the rest do not;
        - exactly one .go file in 50 (of all the .go files check reads, in
          the order written; fillers and helpers pass their turn on) has a
          //go:generate line: 40% `go run` of a repo-local helper that
          exists (../../tools/<x> or its module path: GR001), 30% `go run
          pkg@version` (GR003), 10% `go tool stringer` (GR015), 20% a
          binary from PATH (stringer, mockgen, mockery, protoc: nothing);
        - three Go projects in ten 1-3 scripts/*.sh, where gen.sh and one
          other script in eight run a repo-local helper with go run (GR001),
          one in five with a comment or echo that says "go run" (rg and
          grep match it, check must not report it); one in twenty an
          extension-less bash hack/update-codegen (half of them with go
          run: GR001); one in fifty an extension-less python
          hack/verify-boilerplate (check reads its head and no further);
          one in four a Dockerfile; three in a hundred a Procfile or
          Procfile.dev (half with a go run process: GR001); C and infra
          projects now and then a script or a Dockerfile;
        - the root .github/workflows/<project>.yml for three projects in a
          hundred; a quarter of the Go ones with a go run step: repo-local
          (GR001), `go run ./...` (GR005) or pkg@version (GR003).
      No other YAML, and no .gitignore: every tool walks the same files.

  gen-tree.py --shape large --out DIR [--seed S]
      (issue 23) A generated copy of a large Go monorepo's shape, modelled
      from memory on kubernetes, not measured (the counts are guesses of
      the right order, the contents generated): one go.mod at the root
      (module k8s.io/kubernetes, ~65 requires); ~12,000 .go files outside
      vendor in ~2,500 packages under pkg/, staging/src/k8s.io/<30 repos>/,
      cmd/, test/{e2e,integration,e2e_node}/, plugin/, cluster/ and
      third_party/ (mostly 1-8 KB, some up to 30 KB, and in API packages
      zz_generated.*.go and generated.pb.go of 20-400 KB); vendor/ with
      ~6,500 .go files of ~65 modules, and testdata/ in one package in 14,
      both holding go run callsites that check, rg and grep must all skip;
      ~40 Makefiles and .mk includes (the root Makefile includes six); ~250
      shell scripts under hack/, build/, cluster/ and test/ (8 without an
      extension, and an extension-less python one); ~650 other
      extension-less files (OWNERS, LICENSE, Dockerfile, VERSION,
      BASEIMAGE); 25 workflows (and other YAML under .github that is no
      workflow); ~1,800 files nobody reads (YAML and JSON manifests,
      CHANGELOG, the OpenAPI spec); a root .gitignore whose patterns match
      none of them. Planted, a few dozen callsites across kinds: in the
      Makefiles GR001, GR002 (`$(shell go run ...)`) and GR003; in scripts
      GR001, GR003 and GR004 (`go run` of a required module's package); in
      workflows GR001, GR003 and GR005; a Procfile's GR001; two GR016 in
      test/e2e Go code; and one .go file in 50 with //go:generate, most of
      them not go run (10% GR001, 5% GR003, 5% GR015).

  gen-tree.py --fix-makefile --out DIR [--seed S] [--callsites 15] [--size 30000]
      One Makefile of about --size bytes with --callsites repo-local
      `go run` callsites (8 distinct helpers), a go.mod and the helpers'
      sources: the `fix --diff` input.

All are deterministic: the same arguments give byte-identical output (the
random generator is a splitmix64 written here, not `random`, so the output
does not depend on the Python version). A summary, with what gorun-lint and
grep are expected to find, is written to DIR/bench-manifest.json and printed.
With --sources and --shape large it has a `floor` object: the files check
reads by kind (makefile, go, script, noext-script, noext-other, workflow,
procfile), their bytes and the lines the floor pattern matches in them
(found by walking the tree as check does: .git, vendor and testdata
skipped), the .go files with //go:generate, the files walked but not read,
and the planted findings by rule, by kind and per file (the printed summary
leaves out the per-file list).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys

GENERATOR_VERSION = 1
MASK = (1 << 64) - 1


class Rng:
    """splitmix64: tiny, fast, and the same everywhere."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]

    def chance(self, percent: int) -> bool:
        return self.below(100) < percent


WORDS = [
    "api", "auth", "billing", "cache", "catalog", "checkout", "config", "core",
    "events", "gateway", "indexer", "ingest", "inventory", "ledger", "mailer",
    "metrics", "notify", "orders", "payments", "profile", "proxy", "queue",
    "render", "report", "search", "session", "storage", "sync", "tracker", "web",
]
AREAS = ["services", "libs", "tools", "platform", "apps"]
HELPERS = [
    "enumgen", "mockgen", "docgen", "migrate", "schemagen", "openapi",
    "bindata", "versioner", "protolint", "licenses", "changelog", "seed",
]


def fill(template: str, **names: str) -> str:
    for k, v in names.items():
        template = template.replace("@" + k + "@", v)
    return template


# ---------------------------------------------------------------- blocks ---
# Each block returns Makefile text. `s` is a suffix that keeps target names
# unique when a block is used more than once in one file.


def header(rng: Rng, project: str) -> str:
    return fill(
        """# Makefile for @P@.
# Generated benchmark input, shaped like a real project's.

PROJECT    := @P@
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BUILD_DIR  := build
PREFIX     ?= /usr/local
GO         ?= go
GOFLAGS    ?= -trimpath
LDFLAGS    := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
COMMIT     := $(shell git rev-parse --short HEAD 2>/dev/null)
CC         ?= cc
CFLAGS     ?= -O2 -g -Wall -Wextra -std=c11
SRCS       := $(wildcard src/*.c)
OBJS       := $(SRCS:src/%.c=$(BUILD_DIR)/%.o)
IMAGE      ?= registry.example.com/@T@/$(PROJECT)

""",
        P=project,
        T=rng.pick(WORDS),
    )


def c_build(rng: Rng, s: str) -> str:
    return fill(
        """$(BUILD_DIR)/%.o: src/%.c | $(BUILD_DIR)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD_DIR)/lib$(PROJECT)@S@.a: $(OBJS)
	$(AR) rcs $@ $^

$(BUILD_DIR)/$(PROJECT)@S@: $(OBJS) | $(BUILD_DIR)
	$(CC) $(LDFLAGS_C) -o $@ $^ $(LIBS) -lm

$(BUILD_DIR):
	@mkdir -p $@

""",
        S=s,
    )


def go_build(rng: Rng, s: str) -> str:
    pkg = rng.pick(WORDS)
    return fill(
        """build@S@: ## Build the binary
	$(GO) build $(GOFLAGS) -ldflags '$(LDFLAGS)' -o $(BUILD_DIR)/$(PROJECT) ./cmd/$(PROJECT)

test@S@: ## Run the tests
	$(GO) test -race -count=1 $(TESTFLAGS) ./...

test-one@S@:
	$(GO) test -run '$(RUN)' -v ./internal/@K@/...

vet@S@:
	$(GO) vet ./...

cover@S@: | $(BUILD_DIR)
	$(GO) test -coverprofile=$(BUILD_DIR)/cover.out ./...
	$(GO) tool cover -html=$(BUILD_DIR)/cover.out -o $(BUILD_DIR)/cover.html

""",
        S=s,
        K=pkg,
    )


def docker(rng: Rng, s: str) -> str:
    return fill(
        """docker-build@S@: ## Build the image
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE):$(VERSION) -f Dockerfile .

docker-push@S@: docker-build@S@
	docker push $(IMAGE):$(VERSION)

docker-run@S@:
	docker run --rm -p @PORT@:@PORT@ -e LOG_LEVEL=debug $(IMAGE):$(VERSION)

""",
        S=s,
        PORT=str(8000 + rng.below(1000)),
    )


def lint(rng: Rng, s: str) -> str:
    return fill(
        """lint@S@: vet@S@ ## Lint everything
	golangci-lint run --timeout 5m ./...
	shellcheck scripts/*.sh
	@test -z "$$(gofmt -l $$(find . -name '*.go' -not -path './vendor/*'))" || { echo "run gofmt"; exit 1; }

fmt@S@:
	gofmt -s -w $(shell find . -name '*.go' -not -path './vendor/*')

""",
        S=s,
    )


def conditionals(rng: Rng, s: str) -> str:
    return """ifeq ($(OS),Windows_NT)
  EXE := .exe
else
  EXE :=
endif

UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Darwin)
  LIBS += -framework CoreFoundation
else ifeq ($(UNAME_S),Linux)
  LIBS += -lpthread -ldl
endif

ifdef CI
  TESTFLAGS += -v -json
endif

ifneq ($(filter release,$(MAKECMDGOALS)),)
  GOFLAGS += -buildvcs=true
endif

"""


def install_clean(rng: Rng, s: str) -> str:
    return fill(
        """install@S@: build@S@
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD_DIR)/$(PROJECT)$(EXE) $(DESTDIR)$(PREFIX)/bin/$(PROJECT)$(EXE)

uninstall@S@:
	rm -f $(DESTDIR)$(PREFIX)/bin/$(PROJECT)$(EXE)

help@S@: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## .*$$' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "%-20s %s\\n", $$1, $$2}'

""",
        S=s,
    )


def codegen(rng: Rng, s: str) -> str:
    return fill(
        """proto@S@:
	protoc -I api --go_out=. --go_opt=paths=source_relative --go-grpc_out=. api/@K@/*.proto

generate@S@:
	$(GO) generate ./...
	@git diff --exit-code -- '*.pb.go' || echo "generated files changed"

""",
        S=s,
        K=rng.pick(WORDS),
    )


def release(rng: Rng, s: str) -> str:
    return fill(
        """release@S@: clean
	@for os in linux darwin windows; do \\
	  for arch in amd64 arm64; do \\
	    echo "building $$os/$$arch"; \\
	    GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build $(GOFLAGS) \\
	      -o dist/$(PROJECT)-$$os-$$arch$(EXE) ./cmd/$(PROJECT) || exit 1; \\
	  done; \\
	done
	cd dist && sha256sum * > SHA256SUMS

""",
        S=s,
    )


def phony_misc(rng: Rng, s: str) -> str:
    svc = rng.pick(WORDS)
    return fill(
        """deps@S@:
	$(GO) mod download
	$(GO) mod verify

tidy@S@:
	$(GO) mod tidy
	@git diff --exit-code go.mod go.sum

up@S@:
	docker compose -f deploy/compose.yaml up -d @K@ postgres redis

down@S@:
	docker compose -f deploy/compose.yaml down --volumes

""",
        S=s,
        K=svc,
    )


def decoy(rng: Rng, s: str) -> str:
    # Lines grep matches but that run no `go run`: what grep gets wrong.
    return fill(
        """# Note: do not use go run in CI, it relinks every time.
usage@S@:
	@echo "for a quick try: go run ./cmd/$(PROJECT) --help"
	@echo 'or: make build@S@ && ./build/$(PROJECT)'

""",
        S=s,
    )


def c_extra(rng: Rng, s: str) -> str:
    return fill(
        """check@S@: $(BUILD_DIR)/$(PROJECT)@S@
	$(BUILD_DIR)/$(PROJECT)@S@ --self-test
	valgrind --leak-check=full --error-exitcode=1 $(BUILD_DIR)/$(PROJECT)@S@ --self-test

dist@S@: clean
	mkdir -p dist/$(PROJECT)-$(VERSION)
	cp -r src include Makefile README.md dist/$(PROJECT)-$(VERSION)/
	tar -C dist -czf dist/$(PROJECT)-$(VERSION).tar.gz $(PROJECT)-$(VERSION)

compile_commands@S@.json:
	bear -- $(MAKE) -B $(BUILD_DIR)/$(PROJECT)@S@

""",
        S=s,
    )


def infra(rng: Rng, s: str) -> str:
    env = rng.pick(["dev", "staging", "prod"])
    return fill(
        """TF_DIR@S@ ?= terraform/@E@
KUBE_CONTEXT@S@ ?= @E@-cluster

plan@S@:
	terraform -chdir=$(TF_DIR@S@) init -input=false
	terraform -chdir=$(TF_DIR@S@) plan -out=tfplan

apply@S@: plan@S@
	terraform -chdir=$(TF_DIR@S@) apply -input=false tfplan

deploy@S@:
	helm upgrade --install $(PROJECT) charts/$(PROJECT) --kube-context $(KUBE_CONTEXT@S@) \\
	  --set image.tag=$(VERSION) -f charts/values-@E@.yaml
	kubectl --context $(KUBE_CONTEXT@S@) rollout status deploy/$(PROJECT)

""",
        S=s,
        E=env,
    )


def docs(rng: Rng, s: str) -> str:
    return fill(
        """SPHINXOPTS@S@ ?= -W --keep-going
DOCS_OUT@S@ := site

html@S@:
	sphinx-build -b html $(SPHINXOPTS@S@) docs $(DOCS_OUT@S@)

linkcheck@S@:
	sphinx-build -b linkcheck docs $(BUILD_DIR)/linkcheck

site@S@:
	hugo --minify --source web --destination ../$(DOCS_OUT@S@)/web
	@find $(DOCS_OUT@S@) -name '*.html' | wc -l

""",
        S=s,
    )


# Kinds of projects and the blocks their Makefiles are made of. Only the Go
# kind has text with "run" in it (`go test -run`, `golangci-lint run`,
# `docker run`), as real Go Makefiles do; gorun-lint's prefilter can skip the
# others without parsing them.
KINDS = {
    "go": [go_build, lint, docker, release, phony_misc, codegen, conditionals, install_clean],
    "c": [c_build, c_extra, conditionals, install_clean, codegen],
    "infra": [infra, docs, conditionals, install_clean],
    "docs": [docs, infra, install_clean, conditionals],
}
# --mix default: weights per kind; --mix go: every Makefile a Go one.
MIXES = {
    "default": [("go", 45), ("c", 25), ("infra", 15), ("docs", 15)],
    "go": [("go", 100)],
}


def pick_kind(rng: Rng, mix: str) -> str:
    roll = rng.below(100)
    for kind, weight in MIXES[mix]:
        if roll < weight:
            return kind
        roll -= weight
    return MIXES[mix][-1][0]


def has_run(text: str) -> bool:
    return "run" in text or "RUN" in text or "Run" in text


def gorun_block(rng: Rng, s: str, helper: str, style: int) -> tuple[str, int, str]:
    """A rule with one repo-local callsite. Returns (text, callsites, helper dir)."""
    out = rng.pick(WORDS)
    if style == 0:
        text = f"""gen-{helper}{s}: ## Regenerate with {helper}
	go run ./scripts/{helper} -out internal/{out}/zz_generated.go -pkg {out}

"""
        return text, 1, f"scripts/{helper}"
    if style == 1:
        text = f"""internal/{out}/{helper}{s}.go: $(wildcard internal/{out}/*.yaml)
	@mkdir -p $(@D)
	$(GO) run ./scripts/{helper} $^ > $@

"""
        return text, 1, f"scripts/{helper}"
    if style == 2:
        text = f"""docs-{helper}{s}:
	cd tools && go run ./{helper} --format markdown --out ../docs/{helper}.md

"""
        return text, 1, f"tools/{helper}"
    text = f"""check-{helper}{s}: build
	@echo "checking with {helper}"
	GOFLAGS=-mod=mod $(GO) run ./scripts/{helper} -strict ./... && echo ok

"""
    return text, 1, f"scripts/{helper}"


REMOTE = """stringer:
	go run golang.org/x/tools/cmd/stringer@v0.24.0 -type=Kind ./internal/kind

"""

HELPER_MAIN = """// Command @H@ is a code generator used by the Makefile (benchmark fixture).
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("out", "", "output file")
	flag.Parse()
	fmt.Fprintf(os.Stderr, "@H@: %d inputs, writing %q\\n", flag.NArg(), *out)
}
"""


def ordinary_body(rng: Rng, size: int, used: int, suffix_base: str, kind: str = "go") -> str:
    parts = []
    n = 0
    order = KINDS[kind][:]
    while used < size:
        if n % len(order) == 0:
            # Fisher-Yates with our own generator.
            for i in range(len(order) - 1, 0, -1):
                j = rng.below(i + 1)
                order[i], order[j] = order[j], order[i]
        block = order[n % len(order)]
        s = "" if n < len(order) else f"-{suffix_base}{n // len(order)}"
        text = block(rng, s)
        parts.append(text)
        used += len(text)
        n += 1
    return "".join(parts)


def makefile(rng: Rng, project: str, size: int, gorun: bool, kind: str) -> tuple[str, dict]:
    info = {"local": 0, "remote": 0, "helpers": set()}
    text = header(rng, project)
    text += f".PHONY: all build test lint clean help\n\nall: build\n\n"
    if gorun:
        count = 2 + rng.below(3)
        for i in range(count):
            helper = rng.pick(HELPERS)
            block, n, d = gorun_block(rng, f"-{i}", helper, rng.below(4))
            text += block
            info["local"] += n
            info["helpers"].add(d)
        if rng.chance(50):
            text += REMOTE
            info["remote"] += 1
    if kind == "go" and rng.chance(15):
        text += decoy(rng, "")
    tail = "clean:\n\trm -rf $(BUILD_DIR) dist\n"
    if kind == "c":
        tail += "\n-include $(OBJS:.o=.d)\n"
    text += ordinary_body(rng, size - len(tail), len(text), "x", kind)
    text += tail
    if kind != "go" and has_run(text):
        raise AssertionError(f"a {kind} Makefile must not contain run: {project}")
    return text, info


def grep_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if "go run" in line)


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


GO_MOD = "module example.com/monorepo\n\ngo 1.24\n"


def gen_tree(out: str, files: int, seed: int, every: int, size: int, mix: str,
             projects: list | None = None) -> dict:
    """The tree of Makefiles; `projects`, when given, gets one Project per
    Makefile (what --sources builds on)."""
    rng = Rng(seed)
    write(os.path.join(out, "go.mod"), GO_MOD)
    summary = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "makefiles": files,
        "makefile_bytes": 0,
        "gorun_makefiles": 0,
        "local_callsites": 0,
        "remote_callsites": 0,
        "grep_lines": 0,
        "files_total": 1,
        "mix": mix,
        "kinds": {},
        "makefiles_with_run": 0,
    }
    for i in range(files):
        area = AREAS[i % len(AREAS)]
        group = f"g{(i // 100):03d}"
        project = f"{WORDS[i % len(WORDS)]}-{i:05d}"
        d = os.path.join(out, area, group, project)
        gorun = i % every == every // 2
        jitter = size // 5
        target = size - jitter + rng.below(2 * jitter + 1)
        kind = "go" if gorun else pick_kind(rng, mix)
        text, info = makefile(rng, project, target, gorun, kind)
        write(os.path.join(d, "Makefile"), text)
        summary["kinds"][kind] = summary["kinds"].get(kind, 0) + 1
        summary["makefiles_with_run"] += has_run(text)
        summary["makefile_bytes"] += len(text.encode())
        summary["grep_lines"] += grep_lines(text)
        summary["files_total"] += 1
        if projects is not None:
            projects.append(Project(os.path.relpath(d, out), project, kind, gorun, info))
        if gorun:
            summary["gorun_makefiles"] += 1
            summary["local_callsites"] += info["local"]
            summary["remote_callsites"] += info["remote"]
            for h in sorted(info["helpers"]):
                write(os.path.join(d, h, "main.go"), fill(HELPER_MAIN, H=os.path.basename(h)))
                summary["files_total"] += 1
        else:
            # One source file beside each Makefile, as real trees have.
            name = {"go": "main.go", "c": "main.c"}.get(kind, "README.md")
            write(os.path.join(d, name), f"/* {project}: benchmark filler */\n")
            summary["files_total"] += 1
    return summary


def gen_fix_makefile(out: str, callsites: int, seed: int, size: int) -> dict:
    rng = Rng(seed)
    write(os.path.join(out, "go.mod"), "module example.com/fixbench\n\ngo 1.24\n")
    helpers = HELPERS[:8]
    text = header(rng, "fixbench")
    text += ".PHONY: all build test lint clean help gen\n\nall: build\n\n"
    gen_targets = []
    blocks = []
    dirs = set()
    for i in range(callsites):
        helper = helpers[i % len(helpers)]
        out_name = f"internal/gen/{helper}_{i:02d}.go"
        gen_targets.append(out_name)
        if i % 3 == 2:
            # Two callsites in one recipe.
            blocks.append(
                f"{out_name}: $(wildcard api/{helper}/*.yaml)\n"
                f"\t@mkdir -p $(@D)\n"
                f"\t$(GO) run ./scripts/{helper} -out $@ $^\n"
                f"\tgofmt -w $@\n\n"
            )
        else:
            blocks.append(
                f"{out_name}: api/{helper}.yaml\n"
                f"\t@mkdir -p $(@D)\n"
                f"\tgo run ./scripts/{helper} -in $< -out $@\n\n"
            )
        dirs.add(f"scripts/{helper}")
    text += "GENERATED := " + " \\\n\t".join(gen_targets) + "\n\ngen: $(GENERATED)\n\n"
    tail = "clean:\n\trm -rf $(BUILD_DIR) dist\n"
    # Interleave the callsite rules with ordinary blocks up to the size.
    body_budget = size - len(text) - len(tail) - sum(len(b) for b in blocks)
    filler = ordinary_body(rng, max(body_budget, 0), 0, "f")
    chunks = filler.split("\n\n")
    step = max(1, len(chunks) // (len(blocks) + 1))
    pieces = []
    for k, chunk in enumerate(chunks):
        if chunk.strip():
            pieces.append(chunk + "\n\n")
        if k % step == step - 1 and blocks:
            pieces.append(blocks.pop(0))
    pieces.extend(blocks)
    text += "".join(pieces) + tail
    write(os.path.join(out, "Makefile"), text)
    for d in sorted(dirs):
        write(os.path.join(out, d, "main.go"), fill(HELPER_MAIN, H=os.path.basename(d)))
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "makefiles": 1,
        "makefile_bytes": len(text.encode()),
        "local_callsites": callsites,
        "helpers": len(dirs),
        "grep_lines": grep_lines(text),
    }


# ================================================================ floor ===
# --sources and --shape large (issue 23, scripts/bench/floor.sh): the other
# files `check` reads (Go code, scripts, workflows, Procfiles), made with a
# generator of their own (Rng(seed ^ SOURCES_SALT)) so that the Makefiles
# of a --sources tree are byte for byte those of the tree without it.

FLOOR_VERSION = 1
SOURCES_SALT = 0x5EED_50C5
# The pattern floor.sh gives `rg -e` and `grep -E`: every line it matches in
# the files check reads is counted in the manifest (`pattern_lines`).
FLOOR_PATTERN = re.compile(r"(go|GO[A-Z_]*[)}]?) +(run|tool)")
# One .go file in this many carries a //go:generate line.
GENERATE_EVERY = 50


class Project:
    """One Makefile's project of the tree mode, as --sources sees it."""

    def __init__(self, rel: str, name: str, kind: str, gorun: bool, info: dict) -> None:
        self.rel, self.name, self.kind, self.gorun = rel, name, kind, gorun
        # Helper packages the Makefile runs (they exist: gen_tree wrote them).
        self.helpers = set(info["helpers"])
        self.local, self.remote = info["local"], info["remote"]


class Planted:
    """The findings planted: rule counts per file (path relative to the tree)."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, int]] = {}

    def add(self, rel: str, rule: str, n: int = 1) -> None:
        if n:
            f = self.files.setdefault(rel, {})
            f[rule] = f.get(rule, 0) + n


class Stride:
    """Exactly one .go file in GENERATE_EVERY (of those check reads, in the
    order written) carries a //go:generate line. Files that cannot carry one
    (fillers, helpers) still count; their turn passes to the next that can."""

    def __init__(self) -> None:
        self.n = 0
        self.owed = 0

    def tick(self, can_carry: bool = True) -> bool:
        if self.n % GENERATE_EVERY == GENERATE_EVERY // 2:
            self.owed += 1
        self.n += 1
        if can_carry and self.owed:
            self.owed -= 1
            return True
        return False


class Writer:
    """Writes files under a root, remembering which exist, and tracks the
    planted findings and the //go:generate stride."""

    def __init__(self, root: str, rng: Rng) -> None:
        self.root, self.rng = root, rng
        self.planted = Planted()
        self.stride = Stride()
        self.written: set[str] = set()

    def write(self, rel: str, text: str, planted: dict | None = None) -> None:
        write(os.path.join(self.root, rel), text)
        self.written.add(rel)
        for rule, n in (planted or {}).items():
            self.planted.add(rel, rule, n)

    def helper(self, rel_dir: str) -> None:
        """A helper command a callsite runs (written once)."""
        rel = f"{rel_dir}/main.go"
        if rel not in self.written:
            self.write(rel, fill(HELPER_MAIN, H=os.path.basename(rel_dir)))
            self.stride.tick(False)


# ------------------------------------------------------------- Go code ---

GO_TYPES = [
    "Config", "Controller", "Handler", "Store", "Queue", "Client", "Server",
    "Cache", "Index", "Policy", "Record", "Event", "Watcher", "Reconciler",
    "Pool", "Plan", "Lease", "Token", "Snapshot", "Backend", "Limiter",
]
TYPE_PREFIXES = [
    "Node", "Pod", "Volume", "Route", "Endpoint", "Secret", "Quota", "Job",
    "Image", "Lease", "Claim", "Binding", "Service", "Account", "Batch", "Shard",
]


def go_pkg_name(word: str) -> str:
    name = re.sub(r"[^a-z0-9]", "", word.lower())
    return name if name and not name[0].isdigit() else "pkg" + name


def block_struct(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// @T@ holds the state of one @L@ of package @P@.
type @T@ struct {
	Name      string
	Namespace string
	Labels    map[string]string
	Created   time.Time
	Retries   int

	mu    sync.Mutex
	items []string
}

// New@T@ returns an empty @T@ called name.
func New@T@(name, namespace string) *@T@ {
	return &@T@{
		Name:      name,
		Namespace: namespace,
		Labels:    make(map[string]string),
		Created:   time.Now(),
	}
}

""", T=t, L=t.lower(), P=p), {"time", "sync"}


def block_validate(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// Validate reports the first problem with x, or nil.
func (x *@T@) Validate() error {
	if x == nil {
		return errors.New("@P@: nil @L@")
	}
	if strings.TrimSpace(x.Name) == "" {
		return fmt.Errorf("@P@: @L@ in %q: empty name", x.Namespace)
	}
	for k, v := range x.Labels {
		if len(k) > @N@ || len(v) > @N@ {
			return fmt.Errorf("@P@: label %s=%s is longer than @N@ bytes", k, v)
		}
	}
	if x.Retries < 0 {
		return fmt.Errorf("@P@: %d retries", x.Retries)
	}
	return nil
}

""", T=t, L=t.lower(), P=p, N=str(32 + rng.below(64))), {"errors", "strings", "fmt"}


def block_sorted_add(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// Add records item once, keeping the items sorted; it reports whether
// item is new.
func (x *@T@) Add(item string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	i := sort.SearchStrings(x.items, item)
	if i < len(x.items) && x.items[i] == item {
		return false
	}
	x.items = append(x.items, "")
	copy(x.items[i+1:], x.items[i:])
	x.items[i] = item
	return true
}

// Items returns a copy of the items.
func (x *@T@) Items() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]string(nil), x.items...)
}

""", T=t), {"sort"}


def block_loop(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// Every@T@ calls fn every interval until ctx is done, and returns the
// first error other than cancellation.
func Every@T@(ctx context.Context, interval time.Duration, fn func(context.Context) error) error {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if err := fn(ctx); err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("@P@: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

""", T=t, P=p), {"context", "time", "errors", "fmt"}


def block_phase(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// @T@Phase is where a @L@ is in its life.
type @T@Phase int

const (
	@T@Pending @T@Phase = iota
	@T@Active
	@T@Succeeded
	@T@Failed
)

func (ph @T@Phase) String() string {
	switch ph {
	case @T@Pending:
		return "Pending"
	case @T@Active:
		return "Active"
	case @T@Succeeded:
		return "Succeeded"
	case @T@Failed:
		return "Failed"
	default:
		return fmt.Sprintf("@T@Phase(%d)", int(ph))
	}
}

""", T=t, L=t.lower()), {"fmt"}


def block_http(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// @T@Handler serves a @L@ as JSON.
type @T@Handler struct {
	Get func(name string) (any, bool)
}

func (h @T@Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	v, ok := h.Get(strings.TrimPrefix(r.URL.Path, "/@L@/"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

""", T=t, L=t.lower()), {"net/http", "encoding/json", "strings"}


def block_copy(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// copy@T@ copies src to dst line by line, dropping comment lines, and
// returns the number of lines kept.
func copy@T@(dst io.Writer, src io.Reader) (int, error) {
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 0, 64*1024), @N@*1024)
	kept := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if _, err := io.WriteString(dst, line+"\\n"); err != nil {
			return kept, err
		}
		kept++
	}
	return kept, sc.Err()
}

""", T=t, N=str(256 << rng.below(4))), {"bufio", "io", "strings"}


def block_options(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """// @T@Options configure a @L@.
type @T@Options struct {
	Timeout    time.Duration
	MaxItems   int
	Namespaces []string
	DryRun     bool
}

// Default@T@Options are the defaults.
func Default@T@Options() @T@Options {
	return @T@Options{Timeout: @N@ * time.Second, MaxItems: @M@}
}

// With@T@Namespace returns o with ns added.
func (o @T@Options) With@T@Namespace(ns string) @T@Options {
	o.Namespaces = append(append([]string(nil), o.Namespaces...), ns)
	return o
}

""", T=t, L=t.lower(), N=str(5 + rng.below(55)), M=str(100 * (1 + rng.below(20)))), {"time"}


GO_BLOCKS = [block_struct, block_validate, block_sorted_add, block_loop, block_phase,
             block_http, block_copy, block_options]


def block_test(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """func Test@T@Validate(t *testing.T) {
	tests := []struct {
		name    string
		in      *@T@
		wantErr bool
	}{
		{name: "empty", in: &@T@{}, wantErr: true},
		{name: "named", in: New@T@("a", "default"), wantErr: false},
		{name: "negative retries", in: &@T@{Name: "b", Retries: -1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.in.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}

""", T=t), {"testing"}


def block_bench(rng: Rng, t: str, p: str) -> tuple[str, set]:
    return fill(
        """func Benchmark@T@Add(b *testing.B) {
	x := New@T@("bench", "default")
	for i := 0; i < b.N; i++ {
		x.Add(fmt.Sprintf("item-%d", i%@N@))
	}
}

""", T=t, N=str(64 << rng.below(6))), {"testing", "fmt"}


def exec_block(rng: Rng, t: str, target: str | None) -> tuple[str, set]:
    """Code that runs a command through os/exec: `go run target` (GR016)
    when target is given, else git."""
    if target is not None:
        return fill(
            """// regenerate@T@ rebuilds the fixtures (links the generator on every call).
func regenerate@T@(ctx context.Context, dir string) error {
	cmd := exec.CommandContext(ctx, "go", "run", "@G@", "-out", dir)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

""", T=t, G=target), {"context", "os", "os/exec"}
    return fill(
        """// revision@T@ is the commit the working tree is at.
func revision@T@(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse in %s: %w", dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

""", T=t), {"context", "os/exec", "fmt", "strings"}


LICENSE_HEADER = """/*
Copyright @Y@ The @O@ Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

"""


def go_file(rng: Rng, pkg: str, target: int, *, test: bool = False, generate: str | None = None,
            exec_go: str | None = None, exec_other: bool = False, owner: str = "Example") -> str:
    """A Go file of about `target` bytes: license, package clause, imports,
    an optional //go:generate line, then declarations."""
    names: set[str] = set()
    blocks: list[str] = []
    imports: set[str] = set()
    size = 900
    k = 0
    while size < target or not blocks:
        t = rng.pick(TYPE_PREFIXES) + rng.pick(GO_TYPES)
        while t in names:
            k += 1
            t = f"{t}{k}"
        names.add(t)
        fn = rng.pick([block_test, block_test, block_bench] if test else GO_BLOCKS)
        text, imps = fn(rng, t, pkg)
        blocks.append(text)
        imports |= imps
        size += len(text)
    if exec_go is not None or exec_other:
        text, imps = exec_block(rng, "Fixtures" if exec_go else "Info", exec_go)
        blocks.insert(rng.below(len(blocks) + 1), text)
        imports |= imps
    head = fill(LICENSE_HEADER, Y=str(2014 + rng.below(11)), O=owner) if rng.chance(80) else ""
    head += f"package {pkg}\n\n"
    std = sorted(imports)
    if len(std) == 1:
        head += f'import "{std[0]}"\n\n'
    elif std:
        head += "import (\n" + "".join(f'\t"{i}"\n' for i in std) + ")\n\n"
    if generate is not None:
        head += generate + "\n\n"
    return head + "".join(blocks).rstrip("\n") + "\n"


def go_main(rng: Rng, name: str, owner: str = "Example") -> str:
    return fill(LICENSE_HEADER, Y=str(2014 + rng.below(11)), O=owner) + fill(
        """// Command @N@ is the @N@ daemon.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

var (
	addr    = flag.String("addr", ":@PORT@", "listen address")
	verbose = flag.Bool("v", false, "log more")
)

func main() {
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *addr, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "@N@:", err)
		os.Exit(1)
	}
}

func serve(ctx context.Context, addr string, verbose bool) error {
	if verbose {
		fmt.Fprintf(os.Stderr, "@N@: listening on %s\\n", addr)
	}
	<-ctx.Done()
	return nil
}
""", N=name, PORT=str(8000 + rng.below(1000)))


def go_generated(rng: Rng, pkg: str, target: int, generator: str) -> str:
    """A zz_generated.*.go / generated.pb.go style file (big, repetitive)."""
    parts = [f"//go:build !ignore_autogenerated\n// +build !ignore_autogenerated\n\n"
             f"// Code generated by {generator}. DO NOT EDIT.\n\npackage {pkg}\n\n"]
    size = len(parts[0])
    k = 0
    while size < target:
        t = f"{rng.pick(TYPE_PREFIXES)}{rng.pick(GO_TYPES)}{k}"
        k += 1
        text = fill(
            """// DeepCopyInto copies the receiver into out. in must be non-nil.
func (in *@T@) DeepCopyInto(out *@T@) {
	*out = *in
	if in.Labels != nil {
		in, out := &in.Labels, &out.Labels
		*out = make(map[string]string, len(*in))
		for key, val := range *in {
			(*out)[key] = val
		}
	}
	if in.Items != nil {
		in, out := &in.Items, &out.Items
		*out = make([]string, len(*in))
		copy(*out, *in)
	}
}

// DeepCopy copies the receiver into a new @T@.
func (in *@T@) DeepCopy() *@T@ {
	if in == nil {
		return nil
	}
	out := new(@T@)
	in.DeepCopyInto(out)
	return out
}

""", T=t)
        parts.append(text)
        size += len(text)
    return "".join(parts)


def generate_line(rng: Rng, local: list[str], mix: tuple[int, int, int],
                  remote_tools: list[str] | None = None) -> tuple[str, str | None]:
    """A //go:generate line and the rule check gives it (None: not go run).
    mix: percent repo-local `go run` (GR001), remote `go run pkg@version`
    (GR003), `go tool` (GR015); the rest run a binary from PATH."""
    t = rng.pick(TYPE_PREFIXES) + rng.pick(GO_TYPES)
    roll = rng.below(100)
    if roll < mix[0]:
        return f"//go:generate go run {rng.pick(local)} -type={t} -output zz_{t.lower()}.go", "GR001"
    roll -= mix[0]
    if roll < mix[1]:
        return f"//go:generate go run {rng.pick(remote_tools or REMOTE_TOOLS)} -type={t}", "GR003"
    roll -= mix[1]
    if roll < mix[2]:
        return f"//go:generate go tool stringer -type={t}Phase", "GR015"
    return rng.pick([
        f"//go:generate stringer -type={t}Phase",
        f"//go:generate mockgen -source={t.lower()}.go -destination=mock_{t.lower()}.go -package=mocks",
        f"//go:generate mockery --name={t} --inpackage",
        "//go:generate protoc --go_out=. --go_opt=paths=source_relative types.proto",
    ]), None


REMOTE_TOOLS = [
    "golang.org/x/tools/cmd/stringer@v0.20.0",
    "go.uber.org/mock/mockgen@v0.4.0",
    "github.com/vektra/mockery/v2@v2.43.2",
    "golang.org/x/tools/cmd/goimports@v0.20.0",
]

# ------------------------------------------------------------- scripts ---

SCRIPT_HEAD = """#!/usr/bin/env bash
# @W@ for @P@.
set -o errexit
set -o nounset
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${ROOT}"

"""

SCRIPT_BLOCKS = [
    """log() { printf '%s %s\\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

""",
    """VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
OUT=${OUT:-_output/bin}
mkdir -p "${OUT}"

""",
    """for os in linux darwin; do
  for arch in amd64 arm64; do
    log "building ${os}/${arch}"
    GOOS=${os} GOARCH=${arch} CGO_ENABLED=0 go build -trimpath \\
      -ldflags "-s -w -X main.version=${VERSION}" -o "${OUT}/${os}-${arch}/" ./cmd/...
  done
done

""",
    """log "testing"
go test -race -count=1 -coverprofile=_output/cover.out ./...
go tool cover -func=_output/cover.out | tail -n 1
go test -run 'TestIntegration' -tags integration ./test/...

""",
    """if ! command -v golangci-lint >/dev/null 2>&1; then
  die "golangci-lint is not installed"
fi
golangci-lint run --timeout 10m ./...
shellcheck hack/*.sh scripts/*.sh 2>/dev/null || true

""",
    """usage() {
  cat <<EOF
usage: $(basename "$0") [-v] [-o DIR]
  -v      verbose
  -o DIR  output directory (default ${OUT:-_output})
EOF
}
while getopts "vo:h" opt; do
  case ${opt} in
    v) set -x ;;
    o) OUT=${OPTARG} ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

""",
    """IMAGE=${IMAGE:-registry.example.com/platform/app}
docker build --build-arg VERSION="${VERSION:-dev}" -t "${IMAGE}:${VERSION:-dev}" .
if [[ "${PUSH:-0}" == 1 ]]; then
  docker push "${IMAGE}:${VERSION:-dev}"
fi

""",
    """readarray -t changed < <(git diff --name-only origin/main... -- '*.go' || true)
if [[ ${#changed[@]} -eq 0 ]]; then
  log "no Go file changed"
  exit 0
fi
gofmt -s -l "${changed[@]}" | tee /dev/stderr | (! read -r)

""",
    """kubectl --context "${KUBE_CONTEXT:-kind-dev}" apply -f deploy/manifests/
kubectl --context "${KUBE_CONTEXT:-kind-dev}" rollout status deploy/app --timeout=120s
terraform -chdir=terraform/dev plan -out=tfplan -input=false

""",
]

# Lines that grep and rg match but that run nothing: check must not report them.
SCRIPT_DECOYS = [
    '# Note: do not go run the generators here, build them once (see Makefile).\n',
    'echo "for a quick try: go run ./cmd/app --help"\n',
    "# go run ./tools/... relinks on every change; we build to _output/bin instead.\n",
]


def shell_script(rng: Rng, what: str, project: str, target: int, gorun: list[str],
                 decoy: bool = False) -> str:
    """A bash script of about `target` bytes; each `gorun` line is put in
    among ordinary blocks."""
    parts = [fill(SCRIPT_HEAD, W=what, P=project)]
    size = len(parts[0])
    order = SCRIPT_BLOCKS[:]
    for i in range(len(order) - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    n = 0
    while size < target or n == 0:
        b = order[n % len(order)]
        parts.append(b)
        size += len(b)
        n += 1
    if decoy:
        parts.insert(1 + rng.below(len(parts)), rng.pick(SCRIPT_DECOYS) + "\n")
    for line in gorun:
        parts.insert(1 + rng.below(len(parts)), f'log "generating"\n{line}\n\n')
    return "".join(parts).rstrip("\n") + "\n"


PYTHON_SCRIPT = """#!/usr/bin/env python3
# Checks the boilerplate header of every source file.
# (The shell equivalent would go run ./tools/boilerplate; this needs no build.)
import pathlib
import sys

HEADER = "Licensed under the Apache License, Version 2.0"


def main() -> int:
    bad = [p for p in pathlib.Path(".").rglob("*.go") if HEADER not in p.read_text(errors="replace")[:2048]]
    for p in bad:
        print(f"missing boilerplate: {p}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
"""

DOCKERFILE = """# syntax=docker/dockerfile:1
FROM golang:1.24 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/@P@ ./cmd/@P@

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/@P@ /@P@
USER 65532:65532
ENTRYPOINT ["/@P@"]
"""

OWNERS = """# See the OWNERS docs at https://go.k8s.io/owners

approvers:
  - @A@
  - @B@
reviewers:
  - @A@
  - @B@
  - @C@
labels:
  - area/@L@
"""

PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
          "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]


def owners(rng: Rng, area: str) -> str:
    return fill(OWNERS, A=rng.pick(PEOPLE), B=rng.pick(PEOPLE), C=rng.pick(PEOPLE), L=area)


# ----------------------------------------------------------- workflows ---

WORKFLOW = """name: @N@
on:
  push:
    branches: [main]
    paths: ["@D@/**", "go.mod", "go.sum"]
  pull_request:
    paths: ["@D@/**", "go.mod", "go.sum"]
permissions:
  contents: read
concurrency:
  group: ${{ github.workflow }}-${{ github.ref }}
  cancel-in-progress: true
jobs:
  @J@:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
          cache: true
@S@"""


def workflow(name: str, d: str, job: str, steps: list[str]) -> str:
    return fill(WORKFLOW, N=name, D=d, J=job, S="".join(steps))


def step(run: str, name: str | None = None, wd: str | None = None) -> str:
    s = f"      - name: {name}\n" if name else "      - "
    if name:
        s += "        "
    s += f"run: {run}\n"
    if wd:
        s += f"        working-directory: {wd}\n"
    return s


def ordinary_steps(d: str, go: bool) -> list[str]:
    if go:
        return [step(f"go vet ./{d}/...", "vet"),
                step(f"go test -race -count=1 ./{d}/...", "test"),
                "      - uses: golangci/golangci-lint-action@v6\n        with:\n"
                f"          args: --timeout 10m ./{d}/...\n"]
    return [step(f"make -C {d} html", "docs"), step("ls -R site | head -n 50")]


# --------------------------------------------------------- tree mode ---


def add_sources(out: str, projects: list[Project], seed: int) -> Writer:
    """--sources: Go code, scripts, Procfiles and workflows beside the
    Makefiles of gen_tree, in the proportions the module docstring gives."""
    rng = Rng(seed ^ SOURCES_SALT)
    w = Writer(out, rng)
    for p in projects:
        d = p.rel
        # gen_tree's files: the filler or the helpers' main.go.
        w.planted.add(f"{d}/Makefile", "GR001", p.local)
        w.planted.add(f"{d}/Makefile", "GR003", p.remote)
        if p.gorun:
            for h in sorted(p.helpers):
                w.written.add(f"{d}/{h}/main.go")
                w.stride.tick(False)
        elif p.kind == "go":
            w.written.add(f"{d}/main.go")
            w.stride.tick(False)
        if p.kind == "go":
            go_project(w, p)
        elif p.kind == "c":
            if rng.chance(20):
                w.write(f"{d}/scripts/build.sh", c_script(rng, p.name))
            if rng.chance(10):
                w.write(f"{d}/Dockerfile", fill(DOCKERFILE, P=p.name))
        elif p.kind == "infra":
            if rng.chance(30):
                w.write(f"{d}/scripts/deploy.sh",
                        shell_script(rng, "Deploys", p.name, 1200 + rng.below(1500), []))
    # Workflows at the root: three per hundred projects.
    for i, p in enumerate(projects):
        if i % 100 not in (7, 41, 73):
            continue
        d = p.rel
        steps = ordinary_steps(d, p.kind == "go")
        planted: dict[str, int] = {}
        if p.kind == "go" and rng.chance(25):
            form = rng.below(3)
            if form == 0:
                steps.insert(0, step(f"go run ./{d}/cmd/{p.name} --version", "smoke"))
                planted["GR001"] = 1
            elif form == 1:
                steps.insert(0, step("go run ./...", "run", wd=d))
                planted["GR005"] = 1
            else:
                steps.append(step(f"go run golang.org/x/vuln/cmd/govulncheck@v1.1.3 ./{d}/...", "vulncheck"))
                planted["GR003"] = 1
        w.write(f".github/workflows/{p.name}.yml", workflow(p.name, d, "build", steps), planted)
    return w


def go_project(w: Writer, p: Project) -> None:
    """A Go project's package layout: cmd/<name>/main.go and 1-3 packages,
    6-15 .go files in all (1-4 KB each); and now and then scripts, an
    extension-less hack/ script, a Dockerfile, a Procfile."""
    rng, d = w.rng, p.rel
    mod = f"example.com/monorepo/{d}"
    total = 6 + rng.below(10)
    w.write(f"{d}/cmd/{p.name}/main.go", go_main(rng, p.name))
    w.stride.tick(False)
    pkgs = []
    for _ in range(1 + rng.below(3)):
        word = rng.pick(WORDS)
        if word not in pkgs:
            pkgs.append(word)
    files = ["doc.go", "types.go", "store.go", "handler.go", "options.go", "errors.go",
             "client.go", "server.go", "metrics.go", "cache.go", "util.go", "types_test.go",
             "store_test.go", "handler_test.go"]
    for k in range(total - 1):
        word = pkgs[k % len(pkgs)]
        parent = "internal" if pkgs.index(word) % 2 == 0 else "pkg"
        name = files[k // len(pkgs) % len(files)]
        rel = f"{d}/{parent}/{word}/{name}"
        gen, rule = None, None
        if w.stride.tick():
            tool = rng.pick(HELPERS)
            gen, rule = generate_line(rng, [f"../../tools/{tool}", f"{mod}/tools/{tool}"], (40, 30, 10))
            if rule == "GR001":
                w.helper(f"{d}/tools/{tool}")
        text = go_file(rng, go_pkg_name(word), 1000 + rng.below(3001), test=name.endswith("_test.go"),
                       generate=gen, exec_other=rng.chance(3))
        w.write(rel, text, {rule: 1} if rule else None)
    # scripts/*.sh (1-3 of these) in three Go projects in ten; gen.sh and
    # one other script in eight run a helper with go run.
    if rng.chance(30):
        names = ["build", "test", "release", "lint", "gen", "dev"]
        for i in range(len(names) - 1, 0, -1):
            j = rng.below(i + 1)
            names[i], names[j] = names[j], names[i]
        for what in names[: 1 + rng.below(3)]:
            gorun, planted = [], {}
            if what == "gen" or rng.chance(12):
                tool = rng.pick(HELPERS)
                gorun.append(f"go run ./tools/{tool} -out internal/zz_generated.go")
                w.helper(f"{d}/tools/{tool}")
                planted["GR001"] = 1
            w.write(f"{d}/scripts/{what}.sh",
                    shell_script(rng, what.capitalize() + "s", p.name, 1000 + rng.below(2500), gorun,
                                 decoy=rng.chance(20)), planted)
    # An extension-less bash script in one Go project in twenty, half of them
    # with go run; a python one (not a script to check) in one in fifty.
    if rng.chance(5):
        gorun, planted = [], {}
        if rng.chance(50):
            gorun.append(f"go run ./cmd/{p.name} --print-defaults > config/defaults.yaml")
            planted["GR001"] = 1
        w.write(f"{d}/hack/update-codegen",
                shell_script(rng, "Regenerates code", p.name, 1500 + rng.below(1500), gorun), planted)
    if rng.chance(2):
        w.write(f"{d}/hack/verify-boilerplate", PYTHON_SCRIPT)
    if rng.chance(25):
        w.write(f"{d}/Dockerfile", fill(DOCKERFILE, P=p.name))
    if rng.chance(3):
        planted = {}
        text = f"web: ./bin/{p.name} serve --addr=:$PORT\n"
        if rng.chance(50):
            text += f"worker: go run ./cmd/{p.name} worker --queue=default\n"
            planted["GR001"] = 1
        w.write(f"{d}/{rng.pick(['Procfile', 'Procfile.dev'])}", text, planted)


def c_script(rng: Rng, project: str) -> str:
    return fill("""#!/bin/sh
# Configure and build @P@ out of tree.
set -eu
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE="${TYPE:-RelWithDebInfo}" -G Ninja
cmake --build "$BUILD" --parallel "$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure
""", P=project)


# --------------------------------------------------------- large shape ---

LARGE_MODULE = "k8s.io/kubernetes"
STAGING_REPOS = [
    "api", "apiextensions-apiserver", "apimachinery", "apiserver", "cli-runtime", "client-go",
    "cloud-provider", "cluster-bootstrap", "code-generator", "component-base", "component-helpers",
    "controller-manager", "cri-api", "cri-client", "csi-translation-lib", "dynamic-resource-allocation",
    "endpointslice", "kms", "kube-aggregator", "kube-controller-manager", "kube-proxy",
    "kube-scheduler", "kubectl", "kubelet", "metrics", "mount-utils", "pod-security-admission",
    "sample-apiserver", "sample-cli-plugin", "sample-controller",
]
LARGE_CMDS = [
    "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet",
    "kubectl", "kubeadm", "cloud-controller-manager", "kubemark", "genswaggertypedocs", "gendocs",
    "genman", "genyaml", "genkubedocs", "importverifier", "preferredimports", "dependencyverifier",
    "fieldnamedocscheck", "prune-junit-xml", "yamlfmt", "clicheck", "gotemplate", "dependencycheck",
    "kubectl-convert", "genutils",
]
LARGE_WORDS = [
    "api", "apis", "controller", "kubelet", "proxy", "scheduler", "registry", "volume", "kubectl",
    "auth", "util", "probe", "credentialprovider", "features", "quota", "securitycontext",
    "serviceaccount", "printers", "routes", "controlplane", "fieldpath", "admission", "plugin",
    "framework", "cache", "config", "validation", "install", "fuzzer", "storage", "rest", "v1",
    "v1beta1", "v1alpha1", "internalversion", "scheme", "informers", "listers", "clientset", "fake",
    "metrics", "options", "app", "server", "handlers", "filters", "endpoints", "network", "node",
    "pod", "service", "deployment", "replicaset", "job", "cronjob", "statefulset", "daemon",
    "garbagecollector", "namespace", "resourcequota", "nodeipam", "podautoscaler", "certificates",
    "bootstrap", "ttl", "volumebinding", "cm", "cri", "container", "kuberuntime", "eviction",
    "images", "lifecycle", "pleg", "prober", "status", "iptables", "ipvs", "nftables", "conntrack",
    "apply", "patch", "strategy", "printer", "testing", "wait", "watch", "runtime", "schema",
    "labels", "fields", "selection", "types", "errors", "meta", "conversion", "serializer", "json",
    "yaml", "protobuf", "streaming", "dynamic", "discovery", "transport", "flowcontrol", "tools",
]
# What each top directory holds outside vendor: (root, .go files, words, depth).
LARGE_ROOTS = [
    ("pkg", 5000, 4), ("staging/src/k8s.io", 4200, 4), ("cmd", 650, 3), ("test", 1500, 3),
    ("plugin", 300, 3), ("cluster", 60, 2), ("third_party", 120, 2),
]
GO_FILE_NAMES = [
    "types.go", "doc.go", "register.go", "helpers.go", "validation.go", "defaults.go", "util.go",
    "controller.go", "handler.go", "options.go", "config.go", "store.go", "strategy.go", "cache.go",
    "server.go", "client.go", "interface.go", "plugin.go", "metrics.go", "errors.go", "conversion.go",
    "types_test.go", "validation_test.go", "controller_test.go", "helpers_test.go", "util_test.go",
    "store_test.go", "handler_test.go", "strategy_test.go", "options_test.go", "main_test.go",
]
LARGE_HELPERS = ["typegen", "enumgen", "fieldgen", "featuregen", "openapi-lint"]
LARGE_REMOTE = [
    "go.uber.org/mock/mockgen@v0.4.0",
    "golang.org/x/tools/cmd/stringer@v0.20.0",
    "github.com/vektra/mockery/v2@v2.43.2",
]
VENDOR_MODULES = [
    "github.com/google/go-cmp", "github.com/spf13/cobra", "github.com/spf13/pflag",
    "github.com/prometheus/client_golang", "github.com/prometheus/common",
    "github.com/prometheus/procfs", "github.com/golang/protobuf", "github.com/google/gnostic-models",
    "github.com/google/cel-go", "github.com/emicklei/go-restful/v3", "github.com/fsnotify/fsnotify",
    "github.com/gogo/protobuf", "github.com/json-iterator/go", "github.com/modern-go/reflect2",
    "github.com/opencontainers/runc", "github.com/opencontainers/selinux", "github.com/coreos/go-systemd/v22",
    "github.com/docker/go-units", "github.com/onsi/ginkgo/v2", "github.com/onsi/gomega",
    "github.com/stretchr/testify", "github.com/pkg/errors", "github.com/davecgh/go-spew",
    "github.com/blang/semver/v4", "github.com/cyphar/filepath-securejoin", "github.com/fxamacker/cbor/v2",
    "github.com/go-logr/logr", "github.com/godbus/dbus/v5", "github.com/google/uuid",
    "github.com/grpc-ecosystem/grpc-gateway/v2", "github.com/moby/spdystream", "github.com/mxk/go-flowrate",
    "github.com/vishvananda/netlink", "github.com/containerd/ttrpc", "github.com/Microsoft/hnslib",
    "go.etcd.io/etcd/client/v3", "go.etcd.io/etcd/api/v3", "go.opentelemetry.io/otel",
    "go.opentelemetry.io/otel/sdk", "go.uber.org/zap", "go.uber.org/multierr", "golang.org/x/net",
    "golang.org/x/sys", "golang.org/x/text", "golang.org/x/crypto", "golang.org/x/oauth2",
    "golang.org/x/sync", "golang.org/x/term", "golang.org/x/time", "golang.org/x/tools",
    "google.golang.org/grpc", "google.golang.org/protobuf", "google.golang.org/genproto/googleapis/rpc",
    "gopkg.in/yaml.v3", "gopkg.in/inf.v0", "k8s.io/klog/v2", "k8s.io/kube-openapi", "k8s.io/utils",
    "k8s.io/gengo/v2", "k8s.io/system-validators", "sigs.k8s.io/json", "sigs.k8s.io/yaml",
    "sigs.k8s.io/structured-merge-diff/v4", "sigs.k8s.io/knftables", "sigs.k8s.io/randfill",
]
LARGE_WORKFLOWS = [
    "ci.yml", "codeql.yml", "lint.yml", "verify.yml", "e2e.yml", "release.yml", "stale.yml",
    "labels.yml", "dependency-review.yml", "scorecard.yml", "unit.yml", "integration.yml",
    "conformance.yml", "docs.yml", "kind.yml", "cross-build.yml", "govulncheck.yml",
    "api-review.yml", "codegen.yml", "typecheck.yml", "bench.yml", "fuzz.yaml", "image-build.yaml",
    "nightly.yaml", "welcome.yaml",
]
UPDATE_TOPICS = [
    "codegen", "openapi-spec", "generated-docs", "vendor", "gofmt", "generated-protobuf",
    "generated-swagger-docs", "internal-modules", "mocks", "featuregates", "yamlfmt",
    "conformance-yaml", "api-reference-docs", "generated-api-compatibility-data", "netparse-cve",
    "vendor-licenses", "gotestsum", "go-workspace", "testdata", "owners", "golangci-lint-config",
    "import-aliases", "pinned-dependencies", "staging-repos", "kustomize", "codecgen",
    "generated-runtime", "generated-kms", "generated-stable-metrics", "publishing-bot",
    "shellcheck", "spelling", "boilerplate", "typecheck", "description", "flags-underscore",
    "readonly-packages", "test-featuregates", "prerelease-lifecycle-tags", "e2e-test-ownership",
    "external-dependencies-version", "fieldname-docs", "generated-files-remake", "govulncheck",
    "imports", "licenses", "logcheck", "no-vendor-cycles", "non-mutating-validation",
    "pkg-names", "prometheus-imports", "golint", "api-groups", "cli-conventions", "e2e-suites",
    "unwanted-dependencies", "mocks-consistency", "generated-dependencies", "golangci-lint",
    "conformance-requirements", "test-code", "vendor-links", "dependency-stats", "structured-logging",
]


def large_go_sizes(rng: Rng) -> int:
    """Most Go files 1-8 KB, some 8-30 KB."""
    return 1000 + rng.below(7000) if rng.chance(85) else 8000 + rng.below(22000)


def packages(rng: Rng, root: str, n_files: int, depth: int) -> list[tuple[str, int]]:
    out, seen, total = [], set(), 0
    while total < n_files:
        path = root + "/" + "/".join(rng.pick(LARGE_WORDS) for _ in range(1 + rng.below(depth)))
        if path in seen:
            continue
        seen.add(path)
        n = 1 + (rng.below(4) if rng.chance(70) else rng.below(20))
        out.append((path, n))
        total += n
    return out


def gen_large(out: str, seed: int) -> tuple[dict, Writer]:
    """--shape large: the shape of a large Go monorepo (modelled from memory
    on kubernetes, not measured); see the module docstring."""
    rng = Rng(seed ^ SOURCES_SALT ^ 0x1A76E)
    w = Writer(out, rng)
    requires = "".join(f"\t{m} v1.{rng.below(30)}.{rng.below(10)}\n" for m in VENDOR_MODULES)
    w.write("go.mod", f"module {LARGE_MODULE}\n\ngo 1.24.0\n\nrequire (\n{requires})\n")
    w.write("go.sum", "".join(f"{m} v1.{rng.below(30)}.0 h1:{'x' * 43}=\n{m} v1.0.0/go.mod h1:{'y' * 43}=\n"
                              for m in VENDOR_MODULES * 4))
    for name, text in (("LICENSE", "Apache License\nVersion 2.0, January 2004\n" * 120),
                       ("OWNERS", owners(rng, "root")), ("OWNERS_ALIASES", owners(rng, "aliases") * 30),
                       ("SECURITY_CONTACTS", "# Security contacts\nalice\nbob\n"),
                       ("README.md", "# Kubernetes-shaped benchmark tree\n" * 40),
                       ("CONTRIBUTING.md", "See the community repository.\n" * 20),
                       (".gitattributes", "**/zz_generated.*.go linguist-generated=true\n"),
                       (".gitignore", "/_output*/\n/_tmp/\n*.swp\n.DS_Store\n/.idea/\n*.iml\n/www/master/node_modules/\n"),
                       (".golangci.yaml", "run:\n  timeout: 30m\nlinters:\n  enable: [govet, ineffassign]\n"),
                       (".go-version", "1.24.0\n")):
        w.write(name, text)
    for i in range(30):
        w.write(f"CHANGELOG/CHANGELOG-1.{i + 1}.md", f"# v1.{i + 1}\n\n" + "- Fixed a bug in the scheduler.\n" * 2000)
    w.write("api/openapi-spec/swagger.json", '{"swagger": "2.0", "paths": {}}\n' * 8000)
    for i in range(80):
        w.write(f"api/openapi-spec/v3/apis__group{i}__openapi.json", '{"openapi": "3.0.0"}\n' * 100)

    # Local helpers go:generate runs.
    for h in LARGE_HELPERS:
        w.write(f"hack/tools/{h}/main.go", fill(HELPER_MAIN, H=h))
        w.stride.tick(False)
    local_gen = [f"{LARGE_MODULE}/hack/tools/{h}" for h in LARGE_HELPERS]

    # Go packages outside vendor, with OWNERS, READMEs, testdata.
    exec_planted = 0
    all_pkgs = []
    for root, n_files, depth in LARGE_ROOTS:
        if root == "cmd":
            pk = []
            for c in LARGE_CMDS:
                pk.append((f"cmd/{c}", 1 + rng.below(3)))
                pk.append((f"cmd/{c}/app", 2 + rng.below(12)))
            pk += packages(rng, "cmd/kubeadm/app", n_files - sum(n for _, n in pk), depth)
        elif root == "staging/src/k8s.io":
            pk = []
            per = n_files // len(STAGING_REPOS)
            for repo in STAGING_REPOS:
                base = f"{root}/{repo}"
                for name, text in (("OWNERS", owners(rng, repo)), ("LICENSE", "Apache License\n" * 200),
                                   ("SECURITY_CONTACTS", "alice\n"), ("README.md", f"# {repo}\n" * 30),
                                   ("CONTRIBUTING.md", "Do not open pull requests here.\n"),
                                   ("code-of-conduct.md", "Be kind.\n"),
                                   (".github/PULL_REQUEST_TEMPLATE.md", "Sorry, we do not accept changes here.\n")):
                    w.write(f"{base}/{name}", text)
                pk += packages(rng, base, per, depth)
        elif root == "test":
            pk = (packages(rng, "test/e2e", n_files * 5 // 10, depth)
                  + packages(rng, "test/integration", n_files * 3 // 10, depth)
                  + packages(rng, "test/e2e_node", n_files * 2 // 10, depth))
        else:
            pk = packages(rng, root, n_files, depth)
        all_pkgs += pk
    for d, n in all_pkgs:
        pkg = go_pkg_name(d.rsplit("/", 1)[1])
        if d.startswith("cmd/") and d.count("/") == 1:
            w.write(f"{d}/main.go", go_main(rng, d.split("/")[1], "Kubernetes"))
            w.stride.tick(False)
            n -= 1
        names = GO_FILE_NAMES[:]
        for i in range(len(names) - 1, 0, -1):
            j = rng.below(i + 1)
            names[i], names[j] = names[j], names[i]
        apis = any(seg in ("api", "apis") for seg in d.split("/")) and rng.chance(60)
        for k in range(n):
            name = names[k] if k < len(names) else f"extra{k}.go"
            rel = f"{d}/{name}"
            if rel in w.written:
                continue
            gen, rule = None, None
            if w.stride.tick():
                gen, rule = generate_line(rng, local_gen, (10, 5, 5), LARGE_REMOTE)
            exec_go = None
            if d.startswith("test/e2e/") and exec_planted < 2 and not name.endswith("_test.go"):
                exec_go = "./test/images/agnhost"
                exec_planted += 1
            text = go_file(rng, pkg, large_go_sizes(rng), test=name.endswith("_test.go"), generate=gen,
                           exec_go=exec_go, exec_other=rng.chance(3), owner="Kubernetes")
            planted = {rule: 1} if rule else {}
            if exec_go:
                planted["GR016"] = 1
            w.write(rel, text, planted)
        if apis:
            w.write(f"{d}/zz_generated.deepcopy.go", go_generated(rng, pkg, 20000 + rng.below(130000), "deepcopy-gen"))
            w.stride.tick(False)
            if rng.chance(50):
                w.write(f"{d}/zz_generated.conversion.go",
                        go_generated(rng, pkg, 30000 + rng.below(220000), "conversion-gen"))
                w.stride.tick(False)
            if d.startswith("staging/src/k8s.io/api/") and rng.chance(70):
                w.write(f"{d}/generated.pb.go", go_generated(rng, pkg, 100000 + rng.below(300000), "protoc-gen-gogo"))
                w.stride.tick(False)
                w.write(f"{d}/generated.proto", "syntax = \"proto2\";\n" + "message M { optional string a = 1; }\n" * 300)
        if rng.chance(20):
            w.write(f"{d}/OWNERS", owners(rng, pkg))
        if rng.chance(3):
            w.write(f"{d}/README.md", f"# {pkg}\n\nPackage {pkg} does one thing.\n" * 10)
        if rng.chance(7):
            large_testdata(w, d)
    large_build_files(w)
    large_vendor(w)
    summary = {"generator_version": GENERATOR_VERSION, "seed": seed, "shape": "large",
               "module": LARGE_MODULE, "packages": len(all_pkgs)}
    return summary, w


def large_testdata(w: Writer, d: str) -> None:
    """A testdata directory: skipped by check, rg and grep alike, but it
    holds go run callsites a walk that did not skip it would report."""
    rng = w.rng
    t = f"{d}/testdata"
    for i in range(1 + rng.below(5)):
        w.write(f"{t}/case{i}.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: case\n" * (1 + rng.below(30)))
    if rng.chance(40):
        w.write(f"{t}/fixture.go", go_file(rng, "fixture", 2000, generate="//go:generate go run ./gen -o fixture_gen.go"))
    if rng.chance(10):
        w.write(f"{t}/Makefile", "all:\n\tgo run ./cmd/fixture > out.txt\n")
    if rng.chance(10):
        w.write(f"{t}/run.sh", "#!/bin/sh\nset -e\ngo run ./cmd/fixture \"$@\"\n")


def large_build_files(w: Writer) -> None:
    """Makefiles and .mk includes, hack/ build/ cluster/ test/ scripts,
    workflows, a Procfile, Dockerfiles and other extension-less files."""
    rng = w.rng
    # The root Makefile and its includes (all named *.mk, so that rg and grep
    # globs see them: check also reads includes of any name).
    mks = ["common", "codegen", "release", "test", "verify", "platforms"]
    root = "# Root Makefile of the benchmark tree (modelled on kubernetes'; not measured).\n\n"
    root += "".join(f"include build/root/{m}.mk\n" for m in mks) + "\n"
    root += "KUBE_GIT_VERSION := $(shell go run ./hack/print-version)\n\n"
    text, _ = makefile(rng, "kubernetes", 12000, False, "go")
    w.write("Makefile", root + text, {"GR002": 1})
    extra = {
        "codegen": ("codegen-types:\n\tgo run ./hack/tools/typegen -all ./pkg/apis/...\n\n"
                    "codegen-docs:\n\tgo run ./cmd/genswaggertypedocs --func-dest=-\n\n", {"GR001": 2}),
        "verify": ("verify-logs:\n\tgo run sigs.k8s.io/logtools/logcheck@v0.8.2 ./...\n\n", {"GR003": 1}),
    }
    for m in mks:
        body, _ = makefile(rng, f"kubernetes-{m}", 2000 + rng.below(6000), False, rng.pick(["go", "c", "infra"]))
        add, planted = extra.get(m, ("", {}))
        w.write(f"build/root/{m}.mk", f"# {m} rules, included by the root Makefile.\n\n" + add + body, planted)
    w.write("build/pause/common.mk", "ARCH ?= amd64\nOS ?= linux\n")
    w.write("hack/make-rules/helpers.mk", "define log\n\t@echo \"+++ $(1)\"\nendef\n")
    makefile_dirs = (
        ["build/pause", "build/build-image/cross", "build/server-image", "build/dependencies"]
        + [f"cluster/images/{x}" for x in ("etcd", "etcd-version-monitor", "conformance", "kubemark")]
        + ["cluster/addons/fluentd-gcp", "test/images", "test/conformance/image", "test/e2e_node/remote"]
        + [f"test/images/{x}" for x in ("agnhost", "busybox", "jessie-dnsutils", "nginx", "pets/peer-finder",
                                         "regression-issue-74839", "resource-consumer", "sample-apiserver",
                                         "kitten", "nautilus", "node-perf/npb-ep", "apparmor-loader")]
        + ["staging/src/k8s.io/code-generator", "staging/src/k8s.io/kms/internal/plugins/_mock",
           "third_party/forked/golang", "third_party/multiarch/qemu-user-static", "hack/tools"]
    )
    special = {
        "cluster/images/etcd": ("migrate:\n\tgo run ./migrate --data-dir=$(DATA_DIR) --target-version=$(TARGET)\n\n",
                                {"GR001": 1}),
        "test/images": ("manifest:\n\tgo run github.com/estesp/manifest-tool/v2/cmd/manifest-tool@v2.1.6 push from-args"
                        " --platforms $(PLATFORMS) --template $(IMAGE)-ARCH --target $(IMAGE)\n\n", {"GR003": 1}),
    }
    for d in makefile_dirs:
        body, _ = makefile(rng, d.rsplit("/", 1)[1], 1500 + rng.below(5000), False,
                           rng.pick(["go", "go", "c", "infra"]))
        add, planted = special.get(d, ("", {}))
        w.write(f"{d}/Makefile", add + body, planted)
        if d.startswith(("test/images/", "cluster/images/", "build/")):
            w.write(f"{d}/Dockerfile", fill(DOCKERFILE, P=d.rsplit("/", 1)[1]))
            w.write(f"{d}/VERSION", f"1.{rng.below(60)}\n")
            if d.startswith("test/images/"):
                w.write(f"{d}/BASEIMAGE", "linux/amd64=registry.k8s.io/build-image/debian-base:bookworm-v1.0.3\n")
    # hack/: update-*.sh and verify-*.sh, lib/, make-rules/, jenkins/.
    planted_scripts = {
        "hack/update-openapi-spec.sh": (["go run k8s.io/kube-openapi/cmd/openapi-gen --output-dir api/openapi-spec"], "GR004"),
        "hack/update-codegen.sh": (["go run k8s.io/code-generator/cmd/deepcopy-gen --output-file zz_generated.deepcopy.go",
                                    "go run k8s.io/code-generator/cmd/conversion-gen --output-file zz_generated.conversion.go",
                                    "go run k8s.io/code-generator/cmd/defaulter-gen --output-file zz_generated.defaults.go"], "GR004"),
        "hack/update-generated-docs.sh": (["go run ./cmd/gendocs \"${OUTPUT}\"", "go run ./cmd/genman \"${OUTPUT}/man\""], "GR001"),
        "hack/verify-golangci-lint.sh": (["go run github.com/golangci/golangci-lint/cmd/golangci-lint@v1.59.1 run ./..."], "GR003"),
        "hack/verify-licenses.sh": (["go run github.com/google/go-licenses@v1.6.0 check ./..."], "GR003"),
        "hack/update-all": (["go run ./hack/tools/typegen --all"], "GR001"),
        "build/lib/release.sh": (["go run ./cmd/prune-junit-xml \"${ARTIFACTS}\"/junit*.xml"], "GR001"),
    }
    scripts = []
    for verb, share in (("update", 45), ("verify", 70)):
        for topic in UPDATE_TOPICS[:share]:
            scripts.append(f"hack/{verb}-{topic}.sh")
    scripts += [f"hack/{x}.sh" for x in ("install-etcd", "local-up-cluster", "ginkgo-e2e", "e2e-internal/e2e-up",
                                          "e2e-internal/e2e-down", "e2e-internal/e2e-status", "cherry_pick_pull",
                                          "dev-push-conformance", "pin-dependency", "print-workspace-status",
                                          "run-in-gopath", "test-cmd", "test-go", "test-integration", "benchmark-go")]
    scripts += [f"hack/lib/{x}.sh" for x in ("init", "golang", "util", "logging", "version", "etcd", "protoc",
                                              "test", "swagger", "verify-generated", "yaml", "platforms", "tools",
                                              "mac", "windows")]
    scripts += [f"hack/make-rules/{x}.sh" for x in ("build", "clean", "cross", "test", "test-cmd", "test-e2e-node",
                                                     "test-integration", "update", "verify", "vet", "helpers", "make-help")]
    scripts += [f"hack/jenkins/{x}.sh" for x in ("build", "test-dockerized", "verify-dockerized", "update-dockerized",
                                                  "benchmark-dockerized", "test-cmd-dockerized", "dockerized-e2e", "gotest")]
    scripts += [f"build/{x}.sh" for x in ("common", "release", "run", "shell", "copy-output", "make-clean",
                                           "package-tarballs", "release-images", "release-in-a-container", "util",
                                           "make-build-image", "lib/release", "lib/version", "lib/golang",
                                           "lib/util", "lib/docker", "pause/build", "build-image/cross/build",
                                           "server-image/build", "dependencies-check")]
    scripts += [f"cluster/{x}.sh" for x in ("kube-up", "kube-down", "kube-push", "kube-util", "get-kube",
                                             "get-kube-binaries", "common", "clientbin", "kubectl", "validate-cluster",
                                             "log-dump/log-dump", "gce/util", "gce/config-default", "gce/config-test",
                                             "gce/upgrade", "gce/upgrade-aliases", "gce/delete-stranded-load-balancers",
                                             "gce/gci/configure", "gce/gci/configure-helper", "gce/gci/master-helper",
                                             "gce/gci/node-helper", "gce/gci/health-monitor", "gce/gci/mounter/mounter",
                                             "gce/windows/smoke-test", "images/etcd/migrate-if-needed",
                                             "images/etcd/start-stop-etcd", "addons/addon-manager/kube-addons")]
    scripts += [f"test/cmd/{x}.sh" for x in ("apply", "apps", "auth", "batch", "certificate", "core", "crd",
                                              "create", "delete", "diff", "discovery", "events", "exec", "generic-resources",
                                              "get", "help", "kubeconfig", "legacy-script", "node-management", "plugins",
                                              "proxy", "rbac", "request-timeout", "run", "save-config", "storage",
                                              "template-output", "version", "wait", "debug")]
    scripts += [f"test/e2e_node/{x}.sh" for x in ("gubernator", "conformance/run_test", "environment/setup_host")]
    noext = ["hack/update-all", "hack/verify-all", "hack/local-up-cluster-dev", "hack/ginkgo-e2e-node",
             "build/run-in-container", "build/shell-in-container", "build/copy-output-tree",
             "cluster/gce/gci/kube-node-bootstrap"]
    for rel in sorted(set(scripts)) + noext:
        gorun, rule = planted_scripts.get(rel, ([], None))
        big = rel.startswith(("hack/lib/", "build/common", "cluster/gce/util", "cluster/gce/gci/configure-helper"))
        target = 20000 + rng.below(40000) if big else 1200 + rng.below(4000)
        w.write(rel, shell_script(rng, "Kubernetes build step", "kubernetes", target, gorun,
                                  decoy=rng.chance(10)), {rule: len(gorun)} if rule else None)
    w.write("hack/print-workspace-status-legacy", PYTHON_SCRIPT)
    w.write("hack/boilerplate/boilerplate.py", PYTHON_SCRIPT)
    w.write("hack/boilerplate/boilerplate.go.txt", LICENSE_HEADER)
    w.write("hack/local-up/Procfile",
            "etcd: etcd --data-dir=/tmp/etcd --listen-client-urls=http://127.0.0.1:2379\n"
            "apiserver: go run ./cmd/kube-apiserver --etcd-servers=http://127.0.0.1:2379\n"
            "scheduler: ./_output/bin/kube-scheduler --kubeconfig=/tmp/kubeconfig\n", {"GR001": 1})
    # Workflows, and other files under .github.
    planted_wf = {
        "codegen.yml": (step("go run ./hack/tools/typegen --verify", "verify generated types"), "GR001"),
        "govulncheck.yml": (step("go run golang.org/x/vuln/cmd/govulncheck@v1.1.3 ./...", "govulncheck"), "GR003"),
        "verify.yml": (step("go run ./...", "run everything", wd="hack/tools"), "GR005"),
        "typecheck.yml": (step("go run ./cmd/importverifier . hack/import-restrictions.yaml", "imports"), "GR001"),
        "docs.yml": (step("go run ./cmd/gendocs docs/", "docs"), "GR001"),
    }
    for name in LARGE_WORKFLOWS:
        steps = [step("make verify WHAT=" + name.split(".")[0], "verify"),
                 step("hack/make-rules/test.sh ./pkg/...", "unit")]
        planted = {}
        if name in planted_wf:
            s, rule = planted_wf[name]
            steps.insert(1, s)
            planted[rule] = 1
        w.write(f".github/workflows/{name}", workflow(name.split(".")[0], "pkg", "main", steps), planted)
    for name in ("bug-report.yaml", "enhancement.yaml", "failing-test.yaml", "config.yml"):
        w.write(f".github/ISSUE_TEMPLATE/{name}", "name: template\ndescription: x\nbody: []\n")
    w.write(".github/dependabot.yml", "version: 2\nupdates: []\n")
    w.write(".github/OWNERS", owners(rng, "github"))
    w.write(".github/PULL_REQUEST_TEMPLATE.md", "#### What type of PR is this?\n" * 20)
    # Non-read YAML and JSON: addons, test fixtures, manifests.
    for i in range(1500):
        area = rng.pick(["cluster/addons", "test/fixtures", "test/e2e/testing-manifests", "cluster/gce/manifests"])
        sub = rng.pick(LARGE_WORDS)
        ext = rng.pick([".yaml", ".yaml", ".json", ".yml"])
        w.write(f"{area}/{sub}/manifest-{i}{ext}",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports: [{port: 80}]\n"
                * (1 + rng.below(12)))


def large_vendor(w: Writer) -> None:
    """vendor/: modules.txt and several thousand .go files (with decoy
    go run callsites), skipped by check, rg and grep alike."""
    rng = w.rng
    w.write("vendor/modules.txt", "".join(f"# {m} v1.0.0\n## explicit; go 1.20\n{m}\n" for m in VENDOR_MODULES))
    w.write("vendor/k8s.io/kube-openapi/cmd/openapi-gen/main.go", fill(HELPER_MAIN, H="openapi-gen"))
    per = 6500 // len(VENDOR_MODULES)
    words = [w_ for w_ in LARGE_WORDS if not w_.startswith("v1")] + ["internal", "impl", "proto", "codec"]
    for m in VENDOR_MODULES:
        base = f"vendor/{m}"
        w.write(f"{base}/LICENSE", "Copyright (c) The Authors. All rights reserved.\n" * 25)
        if rng.chance(30):
            w.write(f"{base}/Makefile", "generate:\n\tgo run ./internal/cmd/generate\n\ntest:\n\tgo test ./...\n")
        if rng.chance(20):
            w.write(f"{base}/scripts/check.sh", "#!/bin/sh\nset -e\ngo run ./internal/cmd/check ./...\n")
        total = 0
        while total < per:
            d = base + "/" + "/".join(rng.pick(words) for _ in range(1 + rng.below(3)))
            n = 1 + rng.below(8)
            pkg = go_pkg_name(d.rsplit("/", 1)[1])
            for k in range(n):
                rel = f"{d}/{GO_FILE_NAMES[k]}"
                if rel in w.written:
                    continue
                gen = "//go:generate go run ./gen.go -output tables.go" if rng.chance(3) else None
                w.write(rel, go_file(rng, pkg, large_go_sizes(rng), test=False, generate=gen, owner="Vendor"))
            total += n


# --------------------------------------------------------------- census ---


def shell_shebang(head: bytes) -> bool:
    """scripts' is_script for a file without an extension."""
    if not head.startswith(b"#!"):
        return False
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if not words:
        return False
    prog = words[0].rsplit("/", 1)[-1]
    if prog == "env":
        rest = [x for x in words[1:] if not x.startswith("-") and "=" not in x]
        if not rest:
            return False
        prog = rest[0].rsplit("/", 1)[-1]
    return prog in ("sh", "bash", "dash", "ksh")


def read_kind(rel: str) -> str | None:
    """What check reads a walked file as (src/syntax/sources/mod.rs
    kind_of), with extension-less files split into shell scripts and the
    rest (check reads the head of both; only the first are scripts)."""
    parts = rel.split("/")
    name = parts[-1]
    if name in ("Makefile", "makefile", "GNUmakefile") or name.endswith((".mk", ".make")):
        return "makefile"
    if name == "Procfile" or (name.startswith("Procfile.") and len(name) > 9):
        return "procfile"
    if "." in name:
        ext = name.rsplit(".", 1)[1]
        if ext == "go":
            return "go"
        if ext in ("yml", "yaml") and parts[-3:-1] == [".github", "workflows"]:
            return "workflow"
        if ext in ("sh", "bash"):
            return "script"
        return None
    return "noext"


def census(out: str, planted: Planted) -> dict:
    """Walk the tree as check does (.git, vendor and testdata directories
    skipped; nothing in the trees is .gitignored) and count what check,
    rg and grep read."""
    kinds: dict[str, dict[str, int]] = {}
    not_walked = {"files": 0, "bytes": 0}
    other = {"files": 0, "bytes": 0}
    go_generate = 0
    workflow_names = set()
    for root, dirs, files in os.walk(out):
        rel_root = os.path.relpath(root, out).replace(os.sep, "/")
        rel_root = "" if rel_root == "." else rel_root + "/"
        for d in list(dirs):
            if d in (".git", "vendor", "testdata"):
                for r2, _, f2 in os.walk(os.path.join(root, d)):
                    not_walked["files"] += len(f2)
                    not_walked["bytes"] += sum(os.path.getsize(os.path.join(r2, f)) for f in f2)
        dirs[:] = sorted(d for d in dirs if d not in (".git", "vendor", "testdata"))
        for f in sorted(files):
            rel = rel_root + f
            if rel == "bench-manifest.json":
                continue
            data = open(os.path.join(root, f), "rb").read()
            kind = read_kind(rel)
            if kind is None:
                other["files"] += 1
                other["bytes"] += len(data)
                continue
            if kind == "noext":
                kind = "noext-script" if shell_shebang(data[:256]) else "noext-other"
            if kind == "workflow":
                workflow_names.add(f)
            text = data.decode("utf-8")
            lines = text.split("\n")
            k = kinds.setdefault(kind, {"files": 0, "bytes": 0, "pattern_lines": 0})
            k["files"] += 1
            k["bytes"] += len(data)
            k["pattern_lines"] += sum(1 for line in lines if FLOOR_PATTERN.search(line))
            if kind == "go" and any(line.startswith("//go:generate") for line in lines):
                go_generate += 1
    by_rule: dict[str, int] = {}
    by_kind: dict[str, dict[str, int]] = {}
    for rel, rules in planted.files.items():
        kind = read_kind(rel)
        if kind == "noext":
            kind = "noext-script"
        for rule, n in rules.items():
            by_rule[rule] = by_rule.get(rule, 0) + n
            k = by_kind.setdefault(kind or "?", {})
            k[rule] = k.get(rule, 0) + n
    return {
        "version": FLOOR_VERSION,
        "pattern": FLOOR_PATTERN.pattern,
        "check_files": sum(k["files"] for k in kinds.values()),
        "check_bytes": sum(k["bytes"] for k in kinds.values()),
        "pattern_lines": sum(k["pattern_lines"] for k in kinds.values()),
        "by_kind": dict(sorted(kinds.items())),
        "go_files": kinds.get("go", {}).get("files", 0),
        "go_generate_files": go_generate,
        "other_files": other,
        "not_walked": not_walked,
        "planted": dict(sorted(by_rule.items())),
        "planted_by_kind": dict(sorted(by_kind.items())),
        "planted_files": dict(sorted(planted.files.items())),
        "workflow_names": sorted(workflow_names),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="directory to create (must not exist, or be empty)")
    ap.add_argument("--files", type=int, default=400, help="number of Makefiles in the tree")
    ap.add_argument("--seed", type=int, default=4, help="random seed (default 4)")
    ap.add_argument("--every", type=int, default=20, help="one Makefile in EVERY has go run callsites")
    ap.add_argument("--size", type=int, default=None, help="bytes per Makefile (3000) or of the fix Makefile (30000)")
    ap.add_argument("--fix-makefile", action="store_true", help="write the single fix --diff input instead of a tree")
    ap.add_argument("--callsites", type=int, default=15, help="callsites in the fix Makefile")
    ap.add_argument("--mix", choices=sorted(MIXES), default="default",
                    help="kinds of projects: default (45%% Go, 25%% C, 15%% infra, 15%% docs) or go (all Go)")
    ap.add_argument("--sources", action="store_true",
                    help="tree mode: also Go code, scripts, Procfiles and workflows (floor.sh)")
    ap.add_argument("--shape", choices=["tree", "large"], default="tree",
                    help="tree (the default) or large: a large Go monorepo's shape (floor.sh)")
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    args = ap.parse_args()
    if args.sources and (args.fix_makefile or args.shape != "tree"):
        ap.error("--sources is for the tree mode")

    if os.path.exists(args.out):
        if args.force:
            shutil.rmtree(args.out)
        elif os.listdir(args.out):
            print(f"gen-tree.py: {args.out} exists and is not empty (use --force)", file=sys.stderr)
            return 2
    os.makedirs(args.out, exist_ok=True)
    if args.fix_makefile:
        summary = gen_fix_makefile(args.out, args.callsites, args.seed, args.size or 30000)
    elif args.shape == "large":
        summary, w = gen_large(args.out, args.seed)
        summary["floor"] = census(args.out, w.planted)
    elif args.sources:
        projects: list[Project] = []
        summary = gen_tree(args.out, args.files, args.seed, args.every, args.size or 3000, args.mix, projects)
        w = add_sources(args.out, projects, args.seed)
        summary["floor"] = census(args.out, w.planted)
        summary["files_total"] = summary["floor"]["check_files"] + summary["floor"]["other_files"]["files"]
    else:
        summary = gen_tree(args.out, args.files, args.seed, args.every, args.size or 3000, args.mix)
    with open(os.path.join(args.out, "bench-manifest.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    # (Without the per-file list of planted findings, which can be long.)
    shown = dict(summary)
    if "floor" in shown:
        shown["floor"] = {k: v for k, v in shown["floor"].items() if k != "planted_files"}
    print(json.dumps(shown, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
