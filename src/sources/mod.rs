//! Sources of shell text beyond Makefiles (issue 7): shell scripts,
//! `//go:generate` directives and CI workflow `run:` steps. Each turns its
//! text into [`crate::callsite::Callsite`]s with the same shell layer, so
//! classification, rules, allowlist and renderers work unchanged.

pub mod generate;
pub mod script;
pub mod workflow;
