fn main() -> std::process::ExitCode {
    kpic::cli::main()
}
