//! Fixes as data: edits (a byte range and its replacement) with an
//! applicability. Planning lives in [`plan`]; applying (and previewing) in
//! [`apply`]. Rules never write files.

use serde::Serialize;

pub mod apply;
pub mod plan;
pub mod sources;

/// Whether a fix may change behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps behaviour: applied by `fix`.
    Safe,
    /// May change behaviour: applied with `--unsafe-fixes`.
    Unsafe,
}
