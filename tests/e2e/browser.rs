//! The staff web page in a real browser (issue 15): headless Chromium
//! driven through chromedriver's WebDriver protocol logs in, opens the
//! overview, tickets and audit of a store filled by a replayed day,
//! previews a message on the templates page, and sees an edit that fails
//! a compliance rule refused with the rule's id. A screenshot of each page is
//! saved under `target/screenshots/` for review.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them); without them the test says so and checks nothing else.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One WebDriver call: JSON in, the answer's `value` out.
async fn wd(driver: SocketAddr, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut stream = tokio::net::TcpStream::connect(driver).await.unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {driver}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // chromedriver keeps the connection open: read exactly the answer.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let (head_len, length) = loop {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "chromedriver closed the connection mid-answer");
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim() == "content-length")
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .expect("chromedriver answers with a Content-Length");
            break (end + 4, length);
        }
    };
    while raw.len() < head_len + length {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "chromedriver closed the connection mid-answer");
        raw.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&raw[head_len..head_len + length]).to_string();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("chromedriver's answer to {method} {path} is not JSON ({e}): {text}")
    });
    if v["value"].get("error").is_some() {
        panic!("{method} {path}: {}", v["value"]);
    }
    v["value"].clone()
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

struct Driver {
    child: Child,
    addr: SocketAddr,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // End the session first: that quits Chromium. Killing chromedriver
        // alone would leave the browser running after the test.
        if !self.session.is_empty() {
            use std::io::{Read, Write};
            if let Ok(mut stream) = std::net::TcpStream::connect(self.addr) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let request = format!(
                    "DELETE /session/{} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    self.session, self.addr
                );
                if stream.write_all(request.as_bytes()).is_ok() {
                    let mut answer = [0u8; 1024];
                    let _ = stream.read(&mut answer);
                }
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Driver {
        let addr = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={}", addr.port()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut driver = Driver {
            child,
            addr,
            session: String::new(),
        };
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox",
            "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]}}}});
        let created = wd(addr, "POST", "/session", Some(caps)).await;
        driver.session = created["sessionId"].as_str().unwrap().to_string();
        driver
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        wd(self.addr, method, &path, body).await
    }

    async fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url}))).await;
    }

    async fn url(&self) -> String {
        self.call("GET", "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn source(&self) -> String {
        self.call("GET", "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The page source once it contains `text` (a click's navigation may
    /// still be under way when the click returns); bounded.
    async fn source_with(&self, text: &str) -> String {
        let mut source = String::new();
        for _ in 0..100 {
            source = self.source().await;
            if source.contains(text) {
                return source;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page never showed {text:?}: {source}");
    }

    /// The URL once it is `want` (bounded).
    async fn url_becomes(&self, want: &str) {
        let mut url = String::new();
        for _ in 0..100 {
            url = self.url().await;
            if url == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the browser stayed at {url}, never reached {want}");
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let e = self.element(css).await;
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn replace_text(&self, css: &str, text: &str) {
        let e = self.element(css).await;
        self.call("POST", &format!("/element/{e}/clear"), Some(json!({})))
            .await;
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let e = self.element(css).await;
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})))
            .await;
    }

    async fn screenshot(&self, name: &str) -> PathBuf {
        let b64 = self.call("GET", "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
        path
    }
}

/// A copy of the shipped config and templates in `dir` (the test edits a
/// template; the repository's files stay as they are).
fn config_copy(dir: &Path) -> shopkeep::config::Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["config", "templates"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::copy(
        root.join("config/shopkeep.toml"),
        dir.join("config/shopkeep.toml"),
    )
    .unwrap();
    for entry in std::fs::read_dir(root.join("templates")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "hbs") {
            std::fs::copy(entry.path(), dir.join("templates").join(entry.file_name())).unwrap();
        }
    }
    shopkeep::config::load(&dir.join("config/shopkeep.toml")).unwrap()
}

/// A store filled by replaying the example day, with one staff account
/// that may edit templates.
async fn replayed_store(dir: &Path) -> shopkeep::store::Store {
    let db = dir.join("shopkeep.db");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_shopkeep"))
        .args(["replay", "examples/community.jsonl", "--db"])
        .arg(&db)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = shopkeep::store::Store::open(db.to_str().unwrap())
        .await
        .unwrap();
    let hash = shopkeep::web::auth::hash_password("a long enough password").unwrap();
    store
        .put_user("sam", &hash, true, chrono::Utc::now())
        .await
        .unwrap();
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_log_in_and_use_the_page_in_headless_chromium() {
    if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
        eprintln!("skipped: {CHROMIUM} and {CHROMEDRIVER} are not installed (Debian: chromium chromium-driver)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = replayed_store(dir.path()).await;
    let config = config_copy(dir.path());
    let state = shopkeep::http::HttpState {
        metrics: Arc::new(shopkeep::metrics::Metrics::new()),
        store: store.clone(),
        templates: None,
        web: Some(shopkeep::web::WebState::new(
            store.clone(),
            Arc::new(config),
        )),
    };
    let stop = CancellationToken::new();
    let (site, _) = shopkeep::http::serve("127.0.0.1:0".parse().unwrap(), state, stop.clone())
        .await
        .unwrap();
    let base = format!("http://{site}");

    let browser = Driver::start().await;
    browser.go(&format!("{base}/audit")).await;
    assert_eq!(
        browser.url().await,
        format!("{base}/login"),
        "not logged in: to the login"
    );
    browser.screenshot("login").await;
    browser.type_into("input[name=name]", "sam").await;
    browser
        .type_into("input[name=password]", "wrong password")
        .await;
    browser.click("form[action='/login'] button").await;
    browser.source_with("Wrong name or password.").await;

    browser.type_into("input[name=name]", "sam").await;
    browser
        .type_into("input[name=password]", "a long enough password")
        .await;
    browser.click("form[action='/login'] button").await;
    browser.url_becomes(&format!("{base}/")).await;
    let overview = browser.source_with("messages seen").await;
    assert!(
        overview.contains("messages seen") && overview.contains("<svg"),
        "{overview}"
    );
    browser.screenshot("overview").await;

    browser.go(&format!("{base}/tickets")).await;
    let tickets = browser.source().await;
    assert!(
        tickets.contains("#1"),
        "the replayed day's tickets: {tickets}"
    );
    browser.screenshot("tickets").await;

    browser.go(&format!("{base}/audit?since=60d")).await;
    let audit = browser.source().await;
    assert!(
        audit.contains("tomasz"),
        "the replayed day's decisions: {audit}"
    );
    browser.screenshot("audit").await;

    browser.go(&format!("{base}/templates")).await;
    browser
        .type_into(
            "textarea[name=message]",
            "where can I buy an oak dining table?",
        )
        .await;
    browser
        .click("form[action='/templates/preview'] button")
        .await;
    browser.source_with("What the bot would do").await;
    browser.screenshot("templates-preview").await;

    // An edit that fails a compliance rule is refused, with the rule's id.
    browser.go(&format!("{base}/templates/edit/intent")).await;
    let file = dir.path().join("templates/intent.hbs");
    let before = std::fs::read_to_string(&file).unwrap();
    let pushy = before.replace("Good luck with the search", "Act now, stock is limited");
    browser.replace_text("textarea[name=text]", &pushy).await;
    browser
        .click("form[action='/templates/edit/intent'] button")
        .await;
    let refused = browser.source_with("Not saved").await;
    assert!(refused.contains("phrase.banned"), "{refused}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "not saved");
    browser.screenshot("templates-edit-refused").await;

    browser.click("form[action='/logout'] button").await;
    browser.url_becomes(&format!("{base}/login")).await;
    browser.go(&format!("{base}/")).await;
    assert_eq!(browser.url().await, format!("{base}/login"), "logged out");
    stop.cancel();
}
