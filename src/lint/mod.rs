//! The lint layer: the project on disk in, diagnostics with their fixes
//! out. It may use the syntax layer and [`crate::error`], never the
//! command layer (a test holds it to that).
//!
//! Its stages, in the order the driver runs them: settings ([`config`]:
//! `.gorun-lint.toml` and the options); the project ([`discover`] walks,
//! [`analysis`] reads, prefilters, follows includes and places scripts,
//! [`read`] is the one place files are read); facts ([`gomod`] and
//! [`classify`] say what a callsite runs, [`guard`] what the helper
//! targets are, [`fix::naming`] names the helpers); [`rules`] (one module
//! per rule); fixes ([`fix`]: edits as data, one routine applies them); the
//! report ([`diagnostic`], [`check`]).

pub mod allow;
pub mod analysis;
pub mod check;
pub mod classify;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod driver;
pub mod edit;
pub mod fix;
pub mod gomod;
pub mod guard;
pub mod helper_sources;
pub mod helpers;
pub mod naming;
pub mod par;
pub mod paths;
pub mod prefilter;
pub mod read;
pub mod rules;
