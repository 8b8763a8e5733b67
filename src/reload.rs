//! Hot reload for a running bot: the templates follow edits to their files
//! (the reply layer's watcher) and to the config file's reply-related
//! sections — compliance rules, brand values, catalogue links and
//! disclaimers — within about a second, without a restart. An edit that does
//! not load or does not pass the checks is refused with a logged error
//! naming file, line and rule, and the last good version keeps serving.
//!
//! Owns the config-file watcher and the pairing of both watchers. Limits,
//! channels and the detector are read at start; changing them needs a
//! restart (documented in the README).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use anyhow::anyhow;

use crate::app::reply_settings;
use crate::config::{self, Config};
use crate::reply::{LiveTemplates, Watcher, POLL_INTERVAL};

/// Live templates plus the two watchers keeping them current. Dropping it
/// stops both watchers.
pub struct HotReload {
    pub templates: LiveTemplates,
    _templates_watcher: Watcher,
    config_watcher: Option<ConfigWatcher>,
}

impl HotReload {
    /// Load the templates for `config` (refusing to start on any problem)
    /// and start watching the template files and `config_path`.
    pub fn start(config_path: &Path, config: &Config) -> anyhow::Result<HotReload> {
        let templates = LiveTemplates::load(reply_settings(config)).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow!("templates refused:\n{}", list.join("\n"))
        })?;
        let templates_watcher = templates.watch(POLL_INTERVAL)?;
        let config_watcher = ConfigWatcher::start(config_path.to_path_buf(), templates.clone())?;
        Ok(HotReload {
            templates,
            _templates_watcher: templates_watcher,
            config_watcher: Some(config_watcher),
        })
    }
}

impl Drop for HotReload {
    fn drop(&mut self) {
        if let Some(w) = self.config_watcher.take() {
            w.stop();
        }
    }
}

struct ConfigWatcher {
    stop: mpsc::Sender<()>,
    handle: JoinHandle<()>,
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl ConfigWatcher {
    fn start(path: PathBuf, templates: LiveTemplates) -> std::io::Result<ConfigWatcher> {
        let (stop, stopped) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("config-watcher".into())
            .spawn(move || watch_config(&path, &templates, &stopped, POLL_INTERVAL))?;
        Ok(ConfigWatcher { stop, handle })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.handle.join();
    }
}

fn watch_config(
    path: &Path,
    templates: &LiveTemplates,
    stopped: &mpsc::Receiver<()>,
    interval: Duration,
) {
    let mut seen = stamp(path);
    loop {
        match stopped.recv_timeout(interval) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let now = stamp(path);
        if now == seen {
            continue;
        }
        seen = now;
        match config::load(path) {
            Ok(new) => {
                if templates.replace_settings(reply_settings(&new)).is_ok() {
                    tracing::info!(config = %path.display(), "compliance and reply settings reloaded");
                }
            }
            Err(errors) => {
                for e in &errors.0 {
                    tracing::error!(error = %e, "config edit refused; the last good version keeps serving");
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "reload_tests.rs"]
mod tests;
