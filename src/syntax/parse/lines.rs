//! The logical-line reader: GNU make's own reading rules, used where
//! tree-sitter-make leaves ERROR regions and for `define` bodies.
//!
//! Make reads a file one logical line at a time (physical lines joined at an
//! odd number of trailing backslashes). After a rule line, every line that
//! starts with the recipe prefix (a tab, or `.RECIPEPREFIX`) belongs to that
//! rule's recipe; blank lines, comment lines and conditional directives do not
//! end the recipe. `define` bodies are taken verbatim up to the matching
//! `endef`.

use super::{
    find_assignment_op, parse_rule_header, split_words, AssignOp, Assignment, Define, Include,
    Items, RecipeLine, Span,
};

/// Start of the logical line containing `offset`.
pub fn logical_line_start(src: &str, offset: usize) -> usize {
    let b = src.as_bytes();
    let mut start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    // Walk back while the previous physical line is continued.
    while start > 0 {
        let prev_end = start - 1; // the '\n'
        let mut e = prev_end;
        if e > 0 && b[e - 1] == b'\r' {
            e -= 1;
        }
        if !ends_with_odd_backslashes(&b[..e]) {
            break;
        }
        start = src[..prev_end].rfind('\n').map_or(0, |i| i + 1);
    }
    start
}

/// End of the logical line containing `offset` (before its newline).
pub fn logical_line_end(src: &str, offset: usize) -> usize {
    next_logical_line(src, logical_line_start(src, offset)).1
}

fn ends_with_odd_backslashes(b: &[u8]) -> bool {
    b.iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

/// The logical line starting at `start`: `(start, content_end, next_start)`;
/// `content_end` excludes the line terminator.
pub fn next_logical_line(src: &str, start: usize) -> (usize, usize, usize) {
    let b = src.as_bytes();
    let mut i = start;
    loop {
        match memchr_nl(&b[i..]) {
            None => return (start, b.len(), b.len()),
            Some(n) => {
                let nl = i + n;
                let mut e = nl;
                if e > start && b[e - 1] == b'\r' {
                    e -= 1;
                }
                if ends_with_odd_backslashes(&b[i..e]) {
                    i = nl + 1;
                    continue;
                }
                return (start, e, nl + 1);
            }
        }
    }
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

const DIRECTIVES_COND: [&str; 6] = ["ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"];

/// Read `range` of `src` line by line.
pub(crate) fn read(src: &str, range: Span) -> Items {
    read_with(src, range, false)
}

/// Read a `define` body: as [`read`], except that a recipe-prefix line is a
/// recipe line even before any rule line (unless it is a conditional or
/// `define`), since a body expanded in a recipe is a canned recipe.
/// `\tCI=true go run ./x` there is a command with an env prefix, not the
/// assignment it would be at the top of a Makefile.
pub(crate) fn read_body(src: &str, range: Span) -> Items {
    read_with(src, range, true)
}

fn read_with(src: &str, range: Span, canned: bool) -> Items {
    let mut items = Items::default();
    // A char, not a byte: a non-ASCII `.RECIPEPREFIX` must not split a
    // UTF-8 sequence.
    let mut prefix = '\t';
    let mut rule: Option<usize> = None; // header start of the current rule
    let mut cond_depth = 0usize;
    // The conditional depth where the current rule was read: a recipe line
    // is in a conditional when one opened inside the recipe (a rule inside
    // `ifneq ... endif` has recipe lines that are not).
    let mut rule_depth = 0usize;
    let mut pos = range.start;
    while pos < range.end {
        let (start, end, next) = next_logical_line(src, pos);
        let end = end.min(range.end);
        let next = next.min(range.end).max(start + 1);
        pos = next;
        let line = &src[start..end];
        let plen = prefix.len_utf8();
        if line.starts_with(prefix)
            && (rule.is_some()
                || if canned {
                    !looks_like_block_directive(&line[plen..])
                } else {
                    !looks_like_directive(&line[plen..])
                })
        {
            items.recipe_lines.push(RecipeLine {
                span: start + plen..end,
                rule_header: rule,
                rule: None,
                in_conditional: cond_depth > if rule.is_some() { rule_depth } else { 0 },
                recovered: false,
            });
            continue;
        }
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let word = trimmed
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        match word {
            w if DIRECTIVES_COND.contains(&w) => {
                if matches!(w, "ifeq" | "ifneq") {
                    // The condition is expanded when read.
                    items.toplevel.push(start + lead..end);
                }
                match w {
                    "endif" => cond_depth = cond_depth.saturating_sub(1),
                    "else" => {}
                    _ => cond_depth += 1,
                }
                continue;
            }
            "define" => {
                let (define, after) = read_define(src, start, start + lead + 6, end, range.end);
                items.defines.push(define);
                pos = after;
                rule = None;
                continue;
            }
            "include" | "-include" | "sinclude" => {
                let names_start = start + lead + word.len();
                items.includes.push(Include {
                    files: words_with_spans(src, names_start, end),
                    optional: word != "include",
                    span: start..end,
                    recovered: false,
                });
                rule = None;
                continue;
            }
            "vpath" | "undefine" | "unexport" => {
                rule = None;
                continue;
            }
            _ => {}
        }
        // `export`, `override`, `private` may prefix an assignment.
        let mut body = start + lead;
        loop {
            let rest = &src[body..end];
            let w = rest.split(|c: char| c.is_whitespace()).next().unwrap_or("");
            if matches!(w, "export" | "override" | "private") && rest.len() > w.len() {
                body += w.len();
                body += src[body..end].len() - src[body..end].trim_start().len();
            } else {
                break;
            }
        }
        if let Some(a) = read_assignment(src, body, end, false) {
            if a.name == ".RECIPEPREFIX" {
                prefix = src[a.value.clone()].chars().next().unwrap_or('\t');
            }
            items.assignments.push(a);
            rule = None;
            continue;
        }
        if let Some(r) = parse_rule_header(src, start, end) {
            let header = r.header.start;
            // An inline recipe after `;`.
            if r.prereq_end < end && src.as_bytes()[r.prereq_end..end].contains(&b';') {
                let semi = r.prereq_end + src[r.prereq_end..end].find(';').unwrap_or(0);
                if src.as_bytes().get(semi) == Some(&b';') {
                    items.recipe_lines.push(RecipeLine {
                        span: semi + 1..end,
                        rule_header: Some(header),
                        rule: None,
                        in_conditional: false,
                        recovered: false,
                    });
                }
            }
            items.rules.push(r);
            rule = Some(header);
            rule_depth = cond_depth;
            continue;
        }
        // `target: NAME := value` (target-specific variable).
        if let Some(colon) = super::find_rule_colon(&src[start..end]) {
            let after = start + colon + 1;
            let mut vstart = after + (src[after..end].len() - src[after..end].trim_start().len());
            loop {
                let w = src[vstart..end]
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("");
                if matches!(w, "export" | "override" | "private") {
                    vstart += w.len();
                    vstart += src[vstart..end].len() - src[vstart..end].trim_start().len();
                } else {
                    break;
                }
            }
            if let Some(mut a) = read_assignment(src, vstart, end, true) {
                // The whole line, targets included, as the tree reads it.
                a.span.start = start + lead;
                items.assignments.push(a);
            }
            rule = None;
            continue;
        }
        // Anything else at the top level is make text expanded when read
        // (`$(eval ...)`, `$(foreach ...)`, `$(info ...)`).
        items.toplevel.push(start + lead..end);
        rule = None;
    }
    items
}

fn looks_like_directive(text: &str) -> bool {
    let w = text
        .trim_start()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    DIRECTIVES_COND.contains(&w)
        || matches!(
            w,
            "define" | "include" | "-include" | "sinclude" | "export" | "override"
        )
        || find_assignment_op(text).is_some()
}

/// A conditional or `define` line: directives that open or close blocks.
fn looks_like_block_directive(text: &str) -> bool {
    let w = text
        .trim_start()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    DIRECTIVES_COND.contains(&w) || matches!(w, "define" | "endef")
}

fn read_assignment(
    src: &str,
    start: usize,
    end: usize,
    target_specific: bool,
) -> Option<Assignment> {
    let text = &src[start..end];
    let (op_start, op_end, op) = find_assignment_op(text)?;
    let name = text[..op_start].trim();
    if name.is_empty() || name.split_whitespace().count() != 1 {
        return None;
    }
    let vstart = start + op_end + (text[op_end..].len() - text[op_end..].trim_start().len());
    Some(Assignment {
        name: name.to_string(),
        op,
        value: vstart..end,
        target_specific,
        span: start..end,
        recovered: false,
    })
}

/// Read `define NAME [op]` starting at `start`; returns the define and where
/// reading resumes (after the matching `endef` line).
fn read_define(
    src: &str,
    start: usize,
    after_kw: usize,
    end: usize,
    limit: usize,
) -> (Define, usize) {
    let head = src[after_kw..end].trim();
    let mut parts = head.split_whitespace();
    let name = parts.next().unwrap_or("").to_string();
    let op = parts
        .next()
        .and_then(AssignOp::parse)
        .unwrap_or(AssignOp::Recursive);
    let (_, _, mut pos) = next_logical_line(src, start);
    let body_start = pos.min(limit);
    let mut depth = 1usize;
    let mut body_end = limit;
    let mut resume = limit;
    while pos < limit {
        let (s, e, n) = next_logical_line(src, pos);
        let w = src[s..e.min(limit)].trim_start();
        let first = w.split(|c: char| c.is_whitespace()).next().unwrap_or("");
        if first == "define" || (matches!(first, "export" | "override") && w.contains("define ")) {
            depth += 1;
        } else if first == "endef" {
            depth -= 1;
            if depth == 0 {
                body_end = s;
                resume = n.min(limit);
                break;
            }
        }
        pos = n;
    }
    let define = Define {
        name,
        op,
        body: body_start..body_end.max(body_start),
        // Up to the end of `endef`, as every item ends with its line.
        span: start..start + src[start..resume].trim_end().len(),
        recovered: false,
    };
    (define, resume.max(start + 1))
}

/// Words of `src[start..end]` with their spans.
pub fn words_with_spans(src: &str, start: usize, end: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let text = &src[start..end];
    let mut offset = 0;
    for w in split_words(text) {
        if let Some(i) = text[offset..].find(&w) {
            let s = start + offset + i;
            out.push((w.clone(), s..s + w.len()));
            offset += i + w.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipe_lines_follow_their_rule_across_comments_and_conditionals() {
        let src = "a: b\n\tgo run ./x \\\n\t  -v\n# c\nifeq ($(X),1)\n\tgo run ./y\nendif\nV := 1\n\tnot-a-recipe\n";
        let items = read(src, 0..src.len());
        assert_eq!(items.rules.len(), 1);
        let lines: Vec<&str> = items
            .recipe_lines
            .iter()
            .map(|l| &src[l.span.clone()])
            .collect();
        assert_eq!(
            lines,
            ["go run ./x \\\n\t  -v", "go run ./y", "not-a-recipe"]
        );
        assert_eq!(items.recipe_lines[0].rule_header, Some(0));
        assert!(items.recipe_lines[1].in_conditional);
        assert_eq!(items.recipe_lines[2].rule_header, None);
        assert_eq!(items.assignments[0].name, "V");
    }

    #[test]
    fn define_bodies_and_recipe_prefix() {
        let src = "define T\n$(1):\n\tgo run ./$(1)\nendef\n.RECIPEPREFIX = >\nx:\n>go run ./z\n";
        let items = read(src, 0..src.len());
        assert_eq!(items.defines.len(), 1);
        assert_eq!(
            &src[items.defines[0].body.clone()],
            "$(1):\n\tgo run ./$(1)\n"
        );
        assert_eq!(items.recipe_lines.len(), 1);
        assert_eq!(&src[items.recipe_lines[0].span.clone()], "go run ./z");
    }

    #[test]
    fn non_ascii_recipe_prefix() {
        // Found by fuzzing: a multi-byte `.RECIPEPREFIX` was taken as its
        // first byte, and the line was sliced inside the character.
        let src = ".RECIPEPREFIX = \u{bb}\nx:\n\u{bb}go run ./z\n\u{bb}\u{f5}y\n";
        let items = read(src, 0..src.len());
        let lines: Vec<&str> = items
            .recipe_lines
            .iter()
            .map(|l| &src[l.span.clone()])
            .collect();
        assert_eq!(lines, ["go run ./z", "\u{f5}y"]);
    }

    #[test]
    fn define_bodies_read_prefixed_lines_as_recipe_lines() {
        // Found by the property tests: `\tCI=true go run ./x` in a canned
        // recipe was read as the assignment `CI = true go run ./x`.
        let src = "\tCI=true go run ./x\n\t(X=1 go run ./y)\nifdef A\n\tgo run ./z\nendif\n";
        let lines: Vec<String> = read_body(src, 0..src.len())
            .recipe_lines
            .iter()
            .map(|l| src[l.span.clone()].to_string())
            .collect();
        assert_eq!(
            lines,
            ["CI=true go run ./x", "(X=1 go run ./y)", "go run ./z"]
        );
        // At the top of a Makefile the first line is an assignment.
        let top = read(src, 0..src.len());
        assert_eq!(top.assignments[0].name, "CI");
    }

    #[test]
    fn target_specific_and_export_assignments() {
        let src = "lint: export X := $(shell go run ./v)\nexport Y ?= 1\n";
        let items = read(src, 0..src.len());
        assert_eq!(items.assignments.len(), 2);
        assert!(items.assignments[0].target_specific);
        assert_eq!(
            &src[items.assignments[0].value.clone()],
            "$(shell go run ./v)"
        );
        assert_eq!(items.assignments[1].name, "Y");
    }
}
