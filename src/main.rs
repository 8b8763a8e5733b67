//! The `shopkeep` binary: parse the command line, set up logging, run, and
//! turn errors into a one-line message and a non-zero exit code.

use clap::Parser;

fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHOPKEEP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = shopkeep::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("shopkeep: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = match runtime.block_on(shopkeep::cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("shopkeep: {e:#}");
            1
        }
    };
    std::process::exit(code);
}
