//! The fix stage: the rules' fixes ([`crate::lint::diagnostic::Fix`]) made
//! into edits ([`crate::lint::edit`]) in [`plan`], checked, previewed and
//! applied in [`apply`]. Rules never write files.

pub mod apply;
pub mod plan;
