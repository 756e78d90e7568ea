//! `tpr-harness`: see `tpr-harness --help`.

/// mimalloc: `serve` allocates a few dozen small blocks per request (issue 13).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tpr_harness::cli::main()
}
