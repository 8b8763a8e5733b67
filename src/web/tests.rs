use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::http::{serve, HttpState};
use crate::metrics::Metrics;

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `name=value` from this answer's Set-Cookie for `name`.
    fn cookie(&self, name: &str) -> String {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.split(';').next().unwrap_or("").to_string())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie in {:?}", self.headers))
    }

    /// The value of the hidden `csrf` field of the page.
    fn csrf_field(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.body[at..].split('"').next().unwrap().to_string()
    }
}

async fn call(addr: SocketAddr, method: &str, path: &str, cookie: &str, form: &str) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(form);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

async fn page_server() -> (SocketAddr, Store, CancellationToken) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/shopkeep.toml");
    let config = crate::config::load(&path).expect("the shipped config loads");
    let store = Store::open(":memory:").await.unwrap();
    let state = HttpState {
        metrics: Arc::new(Metrics::new()),
        store: store.clone(),
        templates: None,
        web: Some(WebState::new(store.clone(), Arc::new(config))),
    };
    let stop = CancellationToken::new();
    let (addr, _) = serve("127.0.0.1:0".parse().unwrap(), state, stop.clone())
        .await
        .unwrap();
    (addr, store, stop)
}

const PAGES: [&str; 6] = [
    "/",
    "/tickets",
    "/tickets/1",
    "/audit",
    "/audit?missed=1",
    "/templates",
];

async fn logged_in(addr: SocketAddr, store: &Store) -> (String, String) {
    let hash = auth::hash_password("a long enough password").unwrap();
    store
        .put_user("sam", &hash, true, Utc::now())
        .await
        .unwrap();
    let form = call(addr, "GET", "/login", "", "").await;
    let login_cookie = form.cookie(auth::LOGIN_COOKIE);
    let body = format!(
        "name=sam&password=a+long+enough+password&csrf={}",
        form.csrf_field()
    );
    let done = call(addr, "POST", "/login", &login_cookie, &body).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some("/"));
    let session = done.cookie(auth::SESSION_COOKIE);
    let overview = call(addr, "GET", "/", &session, "").await;
    assert_eq!(overview.status, 200);
    (session, overview.csrf_field())
}

#[tokio::test]
async fn every_page_refuses_anyone_not_logged_in() {
    let (addr, _store, stop) = page_server().await;
    for page in PAGES {
        let a = call(addr, "GET", page, "", "").await;
        assert_eq!(
            (a.status, a.header("location")),
            (303, Some("/login")),
            "{page}"
        );
        let forged = call(addr, "GET", page, "shopkeep_session=guessed", "").await;
        assert_eq!(forged.status, 303, "a made-up session is nobody: {page}");
    }
    for post in ["/logout", "/templates/preview"] {
        let a = call(addr, "POST", post, "", "csrf=x&message=hi").await;
        assert_eq!(a.status, 403, "{post}");
    }
    let login = call(addr, "GET", "/login", "", "").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("No accounts yet"), "{}", login.body);
    stop.cancel();
}

#[tokio::test]
async fn a_wrong_password_or_a_login_without_its_csrf_token_gets_nobody_in() {
    let (addr, store, stop) = page_server().await;
    let hash = auth::hash_password("a long enough password").unwrap();
    store
        .put_user("sam", &hash, true, Utc::now())
        .await
        .unwrap();
    let form = call(addr, "GET", "/login", "", "").await;
    let cookie = form.cookie(auth::LOGIN_COOKIE);
    let csrf = form.csrf_field();
    let wrong = call(
        addr,
        "POST",
        "/login",
        &cookie,
        &format!("name=sam&password=nope&csrf={csrf}"),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Wrong name or password."));
    assert!(wrong
        .header("set-cookie")
        .is_some_and(|c| !c.starts_with("shopkeep_session")));
    let unknown = call(
        addr,
        "POST",
        "/login",
        &cookie,
        &format!("name=eve&password=x&csrf={csrf}"),
    )
    .await;
    assert_eq!(unknown.status, 401);
    let no_csrf = call(
        addr,
        "POST",
        "/login",
        &cookie,
        "name=sam&password=a+long+enough+password",
    )
    .await;
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.body);
    let no_cookie = call(
        addr,
        "POST",
        "/login",
        "",
        &format!("name=sam&password=a+long+enough+password&csrf={csrf}"),
    )
    .await;
    assert_eq!(no_cookie.status, 403);
    stop.cancel();
}

#[tokio::test]
async fn staff_see_every_page_preview_a_message_and_forms_need_the_sessions_csrf_token() {
    let (addr, store, stop) = page_server().await;
    let (session, csrf) = logged_in(addr, &store).await;
    for page in PAGES {
        let a = call(addr, "GET", page, &session, "").await;
        let ok = if page == "/tickets/1" { 404 } else { 200 };
        assert_eq!(a.status, ok, "{page}: {}", a.body);
    }
    let overview = call(addr, "GET", "/", &session, "").await;
    assert!(overview.body.contains("messages seen"), "{}", overview.body);
    assert!(overview.body.contains("<svg"), "a chart");

    let message = "message=where+can+I+buy+an+oak+dining+table%3F&template=";
    let forged = call(
        addr,
        "POST",
        "/templates/preview",
        &session,
        &format!("csrf=wrong&{message}"),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(forged.body.contains("CSRF"), "{}", forged.body);
    let preview = call(
        addr,
        "POST",
        "/templates/preview",
        &session,
        &format!("csrf={csrf}&{message}"),
    )
    .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("What the bot would do"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("solicitation"), "{}", preview.body);

    // Text from the store is escaped, never markup.
    let hostile = "message=%3Cscript%3Ealert(1)%3C%2Fscript%3E&template=";
    let escaped = call(
        addr,
        "POST",
        "/templates/preview",
        &session,
        &format!("csrf={csrf}&{hostile}"),
    )
    .await;
    assert!(
        !escaped.body.contains("<script>alert(1)"),
        "{}",
        escaped.body
    );

    let out = call(addr, "POST", "/logout", &session, &format!("csrf={csrf}")).await;
    assert_eq!((out.status, out.header("location")), (303, Some("/login")));
    let after = call(addr, "GET", "/", &session, "").await;
    assert_eq!(after.status, 303, "the session ended");
    stop.cancel();
}

/// A server over a copy of the shipped config and templates, which the
/// test may change; `editor` is the account's right.
async fn editable_server(editor: bool) -> (SocketAddr, String, String, tempfile::TempDir) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::copy(
        root.join("config/shopkeep.toml"),
        dir.path().join("config/shopkeep.toml"),
    )
    .unwrap();
    for entry in std::fs::read_dir(root.join("templates")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "hbs") {
            std::fs::copy(
                entry.path(),
                dir.path().join("templates").join(entry.file_name()),
            )
            .unwrap();
        }
    }
    let config = crate::config::load(&dir.path().join("config/shopkeep.toml")).unwrap();
    let store = Store::open(":memory:").await.unwrap();
    let state = HttpState {
        metrics: Arc::new(Metrics::new()),
        store: store.clone(),
        templates: None,
        web: Some(WebState::new(store.clone(), Arc::new(config))),
    };
    let (addr, _) = serve(
        "127.0.0.1:0".parse().unwrap(),
        state,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    let hash = auth::hash_password("a long enough password").unwrap();
    store
        .put_user("sam", &hash, editor, Utc::now())
        .await
        .unwrap();
    let form = call(addr, "GET", "/login", "", "").await;
    let body = format!(
        "name=sam&password=a+long+enough+password&csrf={}",
        form.csrf_field()
    );
    let done = call(
        addr,
        "POST",
        "/login",
        &form.cookie(auth::LOGIN_COOKIE),
        &body,
    )
    .await;
    let session = done.cookie(auth::SESSION_COOKIE);
    let csrf = call(addr, "GET", "/templates", &session, "")
        .await
        .csrf_field();
    (addr, session, csrf, dir)
}

fn form_text(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn an_editor_saves_only_an_edit_that_passes_check_and_the_old_version_is_kept() {
    let (addr, session, csrf, dir) = editable_server(true).await;
    let file = dir.path().join("templates/intent.hbs");
    let before = std::fs::read_to_string(&file).unwrap();
    let page = call(addr, "GET", "/templates", &session, "").await;
    assert!(
        page.body.contains("href=\"/templates/edit/intent\""),
        "{}",
        page.body
    );
    let form = call(addr, "GET", "/templates/edit/intent", &session, "").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Good luck with the search"),
        "{}",
        form.body
    );

    let pushy = before.replace("Good luck with the search", "Act now, stock is limited");
    let refused = call(
        addr,
        "POST",
        "/templates/edit/intent",
        &session,
        &format!("csrf={csrf}&text={}", form_text(&pushy)),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("Not saved"), "{}", refused.body);
    assert!(
        refused.body.contains("<code>phrase.banned</code>"),
        "the rule id: {}",
        refused.body
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        before,
        "nothing saved"
    );

    let kinder = before.replace("Good luck with the search", "Best of luck with the search");
    let saved = call(
        addr,
        "POST",
        "/templates/edit/intent",
        &session,
        &format!("csrf={csrf}&text={}", form_text(&kinder)),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Saved."), "{}", saved.body);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), kinder);
    let history: Vec<_> = std::fs::read_dir(dir.path().join("templates/.history"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(history.len(), 1);
    assert_eq!(std::fs::read_to_string(history[0].path()).unwrap(), before);

    let elsewhere = call(
        addr,
        "GET",
        "/templates/edit/..%2Fconfig%2Fshopkeep",
        &session,
        "",
    )
    .await;
    assert_eq!(
        elsewhere.status, 404,
        "only configured templates: {}",
        elsewhere.body
    );
    let forged = call(
        addr,
        "POST",
        "/templates/edit/intent",
        &session,
        "csrf=nope&text=x",
    )
    .await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn staff_who_are_not_editors_cannot_edit_templates() {
    let (addr, session, csrf, dir) = editable_server(false).await;
    let before = std::fs::read_to_string(dir.path().join("templates/intent.hbs")).unwrap();
    let page = call(addr, "GET", "/templates", &session, "").await;
    assert!(!page.body.contains("/templates/edit/"), "no edit links");
    assert_eq!(
        call(addr, "GET", "/templates/edit/intent", &session, "")
            .await
            .status,
        403
    );
    let post = call(
        addr,
        "POST",
        "/templates/edit/intent",
        &session,
        &format!("csrf={csrf}&text=hi"),
    )
    .await;
    assert_eq!(post.status, 403);
    assert!(post.body.contains("Only editors"), "{}", post.body);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("templates/intent.hbs")).unwrap(),
        before
    );
}
