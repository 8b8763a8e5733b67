//! The `shopkeep` binary: parse the command line, set up logging, run, and
//! turn errors into a one-line message and a non-zero exit code.

use clap::Parser;

fn main() {
    one_thread_per_inference();
    let cli = shopkeep::cli::Cli::parse();
    if !matches!(cli.command, shopkeep::cli::Command::Run { .. }) {
        quiet_on_closed_pipe();
    }
    let directives = shopkeep::cli::log_directives(
        std::env::var("SHOPKEEP_LOG").ok(),
        std::env::var("RUST_LOG").ok(),
        &cli.command,
    );
    let filter = tracing_subscriber::EnvFilter::try_new(&directives).unwrap_or_else(|e| {
        eprintln!("shopkeep: ignoring the log filter {directives:?}: {e}");
        tracing_subscriber::EnvFilter::new("warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
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
        // `shopkeep audit --csv | head`: the reader left; that is not a failure.
        Err(e) if closed_pipe(&e) => 0,
        Err(e) => {
            eprintln!("shopkeep: {e:#}");
            1
        }
    };
    std::process::exit(code);
}

/// The encoder (candle) splits each matrix product over `RAYON_NUM_THREADS`
/// threads, by default one per core. One message's products are too small
/// to gain from that, and the other cores are busy with the gateway, the
/// store and deliveries: on the 2-core dev machine, with both cores busy,
/// a chat message took 27–45 ms split over two threads and 8–10 ms on one.
/// (On idle cores two threads are a little faster: reply p50 12 ms against
/// 16 ms, `cargo bench --bench latency`.) A bot shares its machine, so
/// unless the operator set it, use one thread. Set here, before the async runtime
/// or any other thread starts, because the variable is process-wide.
fn one_thread_per_inference() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
}

/// Whether `e` comes from writing to a pipe whose reader has gone.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// For the one-shot commands: a reader that stops early (`| head`) ends the
/// process quietly, as with any Unix tool, instead of a panic in
/// `println!`. Not for `run`: the bot's sockets must see EPIPE as an error,
/// not die of it.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
