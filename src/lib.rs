//! gorun-lint: find, fix and guard against `go run` callsites in Makefiles,
//! the shell scripts they run, `//go:generate` directives and CI workflows.
//!
//! Three layers, each using only those below it (`tests/architecture.rs`
//! holds them to that; ARCHITECTURE.md is the map):
//! - [`syntax`]: source text to [`syntax::callsite::Callsite`]s, without
//!   the file system;
//! - [`lint`]: the project on disk to diagnostics with their fixes (walk,
//!   read, facts, names, rules, fixes, the report);
//! - [`command`]: arguments, one function per command, renderers.
//!
//! [`error`] is the one type every layer shares.

pub mod command;
pub mod error;
pub mod lint;
pub mod syntax;
#[cfg(test)]
mod test_repo;
