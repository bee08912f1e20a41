//! Suppressions: inline `# gorun-lint: allow <tool> -- <reason>` comments
//! (`//` in `.go` files) and how an allowlist key (config or comment) names
//! a callsite: by tool, by package as written, or by import path.

use regex::Regex;

use crate::lint::classify::Classified;
use crate::lint::diagnostic::RuleInfo;
use crate::syntax::callsite::Callsite;
use crate::syntax::source::SourceFile;
use crate::syntax::sources::Kind;

/// The code of the read-time rule (GR002), which a tool-wide allow entry
/// never silences: the table that holds it sits in a later stage (a test
/// there checks the two agree).
pub const READ_TIME_RULE: &str = "GR002";

/// What exempts a callsite: an inline comment (every rule, at that
/// callsite) or an allow entry of a config (its `rules`).
#[derive(Debug, Clone)]
pub struct Allowance {
    pub key: String,
    pub reason: String,
    /// The rules it silences; empty: every rule (an inline comment).
    pub rules: Vec<String>,
}

impl Allowance {
    /// Whether it silences `rule`'s finding at its callsite.
    pub fn covers(&self, rule: &RuleInfo) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|k| rule.is_selected_by(k))
    }
}

/// An inline `# gorun-lint: allow <tool> -- <reason>` comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub tool: String,
    pub reason: String,
    pub span: std::ops::Range<usize>,
    pub line: usize,
    pub used: bool,
}

/// Whether an allowlist key names this callsite: its tool, or its package
/// as written, without `./`, or as an import path; or, for a key written
/// as a relative path (`./scripts/rbacgen`), the package directory it
/// names from `key_base` (the config file's directory, or the file's own
/// base for an inline comment), however the callsite spells it (`cd
/// scripts/rbacgen && go run .`, `go run ../scripts/rbacgen`); a key that
/// is a `.go` file of it names the package too.
pub(crate) fn matches_key(
    key: &str,
    callsite: &Callsite,
    class: &Classified,
    key_base: Option<&std::path::Path>,
) -> bool {
    let key = key.trim();
    if class.tool.as_deref() == Some(key) {
        return true;
    }
    if let (Some(base), Some(dir)) = (key_base, class.dir()) {
        let relative = key == "." || key.starts_with("./") || key.starts_with("../");
        let named = crate::lint::paths::normalize(&base.join(key));
        // (A file of the package names it too: `./scripts/gen/main.go`.)
        if relative && (named == dir || (key.ends_with(".go") && named.parent() == Some(dir))) {
            return true;
        }
    }
    let norm = |s: &str| s.trim_start_matches("./").trim_end_matches('/').to_string();
    let written = callsite.target.text();
    if key == written || norm(key) == norm(&written) || norm(key) == norm(&class.package) {
        return true;
    }
    if let (Some(dir), Some(m)) = (class.dir(), class.module()) {
        if m.import_path(dir).as_deref() == Some(key) {
            return true;
        }
    }
    false
}

fn suppression_regex() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"#\s*gorun-lint:\s*allow\s+(\S+)(?:\s+--\s*(.*?))?\s*$")
            .expect("suppression regex compiles")
    })
}

/// `// gorun-lint: allow <tool> -- <reason>` in a `.go` file.
fn go_suppression_regex() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"//\s*gorun-lint:\s*allow\s+(\S+)(?:\s+--\s*(.*?))?\s*$")
            .expect("suppression regex compiles")
    })
}

pub(crate) fn find_suppressions(file: &SourceFile, kind: Kind) -> Vec<Suppression> {
    if !file.text.contains("gorun-lint:") {
        return Vec::new();
    }
    let re = match kind {
        Kind::Generate | Kind::Go => go_suppression_regex(),
        _ => suppression_regex(),
    };
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in file.text.split('\n').enumerate() {
        let l = line.trim_end_matches('\r');
        if let Some(c) = re.captures(l) {
            let m = c.get(0).expect("whole match");
            out.push(Suppression {
                tool: c[1].to_string(),
                reason: c.get(2).map(|r| r.as_str().to_string()).unwrap_or_default(),
                span: offset + m.start()..offset + m.end(),
                line: i + 1,
                used: false,
            });
        }
        offset += line.len() + 1;
    }
    out
}
