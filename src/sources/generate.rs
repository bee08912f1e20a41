//! (stub until the go:generate source lands)
use crate::callsite::Callsite;

pub fn callsites(_text: &str, _gofile: &str, _package: &str) -> Vec<Callsite> {
    Vec::new()
}
