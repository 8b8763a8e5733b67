//! Run the evaluation on a JSONL file with the default detector settings:
//! `cargo run --release --example eval -- tests/data/dev.jsonl [--json]`.

use shopkeep::core::detect::{Detector, DetectorSettings};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "tests/data/dev.jsonl".into());
    let json = args.any(|a| a == "--json");
    let detector = Detector::new(DetectorSettings::default());
    shopkeep::eval::run(
        &[std::path::PathBuf::from(path)],
        &detector,
        json,
        &mut std::io::stdout(),
    )
}
