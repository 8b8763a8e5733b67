//! The staff web page, served by the `[http]` listener: an overview of
//! today and the last 7 days (with a small chart), tickets with their
//! conversations, the audit with filters and near misses, and the
//! templates with a live preview against a message you type and, for
//! editors, editing that saves only what `shopkeep check` passes (`edit`).
//!
//! Owns the routes, what each page reads and how it is rendered
//! (handlebars, HTML-escaped; the page files are built into the binary).
//! Nobody sees anything without logging in (`auth`: local accounts made
//! with `shopkeep user add`; `discord_login`: Discord OAuth2, staff role
//! only); every form carries the session's CSRF token.
//! Nothing here can send a message to Discord: the page holds no Discord
//! client, only the store, the config and the template files.

pub mod auth;
pub mod discord_login;
mod edit;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};
use handlebars::Handlebars;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::core::marks::{self, Mark, Period};
use crate::core::policy::Mode;
use crate::store::{AuditFilter, AuditRecord, DiscordSession, SessionRecord, Store, TicketFilter};
use discord_login::{DiscordLogin, Refusal};

/// What the pages read.
#[derive(Clone)]
pub struct WebState {
    pub store: Store,
    pub config: Arc<Config>,
    pages: Arc<Handlebars<'static>>,
    /// Logging in with Discord, when `[http.discord_login]` is configured.
    discord: Option<Arc<DiscordLogin>>,
}

impl WebState {
    pub fn new(store: Store, config: Arc<Config>) -> WebState {
        let mut h = Handlebars::new();
        h.set_strict_mode(false);
        for (name, text) in [
            ("layout", include_str!("pages/layout.hbs")),
            ("login", include_str!("pages/login.hbs")),
            ("overview", include_str!("pages/overview.hbs")),
            ("tickets", include_str!("pages/tickets.hbs")),
            ("ticket", include_str!("pages/ticket.hbs")),
            ("audit", include_str!("pages/audit.hbs")),
            ("templates", include_str!("pages/templates.hbs")),
            ("edit", include_str!("pages/edit.hbs")),
        ] {
            h.register_template_string(name, text)
                .unwrap_or_else(|e| panic!("the built-in page {name} does not parse: {e}"));
        }
        WebState {
            store,
            config,
            pages: Arc::new(h),
            discord: None,
        }
    }

    /// Let staff log in with Discord too.
    pub fn with_discord_login(mut self, login: DiscordLogin) -> WebState {
        self.discord = Some(Arc::new(login));
        self
    }
}

/// The staff page's routes (merged into the `[http]` router).
pub fn routes(state: WebState) -> Router {
    Router::new()
        .route("/", get(overview))
        .route("/login", get(login_form).post(login))
        .route("/login/discord", get(discord_start))
        .route(crate::config::DISCORD_LOGIN_DONE, get(discord_done))
        .route("/logout", post(logout))
        .route("/tickets", get(tickets))
        .route("/tickets/:id", get(ticket))
        .route("/audit", get(audit))
        .route("/templates", get(templates))
        .route("/templates/preview", post(preview))
        .route("/templates/edit/:name", get(edit_form).post(edit_save))
        .with_state(state)
}

/// A logged-in staff member.
struct Staff {
    session: SessionRecord,
    token_hash: String,
}

async fn staff(s: &WebState, headers: &HeaderMap) -> Option<Staff> {
    let token = auth::cookie(headers, auth::SESSION_COOKIE)?;
    let token_hash = auth::token_hash(token);
    match s.store.session(&token_hash, Utc::now()).await {
        Ok(Some(session)) => Some(Staff {
            session,
            token_hash,
        }),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "staff page: cannot read sessions");
            None
        }
    }
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

fn forbidden(why: &str) -> Response {
    (StatusCode::FORBIDDEN, format!("{why}\n")).into_response()
}

/// A form post from a logged-in staff member with the right CSRF token,
/// or the refusal.
async fn checked_post(s: &WebState, headers: &HeaderMap, csrf: &str) -> Result<Staff, Response> {
    let Some(staff) = staff(s, headers).await else {
        return Err(forbidden("Log in first."));
    };
    if !auth::same(csrf, &staff.session.csrf) {
        return Err(forbidden(
            "The form's CSRF token is missing or wrong: reload the page and try again.",
        ));
    }
    Ok(staff)
}

fn render(s: &WebState, page: &str, title: &str, staff: Option<&Staff>, data: Value) -> Response {
    let body = match s.pages.render(page, &data) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, page, "staff page: cannot render");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot render the page\n",
            )
                .into_response();
        }
    };
    let layout = json!({
        "title": title,
        "page": page,
        "brand": s.config.brand.name,
        "user": staff.map(|st| st.session.user_name.clone()),
        "csrf": staff.map(|st| st.session.csrf.clone()),
        "body": body,
    });
    match s.pages.render("layout", &layout) {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "staff page: cannot render the layout");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot render the page\n",
            )
                .into_response()
        }
    }
}

async fn login_page(s: &WebState, status: StatusCode, error: Option<&str>) -> Response {
    let login_csrf = auth::token();
    let no_users = s.store.user_names().await.is_ok_and(|u| u.is_empty());
    let discord = s.discord.is_some();
    let data = json!({
        "login_csrf": login_csrf,
        "error": error,
        "no_users": no_users && !discord,
        "discord": discord,
    });
    let mut response = render(s, "login", "Log in", None, data);
    *response.status_mut() = status;
    if let Ok(v) = auth::set_cookie(auth::LOGIN_COOKIE, &login_csrf, 600).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn login_form(State(s): State<WebState>) -> Response {
    login_page(&s, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = auth::cookie(&headers, auth::LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !auth::same(&f.csrf, expected) {
        return forbidden("The login form's CSRF token is missing or wrong: reload the page.");
    }
    let name = f.name.trim();
    let hash = s.store.user_hash(name).await.ok().flatten();
    // Verify against a hash either way, so an unknown name takes as long.
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| auth::decoy_hash().to_string());
    if !(auth::verify_password(&f.password, &hash) && known) {
        tracing::info!("staff page: a login failed");
        return login_page(
            &s,
            StatusCode::UNAUTHORIZED,
            Some("Wrong name or password."),
        )
        .await;
    }
    let token = auth::token();
    let now = Utc::now();
    let expires = now + Duration::hours(auth::SESSION_HOURS);
    if let Err(e) = s
        .store
        .add_session(
            &auth::token_hash(&token),
            name,
            &auth::token(),
            now,
            expires,
        )
        .await
    {
        tracing::error!(error = %format!("{e:#}"), "staff page: cannot save a session");
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot log in now\n").into_response();
    }
    tracing::info!(user = %name, "staff page: logged in");
    with_session_cookie(Redirect::to("/").into_response(), &token)
}

fn with_session_cookie(mut response: Response, token: &str) -> Response {
    let cookie = auth::set_cookie(auth::SESSION_COOKIE, token, auth::SESSION_HOURS * 3600);
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// "Log in with Discord": off to Discord's consent page, with a fresh
/// `state` remembered in a short-lived cookie.
async fn discord_start(State(s): State<WebState>) -> Response {
    let Some(discord) = &s.discord else {
        return (
            StatusCode::NOT_FOUND,
            "Discord login is not configured ([http.discord_login]).\n",
        )
            .into_response();
    };
    let state = auth::token();
    let url = match discord.authorize_url(&state) {
        Ok(url) => url,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "staff page: cannot start a Discord login");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot start the Discord login\n",
            )
                .into_response();
        }
    };
    let mut response = Redirect::to(&url).into_response();
    if let Ok(v) = auth::set_lax_cookie(auth::DISCORD_STATE_COOKIE, &state, 600).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct DiscordAnswer {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
}

/// Discord sent the browser back: check the state, exchange the code,
/// let in staff only.
async fn discord_done(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(answer): Query<DiscordAnswer>,
) -> Response {
    let Some(discord) = s.discord.clone() else {
        return (
            StatusCode::NOT_FOUND,
            "Discord login is not configured ([http.discord_login]).\n",
        )
            .into_response();
    };
    let expected = auth::cookie(&headers, auth::DISCORD_STATE_COOKIE).unwrap_or_default();
    if expected.is_empty() || answer.state.is_empty() || !auth::same(&answer.state, expected) {
        tracing::info!("staff page: a Discord login came back with the wrong state");
        return login_page(
            &s,
            StatusCode::FORBIDDEN,
            Some("That Discord login did not start here (its state does not match). Log in again."),
        )
        .await;
    }
    if answer.error.is_some() || answer.code.is_empty() {
        return login_page(
            &s,
            StatusCode::UNAUTHORIZED,
            Some("Discord did not log you in (consent was not given)."),
        )
        .await;
    }
    let who = match discord.log_in(&answer.code).await {
        Ok(who) => who,
        Err(refusal) => {
            let status = match refusal {
                Refusal::NotStaff { .. } | Refusal::NotMember => StatusCode::FORBIDDEN,
                Refusal::NotReady => StatusCode::SERVICE_UNAVAILABLE,
                Refusal::Discord(_) => StatusCode::BAD_GATEWAY,
            };
            tracing::info!(reason = ?refusal, "staff page: a Discord login was refused");
            let text = refusal.explain(&s.config.discord.staff_role);
            return login_page(&s, status, Some(&text)).await;
        }
    };
    let token = auth::token();
    let now = Utc::now();
    let shown = format!("{} (Discord)", who.name);
    let saved = s
        .store
        .add_discord_session(
            &auth::token_hash(&token),
            &shown,
            &DiscordSession {
                user_id: who.user_id,
                editor: who.editor,
            },
            &auth::token(),
            now,
            now + Duration::hours(auth::SESSION_HOURS),
        )
        .await;
    if let Err(e) = saved {
        tracing::error!(error = %format!("{e:#}"), "staff page: cannot save a session");
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot log in now\n").into_response();
    }
    tracing::info!(user_id = who.user_id, "staff page: logged in with Discord");
    // A page, not a redirect: the session cookie is SameSite=Strict, and a
    // redirect chain that began on discord.com would not send it to "/".
    let page = format!(
        "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=/\">\
         <title>Logged in</title><p>Logged in as {}. <a href=\"/\">Continue</a></p>",
        handlebars::html_escape(&shown)
    );
    let mut response = with_session_cookie(Html(page).into_response(), &token);
    if let Ok(v) = auth::set_lax_cookie(auth::DISCORD_STATE_COOKIE, "", 0).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let staff = match checked_post(&s, &headers, &f.csrf).await {
        Ok(staff) => staff,
        Err(refused) => return refused,
    };
    if let Err(e) = s.store.end_session(&staff.token_hash).await {
        tracing::warn!(error = %format!("{e:#}"), "staff page: cannot end a session");
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = auth::set_cookie(auth::SESSION_COOKIE, "", 0).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn when(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn span(d: Duration) -> String {
    let m = d.num_minutes().max(0);
    match m {
        0..=59 => format!("{m}m"),
        60..=2879 => format!("{}h {}m", m / 60, m % 60),
        _ => format!("{}d", m / 1440),
    }
}

async fn overview(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Some(staff) = staff(&s, &headers).await else {
        return to_login();
    };
    let now = Utc::now();
    let week_start = now - Duration::days(7);
    let today_start = now - Duration::hours(24);
    let read = async {
        let audit = s
            .store
            .audit(&AuditFilter {
                since: Some(week_start),
                missed: false,
            })
            .await?;
        let marks = s.store.marks(Some(week_start)).await?;
        let seen_week = s.store.seen_since(week_start, "live").await?;
        let seen_today = s.store.seen_since(today_start, "live").await?;
        anyhow::Ok((audit, marks, seen_week, seen_today))
    };
    let (audit, marks, seen_week, seen_today) = match read.await {
        Ok(read) => read,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "staff page: cannot read the store");
            return (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the store\n").into_response();
        }
    };
    let live: Vec<&AuditRecord> = audit.iter().filter(|r| r.source == "live").collect();
    let count = |from: chrono::DateTime<Utc>, f: &dyn Fn(&AuditRecord) -> bool| {
        live.iter().filter(|r| r.decided_at >= from && f(r)).count()
    };
    let rows_of = |label: &str, f: &dyn Fn(&AuditRecord) -> bool| json!({"label": label, "today": count(today_start, f), "week": count(week_start, f)});
    let mark_count = |from: chrono::DateTime<Utc>, m: Mark| {
        marks
            .iter()
            .filter(|r| r.marked_at >= from && r.mark == m)
            .count()
    };
    let mut rows = vec![
        json!({"label": "messages seen", "today": seen_today, "week": seen_week}),
        rows_of("replies sent", &|r| {
            r.is_sales_reply() && r.delivery == "sent"
        }),
        rows_of("would-be replies (shadow)", &|r| {
            r.reason_code == "shadow_mode"
        }),
        rows_of("hand-offs", &|r| r.action == "handoff"),
        rows_of("held back by a limit", &|r| r.held_by.is_some()),
        rows_of("near misses", &|r| {
            r.action == "none"
                && matches!(
                    r.reason_code.as_str(),
                    "review_band" | "not_our_products" | "handoff_almost"
                )
        }),
    ];
    for m in Mark::ALL {
        rows.push(
            json!({"label": format!("marked {m}"), "today": mark_count(today_start, m),
                         "week": mark_count(week_start, m)}),
        );
    }
    // Replies per day, oldest first.
    let days: Vec<_> = (0..7)
        .rev()
        .map(|d| (now - Duration::days(d)).date_naive())
        .collect();
    let per_day: Vec<usize> = days
        .iter()
        .map(|day| {
            live.iter()
                .filter(|r| r.is_sales_reply() && r.decided_at.date_naive() == *day)
                .count()
        })
        .collect();
    let top = per_day.iter().copied().max().unwrap_or(0).max(1);
    let bars: Vec<Value> = days
        .iter()
        .zip(&per_day)
        .enumerate()
        .map(|(i, (day, &n))| {
            let h = (n * 100 / top) as i64;
            json!({"x": 10 + i * 50, "y": 115 - h, "h": h, "tx": 30 + i * 50, "ty": 110 - h,
                   "n": n, "day": day.format("%a").to_string()})
        })
        .collect();
    let shadow = s.config.mode == Mode::Shadow;
    let period = Period {
        days: 7.0,
        shadow,
        seen: seen_week,
        replies: live
            .iter()
            .filter(|r| {
                if shadow {
                    r.reason_code == "shadow_mode"
                } else {
                    r.is_sales_reply() && r.delivery == "sent"
                }
            })
            .count() as u64,
        right: mark_count(week_start, Mark::Right) as u64,
        wrong: mark_count(week_start, Mark::Wrong) as u64,
        missed: mark_count(week_start, Mark::Missed) as u64,
        ..Period::default()
    };
    let data = json!({
        "mode": if shadow { "shadow" } else { "live" },
        "rows": rows,
        "chart": {"width": 360, "bars": bars},
        "recommendation": marks::recommendation(&period),
    });
    render(&s, "overview", "Overview", Some(&staff), data)
}

async fn tickets(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Some(staff) = staff(&s, &headers).await else {
        return to_login();
    };
    let list = match s.store.tickets(&TicketFilter::default()).await {
        Ok(list) => list,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "staff page: cannot read tickets");
            return (StatusCode::INTERNAL_SERVER_ERROR, "cannot read tickets\n").into_response();
        }
    };
    let now = Utc::now();
    let rows: Vec<Value> = list
        .iter()
        .rev()
        .map(|t| {
            json!({
                "id": t.id, "user": format!("{} ({})", t.user_name, t.user_id), "status": t.status,
                "owner": t.claimed_by.as_deref().unwrap_or("unclaimed"),
                "opened": when(t.opened_at),
                "age": span(t.closed_at.unwrap_or(now) - t.opened_at),
                "first_reply": t.first_staff_reply_at.map_or_else(|| "–".into(), |f| span(f - t.opened_at)),
                "trigger": t.trigger,
            })
        })
        .collect();
    render(
        &s,
        "tickets",
        "Tickets",
        Some(&staff),
        json!({"tickets": rows}),
    )
}

async fn ticket(State(s): State<WebState>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let Some(staff) = staff(&s, &headers).await else {
        return to_login();
    };
    let read = async {
        let t = s.store.ticket(id).await?;
        let relays = s.store.relays_of(id).await?;
        anyhow::Ok((t, relays))
    };
    let (t, relays) = match read.await {
        Ok((Some(t), relays)) => (t, relays),
        Ok((None, _)) => {
            return (StatusCode::NOT_FOUND, format!("no ticket #{id}\n")).into_response()
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "staff page: cannot read a ticket");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot read the ticket\n",
            )
                .into_response();
        }
    };
    let relays: Vec<Value> = relays
        .iter()
        .map(|r| {
            json!({"at": when(r.created_at), "direction": format!("{:?}", r.direction),
                   "text": r.text, "status": r.status})
        })
        .collect();
    let data = json!({
        "id": t.id, "user": format!("{} ({})", t.user_name, t.user_id), "status": t.status,
        "owner": t.claimed_by.as_deref().unwrap_or("unclaimed"), "opened": when(t.opened_at),
        "trigger": t.trigger, "notice": t.staff_notice, "relays": relays,
    });
    render(&s, "ticket", &format!("Ticket #{id}"), Some(&staff), data)
}

#[derive(Debug, Default, Deserialize)]
struct AuditQuery {
    #[serde(default)]
    since: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    missed: Option<String>,
}

/// At most this many audit records on one page (the latest).
const AUDIT_ROWS: usize = 500;

async fn audit(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let Some(staff) = staff(&s, &headers).await else {
        return to_login();
    };
    let since_text = if q.since.trim().is_empty() {
        "7d".to_string()
    } else {
        q.since.trim().to_string()
    };
    let since = match crate::config::parse_duration(&since_text) {
        Ok(d) => Utc::now() - d,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("since: {e}\n")).into_response(),
    };
    let missed = q.missed.is_some();
    let records = match s
        .store
        .audit(&AuditFilter {
            since: Some(since),
            missed,
        })
        .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "staff page: cannot read the audit");
            return (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the audit\n").into_response();
        }
    };
    let channel = q.channel.trim().trim_start_matches('#').to_lowercase();
    let kept: Vec<&AuditRecord> = records
        .iter()
        .rev()
        .filter(|r| {
            channel.is_empty()
                || r.place
                    .trim_start_matches('#')
                    .to_lowercase()
                    .starts_with(&channel)
        })
        .filter(|r| q.verdict.is_empty() || r.verdict.as_deref() == Some(q.verdict.as_str()))
        .filter(|r| q.action.is_empty() || r.action == q.action)
        .collect();
    let capped = kept.len() > AUDIT_ROWS;
    let rows: Vec<Value> = kept
        .iter()
        .take(AUDIT_ROWS)
        .map(|r| {
            json!({
                "at": when(r.decided_at), "place": r.place, "user": r.user_name,
                "action": r.action, "mode": r.mode, "reason": r.reason,
                "verdict": r.verdict, "score": r.score.map(|x| format!("{x:.2}")),
                "cues": r.cues, "template": r.template, "text": r.text, "message": r.message,
            })
        })
        .collect();
    let data = json!({
        "f": {"since": since_text, "channel": q.channel, "verdict": q.verdict, "action": q.action, "missed": missed},
        "verdicts": ["solicitation", "intent", "not"],
        "actions": ["reply", "handoff", "none"],
        "count": rows.len(), "capped": capped, "records": rows,
    });
    render(&s, "audit", "Audit", Some(&staff), data)
}

fn template_kinds(config: &Config) -> Vec<(&'static str, String)> {
    let t = &config.templates;
    vec![
        ("sales question", t.solicitation.clone()),
        ("several brands asked", t.multi_brand.clone()),
        ("plan to buy", t.intent.clone()),
        ("hand-off, public", t.handoff_public.clone()),
        ("hand-off, DM", t.handoff_dm.clone()),
        ("opt-out", t.opt_out.clone()),
        ("opt-in", t.opt_in.clone()),
        ("staff notice", t.staff_notice.clone()),
    ]
}

fn templates_page(
    s: &WebState,
    staff: &Staff,
    message: &str,
    chosen: &str,
    outcome: Option<Result<String, String>>,
) -> Response {
    let counts: HashMap<String, usize> =
        match crate::reply::TemplateSet::parse(crate::app::reply_settings(&s.config)) {
            Ok(set) => set.templates().map(|(n, c)| (n.to_string(), c)).collect(),
            Err(_) => HashMap::new(),
        };
    let kinds: Vec<Value> = template_kinds(&s.config)
        .into_iter()
        .map(|(kind, name)| {
            json!({"kind": kind, "variants": counts.get(&name).copied().unwrap_or(0), "template": name})
        })
        .collect();
    let mut names: Vec<String> = template_kinds(&s.config)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    names.dedup();
    let (preview, error) = match outcome {
        Some(Ok(p)) => (Some(p), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let data = json!({
        "editor": staff.session.editor,
        "dir": s.config.templates_dir.display().to_string(), "kinds": kinds, "names": names,
        "csrf": staff.session.csrf, "message": message, "chosen": chosen,
        "preview": preview, "error": error,
    });
    render(s, "templates", "Templates", Some(staff), data)
}

async fn templates(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Some(staff) = staff(&s, &headers).await else {
        return to_login();
    };
    templates_page(&s, &staff, "", "", None)
}

#[derive(Deserialize)]
struct PreviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    template: String,
}

async fn preview(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PreviewForm>,
) -> Response {
    let staff = match checked_post(&s, &headers, &f.csrf).await {
        Ok(staff) => staff,
        Err(refused) => return refused,
    };
    let template = Some(f.template.as_str()).filter(|t| !t.is_empty());
    let outcome = crate::app::preview(&s.config, &f.message, template, "alice", "general")
        .map_err(|e| format!("{e:#}"));
    templates_page(&s, &staff, &f.message, &f.template, Some(outcome))
}

fn edit_page(
    s: &WebState,
    staff: &Staff,
    name: &str,
    text: &str,
    problems: &[crate::reply::Problem],
    saved: Option<&std::path::Path>,
) -> Response {
    let problems: Vec<Value> = problems
        .iter()
        .map(|p| json!({"rule": p.rule.id(), "line": p.line, "message": p.message}))
        .collect();
    let data = json!({
        "name": name, "text": text, "csrf": staff.session.csrf, "problems": problems,
        "saved": saved.map(|p| p.display().to_string()),
        "history": s.config.templates_dir.join(".history").display().to_string(),
    });
    let mut response = render(s, "edit", &format!("Edit {name}"), Some(staff), data);
    if !problems.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

const EDITORS_ONLY: &str =
    "Only editors can change templates (an account made with `shopkeep user add NAME --editor`).";

async fn edit_form(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let Some(staff) = staff(&s, &headers).await else {
        return to_login();
    };
    if !staff.session.editor {
        return forbidden(EDITORS_ONLY);
    }
    let Some(file) = edit::file_of(&s.config, &name) else {
        return (StatusCode::NOT_FOUND, format!("no template {name}\n")).into_response();
    };
    match std::fs::read_to_string(&file) {
        Ok(text) => edit_page(&s, &staff, &name, &text, &[], None),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read {}: {e}\n", file.display()),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

async fn edit_save(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(f): Form<EditForm>,
) -> Response {
    let staff = match checked_post(&s, &headers, &f.csrf).await {
        Ok(staff) => staff,
        Err(refused) => return refused,
    };
    if !staff.session.editor {
        return forbidden(EDITORS_ONLY);
    }
    if edit::file_of(&s.config, &name).is_none() {
        return (StatusCode::NOT_FOUND, format!("no template {name}\n")).into_response();
    }
    match edit::check_and_save(&s.config, &name, &f.text) {
        Ok(edit::Saved::Kept(kept)) => {
            tracing::info!(user = %staff.session.user_name, template = %name, "staff page: template saved");
            edit_page(&s, &staff, &name, &f.text, &[], Some(&kept))
        }
        Ok(edit::Saved::Refused(problems)) => {
            edit_page(&s, &staff, &name, &f.text, &problems, None)
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), template = %name, "staff page: cannot save a template");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("not saved: {e:#}\n"),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests;
