//! The real app in a real window, driven through WebDriver (tauri-driver over
//! WebKitWebDriver) against a real central API on loopback with demo data.
//!
//! Needs a display (run under `xvfb-run -a`), a Secret Service keyring (run
//! under `scripts/with-keyring`), `tauri-driver` on the PATH (or in
//! TAURI_DRIVER), and the app built with `--features custom-protocol`, which
//! this test requires (the app's path in CLAIMDESK_DESKTOP_BIN, else the one
//! cargo built, target/debug/claimdesk-desktop). `make test-desktop` does all
//! of that. Screenshots go to `screenshots/`. Downloads are saved in a
//! temporary folder through `CLAIMDESK_SAVE_DIR`, which stands in for the
//! native save dialog; files to upload come from `CLAIMDESK_PICK_FILES`, which
//! stands in for the native file dialog.
//!
//! Without a display or without tauri-driver the test fails and says why,
//! rather than passing without having run.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use claimdesk_api::routes;
use claimdesk_api::uploads::Document;
use claimdesk_client::{ApiClient, SessionToken};
use claimdesk_domain::statement::Statement;
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn app_binary() -> PathBuf {
    match std::env::var_os("CLAIMDESK_DESKTOP_BIN") {
        Some(path) => PathBuf::from(path),
        // target/debug/claimdesk-desktop, built by cargo with this test's features.
        None => PathBuf::from(env!("CARGO_BIN_EXE_claimdesk-desktop")),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// tauri-driver, stopped with SIGTERM whatever happens to the test: SIGKILL
/// would leave its WebKitWebDriver (and the app) running.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(
        home: &Path,
        server: &str,
        save_dir: &Path,
        pick: &Path,
        browsed: &Path,
        log: &Path,
    ) -> Result<Driver> {
        let program = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let port = free_port();
        let native_port = free_port();
        let log_file = std::fs::File::create(log)?;
        let child = Command::new(&program)
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            // The app inherits these through WebKitWebDriver.
            .env("CLAIMDESK_HOME", home)
            .env("CLAIMDESK_SERVER", server)
            .env(claimdesk_desktop::save::SAVE_DIR_ENV, save_dir)
            .env(claimdesk_desktop::files::PICK_FILES_ENV, pick)
            .env(claimdesk_desktop::paying::BROWSER_LOG_ENV, browsed)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| {
                format!("cannot start {program:?}: `cargo install tauri-driver --locked`")
            })?;
        let driver = Driver { child, port };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            ensure!(
                started.elapsed() < WAIT,
                "tauri-driver did not listen on {addr}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("tauri-driver (pid {pid}) did not stop within 15 s of SIGTERM");
    }
}

async fn session(driver: &Driver) -> Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app_binary() }),
    );
    caps.insert("browserName".into(), json!("wry"));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .context("cannot open a WebDriver session on the app")?;
    Ok(client)
}

fn css(selector: &str) -> Locator<'_> {
    Locator::Css(selector)
}

async fn find(client: &Client, selector: &str) -> Result<Element> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(css(selector))
        .await
        .with_context(|| format!("no {selector} within {WAIT:?}"))
}

/// Waits until `check` holds, retrying on errors too (elements re-render).
async fn until<F, Fut>(what: &str, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < WAIT {
        match check().await {
            Ok(true) => return Ok(()),
            Ok(false) => last = None,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    match last {
        Some(e) => Err(e.context(format!("still not {what} after {WAIT:?}"))),
        None => bail!("still not {what} after {WAIT:?}"),
    }
}

async fn attr(client: &Client, selector: &str, name: &str) -> Result<Option<String>> {
    Ok(find(client, selector).await?.attr(name).await?)
}

async fn count_attr(client: &Client, selector: &str) -> Result<usize> {
    attr(client, selector, "data-count")
        .await?
        .context("no data-count")?
        .parse()
        .context("data-count is not a number")
}

async fn screenshot(client: &Client, name: &str) -> Result<()> {
    let dir = workspace_root().join("screenshots");
    std::fs::create_dir_all(&dir)?;
    // WebKit hands back the last frame it painted: let it paint what the DOM
    // now holds (two animation frames, then a beat for the compositor).
    client
        .execute_async(
            "const done = arguments[arguments.length - 1];\n\
             requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 250)));",
            vec![],
        )
        .await?;
    let png = client.screenshot().await?;
    std::fs::write(dir.join(format!("{name}.png")), png)?;
    Ok(())
}

/// Runs a promise-returning expression in the page: Ok with what it resolved
/// to (as text), Err with what it rejected with.
async fn run_js(client: &Client, promise: &str) -> Result<std::result::Result<String, String>> {
    let script = format!(
        "const done = arguments[arguments.length - 1];\n\
         Promise.resolve().then(() => {promise}).then(\n\
           (v) => done({{ ok: JSON.stringify(v ?? null) }}),\n\
           (e) => done({{ err: String(e && e.message ? e.message : e) }}));"
    );
    let value = client.execute_async(&script, vec![]).await?;
    Ok(match (value.get("ok"), value.get("err")) {
        (Some(ok), _) => Ok(ok.as_str().unwrap_or_default().to_owned()),
        (_, Some(err)) => Err(err.as_str().unwrap_or_default().to_owned()),
        _ => bail!("unexpected answer from the page: {value}"),
    })
}

/// Opens a dossier from the home list on one of its tabs.
async fn open_dossier_tab(client: &Client, reference: &str, tab: &str) -> Result<()> {
    find(client, "[data-testid=nav-home]")
        .await?
        .click()
        .await?;
    let row = format!("[data-testid=dossier-row][data-id=\"{reference}\"]");
    find(client, &row).await?.click().await?;
    click_centered(client, &format!("[data-testid=dossier-tab-{tab}]")).await
}

/// Clicks an element brought to the middle of its scrolling area first: at
/// the bottom of the page the status bar would take the click.
async fn click_centered(client: &Client, selector: &str) -> Result<()> {
    let element = find(client, selector).await?;
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    element.click().await?;
    Ok(())
}

async fn type_into(client: &Client, selector: &str, text: &str) -> Result<()> {
    let field = find(client, selector).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_signs_in_lists_searches_translates_and_survives_the_server_going_away() {
    let binary = app_binary();
    assert!(
        binary.exists(),
        "{} is missing: `cargo build -p claimdesk-desktop --features custom-protocol` first",
        binary.display()
    );
    assert!(
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
        "no display: run under `xvfb-run -a`"
    );

    let mut server = TestServer::start_demo().await;
    let home = tempfile::tempdir().unwrap();
    let saved = tempfile::tempdir().unwrap();
    let picked = tempfile::tempdir().unwrap();
    let pick = picked.path().join(PICKED_NAME);
    std::fs::write(&pick, small_pdf("une pièce")).unwrap();
    let browsed = saved.path().join("browsed.txt");
    let log = workspace_root().join("target/tauri-driver.log");
    let driver = Driver::start(
        home.path(),
        &server.base_url,
        saved.path(),
        &pick,
        &browsed,
        &log,
    )
    .unwrap();
    let client = session(&driver).await.unwrap();

    let outcome = match scenario(&client, &mut server).await {
        Ok(()) => statement_scenario(&client, &mut server, saved.path()).await,
        failed => failed,
    };
    let (client, outcome) = match outcome {
        Ok(()) => documents_scenario(client, &driver, &mut server, saved.path(), &pick).await,
        failed => (client, failed),
    };
    let outcome = match outcome {
        Ok(()) => payments_scenario(&client, &server, &browsed).await,
        failed => failed,
    };
    let outcome = match outcome {
        Ok(()) => requests_scenario(&client, &server).await,
        failed => failed,
    };
    if outcome.is_err() {
        let _ = screenshot(&client, "failure").await;
    }
    // Closing the session ends the app; then the driver goes, even on failure.
    let closed = client.close().await;
    drop(driver);
    outcome.unwrap();
    closed.unwrap();
}

async fn scenario(client: &Client, server: &mut TestServer) -> Result<()> {
    // What the server says the demo mandataire sees.
    let token = server.token_for(demo::ETUDE_USER).await;
    let api = ApiClient::new(&server.base_url)?.with_token(SessionToken::new(token));
    let procedures = api.procedures().await?;
    ensure!(!procedures.is_empty(), "the demo étude has no procedure");

    // Sign in.
    find(client, "[data-testid=signin-title]").await?;
    screenshot(client, "01-sign-in").await?;
    let server_field = find(client, "[data-testid=signin-server]").await?;
    if server_field.prop("value").await?.as_deref() != Some(server.base_url.as_str()) {
        type_into(client, "[data-testid=signin-server]", &server.base_url).await?;
    }
    type_into(client, "[data-testid=signin-email]", demo::ETUDE_USER).await?;
    type_into(client, "[data-testid=signin-password]", demo::PASSWORD).await?;
    find(client, "[data-testid=signin-submit]")
        .await?
        .click()
        .await?;

    // The procedures, once synced: as many as the server has for this user.
    until("listing every procedure", || async {
        Ok(count_attr(client, "[data-testid=procedures-table]").await? == procedures.len())
    })
    .await?;
    let rows = client.find_all(css("[data-testid=procedure-row]")).await?;
    ensure!(!rows.is_empty(), "no procedure row rendered");
    find(client, "[data-testid=online-badge]").await?;
    find(client, "[data-testid=last-sync][datetime]").await?;
    screenshot(client, "02-procedures").await?;

    // A procedure and its claims.
    let first = &rows[0];
    let id: i64 = first
        .attr("data-id")
        .await?
        .context("row without id")?
        .parse()?;
    let expected = procedures
        .iter()
        .find(|p| p.id == id)
        .context("unknown row")?;
    first.click().await?;
    until("showing the procedure", || async {
        Ok(find(client, "[data-testid=procedure-title]")
            .await?
            .text()
            .await?
            == expected.debtor.name)
    })
    .await?;
    until("listing its claims", || async {
        Ok(count_attr(client, "[data-testid=claims-table]").await? > 0)
    })
    .await?;
    find(client, "[data-testid=claim-row]").await?;
    screenshot(client, "03-procedure").await?;

    // Its documents: an étude may file the mandataires' own categories.
    find(client, "[data-testid=procedure-documents] summary")
        .await?
        .click()
        .await?;
    find(
        client,
        "[data-testid=procedure-documents] [data-testid=add-files]",
    )
    .await?
    .click()
    .await?;
    find(
        client,
        "[data-testid=document-category] option[value=court_order]",
    )
    .await?;
    screenshot(client, "12-procedure-documents").await?;
    find(client, "[data-testid=selection-cancel]")
        .await?
        .click()
        .await?;

    // Search a SIREN, open the hit.
    let target = procedures.last().unwrap();
    find(client, "[data-testid=nav-home]")
        .await?
        .click()
        .await?;
    type_into(client, "[data-testid=search-input]", &target.debtor.siren).await?;
    let hit = format!(
        "[data-testid=search-result][data-kind=procedure][data-id=\"{}\"]",
        target.id
    );
    find(client, &hit).await?;
    screenshot(client, "04-search").await?;
    find(client, &hit).await?.click().await?;
    until("showing the procedure found", || async {
        Ok(find(client, "[data-testid=procedure-title]")
            .await?
            .text()
            .await?
            == target.debtor.name)
    })
    .await?;

    // English.
    let switch = find(client, "[data-testid=language-switch]").await?;
    ensure!(
        switch.attr("data-lang").await?.as_deref() == Some("fr"),
        "not French first"
    );
    switch.click().await?;
    until("in English", || async {
        Ok(attr(client, "[data-testid=language-switch]", "data-lang")
            .await?
            .as_deref()
            == Some("en")
            && find(client, "[data-testid=nav-home]")
                .await?
                .text()
                .await?
                .contains("Home"))
    })
    .await?;
    screenshot(client, "05-english").await?;

    // Least privilege: the window may call the app's commands and nothing
    // else, and may not reach the network itself (CSP connect-src).
    let own = run_js(client, "window.__TAURI_INTERNALS__.invoke('get_settings')").await?;
    ensure!(own.is_ok(), "the app's own command was refused: {own:?}");
    for (command, args) in [
        ("plugin:store|load", json!({ "path": "stolen.json" })),
        ("plugin:opener|open_path", json!({ "path": "/etc/passwd" })),
        ("plugin:window|close", json!({})),
        // The dialogs are the shell's to open, never the page's.
        ("plugin:dialog|save", json!({ "options": {} })),
        ("plugin:dialog|open", json!({ "options": {} })),
    ] {
        let script = format!(
            "window.__TAURI_INTERNALS__.invoke({}, {args})",
            serde_json::to_string(command)?
        );
        let outcome = run_js(client, &script).await?;
        ensure!(
            outcome.as_ref().is_err_and(|e| e.contains("not allowed")),
            "{command} was not refused: {outcome:?}"
        );
    }
    // Files are added by the id of a selection the shell made, never by path.
    for args in [
        json!({ "selection": "/etc/passwd", "attach_to": { "kind": "procedure", "id": id },
                "category": "judgment", "note": null, "as_pdf": false }),
        json!({ "paths": ["/etc/passwd"], "attach_to": { "kind": "procedure", "id": id },
                "category": "judgment", "note": null, "as_pdf": false }),
        json!({ "selection": 424242, "attach_to": { "kind": "procedure", "id": id },
                "category": "judgment", "note": null, "as_pdf": false }),
    ] {
        let script =
            format!("window.__TAURI_INTERNALS__.invoke('add_documents', {{ args: {args} }})");
        let outcome = run_js(client, &script).await?;
        ensure!(outcome.is_err(), "add_documents took {args}: {outcome:?}");
    }
    let health = format!("{}/health", server.base_url);
    let fetched = run_js(
        client,
        &format!(
            "fetch({}, {{ mode: 'no-cors' }})",
            serde_json::to_string(&health)?
        ),
    )
    .await?;
    ensure!(fetched.is_err(), "the WebView reached {health} itself");

    // The server goes away: offline shows, the data stays.
    server.stop().await;
    find(client, "[data-testid=sync-button]")
        .await?
        .click()
        .await?;
    find(client, "[data-testid=offline-badge]").await?;
    ensure!(
        client
            .find_all(css("[data-testid=online-badge]"))
            .await?
            .is_empty(),
        "online and offline badges both shown"
    );
    until("still showing the claims offline", || async {
        Ok(count_attr(client, "[data-testid=claims-table]").await? > 0)
    })
    .await?;
    find(client, "[data-testid=nav-home]")
        .await?
        .click()
        .await?;
    until("still listing the procedures offline", || async {
        Ok(count_attr(client, "[data-testid=procedures-table]").await? == procedures.len())
    })
    .await?;
    screenshot(client, "06-offline").await?;
    Ok(())
}

/// Sets a form field as a user would and tells the page it changed (WebKit's
/// date field takes keys in the desktop's locale order; the value is not).
async fn set_value(client: &Client, selector: &str, value: &str) -> Result<()> {
    client
        .execute(
            "const field = document.querySelector(arguments[0]);\n\
             field.value = arguments[1];\n\
             field.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(selector), json!(value)],
        )
        .await?;
    Ok(())
}

/// A debtor opens a dossier's statement, picks another date, saves the PDF
/// (into CLAIMDESK_SAVE_DIR, as the dialog would) and reads the RIB.
async fn statement_scenario(client: &Client, server: &mut TestServer, saved: &Path) -> Result<()> {
    server.restart().await;
    let token = server.token_for(demo::DEBTORS[0]).await;
    let api = ApiClient::new(&server.base_url)?.with_token(SessionToken::new(token));
    let dossiers = api.dossiers().await?;
    let owing = dossiers
        .iter()
        .find(|d| !d.balance.is_zero())
        .context("the demo debtor owes nothing")?;
    let statement_at = |date: Option<String>| {
        let api = api.clone();
        let path = routes::path(routes::DOSSIER_STATEMENT, &owing.reference);
        async move {
            let query: Vec<(&str, &str)> = date.iter().map(|d| ("date", d.as_str())).collect();
            api.get::<Statement>(&path, &query).await
        }
    };

    // Back to French, the language of the figures compared below.
    if attr(client, "[data-testid=language-switch]", "data-lang")
        .await?
        .as_deref()
        == Some("en")
    {
        find(client, "[data-testid=language-switch]")
            .await?
            .click()
            .await?;
    }
    find(client, "[data-testid=logout]").await?.click().await?;
    find(client, "[data-testid=signin-title]").await?;
    type_into(client, "[data-testid=signin-email]", demo::DEBTORS[0]).await?;
    type_into(client, "[data-testid=signin-password]", demo::PASSWORD).await?;
    find(client, "[data-testid=signin-submit]")
        .await?
        .click()
        .await?;
    until("listing the debtor's dossiers", || async {
        Ok(count_attr(client, "[data-testid=dossiers-table]").await? == dossiers.len())
    })
    .await?;
    let row = format!("[data-testid=dossier-row][data-id=\"{}\"]", owing.reference);
    find(client, &row).await?.click().await?;
    find(client, "[data-testid=dossier-statement]")
        .await?
        .click()
        .await?;

    // Today's statement: the server's lines and total, each line explained.
    let today = statement_at(None).await?;
    until("showing today's statement", || async {
        Ok(
            count_attr(client, "[data-testid=statement-lines]").await? == today.lines.len()
                && attr(client, "[data-testid=statement-total]", "data-amount")
                    .await?
                    .as_deref()
                    == Some(today.total.to_string().as_str()),
        )
    })
    .await?;
    let first = find(client, "[data-testid=statement-line]")
        .await?
        .text()
        .await?;
    ensure!(
        first.contains(&today.lines[0].label),
        "the first line reads {first:?}, not {:?}",
        today.lines[0].label
    );
    let explanation = find(client, "[data-testid=statement-explanation]")
        .await?
        .text()
        .await?;
    ensure!(
        explanation.contains(&today.lines[0].explanation.rule),
        "no rule in {explanation:?}"
    );
    ensure!(
        client
            .find_all(css("[data-testid=statement-origin]"))
            .await?
            .is_empty(),
        "a fresh statement is marked offline or provisional"
    );
    let total = find(client, "[data-testid=statement-total]")
        .await?
        .text()
        .await?;
    let spaced = |text: &str| text.replace(['\u{202f}', '\u{a0}'], " ");
    ensure!(
        spaced(&total) == spaced(&today.total.to_french()),
        "the total reads {total:?}, not {}",
        today.total.to_french()
    );

    // Another date: asked again, and the figures follow.
    let earlier = (today.as_of - chrono::Days::new(45)).to_string();
    let then = statement_at(Some(earlier.clone())).await?;
    set_value(client, "[data-testid=statement-date]", &earlier).await?;
    until("showing the statement at the date picked", || async {
        Ok(attr(client, "[data-testid=statement-lines]", "data-as-of")
            .await?
            .as_deref()
            == Some(earlier.as_str())
            && attr(client, "[data-testid=statement-total]", "data-amount")
                .await?
                .as_deref()
                == Some(then.total.to_string().as_str()))
    })
    .await?;

    // The PDF, saved where the dialog would have put it.
    find(client, "[data-testid=statement-download]")
        .await?
        .click()
        .await?;
    let confirmation = find(client, "[data-testid=statement-saved]")
        .await?
        .text()
        .await?;
    let pdfs: Vec<PathBuf> = std::fs::read_dir(saved)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    ensure!(pdfs.len() == 1, "saved {pdfs:?}");
    let pdf = &pdfs[0];
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    ensure!(
        name.ends_with(".pdf") && name.contains(&owing.reference) && name.contains(&earlier),
        "saved as {name}"
    );
    ensure!(
        confirmation.contains(&name),
        "the confirmation {confirmation:?} does not name {name}"
    );
    let bytes = std::fs::read(pdf)?;
    ensure!(bytes.starts_with(b"%PDF"), "{name} is not a PDF");

    // The RIB, grouped by four, and its copy button.
    let iban = find(client, "[data-testid=rib-iban]").await?;
    ensure!(iban.attr("data-iban").await?.as_deref() == Some(owing.rib.iban.as_str()));
    let grouped = iban.text().await?;
    ensure!(
        grouped.replace(' ', "") == owing.rib.iban && grouped.split(' ').all(|g| g.len() <= 4),
        "the IBAN reads {grouped:?}"
    );
    find(client, "[data-testid=rib-copy-iban]")
        .await?
        .click()
        .await?;
    find(client, "[data-testid=rib-copied]").await?;
    screenshot(client, "07-statement").await?;
    Ok(())
}

/// The file "Add files…" takes (CLAIMDESK_PICK_FILES names it).
const PICKED_NAME: &str = "releve-bancaire.pdf";

fn small_pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
        .into_bytes()
}

async fn add_picked_file(client: &Client) -> Result<()> {
    find(client, "[data-testid=add-files]")
        .await?
        .click()
        .await?;
    let picked = find(client, "[data-testid=selection-file]")
        .await?
        .text()
        .await?;
    ensure!(
        picked.contains(PICKED_NAME),
        "the selection reads {picked:?}"
    );
    ensure!(
        client
            .find_all(css(
                "[data-testid=document-category] option[value=court_order]"
            ))
            .await?
            .is_empty(),
        "a debtor is offered a mandataire's category"
    );
    set_value(
        client,
        "[data-testid=document-category]",
        "proof_of_payment",
    )
    .await?;
    find(client, "[data-testid=document-add]")
        .await?
        .click()
        .await?;
    until("the selection queued", || async {
        Ok(client
            .find_all(css("[data-testid=selection]"))
            .await?
            .is_empty())
    })
    .await
}

/// The files of `dir`, but for the temporary ones a download writes first.
fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            files.push(entry.path());
        }
    }
    Ok(files)
}

/// Clicks Save on document `id` (CLAIMDESK_SAVE_DIR stands in for the folder
/// dialog) and answers the file it wrote in `dir`.
async fn save_row(client: &Client, id: &str, dir: &Path) -> Result<PathBuf> {
    let before = files_in(dir)?;
    let button =
        format!("[data-testid=document-row][data-id=\"{id}\"] [data-testid=document-save]");
    find(client, &button).await?.click().await?;
    until("the document saved", || async {
        Ok(files_in(dir)?.len() > before.len())
    })
    .await?;
    files_in(dir)?
        .into_iter()
        .find(|f| !before.contains(f))
        .context("no new file")
}

/// The rows of the documents list that show `name`.
async fn rows_naming(client: &Client, name: &str) -> Result<Vec<Element>> {
    let mut found = Vec::new();
    for row in client.find_all(css("[data-testid=document-row]")).await? {
        if row.text().await?.contains(name) {
            found.push(row);
        }
    }
    Ok(found)
}

async fn open_queue(client: &Client) -> Result<()> {
    if client
        .find_all(css("[data-testid=queue-panel]"))
        .await?
        .is_empty()
    {
        find(client, "[data-testid=pending-outbox]")
            .await?
            .click()
            .await?;
    }
    find(client, "[data-testid=queue-panel]").await?;
    Ok(())
}

/// The debtor files a document on a dossier: picked (CLAIMDESK_PICK_FILES
/// stands in for the dialog), queued, sent, listed, saved byte for byte. Then
/// one added while the server is away waits, survives a restart of the app,
/// and reaches the server exactly once when it is back.
async fn documents_scenario(
    client: Client,
    driver: &Driver,
    server: &mut TestServer,
    saved: &Path,
    pick: &Path,
) -> (Client, Result<()>) {
    let first = small_pdf("relevé de septembre");
    let second = small_pdf("relevé d'octobre, ajouté hors ligne");
    let outcome = async {
        let token = server.token_for(demo::DEBTORS[0]).await;
        let api = ApiClient::new(&server.base_url)?.with_token(SessionToken::new(token));
        let reference = api
            .dossiers()
            .await?
            .first()
            .context("the demo debtor has no dossier")?
            .reference
            .clone();
        let listed = routes::path(routes::DOSSIER_DOCUMENTS, &reference);
        std::fs::write(pick, &first)?;

        find(&client, "[data-testid=nav-home]")
            .await?
            .click()
            .await?;
        let row = format!("[data-testid=dossier-row][data-id=\"{reference}\"]");
        find(&client, &row).await?.click().await?;
        find(&client, "[data-testid=dossier-tab-documents]")
            .await?
            .click()
            .await?;
        find(&client, "[data-testid=documents-panel]").await?;

        // The agency's statement came with the sync; saved, it is the server's file.
        let agency = find(&client, "[data-testid=document-row][data-origin=agency]").await?;
        let agency_id = agency.attr("data-id").await?.context("row without id")?;
        let listed_agency = api
            .get::<Vec<Document>>(&listed, &[])
            .await?
            .into_iter()
            .find(|d| d.id.to_string() == agency_id)
            .context("the agency's document is not the server's")?;
        let written = save_row(&client, &agency_id, saved).await?;
        let bytes = std::fs::read(&written)?;
        ensure!(
            bytes.len() as u64 == listed_agency.size && bytes.starts_with(b"%PDF"),
            "the agency's document saved as {} differs from the server's",
            written.display()
        );
        add_picked_file(&client).await?;
        open_queue(&client).await?;
        until("the file sent", || async {
            Ok(!client
                .find_all(css("[data-testid=queue-item][data-state=done]"))
                .await?
                .is_empty())
        })
        .await?;
        screenshot(&client, "08-outbox").await?;
        find(&client, "[data-testid=queue-close]")
            .await?
            .click()
            .await?;
        until("listing the document sent, once", || async {
            Ok(rows_naming(&client, PICKED_NAME).await?.len() == 1)
        })
        .await?;
        let newest = find(&client, "[data-testid=document-row]").await?;
        ensure!(
            newest.text().await?.contains(PICKED_NAME)
                && newest.attr("data-origin").await?.as_deref() == Some("customer"),
            "the newest document is not the one sent"
        );
        client
            .execute(
                "document.querySelector('[data-testid=documents-panel]').scrollIntoView()",
                vec![],
            )
            .await?;
        screenshot(&client, "09-documents").await?;

        // Saved where the dialog would have put it, byte for byte.
        let id = newest.attr("data-id").await?.context("row without id")?;
        let written = save_row(&client, &id, saved).await?;
        ensure!(
            written == saved.join(PICKED_NAME) && std::fs::read(&written)? == first,
            "the file sent is saved as {} with other bytes",
            written.display()
        );
        let confirmation = find(&client, "[data-testid=document-saved]")
            .await?
            .text()
            .await?;
        ensure!(
            confirmation.contains(PICKED_NAME),
            "saved as {confirmation:?}"
        );

        // Added while the server is away: it waits for the network.
        server.stop().await;
        std::fs::write(pick, &second)?;
        add_picked_file(&client).await?;
        find(&client, "[data-testid=offline-badge]").await?;
        // Saved again offline: from the copy this machine keeps.
        let again = save_row(&client, &agency_id, saved).await?;
        ensure!(
            std::fs::read(&again)? == bytes,
            "the agency's document saved offline differs"
        );
        open_queue(&client).await?;
        let waiting = find(&client, "[data-testid=queue-item][data-state=pending]").await?;
        let id = waiting
            .attr("data-id")
            .await?
            .context("queue item without id")?;
        let state = waiting
            .find(css("[data-testid=queue-state]"))
            .await?
            .text()
            .await?;
        ensure!(
            state == "En attente du réseau",
            "the waiting file reads {state:?}"
        );
        screenshot(&client, "10-outbox-offline").await?;
        Ok::<_, anyhow::Error>((api, listed, id))
    }
    .await;
    let (api, listed, id) = match outcome {
        Ok(found) => found,
        Err(e) => return (client, Err(e)),
    };

    // The app restarts with the server still away: the file still waits.
    if let Err(e) = client.clone().close().await {
        return (client, Err(e.into()));
    }
    let client = match session(driver).await {
        Ok(restarted) => restarted,
        Err(e) => return (client, Err(e)),
    };
    let outcome = async {
        let item = format!("[data-testid=queue-item][data-id=\"{id}\"]");
        find(&client, "[data-testid=pending-outbox]").await?;
        open_queue(&client).await?;
        ensure!(
            find(&client, &item)
                .await?
                .attr("data-state")
                .await?
                .as_deref()
                == Some("pending"),
            "the file does not wait after the restart"
        );
        screenshot(&client, "11-outbox-after-restart").await?;

        // The server is back: the file goes, once.
        server.restart().await;
        until("the waiting file sent after the restart", || async {
            Ok(attr(&client, &item, "data-state").await?.as_deref() == Some("done"))
        })
        .await?;
        let documents = api.get::<Vec<Document>>(&listed, &[]).await?;
        let copies = documents
            .iter()
            .filter(|d| d.file_name == PICKED_NAME && d.size == second.len() as u64)
            .count();
        ensure!(copies == 1, "the server holds {copies} copies of the file");
        Ok(())
    }
    .await;
    (client, outcome)
}

/// The debtor pays: a transfer shows its details and QR code; a card payment
/// opens the provider's page outside the window (CLAIMDESK_BROWSER_LOG stands
/// in for the browser), is approved there over HTTP with its challenge, and
/// the app shows it received once the webhook and the sync have run.
async fn payments_scenario(client: &Client, server: &TestServer, browsed: &Path) -> Result<()> {
    let token = server.token_for(demo::DEBTORS[0]).await;
    let api = ApiClient::new(&server.base_url)?.with_token(SessionToken::new(token));
    let reference = api
        .dossiers()
        .await?
        .into_iter()
        .find(|d| d.balance.is_positive())
        .context("the demo debtor owes nothing")?
        .reference;
    open_dossier_tab(client, &reference, "payments").await?;
    find(client, "[data-testid=pay-form]").await?;

    find(client, "[data-testid=pay-method-transfer]")
        .await?
        .click()
        .await?;
    type_into(client, "[data-testid=pay-amount]", "12,50").await?;
    find(client, "[data-testid=pay-submit]")
        .await?
        .click()
        .await?;
    let iban = find(client, "[data-testid=transfer-iban]")
        .await?
        .text()
        .await?;
    ensure!(iban.starts_with("FR76 "), "the IBAN reads {iban:?}");
    find(client, "[data-testid=transfer-qr] svg").await?;
    screenshot(client, "12-pay-transfer").await?;

    find(client, "[data-testid=pay-method-card]")
        .await?
        .click()
        .await?;
    type_into(client, "[data-testid=pay-amount]", "10").await?;
    find(client, "[data-testid=pay-submit]")
        .await?
        .click()
        .await?;
    let last_page = || {
        std::fs::read_to_string(browsed)
            .unwrap_or_default()
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    until("the card page handed to the browser", || async {
        Ok(!last_page().is_empty())
    })
    .await?;
    let url = last_page();
    ensure!(
        url.starts_with(&server.base_url),
        "the card page is {url:?}, not the sandbox's"
    );
    let status = find(client, "[data-testid=pay-card-status]")
        .await?
        .text()
        .await?;
    ensure!(
        status.contains("navigateur"),
        "the card status reads {status:?}"
    );

    // The payer, in their browser: approve, then answer the challenge.
    let browser = reqwest::Client::new();
    let challenge = browser
        .post(format!("{url}/approve"))
        // As a browser submits the page's button: an empty form.
        .form(&[("", "")])
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let code = challenge
        .split("<code id=\"code\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .context("no challenge code on the page")?;
    browser
        .post(format!("{url}/challenge"))
        .form(&[("code", code)])
        .send()
        .await?
        .error_for_status()?;
    until("the card payment shown received", || async {
        Ok(find(client, "[data-testid=pay-card-status]")
            .await?
            .text()
            .await?
            .contains("Paiement reçu"))
    })
    .await?;
    find(client, "[data-testid=payment-receipt]").await?;
    screenshot(client, "13-pay-card-received").await?;
    Ok(())
}

/// The debtor asks a question from the dossier: the missing field is said,
/// then the request goes; the agency answers and, after a sync, the answer
/// counts as unread until the thread is opened.
async fn requests_scenario(client: &Client, server: &TestServer) -> Result<()> {
    let token = server.token_for(demo::DEBTORS[0]).await;
    let api = ApiClient::new(&server.base_url)?.with_token(SessionToken::new(token));
    let reference = api
        .dossiers()
        .await?
        .first()
        .context("the demo debtor has no dossier")?
        .reference
        .clone();
    open_dossier_tab(client, &reference, "requests").await?;
    click_centered(client, "[data-testid=request-new]").await?;
    click_centered(client, "[data-testid=request-question-question]").await?;
    click_centered(client, "[data-testid=request-review]").await?;
    let missing = find(client, "[data-testid=request-problem-message]")
        .await?
        .text()
        .await?;
    ensure!(
        missing.contains("obligatoire"),
        "the missing message reads {missing:?}"
    );
    type_into(
        client,
        "[data-testid=request-field-message]",
        "Quand se termine mon plan ?",
    )
    .await?;
    click_centered(client, "[data-testid=request-review]").await?;
    find(client, "[data-testid=request-preview]").await?;
    screenshot(client, "14-request-preview").await?;
    click_centered(client, "[data-testid=request-send]").await?;
    find(client, "[data-testid=request-thread]").await?;

    let listed: Vec<claimdesk_api::requests::Request> = api
        .get(routes::REQUESTS, &[("dossier", reference.as_str())])
        .await?;
    let made = listed
        .iter()
        .find(|r| {
            r.fields.get("message").map(String::as_str) == Some("Quand se termine mon plan ?")
        })
        .context("the request did not reach the server")?;
    let admin =
        ApiClient::new(&server.base_url)?.with_token(SessionToken::new(server.admin_token().await));
    let _: claimdesk_api::requests::Message = admin
        .call(
            reqwest::Method::POST,
            &routes::path(routes::ADMIN_REQUEST_MESSAGES, made.id),
            Some(&serde_json::json!({"text": "Votre plan se termine en 2031."})),
        )
        .await?;

    click_centered(client, "[data-testid=thread-back]").await?;
    click_centered(client, "[data-testid=sync-button]").await?;
    let unread = format!(
        "[data-testid=request-row][data-id=\"{}\"][data-unread=\"1\"]",
        made.id
    );
    find(client, &unread).await?;
    screenshot(client, "15-request-answered").await?;
    let open = format!(
        "[data-testid=request-row][data-id=\"{}\"] [data-testid=request-open]",
        made.id
    );
    // The outbox panel opens for the request sent; it would cover the row's button.
    if let Ok(close) = client.find(css("[data-testid=queue-close]")).await {
        close.click().await?;
    }
    click_centered(client, &open).await?;
    until("the agency's answer shown in the thread", || async {
        Ok(
            find(client, "[data-testid=thread-message][data-author=agency]")
                .await?
                .text()
                .await?
                .contains("2031"),
        )
    })
    .await?;
    Ok(())
}
