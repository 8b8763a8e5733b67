//! Hot reload: a [`Replies`] handle that serves the current good
//! [`TemplateSet`], and a watcher thread that reloads it when a template
//! file changes. An edit that fails to load or check is refused with an
//! error log naming file, line and rule; the last good set keeps serving.
//!
//! Owns swapping sets and polling files. Reloading the config file is the
//! config module's job: it hands new settings to
//! [`LiveTemplates::replace_settings`].

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use super::check::Problem;
use super::set::TemplateSet;
use super::settings::ReplySettings;
use crate::core::model::RenderedReply;
use crate::core::replies::{Replies, ReplyRefused, ReplyRequest};

/// How often the watcher looks at the template files.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What the last reload did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadStatus {
    /// Bumped every time a new set starts serving (0: the initial load).
    pub generation: u64,
    /// The problems of the last refused edit, until a good edit replaces it.
    pub refused: Option<Vec<Problem>>,
    /// Edits refused since start (for metrics).
    pub refusals: u64,
}

struct State {
    set: Arc<TemplateSet>,
    settings: ReplySettings,
    status: ReloadStatus,
    /// Fingerprint of the files as they were just before the serving set
    /// was read: an edit racing the load is seen as a change, never missed.
    loaded_from: u64,
}

// The engine shares one handle across tasks and the watcher thread.
const _: fn() = || {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<LiveTemplates>();
};

/// A cheaply clonable handle to the templates currently serving.
#[derive(Clone)]
pub struct LiveTemplates {
    state: Arc<RwLock<State>>,
    /// Held for a whole reload (read settings, load, swap) so the watcher's
    /// reload cannot swap in old settings over a concurrent
    /// `replace_settings`. Renders never take it.
    reloading: Arc<Mutex<()>>,
}

impl LiveTemplates {
    /// Loads and checks the templates; refuses to start with any problem.
    pub fn load(settings: ReplySettings) -> Result<LiveTemplates, Vec<Problem>> {
        let loaded_from = fingerprint(&settings);
        let set = Arc::new(TemplateSet::load(settings.clone())?);
        let state = State {
            set,
            settings,
            status: ReloadStatus::default(),
            loaded_from,
        };
        Ok(LiveTemplates {
            state: Arc::new(RwLock::new(state)),
            reloading: Arc::new(Mutex::new(())),
        })
    }

    /// The set serving right now (for previews and audits).
    pub fn current(&self) -> Arc<TemplateSet> {
        Arc::clone(&self.read().set)
    }

    pub fn status(&self) -> ReloadStatus {
        self.read().status.clone()
    }

    /// Reloads the template files with the current settings.
    pub fn reload(&self) -> Result<(), Vec<Problem>> {
        let _reloading = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let settings = self.read().settings.clone();
        self.swap_in(settings)
    }

    /// Loads the templates with new settings (a changed compliance section,
    /// say) and serves them if they pass; otherwise logs every problem and
    /// keeps serving the last good set and settings.
    pub fn replace_settings(&self, settings: ReplySettings) -> Result<(), Vec<Problem>> {
        let _reloading = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        self.swap_in(settings)
    }

    /// Loads with `settings` outside the state lock, then swaps or refuses;
    /// logs after releasing it so renders never wait on a log writer.
    fn swap_in(&self, settings: ReplySettings) -> Result<(), Vec<Problem>> {
        let loaded_from = fingerprint(&settings);
        let loaded = TemplateSet::load(settings.clone());
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        match loaded {
            Ok(set) => {
                state.set = Arc::new(set);
                state.settings = settings;
                state.loaded_from = loaded_from;
                state.status.generation += 1;
                state.status.refused = None;
                let generation = state.status.generation;
                drop(state);
                tracing::info!(generation, "templates reloaded");
                Ok(())
            }
            Err(problems) => {
                state.status.refused = Some(problems.clone());
                state.status.refusals += 1;
                drop(state);
                log_refusal(&problems);
                Err(problems)
            }
        }
    }

    /// Starts a thread that reloads within two `interval`s of a template
    /// file changing. Stops when the returned [`Watcher`] is stopped or dropped.
    pub fn watch(&self, interval: Duration) -> std::io::Result<Watcher> {
        let (stop, stopped) = mpsc::channel::<()>();
        let live = self.clone();
        let handle = std::thread::Builder::new()
            .name("template-watcher".into())
            .spawn(move || live.poll_until_stopped(interval, &stopped))?;
        Ok(Watcher {
            stop: Some(stop),
            handle: Some(handle),
        })
    }

    /// Reloads once the files have changed and then held still for one
    /// interval: an editor caught mid-write is not refused for a half file.
    /// With the default interval an edit serves within about a second.
    fn poll_until_stopped(&self, interval: Duration, stopped: &mpsc::Receiver<()>) {
        let mut seen = self.read().loaded_from;
        let mut settling: Option<u64> = None;
        loop {
            match stopped.recv_timeout(interval) {
                Err(RecvTimeoutError::Timeout) => {}
                Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
            }
            let settings = self.read().settings.clone();
            let now = fingerprint(&settings);
            if now == seen {
                settling = None;
            } else if settling == Some(now) {
                seen = now;
                settling = None;
                // Problems are logged by `swap_in`.
                let _ = self.reload();
            } else {
                settling = Some(now);
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }
}

fn log_refusal(problems: &[Problem]) {
    for p in problems {
        tracing::error!(
            file = %p.file.display(),
            line = p.line,
            col = p.col,
            rule = %p.rule,
            "template edit refused, last good version keeps serving: {}",
            p.message
        );
    }
}

/// A hash of every template file's content (or absence). Content, not
/// mtime: two quick edits within the file system's timestamp granularity
/// must not be missed, and the files are small.
fn fingerprint(settings: &ReplySettings) -> u64 {
    let mut hasher = DefaultHasher::new();
    for (_, name) in settings.templates() {
        let path = settings.dir.join(format!("{name}.hbs"));
        name.hash(&mut hasher);
        std::fs::read(&path).ok().hash(&mut hasher);
    }
    hasher.finish()
}

impl Replies for LiveTemplates {
    fn render(&self, req: &ReplyRequest<'_>) -> Result<RenderedReply, ReplyRefused> {
        self.current().render(req)
    }
}

/// The running watcher thread. Stop it explicitly or drop it.
pub struct Watcher {
    stop: Option<mpsc::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Stops the thread and waits for it to finish.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}
