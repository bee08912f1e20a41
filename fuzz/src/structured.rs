//! Structured inputs: Makefiles assembled from the constructs real ones use,
//! so the fuzzer spends its time on the combinations that matter (a
//! `go run` after `cd` in a continued recipe line inside a conditional)
//! rather than on byte soup the parser rejects at once.

use arbitrary::Arbitrary;

const TARGETS: &[&str] = &[
    "gen",
    "all",
    "build",
    "clean",
    "lint",
    "%.out",
    "out/x.txt",
    "$(OUT)",
    ".PHONY",
    ".ONESHELL",
    "test",
];
const PREREQS: &[&str] = &[
    "a.txt",
    "gen",
    "$(wildcard x/*.go)",
    "go.mod",
    "_gen/bin/gen",
    "$(OUT)",
    "b c",
];
const VARS: &[&str] = &[
    "GO", "OUT", "VERSION", "TOOLS", "GOFLAGS", "X", "GOCMD", "GO_RUN",
];
const VALUES: &[&str] = &[
    "go",
    "$(shell go run ./scripts/gen)",
    "go run ./cmd/tool",
    "env -u GOOS -- go",
    "out",
    "$(TOOLS) x",
    "$(shell date)",
    "gen tool",
    "",
];
const PACKAGES: &[&str] = &[
    "./scripts/gen",
    "./cmd/tool",
    "./tools/x",
    ".",
    "./sub",
    "example.com/fz/cmd/tool",
    "golang.org/x/tools/cmd/stringer@v0.1.0",
    "./cmd/...",
    "$(PKG)",
    "$$pkg",
    "./missing",
    "../gen",
];
const FILES: &[&str] = &[
    "main.go",
    "./scripts/gen/main.go",
    "tools/x/main.go",
    "a.go b.go",
];
const DIRS: &[&str] = &[
    "scripts", "cmd", "tools/x", "..", "$(DIR)", "/tmp", "sub", ".",
];
const ENV: &[&str] = &[
    "CI=true",
    "GOOS=linux",
    "CGO_ENABLED=0",
    "X=\"a b\"",
    "GOFLAGS=-mod=mod",
];
const ARGS: &[&str] = &[
    "-o",
    "out.txt",
    "> gen.go",
    "$@",
    "$<",
    "\"quoted arg\"",
    "'single'",
    "--",
    "2>&1",
    "| tee log",
];
const FLAGS: &[&str] = &[
    "-tags",
    "-tags=x",
    "-mod=mod",
    "-C",
    "-exec",
    "-v",
    "-ldflags",
    "-race",
    "-trimpath",
];
const OTHER: &[&str] = &[
    "echo \"go run ./x\"",
    "go test -run TestX ./...",
    "go build -o bin/x ./cmd/tool",
    "mkdir -p out",
    "rm -rf _gen/bin",
    "@echo done",
    "true",
    "# go run ./commented",
    "case $$x in a) go run ./tools/x ;; esac",
    "for f in a b; do go run ./cmd/tool $$f; done",
];

fn pick<'a>(table: &'a [&'a str], i: u8) -> &'a str {
    table[i as usize % table.len()]
}

/// A whole Makefile.
#[derive(Arbitrary, Debug)]
pub struct Doc {
    pub items: Vec<Item>,
    pub crlf: bool,
    pub final_newline: bool,
}

#[derive(Arbitrary, Debug)]
pub enum Item {
    Rule(Rule),
    Assign {
        export: bool,
        name: u8,
        op: u8,
        value: u8,
        run: Option<Cmd>,
    },
    /// A conditional directive; they need not balance (make would complain,
    /// gorun-lint must not).
    Conditional(u8),
    Define {
        name: u8,
        body: Vec<Cmd>,
    },
    Include {
        kind: u8,
        file: u8,
    },
    Comment(u8),
    Blank,
    /// A few raw bytes (as text), for what the tables miss.
    Raw(String),
}

#[derive(Arbitrary, Debug)]
pub struct Rule {
    pub targets: Vec<u8>,
    pub double_colon: bool,
    pub prereqs: Vec<u8>,
    pub order_only: Option<Vec<u8>>,
    pub inline: Option<Cmd>,
    pub recipe: Vec<RecipeLine>,
}

#[derive(Arbitrary, Debug)]
pub struct RecipeLine {
    /// `@`, `-`, `+` prefixes (indices into them).
    pub prefixes: Vec<u8>,
    pub first: Cmd,
    pub rest: Vec<(u8, Cmd)>,
    /// A blank or comment line after this one (does not end the recipe).
    pub gap: Option<bool>,
}

#[derive(Arbitrary, Debug)]
pub struct Cmd {
    pub env: Vec<u8>,
    /// `env -u GOOS --`, `time`, `command`, a subshell, `$$(...)`, backticks,
    /// `$(shell ...)`, `if ...; then`.
    pub wrapper: u8,
    pub cd: Option<u8>,
    pub kind: Kind,
    /// Break the line with `\`-newline after the env prefix / inside the args.
    pub break_env: bool,
    pub break_args: bool,
}

#[derive(Arbitrary, Debug)]
pub enum Kind {
    GoRun {
        go: u8,
        flags: Vec<(u8, u8)>,
        target: Target,
        args: Vec<u8>,
    },
    Other(u8),
}

#[derive(Arbitrary, Debug)]
pub enum Target {
    Package(u8),
    Files(u8),
    Missing,
}

impl Doc {
    pub fn render(&self) -> String {
        let mut out = String::new();
        for item in self.items.iter().take(64) {
            item.render(&mut out);
        }
        if !self.final_newline && out.ends_with('\n') {
            out.pop();
        }
        if self.crlf {
            out = out.replace('\n', "\r\n");
        }
        out
    }
}

impl Item {
    fn render(&self, out: &mut String) {
        match self {
            Item::Rule(r) => r.render(out),
            Item::Assign {
                export,
                name,
                op,
                value,
                run,
            } => {
                if *export {
                    out.push_str("export ");
                }
                out.push_str(pick(VARS, *name));
                out.push_str(pick(
                    &[" = ", " := ", " ?= ", " += ", " != ", "::=", "?="],
                    *op,
                ));
                match run {
                    Some(c) if *op % 7 == 4 => c.render(out), // `!=`: shell text
                    Some(c) => {
                        out.push_str("$(shell ");
                        c.render(out);
                        out.push(')');
                    }
                    None => out.push_str(pick(VALUES, *value)),
                }
                out.push('\n');
            }
            Item::Conditional(k) => {
                out.push_str(pick(
                    &[
                        "ifeq ($(X),1)",
                        "ifneq ($(shell go run ./tools/x),)",
                        "ifdef CI",
                        "ifndef GO",
                        "else",
                        "endif",
                        "else ifeq ($(OS),Windows_NT)",
                    ],
                    *k,
                ));
                out.push('\n');
            }
            Item::Define { name, body } => {
                out.push_str("define ");
                out.push_str(pick(VARS, *name));
                out.push('\n');
                for c in body.iter().take(8) {
                    out.push('\t');
                    c.render(out);
                    out.push('\n');
                }
                out.push_str("endef\n");
            }
            Item::Include { kind, file } => {
                out.push_str(pick(&["include ", "-include ", "sinclude "], *kind));
                out.push_str(pick(
                    &["common.mk", "missing.mk", "$(X).mk", "Makefile", "*.mk"],
                    *file,
                ));
                out.push('\n');
            }
            Item::Comment(c) => {
                out.push_str(pick(
                    &[
                        "# a comment",
                        "# gorun-lint: allow gen -- generated at release only",
                        "# gorun-lint: allow nothing -- unused",
                        "#\tgo run ./scripts/gen",
                    ],
                    *c,
                ));
                out.push('\n');
            }
            Item::Blank => out.push('\n'),
            Item::Raw(s) => {
                out.push_str(&s.chars().take(32).collect::<String>());
                out.push('\n');
            }
        }
    }
}

impl Rule {
    fn render(&self, out: &mut String) {
        let targets: Vec<&str> = self
            .targets
            .iter()
            .take(3)
            .map(|&t| pick(TARGETS, t))
            .collect();
        out.push_str(&if targets.is_empty() {
            "gen".to_string()
        } else {
            targets.join(" ")
        });
        out.push_str(if self.double_colon { "::" } else { ":" });
        for &p in self.prereqs.iter().take(4) {
            out.push(' ');
            out.push_str(pick(PREREQS, p));
        }
        if let Some(oo) = &self.order_only {
            out.push_str(" |");
            for &p in oo.iter().take(3) {
                out.push(' ');
                out.push_str(pick(PREREQS, p));
            }
        }
        if let Some(c) = &self.inline {
            out.push_str(" ; ");
            c.render(out);
        }
        out.push('\n');
        for line in self.recipe.iter().take(8) {
            out.push('\t');
            for &p in line.prefixes.iter().take(3) {
                out.push(['@', '-', '+'][p as usize % 3]);
            }
            line.first.render(out);
            for (sep, c) in line.rest.iter().take(3) {
                out.push_str(pick(
                    &[" && ", " || ", "; ", " | ", " \\\n\t&& ", " ;\\\n\t"],
                    *sep,
                ));
                c.render(out);
            }
            out.push('\n');
            match line.gap {
                Some(true) => out.push('\n'),
                Some(false) => out.push_str("# between recipe lines\n"),
                None => {}
            }
        }
    }
}

impl Cmd {
    fn render(&self, out: &mut String) {
        let (open, close) = match self.wrapper % 10 {
            0 => ("env -u GOOS -- ", ""),
            1 => ("time ", ""),
            2 => ("command ", ""),
            3 => ("(", ")"),
            4 => ("x=$$(", ")"),
            5 => ("echo `", "`"),
            6 => ("echo $(shell ", ")"),
            7 => ("if true; then ", "; fi"),
            // An exec wrapper (the template's config) and GNU parallel.
            8 if self.wrapper % 20 < 10 => ("addlicense -file x.go ", ""),
            8 => ("parallel -j 2 ", " ::: a b"),
            _ => ("", ""),
        };
        if let Some(d) = self.cd {
            out.push_str("cd ");
            out.push_str(pick(DIRS, d));
            out.push_str(" && ");
        }
        out.push_str(open);
        for &e in self.env.iter().take(3) {
            out.push_str(pick(ENV, e));
            out.push(' ');
        }
        if self.break_env && !self.env.is_empty() {
            out.push_str("\\\n\t");
        }
        match &self.kind {
            Kind::GoRun {
                go,
                flags,
                target,
                args,
            } => {
                let go = pick(
                    &[
                        "go",
                        "$(GO)",
                        "${GO}",
                        "$(HOSTGO)",
                        "./tool/go",
                        "$(GOCMD)",
                        "$(GOROOT)/bin/go",
                        "$(GO_RUN)",
                    ],
                    *go,
                );
                out.push_str(go);
                if go != "$(GO_RUN)" {
                    out.push_str(" run"); // `$(GO_RUN)` holds `go run` itself
                }
                for &(f, v) in flags.iter().take(3) {
                    out.push(' ');
                    let flag = pick(FLAGS, f);
                    out.push_str(flag);
                    if matches!(flag, "-tags" | "-C" | "-exec" | "-ldflags") {
                        out.push(' ');
                        out.push_str(pick(&["x", "sub", "\"-s -w\"", "$(DIR)", "prog"], v));
                    }
                }
                match target {
                    Target::Package(p) => {
                        out.push(' ');
                        out.push_str(pick(PACKAGES, *p));
                    }
                    Target::Files(f) => {
                        out.push(' ');
                        out.push_str(pick(FILES, *f));
                    }
                    Target::Missing => {}
                }
                for (i, &a) in args.iter().take(4).enumerate() {
                    if self.break_args && i == 1 {
                        out.push_str(" \\\n\t\t");
                    } else {
                        out.push(' ');
                    }
                    out.push_str(pick(ARGS, a));
                }
            }
            Kind::Other(o) => out.push_str(pick(OTHER, *o)),
        }
        out.push_str(close);
    }
}
