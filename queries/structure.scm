; structure.scm — the Makefile structure that the callsite finder reads.
;
; Everything gorun-lint needs from tree-sitter-make is captured here; the
; shell text inside recipes is opaque to the grammar and is scanned by
; `src/shell.rs` instead. Captures are keyed by name in `src/parse/tree.rs`.

; A rule: targets, prerequisites and its recipe. Recipe lines are attributed
; to their *nearest* enclosing rule in code (a top-level conditional after a
; recipe is parsed as part of that recipe, so rules can nest).
(rule) @rule

; One recipe line (after the recipe prefix), continuation lines included.
(recipe_line) @recipe.line

; Variable definitions: `NAME op value`, also inside export/override and as
; target-specific variables (`target: NAME := value`).
(variable_assignment) @assignment

; `NAME != shell command`: the whole value is shell text, run when read.
(shell_assignment) @assignment.shell

; `define NAME ... endef`: the body is one raw_text node, scanned separately.
(define_directive) @define

; `include` / `-include` / `sinclude` with their file names.
(include_directive
  filenames: (list) @include.files) @include

; `$(shell ...)`, `$(eval ...)`, `$(foreach ...)` at the top level: expanded
; when the Makefile is read.
(makefile (function_call) @toplevel.call)
(makefile (shell_function) @toplevel.call)
(conditional consequence: (function_call) @toplevel.call)
(conditional consequence: (shell_function) @toplevel.call)

; `ifeq`/`ifneq` conditions, expanded when read (also inside recipes).
(ifeq_directive) @toplevel.call
(ifneq_directive) @toplevel.call

; Regions the grammar could not parse; the logical-line reader takes over there.
(ERROR) @error

; `.RECIPEPREFIX = >`: every line after it is read with that prefix, which
; the grammar does not follow; the logical-line reader reads the rest.
(RECIPEPREFIX_assignment) @recipeprefix
