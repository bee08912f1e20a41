#!/usr/bin/env python3
"""Generate benchmark inputs for gorun-lint (issue 4). Python 3.11+, stdlib only.

Two modes:

  gen-tree.py --files N --out DIR [--seed S] [--every 20] [--size 3000] [--mix default|go]
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

  gen-tree.py --fix-makefile --out DIR [--seed S] [--callsites 15] [--size 30000]
      One Makefile of about --size bytes with --callsites repo-local
      `go run` callsites (8 distinct helpers), a go.mod and the helpers'
      sources: the `fix --diff` input.

Both are deterministic: the same arguments give byte-identical output (the
random generator is a splitmix64 written here, not `random`, so the output
does not depend on the Python version). A summary, with what gorun-lint and
grep are expected to find, is written to DIR/bench-manifest.json and printed.
"""

from __future__ import annotations

import argparse
import json
import os
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


def gen_tree(out: str, files: int, seed: int, every: int, size: int, mix: str) -> dict:
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
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    args = ap.parse_args()

    if os.path.exists(args.out):
        if args.force:
            shutil.rmtree(args.out)
        elif os.listdir(args.out):
            print(f"gen-tree.py: {args.out} exists and is not empty (use --force)", file=sys.stderr)
            return 2
    os.makedirs(args.out, exist_ok=True)
    if args.fix_makefile:
        summary = gen_fix_makefile(args.out, args.callsites, args.seed, args.size or 30000)
    else:
        summary = gen_tree(args.out, args.files, args.seed, args.every, args.size or 3000, args.mix)
    with open(os.path.join(args.out, "bench-manifest.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
