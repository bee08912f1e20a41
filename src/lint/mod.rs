//! The lint layer: the project on disk in, diagnostics with their fixes
//! out. It may use the syntax layer and [`crate::error`], never the
//! command layer; inside it each module belongs to a stage and uses only
//! its own and earlier ones (`tests/architecture.rs` holds both).
//!
//! The stages, in the order [`driver`] runs them: shared data
//! ([`diagnostic`], [`edit`], [`read`], [`par`]); settings ([`config`],
//! with the rules chosen; [`paths`], [`gomod`]); the project ([`discover`]
//! walks, [`prefilter`] drops what cannot matter, [`helper_sources`]);
//! callsite facts ([`classify`], [`allow`], [`naming`]); the units
//! ([`analysis`]: files read, includes followed, scripts placed, callsites
//! found and named); tree facts ([`guard`], [`helpers`]); [`rules`] (one
//! module per rule, each building its findings' fixes); fixes ([`fix`]:
//! the rules' intents made into edits, one routine applies them); the
//! report ([`check`]); the [`driver`].

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
pub mod timings;
