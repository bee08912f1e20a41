//! Fuzzing gorun-lint: the promises every input is checked against
//! ([`promises`]) and the structured input model ([`structured`]).

pub mod promises;
pub mod structured;

pub use promises::check_and_fix;
