//! (stub until the script source lands)
use crate::callsite::Callsite;

pub struct ScriptContext<'a> {
    pub script_dir: String,
    pub repo_root: String,
    pub go_commands: &'a [String],
}

pub fn callsites(_text: &str, _ctx: &ScriptContext) -> Vec<Callsite> {
    Vec::new()
}

pub fn is_script(name: &str, head: &[u8]) -> bool {
    name.ends_with(".sh") || name.ends_with(".bash") || head.starts_with(b"#!/bin/sh")
}
