fn main() -> std::process::ExitCode {
    duty::cli::run()
}
