//! The syntax layer: source text in, [`callsite::Callsite`]s out. It does
//! not know about the file system (a test holds it to that) or about any
//! layer above: what it needs of the project (a script's directories, the
//! configured go commands) it is handed as a small context value
//! ([`sources::SourceContext`]).
//!
//! [`source`] holds the text of one file and the one [`source::Span`];
//! [`parse`] reads a Makefile's structure (tree-sitter-make, with the
//! logical-line reader where the grammar fails); [`shell`] scans shell text
//! into commands; [`vars`] resolves make variables; [`callsite`] is the model
//! every later stage reads; [`sources`] reads scripts, `//go:generate`
//! directives and workflow steps into the same model.

pub mod callsite;
pub mod parse;
pub mod shell;
pub mod source;
pub mod sources;
pub mod vars;
