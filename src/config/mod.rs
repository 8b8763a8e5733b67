//! Configuration: `config/shopkeep.toml` loaded in two stages — parse (serde,
//! unknown keys refused) then validate (meaning: quotas, durations, templates
//! that exist, channels listed once) — into a `Config` the rest of the
//! program trusts. Every error names the file, the key and, where the source
//! allows, the line.
//!
//! Owns reading the config file and turning it into validated values and the
//! core's `Policy`. The Discord token is never read from the file: it comes
//! from the environment in the Discord adapter.

mod detector;
mod locate;
mod raw;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

pub use locate::SourceMap;
pub use raw::RawConfig;
pub use validate::{
    parse_duration, Brand, Category, Compliance, Config, DiscordLoginSettings, DiscordSettings,
    HandoffSettings, MarkSettings, RelayAs, SecretSource, ShardRange, DISCORD_LOGIN_DONE,
};

/// One problem with the configuration, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// Dotted key path, e.g. `limits.per_channel` or `catalogue[2].link`.
    pub key: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        match &self.key {
            Some(key) => write!(f, ": `{key}`: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

/// All problems found in one configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The config file used when `--config` is not given.
pub const DEFAULT_PATH: &str = "config/shopkeep.toml";

/// Read, parse and validate a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            key: None,
            line: None,
            column: None,
            message: format!("cannot read the config file: {e}"),
        }])
    })?;
    from_source(path, &source)
}

/// Parse and validate configuration text that came from `path`. The path is
/// used for messages and to resolve relative template directories.
pub fn from_source(path: &Path, source: &str) -> Result<Config, ConfigErrors> {
    let map = SourceMap::new(source);
    let raw: RawConfig = toml::from_str(source).map_err(|e| parse_error(path, &map, &e))?;
    validate::validate(path, &map, raw)
}

fn parse_error(path: &Path, map: &SourceMap, e: &toml::de::Error) -> ConfigErrors {
    let (line, column, key) = match e.span() {
        Some(span) => {
            let (l, c) = map.line_col(span.start);
            (Some(l), Some(c), map.path_at(span.start))
        }
        None => (None, None, None),
    };
    ConfigErrors(vec![ConfigError {
        file: path.to_path_buf(),
        key,
        line,
        column,
        message: e.message().trim().to_string(),
    }])
}

#[cfg(test)]
mod tests;
