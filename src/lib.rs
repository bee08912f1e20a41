//! gorun-lint: find, fix and guard against `go run` callsites in Makefiles,
//! the shell scripts they run, `//go:generate` directives and CI workflows.
//!
//! The pipeline, one module per stage:
//! [`discover`] files → [`parse`] (tree-sitter-make, with the logical-line
//! reader where the grammar fails) or [`sources`] (scripts, directives,
//! workflow steps) → [`shell`] (the shell-text scan) →
//! [`callsite`] (the model every later stage reads) → [`classify`] (go.mod,
//! [`vars`], allowlist in [`analysis`]) → [`rules`] (one module per rule) →
//! [`fix`] (edits as data) → [`render`] or apply.

pub mod analysis;
pub mod baseline;
pub mod cache;
pub mod callsite;
pub mod check;
pub mod classify;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod fix;
pub mod gomod;
pub mod guard;
pub mod migrate;
pub mod par;
pub mod parse;
pub mod render;
pub mod rules;
pub mod shell;
pub mod source;
pub mod sources;
#[cfg(test)]
mod test_repo;
pub mod vars;
