//! The `gorun-lint` binary: parse arguments, run, map the outcome to an
//! exit code (0 nothing found, 1 findings, 2 usage/config/IO error).

use clap::Parser;

// jemalloc on Linux: Cargo.toml says why and what else was measured.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let cli = match gorun_lint::command::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                gorun_lint::command::cli::EXIT_ERROR
            } else {
                gorun_lint::command::cli::EXIT_OK
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    std::process::exit(gorun_lint::command::cli::run(cli));
}
