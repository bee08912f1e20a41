//! The prefilter: whether a walked Makefile's bytes can matter at all,
//! decided before it is parsed. Most Makefiles of a large tree hold no `go
//! run`; reading them through tree-sitter would cost most of a run. A
//! handful of memchr searches (`run`, `RUN`, `include`, `tool`, `.sh`, the
//! out dir, a suppression comment) over the bytes already read say which
//! can hold a callsite, a helper target or an include; the rest are dropped
//! with only their path's hash kept. It errs on the side of reading: a word
//! that might be the go command counts, and only lines that run nothing
//! however make reads them (a comment, an echoed string) are passed over.

/// Whether a file's bytes can matter: a callsite needs a `run` word (or a
/// variable named like one), the guard rules need the out dir, and a file
/// that includes others decides their base directory. Everything else is skipped before parsing; a skipped
/// file that another one includes is read then.
pub(crate) fn may_matter(bytes: &[u8], out_dir: &str, go_commands: &[String]) -> Matter {
    if may_hold_go_run(bytes, out_dir, go_commands) {
        Matter::Full
    } else if finders()
        .tool
        .find_iter(bytes)
        .any(|i| word_after_go(bytes, i, 4, go_commands) && !runs_prebuilt_tool(&bytes[i + 4..]))
        || runs_a_script(bytes)
        || runs_a_sub_makefile(bytes)
    {
        Matter::Light
    } else {
        Matter::No
    }
}

/// Whether the text right after a `go tool` is a prebuilt toolchain tool
/// (`cover`, `vet`, ...), which caches nothing: blanks, the name, then a
/// blank, a command separator or the end.
fn runs_prebuilt_tool(after: &[u8]) -> bool {
    let start = after
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(after.len());
    let rest = &after[start..];
    let end = rest
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-'))
        .unwrap_or(rest.len());
    start > 0
        && matches!(
            rest.get(end),
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b')')
        )
        && std::str::from_utf8(&rest[..end]).is_ok_and(crate::syntax::callsite::is_prebuilt_tool)
}

/// How much of a Makefile needs reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matter {
    /// Nothing in it can be reported or matter to another file.
    No,
    /// Only informational findings (`go tool`) and the scripts its recipes
    /// run: the logical-line reader is enough, no tree-sitter parse.
    Light,
    /// It may hold a `go run` callsite, a helper target or an include.
    Full,
}

/// Whether a recipe may run a shell script by a literal path (`./x.sh`,
/// `bash scripts/gen.sh`): a word ending in `.sh` without glob or variable.
/// Whether a line runs `$(MAKE) ... -f file`: that file's recipes run in
/// this one's directory (its base).
fn runs_a_sub_makefile(bytes: &[u8]) -> bool {
    finders().make.find_iter(bytes).any(|i| {
        let rest = &bytes[i..];
        let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        memchr::memmem::find(line, b" -f").is_some()
    })
}

fn runs_a_script(bytes: &[u8]) -> bool {
    finders().sh.find_iter(bytes).any(|i| {
        let end_ok = bytes.get(i + 3).is_none_or(|c| {
            c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b'|' | b')' | b'"' | b'\'')
        });
        let start = bytes[..i]
            .iter()
            .rposition(|c| {
                c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b'|' | b'(' | b'"' | b'\'')
            })
            .map_or(0, |p| p + 1);
        end_ok
            && i > start
            && !bytes[start..i]
                .iter()
                .any(|c| matches!(c, b'*' | b'?' | b'$' | b'%' | b'['))
    })
}

/// The prefilter's searchers, built once (building one per file showed in
/// profiles).
struct Finders {
    run: memchr::memmem::Finder<'static>,
    upper: memchr::memmem::Finder<'static>,
    include: memchr::memmem::Finder<'static>,
    tool: memchr::memmem::Finder<'static>,
    sh: memchr::memmem::Finder<'static>,
    suppression: memchr::memmem::Finder<'static>,
    oneshell: memchr::memmem::Finder<'static>,
    define: memchr::memmem::Finder<'static>,
    make: memchr::memmem::Finder<'static>,
}

fn finders() -> &'static Finders {
    use memchr::memmem::Finder;
    static FINDERS: std::sync::OnceLock<Finders> = std::sync::OnceLock::new();
    FINDERS.get_or_init(|| Finders {
        run: Finder::new("run"),
        upper: Finder::new("RUN"),
        include: Finder::new("include"),
        tool: Finder::new("tool"),
        sh: Finder::new(".sh"),
        suppression: Finder::new("gorun-lint:"),
        oneshell: Finder::new("ONESHELL"),
        define: Finder::new("define"),
        make: Finder::new("MAKE"),
    })
}

fn may_hold_go_run(bytes: &[u8], out_dir: &str, go_commands: &[String]) -> bool {
    use memchr::memmem;
    let Finders {
        run,
        upper,
        include,
        suppression,
        oneshell,
        define,
        ..
    } = finders();
    // The guard rules read the out dir; suppression comments are checked
    // for use.
    if (!out_dir.is_empty() && memmem::find(bytes, out_dir.as_bytes()).is_some())
        || suppression.find(bytes).is_some()
    {
        return true;
    }
    // A variable holding `go run`: `$(GO_RUN)`, `$(GORUN)`.
    let run_variable = |i: usize| {
        matches!(bytes.get(i + 3), Some(b')' | b'}'))
            && (bytes[..i].ends_with(b"_") || bytes[..i].ends_with(b"GO"))
    };
    if upper.find_iter(bytes).any(run_variable) {
        return true;
    }
    // A `go run` on a comment line or in an echoed string runs nothing;
    // under `.ONESHELL` or in a `define` body a line may continue a quoted
    // string of the lines above, so there every mention counts.
    let lines_stand_alone = std::cell::OnceCell::new();
    let stand_alone = || {
        *lines_stand_alone
            .get_or_init(|| oneshell.find(bytes).is_none() && define.find(bytes).is_none())
    };
    if run
        .find_iter(bytes)
        .any(|i| run_after_go(bytes, i, go_commands) && !(stand_alone() && on_inert_line(bytes, i)))
    {
        return true;
    }
    // `include`, `-include` or `sinclude` as a directive: at the start of a
    // line, after blanks.
    include.find_iter(bytes).any(|i| {
        let line_start = memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |n| n + 1);
        let lead = &bytes[line_start..i];
        let lead = lead
            .strip_suffix(b"-")
            .or_else(|| lead.strip_suffix(b"s"))
            .unwrap_or(lead);
        let line_end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
        // Only literal names are followed (`-include $(DEPS)` is not).
        lead.iter().all(|c| *c == b' ' || *c == b'\t')
            && bytes.get(i + 7).is_none_or(|c| c.is_ascii_whitespace())
            && !bytes[i..line_end].contains(&b'$')
    })
}

/// Whether the byte at `i` lies on a line that runs nothing however make
/// reads it (a recipe line, or make text where a recipe prefix is only
/// blanks): a comment line without `$` (a recipe line's make references
/// are expanded even in a shell comment), or `echo`/`printf` of one
/// double-quoted string with no shell or make syntax in it but `$(NAME)`
/// references (no `;`, `=`, quotes, `$(shell`, ...: read as make text it
/// is no assignment and no inline recipe either). The line must not
/// continue the one above (`\`-newline).
fn on_inert_line(bytes: &[u8], i: usize) -> bool {
    let start = memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |n| n + 1);
    let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
    if start > 0 {
        let above = &bytes[..start - 1];
        if above.strip_suffix(b"\r").unwrap_or(above).ends_with(b"\\") {
            return false;
        }
    }
    let line = &bytes[start..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let lead = line
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(line.len());
    let rest = &line[lead..];
    if rest.first() == Some(&b'#') {
        return !rest.contains(&b'$');
    }
    let rest = &rest[rest
        .iter()
        .position(|c| !matches!(c, b'@' | b'-' | b'+'))
        .unwrap_or(rest.len())..];
    let Some(rest) = rest
        .strip_prefix(b"echo")
        .or_else(|| rest.strip_prefix(b"printf"))
    else {
        return false;
    };
    let blanks = rest
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(rest.len());
    let Some(quoted) = rest[blanks..].strip_prefix(b"\"") else {
        return false;
    };
    let Some(close) = memchr::memchr(b'"', quoted) else {
        return false;
    };
    if !quoted[close + 1..]
        .iter()
        .all(|c| matches!(c, b' ' | b'\t'))
        || blanks == 0
    {
        return false;
    }
    let body = &quoted[..close];
    let mut k = 0;
    while k < body.len() {
        match body[k] {
            b'$' => {
                // Only `$(NAME)` or `${NAME}`.
                let shut = match body.get(k + 1) {
                    Some(b'(') => b')',
                    Some(b'{') => b'}',
                    _ => return false,
                };
                let name_end = body[k + 2..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .map_or(body.len(), |n| k + 2 + n);
                if name_end == k + 2 || body.get(name_end) != Some(&shut) {
                    return false;
                }
                k = name_end + 1;
                continue;
            }
            b'\\' | b'\'' | b'`' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' | b'=' | b'{'
            | b'}' | b'\t' => return false,
            _ => {}
        }
        k += 1;
    }
    true
}

/// Whether the `run` at `i` may be the subcommand of a go command: a whole
/// word after blanks (or `\`-newlines) that follow `go`, a path ending in
/// `/go`, a reference (`$(GO)`, `${GO}`, `"$GO"`) or a configured wrapper;
/// or the end of a variable name (`$(go_run)`).
fn run_after_go(bytes: &[u8], i: usize, go_commands: &[String]) -> bool {
    word_after_go(bytes, i, 3, go_commands)
}

/// Whether the `len`-byte word at `i` may be the subcommand of a go command
/// (see [`run_after_go`]).
fn word_after_go(bytes: &[u8], i: usize, len: usize, go_commands: &[String]) -> bool {
    let after = bytes.get(i + len).copied();
    if matches!(after, Some(b')' | b'}')) && i > 0 && matches!(bytes[i - 1], b'_' | b'-') {
        return true;
    }
    if after.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
        return false;
    }
    let mut j = i;
    let mut blanks = false;
    while j > 0 && matches!(bytes[j - 1], b' ' | b'\t' | b'\n' | b'\r' | b'\\') {
        j -= 1;
        blanks = true;
    }
    if !blanks || j == 0 {
        return false;
    }
    let before = &bytes[..j];
    if matches!(before.last(), Some(b')' | b'}' | b'"' | b'\'')) {
        return true;
    }
    let word_start = before
        .iter()
        .rposition(|c| {
            c.is_ascii_whitespace()
                || matches!(c, b'(' | b';' | b'&' | b'|' | b'`' | b'@' | b'-' | b'+')
        })
        .map_or(0, |p| p + 1);
    let word = &before[word_start..];
    word == b"go"
        || word.ends_with(b"/go")
        || go_commands.iter().any(|g| {
            let name = g.rsplit('/').next().unwrap_or(g);
            !name.is_empty() && word.ends_with(name.as_bytes())
        })
}

#[cfg(test)]
mod tests {
    use super::{may_matter, Matter};

    fn matter(t: &str) -> Matter {
        may_matter(t.as_bytes(), "_gen/bin", &["./hack/gow".to_string()])
    }

    #[test]
    fn go_tool_and_script_runs_get_the_line_reader() {
        for t in [
            "x:
	go tool stringer -type=Kind",
            "x:
	go tool pprof -top cpu.out",
            "x:
	$(GO) tool -modfile=tools.mod stringer",
            "x:
	./scripts/gen.sh",
            "x:
	bash scripts/gen.sh --all",
            "x:
	cd hack && ./update.sh; echo done",
        ] {
            assert_eq!(matter(t), Matter::Light, "{t:?}");
        }
        for t in [
            "x:
	shellcheck scripts/*.sh",
            "x:
	for s in $(SCRIPTS:%=%.sh); do :; done",
            "x:
	cp a.shared b",
            "x:
	go test ./tools/...",
            // The toolchain's prebuilt tools cache nothing.
            "x:
	go tool cover -html=c.out",
            "x:
	$(GO) tool vet ./...",
            "x:
	go tool compile -V; go tool link -V",
        ] {
            assert_eq!(matter(t), Matter::No, "{t:?}");
        }
        assert_eq!(
            matter(
                "x:
	go tool cover
	go run ./a"
            ),
            Matter::Full
        );
    }

    #[test]
    fn prefilter_keeps_what_may_hold_a_callsite() {
        let keep = |t: &str| matter(t) == Matter::Full;
        for t in [
            "x:\n\tgo run ./a",
            "x:\n\t$(GO) run ./a",
            "x:\n\t${GO} run ./a",
            "x:\n\tgo \\\n\t\trun ./a",
            "x:\n\t$(GO_RUN) ./a",
            "x:\n\t$(go_run) ./a",
            "x:\n\t/usr/local/go/bin/go run ./a",
            "x:\n\t./hack/gow run ./a",
            "x:\n\tCI=1 \"$GO\" run ./a",
            "include mk/x.mk\n",
            "-include mk/x.mk\n",
            "x:\n\t$(GORUN) ./a",
            "x:\n\t_gen/bin/tool\n",
            // Mentions that run nothing do not count, other mentions do.
            "# go run ./a is slow\nx:\n\tgo run ./a",
            "x:\n\t@echo \"try: go run ./a\"\n\tgo run ./b",
            // A comment or echo line that continues the line above.
            "x:\n\tfoo \\\n# ; go run ./a",
            "x:\n\tfoo \\\n\techo \"try go run ./a\"",
            // Make references in a recipe's comment line are expanded.
            "x:\n\t# $(shell go run ./a)",
            // Not a plain echoed string.
            "x:\n\t@echo \"a\"; go run ./a",
            "x:\n\t@echo \"$$(go run ./a)\"",
            "x:\n\t@echo \"`go run ./a`\"",
            "x:\n\t@echo \"$(shell go run ./a)\"",
            "x:\n\t@echo \"a = go run ./a\"",
            "x:\n\t@echo \"a\" go run ./a",
            "x:\n\t@echo go run ./a",
            "x:\n\t@echo\"x go run ./a\"",
            "x:\n\t@echo \"a: b; go run ./a\"",
            "x:\n\t@echo 'x go run ./a'",
            // Lines may continue a quoted string of the lines above.
            ".ONESHELL:\nx:\n\techo \"a\n\t# \"; go run ./a",
            "define X\n\techo \"a\n# \"; go run ./a\nendef",
        ] {
            assert!(keep(t), "{t:?}");
        }
        for t in [
            "x:\n\tdocker run img",
            "x:\n\tgo test -run X",
            "x:\n\tnpm run build",
            "CFLAGS = -I include/a.h\n",
            "x: runner\n",
            "-include $(OBJS:.o=.d)\n",
            "x:\n\tgo test -run '$(RUN)' ./...",
            "# Note: do not use go run in CI.\nx:\n\tgo build ./...",
            "x:\n\t@echo \"for a quick try: go run ./cmd/$(PROJECT) --help\"",
            "x:\r\n\t@printf \"use go run ./a\"\r\n",
        ] {
            assert!(!keep(t), "{t:?}");
        }
    }
}
