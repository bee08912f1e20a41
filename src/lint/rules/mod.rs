//! Rules: one module per rule. Each module's `//!` comment is its
//! documentation (what it does, why, example, fix safety), printed by
//! `gorun-lint rule CODE` straight from the source, so it cannot drift.

use std::sync::Arc;

use crate::lint::analysis::Analysis;
use crate::lint::classify::Classified;
use crate::lint::diagnostic::{Diagnostic, HelperRef, RuleInfo, HELPER_TARGET};
use crate::syntax::callsite::Callsite;
use crate::syntax::source::SourceFile;

#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod clean_missing_out_dir;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod dependency_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Go examples need real tabs.
pub mod go_run_in_go_code;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod go_tool;
pub mod guard_common;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod helper_not_prerequisite;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod helper_stale_prerequisites;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod helper_without_output;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod local_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod out_dir_not_ignored;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod parse_error;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod phony_helper;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod read_time_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod remote_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod unresolved_go_run;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod unused_allow;
#[allow(clippy::tabs_in_doc_comments)] // Makefile examples need real tabs.
pub mod unused_helper;

/// Where a rule looks, and its check.
#[derive(Clone, Copy)]
pub enum Scope {
    /// Each classified `go run` callsite, once.
    Callsite(fn(&Site) -> Option<Diagnostic>),
    /// Each include tree's guard facts ([`crate::lint::guard::Tree`]).
    Tree(fn(&guard_common::GuardCtx) -> Vec<Diagnostic>),
    /// The report runs it where its input is: `go tool` callsites (GR015),
    /// allowlist entries and comments that matched nothing (GR006).
    Report,
}

/// A rule: its identity and documentation, and how it runs.
pub struct Rule {
    pub info: &'static RuleInfo,
    pub scope: Scope,
}

impl Rule {
    /// A rule run over each classified callsite.
    const fn callsite(info: &'static RuleInfo, check: fn(&Site) -> Option<Diagnostic>) -> Rule {
        Rule {
            info,
            scope: Scope::Callsite(check),
        }
    }

    /// A rule run over each include tree's guard facts.
    const fn tree(
        info: &'static RuleInfo,
        check: fn(&guard_common::GuardCtx) -> Vec<Diagnostic>,
    ) -> Rule {
        Rule {
            info,
            scope: Scope::Tree(check),
        }
    }

    /// A rule the report runs where its input is.
    const fn report(info: &'static RuleInfo) -> Rule {
        Rule {
            info,
            scope: Scope::Report,
        }
    }
}

/// Every rule, in code order: the one table of rules. A new rule is its
/// own module and one line here.
pub static TABLE: [Rule; 16] = [
    Rule::callsite(&local_go_run::RULE, local_go_run::check),
    Rule::callsite(&read_time_go_run::RULE, read_time_go_run::check),
    Rule::callsite(&remote_go_run::RULE, remote_go_run::check),
    Rule::callsite(&dependency_go_run::RULE, dependency_go_run::check),
    Rule::callsite(&unresolved_go_run::RULE, unresolved_go_run::check),
    Rule::report(&unused_allow::RULE),
    Rule::callsite(&parse_error::RULE, parse_error::check),
    Rule::tree(
        &helper_stale_prerequisites::RULE,
        helper_stale_prerequisites::check,
    ),
    Rule::tree(
        &helper_not_prerequisite::RULE,
        helper_not_prerequisite::check,
    ),
    Rule::tree(&phony_helper::RULE, phony_helper::check),
    Rule::tree(&helper_without_output::RULE, helper_without_output::check),
    Rule::tree(&clean_missing_out_dir::RULE, clean_missing_out_dir::check),
    Rule::tree(&out_dir_not_ignored::RULE, out_dir_not_ignored::check),
    Rule::tree(&unused_helper::RULE, unused_helper::check),
    Rule::callsite(&go_tool::RULE, go_tool::check_site),
    Rule::callsite(&go_run_in_go_code::RULE, go_run_in_go_code::check),
];

/// Every rule, in code order.
pub fn all() -> [&'static RuleInfo; 16] {
    std::array::from_fn(|i| TABLE[i].info)
}

/// Whether `key` selects some rule (what `--select`, `--ignore` and a
/// config's `ignore` may hold: a code, a name, or a code prefix).
pub fn is_rule(key: &str) -> bool {
    TABLE.iter().any(|r| r.info.is_selected_by(key))
}

/// Run the tree rules `wants` chooses over one include tree, in code
/// order.
pub fn check_guard(
    ctx: &guard_common::GuardCtx,
    wants: impl Fn(&RuleInfo) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in TABLE.iter().filter(|r| wants(r.info)) {
        if let Scope::Tree(check) = rule.scope {
            out.extend(check(ctx));
        }
    }
    out
}

/// A rule by code (`GR001`, any case) or name (`local-go-run`).
pub fn lookup(key: &str) -> Option<&'static RuleInfo> {
    TABLE.iter().map(|r| r.info).find(|r| r.is_named(key))
}

/// One classified callsite, as the per-callsite rules see it.
pub struct Site<'a> {
    /// The analysis it is part of, and its (file, site) index there: a
    /// rule's fix names the callsite by it, and may look at the files
    /// around it (a `define`'s consumers).
    pub analysis: &'a Analysis,
    pub index: (usize, usize),
    pub file: &'a Arc<SourceFile>,
    pub callsite: &'a Callsite,
    pub class: &'a Classified,
    /// The helper file target a fix creates, for repo-local callsites, as
    /// the rules write it before the helper is named
    /// ([`HELPER_TARGET`]), and the helper it is.
    pub target: Option<&'static str>,
    pub helper: Option<HelperRef>,
    /// For `NAME = $(shell go run ...)`: the variable is expanded when the
    /// Makefile is read somewhere.
    pub deferred_read_time: bool,
    /// For a script: which directory its relative paths were taken from.
    pub base_note: Option<&'a str>,
}

impl<'a> Site<'a> {
    /// Callsite `si` of file `fi` of the analysis, as the rules see it.
    pub fn new(analysis: &'a Analysis, fi: usize, si: usize) -> Site<'a> {
        let f = &analysis.files[fi];
        let s = &f.sites[si];
        // Named builds only: a site with a helper target.
        let helper = s
            .build
            .as_ref()
            .filter(|_| s.target.is_some())
            .map(|key| HelperRef {
                build: crate::lint::naming::build_id(&f.out_dir, key),
                dir: crate::lint::paths::relative(&f.base, &f.out_dir),
            });
        Site {
            analysis,
            index: (fi, si),
            file: &f.file,
            callsite: &s.callsite,
            class: &s.class,
            target: helper.as_ref().map(|_| HELPER_TARGET),
            helper,
            deferred_read_time: s.deferred_read_time,
            base_note: f.base_note.as_deref().filter(|_| s.assumed_base),
        }
    }

    /// Whether the callsite runs when the Makefile is read.
    pub fn read_time(&self) -> bool {
        match self.callsite.origin {
            crate::syntax::callsite::Origin::ReadTime { .. } => true,
            crate::syntax::callsite::Origin::Deferred { .. } => self.deferred_read_time,
            _ => false,
        }
    }

    pub fn diagnostic(&self, rule: &'static RuleInfo, message: String) -> Diagnostic {
        Diagnostic {
            rule,
            file: self.file.clone(),
            span: self.callsite.span.clone(),
            message,
            help: None,
            tool: self.class.tool.clone(),
            package: Some(self.class.package.clone()),
            target: None,
            helper: None,
            fix: None,
            exe: self.class.cached_exe(match &self.callsite.target {
                crate::syntax::callsite::RunTarget::Files(words) => {
                    Some(words.first().map_or("", |w| w.text.as_str()))
                }
                _ => None,
            }),
        }
    }

    /// Add [`Site::source_note`] to a diagnostic's message; `paths`: the
    /// finding depends on where relative paths lead (else a script's base
    /// is not worth a note).
    pub fn note_source(&self, mut d: Diagnostic, paths: bool) -> Diagnostic {
        let relevant = paths || self.callsite.origin != crate::syntax::callsite::Origin::Script;
        if let Some(n) = self.source_note().filter(|_| relevant) {
            d.message.push_str(&format!("; {n}"));
        }
        d
    }

    /// Where the callsite is, for messages: `None` for a Makefile recipe.
    pub fn source_note(&self) -> Option<String> {
        use crate::syntax::callsite::Origin;
        match &self.callsite.origin {
            Origin::Script => self.base_note.map(str::to_string),
            Origin::Workflow { job, step, .. } => {
                Some(format!("in workflow job `{job}`, step `{step}`"))
            }
            Origin::Procfile { process } => Some(format!("in Procfile process `{process}`")),
            _ => None,
        }
    }

    /// The help for a callsite no fix can rewrite, by where it is.
    /// Give `d` this callsite's helper fix where one is offered
    /// ([`local_go_run::offer`]): the help that says it (`how` the helper
    /// is built), the helper it names, and the `RunHelper` intent. Whether
    /// it was offered.
    pub fn offer_helper_fix(&self, d: &mut Diagnostic, how: &str) -> bool {
        let (fi, si) = self.index;
        let offered = local_go_run::offer(self.analysis, fi, &self.analysis.files[fi].sites[si]);
        let (Some(_), Some(applicability)) = (self.target, offered) else {
            return false;
        };
        let (help, description) = self.fix_words(how);
        d.helper = self.helper.clone();
        d.help = Some(help);
        d.fix = Some(crate::lint::diagnostic::Fix {
            applicability,
            description,
            intents: vec![crate::lint::diagnostic::Intent::RunHelper { file: fi, site: si }],
        });
        true
    }

    /// The help and the fix description of a callsite whose helper fix is
    /// offered: a file target, or in a workflow step the binary built in
    /// the runner's temp dir.
    fn fix_words(&self, how: &str) -> (String, String) {
        use crate::syntax::callsite::Origin;
        let target = self.target.unwrap_or("_gen/bin/<tool>");
        match &self.callsite.origin {
            Origin::Workflow { .. } => {
                let name = if self.target.is_some() {
                    crate::lint::diagnostic::HELPER_NAME
                } else {
                    "<tool>"
                };
                let bin = format!("$RUNNER_TEMP/gorun-lint/{name}");
                (
                    format!("build it once {how}into `{bin}` in the step and run the binary"),
                    format!("Run `{bin}`, built with `go build -o` in the step"),
                )
            }
            _ => (
                format!("build it once {how}as the file target `{target}` and run the binary"),
                format!(
                    "Run `{target}`, built by a `{}` file target",
                    if self.class.pinned_version().is_some() {
                        "go install"
                    } else {
                        "go build -o"
                    }
                ),
            ),
        }
    }

    pub fn manual_help(&self) -> Option<String> {
        use crate::syntax::callsite::Origin;
        let target = self.target.unwrap_or("_gen/bin/<tool>");
        let package = &self.class.package;
        match &self.callsite.origin {
            Origin::Generate => Some(format!(
                "no automatic fix for `//go:generate`: build it once (`go build -o {target} {package}`, a Makefile file target that the `go generate` target depends on) and run that binary in the directive, or allowlist it with a reason"
            )),
            Origin::Workflow { .. } => Some(format!(
                "no automatic fix for workflows: build it in an earlier step (`go build -o {target} {package}`, or the make target that does) and run the binary, or allowlist this CI-only helper with a reason"
            )),
            Origin::Procfile { .. } => {
                // The build runs from the Procfile's directory, not after
                // the process line's `cd`: name the package from there.
                let package = match (&self.callsite.target, self.class.dir()) {
                    (crate::syntax::callsite::RunTarget::Package(_), Some(dir)) => {
                        let f = &self.analysis.files[self.index.0];
                        match crate::lint::paths::relative(&f.base, dir) {
                            rel if rel == "." || rel.starts_with("../") => rel,
                            rel => format!("./{rel}"),
                        }
                    }
                    _ => package.clone(),
                };
                Some(format!(
                    "no automatic fix for Procfiles: build it once (`go build -o {target} {package}`, or the make target that does) and run the binary in the process line, or allowlist it with a reason"
                ))
            }
            _ => None,
        }
    }

    /// How the go command is spelled, for messages about assumed variables
    /// (the go command's, and those before it: `$(GO_ENV) go run`).
    pub fn spelling_note(&self) -> Option<String> {
        let mut notes = Vec::new();
        if let crate::syntax::vars::GoSpelling::Assumed { name } = &self.callsite.spelling {
            notes.push(format!(
                "`$({name})` is taken as the go command: its definition was not seen"
            ));
        }
        let words = |seen: bool| {
            let w: Vec<&str> = self
                .callsite
                .prefix_vars
                .iter()
                .filter(|p| p.seen == seen)
                .map(|p| p.word.text.as_str())
                .collect();
            (!w.is_empty()).then(|| w.join(" "))
        };
        if let Some(w) = words(true) {
            notes.push(format!(
                "run after `{w}` (env assignments, prefix commands)"
            ));
        }
        if let Some(w) = words(false) {
            notes.push(format!(
                "`{w}` before it is taken as env assignments or a prefix command: its definition was not seen"
            ));
        }
        if let Some(by) = &self.callsite.handed_by {
            notes.push(if self.callsite.watcher().is_some() {
                format!("`{by}` runs it again on every change it watches (no fix: a binary built once would not follow the changes)")
            } else {
                format!("run by `{by}`")
            });
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    }
}

/// Run the callsite rules `wants` chooses over one callsite, in code
/// order (rules a selection leaves out do not run).
pub fn check(site: &Site, wants: impl Fn(&RuleInfo) -> bool) -> Vec<Diagnostic> {
    // A callsite in Go code is GR016's alone, whatever its verb; else a
    // `go tool X` site (a go.mod `tool` directive) is GR015's alone, and the
    // other callsite rules read `go run`.
    let owner = if go_run_in_go_code::owns(site) {
        Some(&go_run_in_go_code::RULE)
    } else if site.callsite.verb == crate::syntax::callsite::Verb::Tool {
        Some(&go_tool::RULE)
    } else {
        None
    };
    let mut out = Vec::new();
    for rule in TABLE.iter().filter(|r| wants(r.info)) {
        let owned = [&go_tool::RULE, &go_run_in_go_code::RULE]
            .iter()
            .any(|r| std::ptr::eq(rule.info, *r));
        let runs = match owner {
            Some(o) => std::ptr::eq(rule.info, o),
            None => !owned,
        };
        if !runs {
            continue;
        }
        if let Scope::Callsite(check) = rule.scope {
            out.extend(check(site));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// The allowlist (a stage below) names the read-time rule by code.
    #[test]
    fn the_allowlist_names_the_read_time_rule() {
        assert_eq!(
            super::read_time_go_run::RULE.code,
            crate::lint::allow::READ_TIME_RULE
        );
    }
}
