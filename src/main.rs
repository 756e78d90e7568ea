//! `tpr-harness`: see `tpr-harness --help`.

fn main() -> std::process::ExitCode {
    tpr_harness::cli::main()
}
