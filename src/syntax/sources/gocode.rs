//! Go code that runs the go command: `exec.Command("go", "run", ...)` and
//! `exec.CommandContext(ctx, "go", "tool", ...)` calls in `.go` files
//! (issue 21). A test helper or a tool that shells out to `go run ./cmd/x`
//! caches a linked executable in GOCACHE on every change, as a Makefile's
//! `go run` does; in a test it runs on every `go test`.
//!
//! Why tree-sitter-go rather than a regex over the text: what makes a call
//! is Go's syntax, and a regex gets it wrong in the places that matter
//! here. A comment (`// exec.Command("go", "run", ...)`) or a string
//! (`fmt.Println("go run ./cmd/gen")`) holding the same characters is no
//! call; arguments span lines, hold nested calls with their own commas and
//! parentheses (`exec.Command("go", "run", filepath.Join(dir, "gen"))`),
//! raw strings and escapes; the package `os/exec` may be imported under
//! another name (`import ex "os/exec"`), which only the import declaration
//! says; and a variable's literal value (`goBin := "go"`) is found by its
//! declaration in the enclosing function. The grammar gives each of these
//! as a node with exact byte ranges, so spans point at the arguments
//! without re-scanning; the crate (the same tree-sitter 0.25 runtime the
//! Makefile grammar uses) costs a generated C parser and no new runtime.
//! Files that are not parsed: those that do not mention `os/exec`, and
//! those without a literal that can be the go command (`"go"`, a path
//! ending in `/go"`, a configured wrapper, in either kind of quotes): the
//! first argument must be one, directly or through an identifier bound
//! to one, which the file then holds too. (Half the files that import
//! `os/exec` run other programs only; parsing them was most of `check`'s
//! time on a large repository's shape. A go command spelled with escapes,
//! `"g\x6f"`, is not looked for.)
//!
//! What is read:
//!
//! - Calls of `Command` and `CommandContext` qualified by the name `os/exec`
//!   is imported under (`exec`, or the alias), or unqualified after a dot
//!   import. (A local variable that shadows the package name is not looked
//!   for: such code does not compile with `os/exec` used in the same scope.)
//! - The first argument (after the context for `CommandContext`) must be
//!   the go command, spelled as a literal: `"go"`, a path ending in `/go`,
//!   or a configured `go-commands` wrapper, directly or through an
//!   identifier with one literal binding. A go binary from anything else
//!   (`exec.Command(goBin, "run", ...)` with `goBin` a parameter, a field,
//!   `os.Getenv("GO")` or a function's result) is *skipped*, not reported
//!   as dynamic: most `exec.Command(bin, ...)` calls run something else,
//!   and nothing says this one is go.
//! - The arguments become the words of a command for
//!   [`callsite::from_command`], so verb, flags, package and program
//!   arguments are read as for every other source (`go test`, `go build`
//!   and `go vet` make no `go run` callsite). A string literal (interpreted
//!   or raw) is a literal word; an identifier whose only binding in the
//!   enclosing function (else at the file's top level) is a string literal
//!   (`const pkg = "./cmd/gen"`, `pkg := "./cmd/gen"`, never assigned
//!   again) is that literal; anything else (a variable, a call, a
//!   concatenation, `args...`) is a dynamic word, marked like a shell
//!   expansion, whose text is the expression as written: a package spelled
//!   so is classified dynamic.
//! - The working directory: a command started from Go runs in the
//!   process's working directory, which for a test is its package
//!   directory; gorun-lint takes the file's own directory for every file.
//!   When the call is assigned to a variable (`cmd := exec.Command(...)`)
//!   and the enclosing function sets `cmd.Dir` once, a relative literal
//!   moves it (`cmd.Dir = "../tools"`); an absolute path or an expression
//!   makes it unknown. `go -C dir` is applied as elsewhere.
//!
//! Not read: `sh -c "go run ..."` strings passed to exec, commands built in
//! a slice first (`exec.Command(args[0], args[1:]...)`), `&exec.Cmd{...}`
//! literals, and `syscall.Exec`.
//!
//! Spans: `span` runs from the go argument to the end of the package
//! argument (the call's arguments, as written); `line_span` is the whole
//! call expression, so an inline suppression on the line above the call's
//! first line applies.

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

use crate::syntax::callsite::{self, Callsite, Origin};
use crate::syntax::shell::{self, Command, Cwd, InString, Word};
use crate::syntax::vars::VarEnv;

/// The import path whose `Command` calls are read.
const EXEC: &str = "os/exec";

/// Whether a file's bytes may hold a callsite of this source: it names
/// `os/exec` and holds a literal that can be the go command (`"go"`,
/// `".../go"`, or one of the configured `go_commands`, in double quotes or
/// backquotes). The cheap test before any parsing.
pub fn may_matter(bytes: &[u8], go_commands: &[String]) -> bool {
    // Built once: every walked `.go` file is searched for it.
    static EXEC_FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let exec = EXEC_FINDER.get_or_init(|| memchr::memmem::Finder::new(EXEC));
    if exec.find(bytes).is_none() {
        return false;
    }
    let has = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    let quoted = |q: u8, body: &str| {
        let mut n = Vec::with_capacity(body.len() + 2);
        n.push(q);
        n.extend_from_slice(body.as_bytes());
        n.push(q);
        n
    };
    has(b"\"go\"")
        || has(b"`go`")
        || has(b"/go\"")
        || has(b"/go`")
        || go_commands
            .iter()
            .any(|c| has(&quoted(b'"', c)) || has(&quoted(b'`', c)))
}

thread_local! {
    /// One parser per thread: the analysis reads files on every core.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_go::LANGUAGE.into())
                .expect("the Go grammar matches the tree-sitter runtime");
            parser
        });
        parser.parse(text, None)
    })
}

/// The `go run`, `go build` and `go tool` callsites of one `.go` file's code,
/// with [`Origin::GoCode`], in file order. `vars` supplies the configured go
/// wrappers.
pub fn callsites(text: &str, vars: &VarEnv) -> Vec<Callsite> {
    if !may_matter(text.as_bytes(), vars.go_commands()) {
        return Vec::new();
    }
    let Some(tree) = parse(text) else {
        return Vec::new();
    };
    let root = tree.root_node();
    let nodes = descendants(root);
    let names = exec_names(&nodes, text);
    if names.qualified.is_empty() && !names.dot {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &call in nodes.iter().filter(|n| n.kind() == "call_expression") {
        let Some(skip) = exec_call(call, text, &names) else {
            continue;
        };
        let Some(args) = call.child_by_field_name("arguments") else {
            continue;
        };
        let mut cursor = args.walk();
        let words: Vec<Word> = args
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .skip(skip)
            .map(|e| word(e, text, root))
            .collect();
        let Some(first) = words.first() else {
            continue;
        };
        if first.literal().is_none()
            || (vars.go_spelling(first).is_none() && vars.exec_wrapper(first).is_none())
        {
            continue;
        }
        let command = Command {
            words,
            cwd: dir_of(call, text, root),
            depth: 0,
            in_string: InString::No,
            handed_by: None,
        };
        for c in &callsite::with_wrapped(std::slice::from_ref(&command), vars) {
            if let Some(cs) =
                callsite::from_command(c, vars, Origin::GoCode, call.byte_range(), false)
            {
                out.push(cs);
            }
        }
    }
    out.sort_by_key(|c| c.span.start);
    out
}

/// Every node of the tree, in document order (iteratively: deeply nested
/// code must not exhaust the stack).
fn descendants(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = root.walk();
    loop {
        out.push(c.node());
        if c.goto_first_child() {
            continue;
        }
        loop {
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return out;
            }
        }
    }
}

/// The names `os/exec` is imported under.
#[derive(Debug, Default)]
struct ExecNames {
    qualified: Vec<String>,
    /// `import . "os/exec"`.
    dot: bool,
}

fn exec_names(nodes: &[Node], text: &str) -> ExecNames {
    let mut names = ExecNames::default();
    for spec in nodes.iter().filter(|n| n.kind() == "import_spec") {
        let path = spec
            .child_by_field_name("path")
            .and_then(|p| string_value(p, text));
        if path.as_deref() != Some(EXEC) {
            continue;
        }
        match spec.child_by_field_name("name") {
            None => names.qualified.push("exec".into()),
            Some(n) if n.kind() == "dot" => names.dot = true,
            Some(n) if n.kind() == "package_identifier" => {
                names.qualified.push(text[n.byte_range()].to_string())
            }
            Some(_) => {}
        }
    }
    names
}

/// For a call of `exec.Command` or `exec.CommandContext`: how many leading
/// arguments come before the program (0, or 1 for the context).
fn exec_call(call: Node, text: &str, names: &ExecNames) -> Option<usize> {
    let f = call.child_by_field_name("function")?;
    let func = match f.kind() {
        "selector_expression" => {
            let operand = f.child_by_field_name("operand")?;
            let field = f.child_by_field_name("field")?;
            if operand.kind() != "identifier"
                || !names
                    .qualified
                    .iter()
                    .any(|q| *q == text[operand.byte_range()])
            {
                return None;
            }
            &text[field.byte_range()]
        }
        "identifier" if names.dot => &text[f.byte_range()],
        _ => return None,
    };
    match func {
        "Command" => Some(0),
        "CommandContext" => Some(1),
        _ => None,
    }
}

/// The value of a string literal node.
fn string_value(n: Node, text: &str) -> Option<String> {
    let r = n.byte_range();
    if r.end < r.start + 2 {
        return None;
    }
    match n.kind() {
        "interpreted_string_literal" => {
            super::generate::unquote(text, r.start + 1..r.end - 1).map(|m| m.text)
        }
        // Carriage returns are dropped from a raw string's value.
        "raw_string_literal" => Some(text[r.start + 1..r.end - 1].replace('\r', "")),
        _ => None,
    }
}

/// One argument as a word: a literal (a string, or an identifier bound to
/// one), else the expression as written, marked dynamic.
fn word(e: Node, text: &str, root: Node) -> Word {
    let literal = match e.kind() {
        "identifier" => resolve(e, text, root),
        _ => string_value(e, text),
    };
    match literal {
        Some(value) => Word {
            span: e.byte_range(),
            text: value,
            quoted: e.kind() != "identifier",
            make_ref: false,
            shell_expansion: false,
            assignment: false,
        },
        None => Word {
            span: e.byte_range(),
            text: text[e.byte_range()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            quoted: false,
            make_ref: false,
            shell_expansion: true,
            assignment: false,
        },
    }
}

/// The function (declaration, method or literal) a node is inside.
fn enclosing_function(n: Node) -> Option<Node> {
    let mut p = n.parent();
    while let Some(x) = p {
        if matches!(
            x.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        ) {
            return Some(x);
        }
        p = x.parent();
    }
    None
}

/// What a scope says about a name: its bindings' literal values (`None`
/// for a binding that is not a string literal), and whether it is assigned.
#[derive(Default)]
struct Bindings {
    values: Vec<Option<String>>,
    assigned: bool,
}

impl Bindings {
    fn literal(self) -> Option<String> {
        match (self.values.as_slice(), self.assigned) {
            ([Some(v)], false) => Some(v.clone()),
            _ => None,
        }
    }
}

/// The bindings of `name` in the nodes below `scope`: `name := "x"`,
/// `var name = "x"`, `const name = "x"`, range variables, parameters, and
/// assignments. `top_level`: only the `var` and `const` declarations
/// directly in the file.
fn bindings(scope: Node, name: &str, text: &str, top_level: bool) -> Bindings {
    let mut b = Bindings::default();
    let is_name = |n: Node| n.kind() == "identifier" && &text[n.byte_range()] == name;
    for n in descendants(scope) {
        match n.kind() {
            "short_var_declaration" | "assignment_statement" | "range_clause" if !top_level => {
                let (Some(left), right) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    continue;
                };
                let mut c = left.walk();
                let Some(k) = left.named_children(&mut c).position(is_name) else {
                    continue;
                };
                if n.kind() == "short_var_declaration" {
                    let value = right
                        .filter(|r| r.named_child_count() == left.named_child_count())
                        .and_then(|r| r.named_child(k))
                        .and_then(|v| string_value(v, text));
                    b.values.push(value);
                } else if n.kind() == "range_clause" {
                    b.values.push(None);
                } else {
                    b.assigned = true;
                }
            }
            "var_spec" | "const_spec" => {
                if top_level && !declared_at_top(n) {
                    continue;
                }
                let mut c = n.walk();
                let names: Vec<Node> = n.children_by_field_name("name", &mut c).collect();
                let Some(k) = names.iter().position(|&x| is_name(x)) else {
                    continue;
                };
                let value = n
                    .child_by_field_name("value")
                    .filter(|v| v.named_child_count() == names.len())
                    .and_then(|v| v.named_child(k))
                    .and_then(|v| string_value(v, text));
                b.values.push(value);
            }
            "parameter_declaration" | "variadic_parameter_declaration" if !top_level => {
                let mut c = n.walk();
                if n.children_by_field_name("name", &mut c).any(is_name) {
                    b.values.push(None);
                }
            }
            _ => {}
        }
    }
    b
}

/// A `var` or `const` spec declared at the file's top level (directly, or
/// in a parenthesised list).
fn declared_at_top(spec: Node) -> bool {
    let mut p = spec.parent();
    while let Some(x) = p {
        match x.kind() {
            "source_file" => return true,
            "var_declaration" | "const_declaration" | "var_spec_list" | "const_spec_list" => {}
            _ => return false,
        }
        p = x.parent();
    }
    false
}

/// The literal an identifier stands for: its one binding in the enclosing
/// function (parameters count), else its one top-level declaration in the
/// file, never assigned again.
fn resolve(ident: Node, text: &str, root: Node) -> Option<String> {
    let name = &text[ident.byte_range()];
    if let Some(f) = enclosing_function(ident) {
        let local = bindings(f, name, text, false);
        if !local.values.is_empty() || local.assigned {
            return local.literal();
        }
    }
    let mut top = bindings(root, name, text, true);
    // An assignment anywhere in the file rebinds a package-level variable.
    top.assigned = bindings(root, name, text, false).assigned;
    top.literal()
}

/// The working directory of the command a call makes: the package
/// directory, moved by a single `cmd.Dir = "..."` of the variable the call
/// is assigned to.
fn dir_of(call: Node, text: &str, root: Node) -> Cwd {
    let var = (|| {
        let list = call.parent().filter(|p| p.kind() == "expression_list")?;
        let stmt = list
            .parent()
            .filter(|p| matches!(p.kind(), "short_var_declaration" | "assignment_statement"))?;
        let left = stmt.child_by_field_name("left")?;
        let mut c = list.walk();
        let k = list.named_children(&mut c).position(|n| n == call)?;
        let v = left.named_child(k).filter(|v| v.kind() == "identifier")?;
        Some(&text[v.byte_range()])
    })();
    let Some(var) = var else {
        return Cwd::base();
    };
    let scope = enclosing_function(call).unwrap_or(root);
    let mut sets = Vec::new();
    for n in descendants(scope) {
        if n.kind() != "assignment_statement" {
            continue;
        }
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            continue;
        };
        let Some(target) = left
            .named_child(0)
            .filter(|_| left.named_child_count() == 1)
        else {
            continue;
        };
        let is_dir = target.kind() == "selector_expression"
            && target
                .child_by_field_name("operand")
                .is_some_and(|o| o.kind() == "identifier" && &text[o.byte_range()] == var)
            && target
                .child_by_field_name("field")
                .is_some_and(|f| &text[f.byte_range()] == "Dir");
        if is_dir {
            if let Some(value) = right.named_child(0) {
                sets.push(value);
            }
        }
    }
    let value = match sets.as_slice() {
        [] => return Cwd::base(),
        [one] => *one,
        _ => return Cwd::Unknown(format!("`{var}.Dir` is set more than once")),
    };
    let literal = match value.kind() {
        "identifier" => resolve(value, text, root),
        _ => string_value(value, text),
    };
    match literal {
        Some(d) if d.is_empty() => Cwd::base(),
        Some(d) if d.starts_with('/') => {
            Cwd::Unknown(format!("`{var}.Dir` is the absolute path `{d}`"))
        }
        Some(d) => Cwd::Known(shell::join_rel("", &d)),
        None => Cwd::Unknown(format!(
            "`{var}.Dir` is set to `{}`, known only when the program runs",
            &text[value.byte_range()]
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::callsite::{RunTarget, Verb};
    use crate::syntax::vars::GoSpelling;

    fn sites(t: &str) -> Vec<Callsite> {
        callsites(t, &VarEnv::new(&[]))
    }

    fn one(t: &str) -> Callsite {
        let mut cs = sites(t);
        assert_eq!(cs.len(), 1, "{cs:#?}");
        cs.remove(0)
    }

    fn file(body: &str) -> String {
        format!("package x\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n)\n\nvar _ = context.Background\n\nfunc f(ctx context.Context, goBin, pkg string) {{\n{body}\n}}\n")
    }

    fn args(cs: &Callsite) -> Vec<&str> {
        cs.args.iter().map(|w| w.text.as_str()).collect()
    }

    /// The prefilter passes every spelling of the go command the parser
    /// reads, and drops files that run only other programs.
    #[test]
    fn only_files_with_a_go_literal_are_parsed() {
        let none: &[String] = &[];
        for body in [
            "\texec.Command(\"go\", \"run\", \"./x\")",
            "\texec.Command(`go`, \"run\", \"./x\")",
            "\texec.Command(\"/usr/local/go/bin/go\", \"run\", \"./x\")",
            "\tg := \"go\"\n\texec.Command(g, \"run\", \"./x\")",
        ] {
            let t = file(body);
            assert!(may_matter(t.as_bytes(), none), "{body}");
            assert_eq!(sites(&t).len(), 1, "{body}");
        }
        // Other programs, a go file name, a binary from a parameter: not
        // parsed, and the parser finds nothing in them either.
        for body in [
            "\texec.Command(\"git\", \"status\")",
            "\texec.Command(\"cat\", \"main.go\")",
            "\texec.Command(goBin, \"run\", \"./x\")",
        ] {
            let t = file(body);
            assert!(!may_matter(t.as_bytes(), none), "{body}");
            assert!(sites(&t).is_empty(), "{body}");
        }
        // A configured wrapper is a go literal; without os/exec nothing is.
        let t = file("\texec.Command(\"./hack/gow\", \"run\", \"./x\")");
        assert!(!may_matter(t.as_bytes(), none));
        assert!(may_matter(t.as_bytes(), &["./hack/gow".into()]));
        assert!(!may_matter(b"package x\n\nvar s = \"go\"\n", none));
    }

    #[test]
    fn command_and_command_context() {
        let t = file("\texec.Command(\"go\", \"run\", \"./cmd/gen\", \"-o\", \"x\").Run()\n\texec.CommandContext(ctx, \"go\", \"run\", \"golang.org/x/tools/cmd/stringer@v0.30.0\", \"-type=Kind\").Run()");
        let cs = sites(&t);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].origin, Origin::GoCode);
        assert_eq!(cs[0].verb, Verb::Run);
        assert_eq!(cs[0].target.text(), "./cmd/gen");
        assert_eq!(args(&cs[0]), ["-o", "x"]);
        assert_eq!(&t[cs[0].span.clone()], "\"go\", \"run\", \"./cmd/gen\"");
        assert_eq!(
            &t[cs[0].line_span.clone()],
            "exec.Command(\"go\", \"run\", \"./cmd/gen\", \"-o\", \"x\")"
        );
        assert_eq!(cs[0].cwd, Cwd::base());
        assert_eq!(
            cs[1].target.text(),
            "golang.org/x/tools/cmd/stringer@v0.30.0"
        );
        assert_eq!(args(&cs[1]), ["-type=Kind"]);
    }

    #[test]
    fn aliases_and_dot_imports() {
        let t = "package x\n\nimport ex \"os/exec\"\n\nfunc f() { _ = ex.Command(\"go\", \"tool\", \"stringer\") }\n";
        let cs = one(t);
        assert_eq!(cs.verb, Verb::Tool);
        assert_eq!(cs.target.text(), "stringer");
        let t = "package x\n\nimport . \"os/exec\"\n\nfunc f() { _ = Command(\"go\", \"run\", \".\") }\n";
        assert_eq!(one(t).target.text(), ".");
        // `exec` without the import is another package; a blank import
        // names nothing.
        let t = "package x\n\nimport exec \"example.com/exec\"\n\nfunc f() { _ = exec.Command(\"go\", \"run\", \".\") } // os/exec\n";
        assert!(sites(t).is_empty());
        let t = "package x\n\nimport _ \"os/exec\"\n\nfunc f() { _ = exec.Command(\"go\", \"run\", \".\") }\n";
        assert!(sites(t).is_empty());
        // With an alias, plain `exec` is not the package.
        let t = "package x\n\nimport ex \"os/exec\"\n\nfunc f() { _ = exec.Command(\"go\", \"run\", \".\"); _ = ex.Cmd{} }\n";
        assert!(sites(t).is_empty());
    }

    #[test]
    fn lookalikes_are_not_callsites() {
        let t = file(
            "\t// exec.Command(\"go\", \"run\", \"./x\")\n\t/* exec.Command(\"go\", \"run\", \"./y\") */\n\tprintln(\"exec.Command(\\\"go\\\", \\\"run\\\", \\\"./z\\\")\")\n\texec.Command(\"go\", \"test\", \"-run\", \"TestX\")\n\texec.Command(\"go\", \"vet\", \"./...\")\n\texec.Command(\"gofmt\", \"run\")\n\texec.Command(\"go\")\n\texec.Command(\"go\", \"tool\", \"cover\")\n\texec.LookPath(\"go\")",
        );
        assert!(sites(&t).is_empty(), "{:#?}", sites(&t));
        // `go build` is a callsite of its own verb (the guard rules' input).
        let t = file("\texec.Command(\"go\", \"build\", \"-o\", \"bin/gen\", \"./cmd/gen\")");
        assert_eq!(one(&t).verb, Verb::Build);
    }

    #[test]
    fn the_go_binary() {
        // A parameter, a call or a field: skipped.
        for bin in ["goBin", "os.Getenv(\"GO\")", "cfg.Go"] {
            let t = file(&format!("\texec.Command({bin}, \"run\", \"./x\")"));
            assert!(sites(&t).is_empty(), "{bin}");
        }
        // A local literal, a constant, a path ending in `/go`.
        let t = file("\tgo_ := \"go\"\n\texec.Command(go_, \"run\", \"./x\")");
        let cs = one(&t);
        assert_eq!(&t[cs.go.span.clone()], "go_");
        let t = format!(
            "{}\nconst goCmd = \"go\"\n",
            file("\texec.Command(goCmd, \"run\", \"./x\")")
        );
        assert_eq!(one(&t).target.text(), "./x");
        let t = file("\texec.Command(\"/usr/local/go/bin/go\", \"run\", \"./x\")");
        assert_eq!(one(&t).spelling, GoSpelling::Literal);
        // Assigned again: not one value.
        let t = file("\tg := \"go\"\n\tg = \"gofmt\"\n\texec.Command(g, \"run\", \"./x\")");
        assert!(sites(&t).is_empty());
        // A configured wrapper.
        let t = file("\texec.Command(\"./hack/gow\", \"run\", \"./x\")");
        assert!(sites(&t).is_empty());
        let cs = callsites(&t, &VarEnv::new(&["./hack/gow".into()]));
        assert_eq!(cs.len(), 1);
    }

    #[test]
    fn dynamic_and_multiline_arguments() {
        let t = file("\tcmd := exec.Command(\n\t\t\"go\", \"run\",\n\t\t`./cmd/raw`, // the generator\n\t\tfilepath.Join(dir,\n\t\t\t\"out\"),\n\t)\n\t_ = cmd");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "./cmd/raw");
        assert_eq!(args(&cs), ["filepath.Join(dir, \"out\")"]);
        assert!(cs.args[0].shell_expansion);
        let t = file("\texec.Command(\"go\", \"run\", pkg, \"-v\")");
        let cs = one(&t);
        match &cs.target {
            RunTarget::Package(w) => {
                assert!(w.literal().is_none());
                assert_eq!(w.text, "pkg");
            }
            other => panic!("{other:?}"),
        }
        let t = file("\targs := []string{\"./x\"}\n\texec.Command(\"go\", append([]string{\"run\"}, args...)...)");
        assert!(sites(&t).is_empty());
        let t = file("\tflags := []string{\"-v\"}\n\texec.Command(\"go\", \"run\", \"-tags\", \"x\", \"./gen\", flags...)");
        let cs = one(&t);
        assert_eq!(cs.target.text(), "./gen");
        assert_eq!(cs.flags.len(), 1);
        assert_eq!(args(&cs), ["flags..."]);
    }

    #[test]
    fn working_directory() {
        let t = file("\tcmd := exec.Command(\"go\", \"run\", \"./gen\")\n\tcmd.Dir = \"../tools\"\n\t_ = cmd.Run()");
        assert_eq!(one(&t).cwd, Cwd::Known("../tools".into()));
        let t = file(
            "\tcmd := exec.Command(\"go\", \"run\", \"./gen\")\n\tcmd.Dir = pkg\n\t_ = cmd.Run()",
        );
        assert!(matches!(one(&t).cwd, Cwd::Unknown(_)));
        let t = file("\tvar cmd *exec.Cmd\n\tcmd = exec.Command(\"go\", \"run\", \"./gen\")\n\tcmd.Dir = \"/abs\"\n\t_ = cmd.Run()");
        assert!(matches!(one(&t).cwd, Cwd::Unknown(_)));
        // Another command's Dir does not move this one.
        let t = file("\tcmd := exec.Command(\"go\", \"run\", \"./gen\")\n\tother := exec.Command(\"ls\")\n\tother.Dir = \"x\"\n\t_ = cmd.Run()");
        assert_eq!(one(&t).cwd, Cwd::base());
        // `go -C dir run`.
        let t = file("\texec.Command(\"go\", \"-C\", \"tools\", \"run\", \"./gen\")");
        assert_eq!(one(&t).dir(), Cwd::Known("tools".into()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any mix of Go-ish tokens after the import: no panic, and every
        /// span is a slice of the text on character boundaries.
        #[test]
        fn spans_always_slice_the_text(
            tokens in proptest::collection::vec(
                proptest::sample::select(vec![
                    "exec.Command(", "exec.CommandContext(ctx, ", "ex.Command(", "Command(",
                    "\"go\"", "\"run\"", "\"tool\"", "\"./gen\"", "`./raw`", "\"\\q\"",
                    "\"é\"", ", ", ")", "(", "{", "}", "\n", "//", "/*", "*/", "g := \"go\"\n",
                    "cmd := ", "cmd.Dir = \"x\"\n", "args...", "pkg", "func f() {", "\"", "`",
                    "import ex \"os/exec\"\n", "import . \"os/exec\"\n", "\r",
                ]),
                0..40,
            )
        ) {
            let text = format!("package p\n\nimport \"os/exec\"\n\n{}", tokens.concat());
            for cs in sites(&text) {
                proptest::prop_assert!(text.get(cs.span.clone()).is_some(), "{:?}", text);
                proptest::prop_assert!(text.get(cs.line_span.clone()).is_some());
                for w in cs.args.iter().chain(cs.target.words()) {
                    proptest::prop_assert!(text.get(w.span.clone()).is_some());
                }
            }
        }
    }

    #[test]
    fn broken_code_does_not_panic() {
        for t in [
            "package x\nimport \"os/exec\"\nfunc f() { exec.Command(\"go\", \"run\", ",
            "import \"os/exec\"\nexec.Command(\"go\", \"run\", \"./x\")",
            "package x\nimport \"os/exec\"\nvar _ = exec.Command(\"go\", \"run\", \"\\q\")\n",
        ] {
            for cs in sites(t) {
                assert!(t.get(cs.span.clone()).is_some());
            }
        }
    }
}
