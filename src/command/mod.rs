//! The command layer: what the user types and sees. [`cli`] parses the
//! arguments and runs one function per command; [`render`] writes a report
//! in each output format; [`baseline`], [`migrate`] and [`cache`] are the
//! commands beyond `check` and `fix`. It may use every layer below.

pub mod baseline;
pub mod cache;
pub mod cli;
pub mod man;
pub mod migrate;
pub mod render;
pub mod show;
