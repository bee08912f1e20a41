//! tree-sitter-make: the primary parser. The query in
//! `queries/structure.scm` captures the items; this module turns captures into
//! [`Items`]. Rule lines are split by the shared [`parse_rule_header`], so a
//! rule means the same thing here and in the line reader.

use std::sync::OnceLock;

use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator};

use super::{
    lines, parse_rule_header, AssignOp, Assignment, Define, Include, Items, RecipeLine, Span,
};

const STRUCTURE: &str = include_str!("../../../queries/structure.scm");

fn language() -> Language {
    tree_sitter_make::LANGUAGE.into()
}

fn query() -> &'static Query {
    static QUERY: OnceLock<Query> = OnceLock::new();
    QUERY
        .get_or_init(|| Query::new(&language(), STRUCTURE).expect("queries/structure.scm compiles"))
}

/// A reusable tree-sitter parser for Makefiles (one per thread).
pub struct MakeParser {
    parser: Parser,
}

/// What the tree gave: items and the spans of ERROR / MISSING nodes.
pub(crate) struct Parsed {
    pub items: Items,
    pub errors: Vec<Span>,
}

impl Default for MakeParser {
    fn default() -> Self {
        MakeParser::new()
    }
}

impl MakeParser {
    pub fn new() -> MakeParser {
        let mut parser = Parser::new();
        parser
            .set_language(&language())
            .expect("tree-sitter-make is compatible with the linked tree-sitter");
        MakeParser { parser }
    }

    /// Parse `input`, the bytes tree-sitter reads (`src` itself, or `src`
    /// with its opaque text masked, offsets unchanged); items are read from
    /// `src`.
    pub(crate) fn parse(&mut self, src: &str, input: &[u8]) -> Parsed {
        debug_assert_eq!(src.len(), input.len());
        let mut items = Items::default();
        let mut errors = Vec::new();
        let Some(tree) = self.parser.parse(input, None) else {
            errors.push(0..src.len());
            return Parsed { items, errors };
        };
        let root = tree.root_node();
        if root.has_error() {
            collect_missing(root, &mut errors);
        }
        walk_captures(root, &mut |name, node, ancestry| match name {
            "rule" => {
                let (s, e, _) = lines::next_logical_line(src, node.start_byte());
                // The grammar's targets and prerequisites must end on the
                // rule line: after a trailing `|` (an empty order-only
                // list) tree-sitter-make reads the next line, the first
                // recipe line, as more prerequisites, without an ERROR.
                // Nor may anything else but the recipe: an unterminated
                // `(` in a prerequisite (`x: a(b; c`) is read as an archive
                // member list that runs over the recipe lines and the rules
                // below, with the ERROR inside the rule line only.
                let mut cursor = node.walk();
                let on_the_line = node
                    .named_children(&mut cursor)
                    .all(|c| c.kind() == "recipe" || c.end_byte() <= e);
                match parse_rule_header(src, s, e) {
                    Some(r) if on_the_line => items.rules.push(r),
                    // Not a rule line as make reads it: the grammar's error
                    // recovery made a rule of other lines (seen: an `else`
                    // without `ifeq` took the lines up to the next rule,
                    // `define`s included). Let the line reader read them.
                    _ => errors.push(node.byte_range()),
                }
            }
            "recipe.line" => items.recipe_lines.push(RecipeLine {
                span: node.byte_range(),
                rule_header: ancestry.rule,
                rule: None,
                in_conditional: ancestry.in_conditional,
                recovered: false,
            }),
            "assignment" | "assignment.shell" => {
                if let Some(a) = assignment(node, src) {
                    items.assignments.push(a);
                }
            }
            "define" => items.defines.push(define(node, src)),
            "include.files" => {
                let inc = node.parent().unwrap_or(node);
                let text = &src[inc.byte_range()];
                items.includes.push(Include {
                    files: lines::words_with_spans(src, node.start_byte(), node.end_byte()),
                    optional: text.starts_with('-') || text.starts_with("sinclude"),
                    span: without_line_break(src, inc.byte_range()),
                    recovered: false,
                });
            }
            "toplevel.call" => items
                .toplevel
                .push(without_line_break(src, node.byte_range())),
            "error" => errors.push(node.byte_range()),
            "recipeprefix" => errors.push(node.start_byte()..src.len()),
            _ => {}
        });
        Parsed { items, errors }
    }
}

/// Visit the nodes `queries/structure.scm` captures, with the same capture
/// names, by one cursor walk over the tree.
///
/// The query file is the declarative statement of what is read from the
/// tree; the walk is its fast path (the query engine cost as much as the
/// parse itself on ordinary Makefiles). A test runs both over every fixture
/// and requires the same captures.
pub fn walk_captures<'t>(root: Node<'t>, visit: &mut dyn FnMut(&'static str, Node<'t>, &Ancestry)) {
    let mut cursor = root.walk();
    // The ancestors of the cursor's node (`Node::parent` walks down from the
    // root each time, so it is not used here): kind, and what the node's
    // children know about their ancestors (kept per level, so that deep
    // nesting costs no rescan of the ancestors per node).
    let mut parents: Vec<(&'static str, Ancestry)> = Vec::new();
    let top = Ancestry {
        rule: None,
        in_conditional: false,
    };
    loop {
        let node = cursor.node();
        let parent_kind = parents.last().map(|p| p.0);
        let ancestry = parents.last().map_or(top, |p| p.1);
        let mut visit = |name: &'static str, n: Node<'t>| visit(name, n, &ancestry);
        let descend = match node.kind() {
            "rule" => {
                visit("rule", node);
                true
            }
            "recipe_line" => {
                visit("recipe.line", node);
                node.has_error()
            }
            "variable_assignment" => {
                visit("assignment", node);
                node.has_error()
            }
            "shell_assignment" => {
                visit("assignment.shell", node);
                node.has_error()
            }
            "define_directive" => {
                visit("define", node);
                node.has_error()
            }
            "include_directive" => {
                visit("include", node);
                if let Some(files) = node
                    .child_by_field_name("filenames")
                    .filter(|f| f.kind() == "list")
                {
                    visit("include.files", files);
                }
                node.has_error()
            }
            "function_call" | "shell_function"
                if parent_kind == Some("makefile")
                    || (parent_kind == Some("conditional")
                        && cursor.field_name() == Some("consequence")) =>
            {
                visit("toplevel.call", node);
                node.has_error()
            }
            "ifeq_directive" | "ifneq_directive" => {
                visit("toplevel.call", node);
                node.has_error()
            }
            "ERROR" => {
                visit("error", node);
                true
            }
            "RECIPEPREFIX_assignment" => {
                visit("recipeprefix", node);
                node.has_error()
            }
            "makefile" | "recipe" | "conditional" | "else_directive" | "elsif_directive"
            | "export_directive" | "override_directive" | "private_directive" => true,
            _ => node.has_error(),
        };
        if descend && cursor.goto_first_child() {
            parents.push((
                node.kind(),
                ancestry.child_of(node.kind(), node.start_byte()),
            ));
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            parents.pop();
        }
    }
}

/// What the walk knows about a node's ancestors.
#[derive(Debug, Clone, Copy)]
pub struct Ancestry {
    /// Start byte of the nearest enclosing `rule`.
    pub rule: Option<usize>,
    /// A `conditional` lies between the node and that rule.
    pub in_conditional: bool,
}

impl Ancestry {
    /// The ancestry of the children of a node of `kind` starting at `start`
    /// whose own ancestry is `self`.
    fn child_of(self, kind: &str, start: usize) -> Ancestry {
        match kind {
            "rule" => Ancestry {
                rule: Some(start),
                in_conditional: false,
            },
            "conditional" => Ancestry {
                in_conditional: true,
                ..self
            },
            _ => self,
        }
    }
}

/// The captures of `queries/structure.scm` run as a query (the reference the
/// walk is tested against).
pub fn query_captures<'t>(root: Node<'t>, src: &str) -> Vec<(&'static str, Node<'t>)> {
    let q = query();
    let names = q.capture_names();
    let mut out = Vec::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(q, root, src.as_bytes());
    while let Some(m) = matches.next() {
        for cap in m.captures {
            out.push((names[cap.index as usize], cap.node));
        }
    }
    out
}

fn collect_missing(node: Node, out: &mut Vec<Span>) {
    if node.is_missing() {
        out.push(node.start_byte()..node.end_byte().max(node.start_byte() + 1));
        return;
    }
    if !node.has_error() {
        return;
    }
    let mut c = node.walk();
    for child in node.children(&mut c) {
        collect_missing(child, out);
    }
}

fn assignment(node: Node, src: &str) -> Option<Assignment> {
    let name = node.child_by_field_name("name")?;
    let op_node = node.child_by_field_name("operator")?;
    let mut op = AssignOp::parse(&src[op_node.byte_range()])?;
    // tree-sitter-make reads `NAME?= x` (no blank before the operator) as
    // the name `NAME?` with `=`; make reads `NAME` with `?=`.
    let mut name_text = src[name.byte_range()].trim();
    if op == AssignOp::Recursive {
        for (suffix, real) in [
            ('?', AssignOp::Conditional),
            ('+', AssignOp::Append),
            ('!', AssignOp::Shell),
        ] {
            if let Some(n) = name_text.strip_suffix(suffix) {
                name_text = n;
                op = real;
            }
        }
    }
    let value = match node.child_by_field_name("value") {
        Some(v) => v.byte_range(),
        None => {
            // An empty value: just after the operator.
            let e = node.child_by_field_name("operator")?.end_byte();
            e..e
        }
    };
    let (_, end, _) = lines::next_logical_line(src, node.start_byte());
    Some(Assignment {
        name: name_text.to_string(),
        op,
        value: value.start..value.end.max(value.start),
        target_specific: node.child_by_field_name("target_or_pattern").is_some(),
        span: node.start_byte()..end.max(value.end),
        recovered: false,
    })
}

fn define(node: Node, src: &str) -> Define {
    let name = node
        .child_by_field_name("name")
        .map(|n| src[n.byte_range()].trim().to_string())
        .unwrap_or_default();
    let op = node
        .child_by_field_name("operator")
        .and_then(|o| AssignOp::parse(&src[o.byte_range()]))
        .unwrap_or(AssignOp::Recursive);
    let body = match node.child_by_field_name("value") {
        Some(v) => v.byte_range(),
        None => {
            let (_, _, next) = lines::next_logical_line(src, node.start_byte());
            next..next
        }
    };
    Define {
        name,
        op,
        body,
        span: without_line_break(src, node.byte_range()),
        recovered: false,
    }
}

/// `range` without the line breaks (and blanks) the grammar lets a
/// directive node end with: items span their lines, as the line reader
/// reads them, whatever follows.
fn without_line_break(src: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let text = &src[range.clone()];
    range.start..range.start + text.trim_end_matches([' ', '\t', '\r', '\n']).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Parsed {
        MakeParser::new().parse(src, src.as_bytes())
    }

    #[test]
    fn query_captures_rules_recipes_and_assignments() {
        let src = "GO ?= go\nV := $(shell go run ./v)\ngen: a | b\n\t@$(GO) run ./x\nifeq ($(A),1)\n\tgo run ./y\nendif\ndefine T\n\tgo run ./d\nendef\n-include x.mk\n";
        let p = parse(src);
        assert!(p.errors.is_empty());
        assert_eq!(p.items.rules.len(), 1);
        assert_eq!(p.items.rules[0].order_only, Some(vec!["b".into()]));
        let lines: Vec<&str> = p
            .items
            .recipe_lines
            .iter()
            .map(|l| &src[l.span.clone()])
            .collect();
        assert_eq!(lines, ["@$(GO) run ./x", "go run ./y"]);
        assert!(p
            .items
            .recipe_lines
            .iter()
            .all(|l| l.rule_header == Some(src.find("gen:").unwrap())));
        let names: Vec<&str> = p
            .items
            .assignments
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["GO", "V"]);
        assert_eq!(&src[p.items.defines[0].body.clone()], "\tgo run ./d\n");
        assert!(p.items.includes[0].optional);
        assert_eq!(p.items.includes[0].files[0].0, "x.mk");
    }

    #[test]
    fn a_rule_node_without_a_rule_line_is_an_error_region() {
        // Found by fuzzing: after `else` without `ifeq`, tree-sitter-make
        // read the following lines, a `define` and a rule, as one rule
        // whose "header" is `else`; the define was lost, so `$(GO)` was
        // taken for go only once text was appended.
        let src = "X = 1\nelse\nY != date\ndefine GO\nendef\n\nz: a\n\tgo build\n";
        let p = parse(src);
        let start = src.find("else").unwrap();
        assert!(
            p.errors
                .iter()
                .any(|e| e.start <= start && e.end > src.find("endef").unwrap()),
            "{:?}",
            p.errors
        );
        let doc = crate::syntax::parse::MakeDoc::parse(src, &mut MakeParser::new());
        assert_eq!(doc.defines.len(), 1);
        assert!(doc.rules.iter().any(|r| r.targets == ["z"]));
    }

    #[test]
    fn a_trailing_pipe_does_not_swallow_the_first_recipe_line() {
        // Found by fuzzing: `gen: a |` made tree-sitter-make read the next
        // line as order-only prerequisites, so its callsite was missed.
        for src in [
            "gen: a |\n\tgo run ./x\n",
            "gen: |\r\n\ttime go run ./x; echo\r\n",
        ] {
            let doc = crate::syntax::parse::MakeDoc::parse(src, &mut MakeParser::new());
            assert_eq!(doc.rules.len(), 1, "{src:?}");
            assert_eq!(doc.rules[0].order_only, Some(vec![]));
            let lines: Vec<&str> = doc
                .recipe_lines
                .iter()
                .map(|l| &src[l.span.clone()])
                .collect();
            assert_eq!(lines.len(), 1, "{src:?}");
            assert!(lines[0].contains("go run ./x"), "{lines:?}");
            assert_eq!(doc.recipe_lines[0].rule, Some(0));
        }
    }

    #[test]
    fn deeply_nested_conditionals_are_linear() {
        // Found by the bad-input tests: the walk rescanned every ancestor
        // per node, so 100k nested `ifeq`s took minutes.
        let n = 20_000;
        let src = format!(
            "{}gen:\n\tgo run ./x\n{}",
            "ifeq (a,b)\n".repeat(n),
            "endif\n".repeat(n)
        );
        let start = std::time::Instant::now();
        let p = parse(&src);
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        let line = &p.items.recipe_lines[0];
        assert_eq!(&src[line.span.clone()], "go run ./x");
        assert_eq!(line.rule_header, src.find("gen:"));
        assert!(!line.in_conditional, "the conditional is around the rule");
        let inner = parse("x:\nifdef A\n\tgo run ./y\nendif\n");
        assert!(inner.items.recipe_lines[0].in_conditional);
        assert_eq!(inner.items.recipe_lines[0].rule_header, Some(0));
    }

    /// The cursor walk captures exactly what the query file captures, on
    /// every fixture Makefile.
    #[test]
    fn walk_agrees_with_the_query_on_every_fixture() {
        let files = crate::test_repo::fixture_makefiles();
        let mut parser = Parser::new();
        parser.set_language(&language()).unwrap();
        for (path, src) in &files {
            let tree = parser.parse(src, None).unwrap();
            let key =
                |(n, node): &(&str, Node)| (node.start_byte(), node.end_byte(), n.to_string());
            let mut want: Vec<_> = query_captures(tree.root_node(), src)
                .iter()
                .map(key)
                .collect();
            let mut got = Vec::new();
            walk_captures(tree.root_node(), &mut |n, node, _| {
                got.push((node.start_byte(), node.end_byte(), n.to_string()))
            });
            want.sort();
            want.dedup();
            got.sort();
            got.dedup();
            assert_eq!(got, want, "{}", path.display());
        }
        assert!(
            files.len() > 30,
            "only {} fixture Makefiles found",
            files.len()
        );
    }

    #[test]
    fn recipe_prefix_gives_error_nodes() {
        let p = parse(".RECIPEPREFIX = >\nx:\n>go run ./z\n");
        assert!(!p.errors.is_empty());
    }
}
