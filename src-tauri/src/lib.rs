//! The claimdesk desktop app: a Tauri window over the client core. The window
//! calls the commands of [`commands`]; [`desktop::Desktop`] holds the state
//! between them; [`background`] syncs without being asked; everything else is
//! in `claimdesk_client`.

pub mod background;
pub mod bindings;
pub mod commands;
pub mod desktop;
pub mod error;
pub mod files;
pub mod paying;
pub mod requesting;
pub mod save;
pub mod settings;
pub mod views;

use std::path::PathBuf;
use std::sync::Arc;

use claimdesk_client::Home;
use tauri::{Emitter, Manager, Runtime};
use tauri_plugin_opener::OpenerExt;
use tauri_plugin_store::StoreExt;

use crate::desktop::{Desktop, Events, SettingsFile};
use crate::error::{CommandError, CommandResult};
use crate::files::{DragState, Dropped};
use crate::views::{QueueItem, QueueProgress, SyncProgress, SyncReport, SyncState};

pub const EVENT_PROGRESS: &str = "sync://progress";
pub const EVENT_STATE: &str = "sync://state";
pub const EVENT_DONE: &str = "sync://done";
pub const EVENT_UPLOAD: &str = "outbox://progress";
pub const EVENT_QUEUE: &str = "outbox://items";
pub const EVENT_DRAG: &str = "files://drag";
pub const EVENT_DROPPED: &str = "files://dropped";
pub const EVENT_NOTIFY: &str = "notify://new";

/// The environment variable that points the app at another central API.
pub const SERVER_ENV: &str = "CLAIMDESK_SERVER";

struct WindowEvents<R: Runtime>(tauri::AppHandle<R>);

impl<R: Runtime> WindowEvents<R> {
    fn emit(&self, event: &str, payload: impl serde::Serialize + Clone) {
        if let Err(e) = self.0.emit(event, payload) {
            tracing::warn!(event, error = %e, "cannot send an event to the window");
        }
    }
}

impl<R: Runtime> Events for WindowEvents<R> {
    fn progress(&self, progress: SyncProgress) {
        self.emit(EVENT_PROGRESS, progress);
    }
    fn state(&self, state: SyncState) {
        self.emit(EVENT_STATE, state);
    }
    fn done(&self, report: &SyncReport) {
        self.emit(EVENT_DONE, report.clone());
    }
    fn upload(&self, progress: QueueProgress) {
        self.emit(EVENT_UPLOAD, progress);
    }
    fn queue(&self, items: &[QueueItem]) {
        self.emit(EVENT_QUEUE, items.to_vec());
    }
    fn notify(&self, notifications: &[claimdesk_client::requests::Notification]) {
        use tauri_plugin_notification::NotificationExt;
        let french = self
            .0
            .try_state::<std::sync::Arc<Desktop>>()
            .is_none_or(|d| d.settings().language == settings::Language::Fr);
        for n in notifications {
            let (title, body) = if french {
                (&n.title.fr, &n.body.fr)
            } else {
                (&n.title.en, &n.body.en)
            };
            if let Err(e) = self
                .0
                .notification()
                .builder()
                .title(title)
                .body(body)
                .show()
            {
                tracing::warn!(error = %e, "cannot show a desktop notification");
            }
        }
        self.emit(EVENT_NOTIFY, notifications.to_vec());
    }
}

/// Files dragged over the window: the window hears that some are coming and,
/// once dropped, the selection's id with names and sizes and where they fell
/// (so a drop on a dossier's row goes to that dossier); the paths stay with
/// [`Desktop`].
fn on_drag_drop<R: Runtime>(
    window: &tauri::WebviewWindow<R>,
    desktop: &Desktop,
    event: &tauri::DragDropEvent,
) {
    let events = WindowEvents(window.app_handle().clone());
    match event {
        tauri::DragDropEvent::Enter { .. } => events.emit(EVENT_DRAG, DragState { over: true }),
        tauri::DragDropEvent::Leave => events.emit(EVENT_DRAG, DragState { over: false }),
        tauri::DragDropEvent::Drop { paths, position } => {
            events.emit(EVENT_DRAG, DragState { over: false });
            let Some(selection) = desktop.select(paths.clone()) else {
                tracing::info!("nothing droppable: no readable file");
                return;
            };
            let scale = window.scale_factor().unwrap_or(1.0);
            let at = position.to_logical::<f64>(scale);
            events.emit(
                EVENT_DROPPED,
                Dropped {
                    selection,
                    x: at.x,
                    y: at.y,
                },
            );
        }
        _ => {}
    }
}

struct PluginSettingsFile<R: Runtime>(Arc<tauri_plugin_store::Store<R>>);

impl<R: Runtime> SettingsFile for PluginSettingsFile<R> {
    fn load(&self) -> Option<serde_json::Value> {
        self.0.get(settings::STORE_KEY)
    }

    fn save(&self, value: serde_json::Value) -> CommandResult<()> {
        self.0.set(settings::STORE_KEY, value);
        self.0
            .save()
            .map_err(|e| CommandError::io(format!("cannot save the settings: {e}")))
    }
}

/// Pages the window may show: its own, embedded or (in development) served
/// by the UI's dev server. Anything else opens in the system browser.
fn is_own_page(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" | "asset" | "about" | "data" => true,
        "http" | "https" => {
            let host = url.host_str().unwrap_or_default();
            host == "tauri.localhost" || (tauri::is_dev() && host == "localhost")
        }
        _ => false,
    }
}

/// Linux: the page is drawn without WebKit's accelerated compositing. A
/// table of figures needs no 3-D transforms or WebGL, and compositing layers
/// hold their own copies of the page (in system memory wherever GL is
/// software), which costs more than the page itself.
fn draw_without_compositing<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    let set = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let set: tauri::Result<()> = {
        let _ = window;
        Ok(())
    };
    if let Err(e) = set {
        tracing::warn!(error = %e, "cannot set how the WebView draws");
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let server_override = std::env::var(SERVER_ENV).ok().filter(|s| !s.is_empty());
    tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        // Driven from Rust only (the save commands); the window is granted none of it.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let home = Home::locate(None)?;
            std::fs::create_dir_all(home.root())?;
            let file: PathBuf = home.root().join(settings::STORE_FILE);
            let settings_file = PluginSettingsFile(app.store(file)?);
            let events = WindowEvents(app.handle().clone());
            let desktop = tauri::async_runtime::block_on(Desktop::open(
                home,
                Box::new(events),
                Box::new(settings_file),
                server_override.clone(),
            ))?;
            let desktop = Arc::new(desktop);
            app.manage(Arc::clone(&desktop));
            tauri::async_runtime::spawn(background::run(Arc::clone(&desktop)));
            tauri::async_runtime::spawn(background::send(Arc::clone(&desktop)));

            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .cloned()
                .ok_or("no main window in tauri.conf.json")?;
            let handle = app.handle().clone();
            let window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                .on_navigation(move |url| {
                    if is_own_page(url) {
                        return true;
                    }
                    if let Err(e) = handle.opener().open_url(url.as_str(), None::<&str>) {
                        tracing::warn!(error = %e, "cannot open a link in the browser");
                    }
                    false
                })
                .build()?;
            draw_without_compositing(&window);
            let dropped_on = window.clone();
            window.on_window_event(move |event| {
                if let tauri::WindowEvent::DragDrop(drag) = event {
                    on_drag_drop(&dropped_on, &desktop, drag);
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::login,
            commands::activate,
            commands::logout,
            commands::sync_now,
            commands::procedures,
            commands::procedure,
            commands::dossiers,
            commands::dossier,
            commands::search,
            commands::get_settings,
            commands::set_settings,
            commands::statement,
            commands::rib,
            commands::save_statement_pdf,
            commands::save_rib_pdf,
            commands::save_attestation_pdf,
            commands::pick_files,
            commands::add_documents,
            commands::outbox,
            commands::send_outbox,
            commands::retry_outbox_item,
            commands::cancel_outbox_item,
            commands::documents,
            commands::open_document,
            commands::save_document,
            commands::due,
            commands::payments,
            commands::order_payment,
            commands::transfer_qr,
            commands::create_mandate,
            commands::save_receipt,
            commands::save_transfer_instructions,
            commands::save_mandate_pdf,
            commands::request_types,
            commands::check_request,
            commands::requests,
            commands::thread,
            commands::send_request,
            commands::reply,
            commands::escalate,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "the app stopped");
            std::process::exit(1);
        });
}

#[cfg(test)]
mod tests {
    use super::is_own_page;

    #[test]
    fn only_the_apps_own_pages_stay_in_the_window() {
        let url = |s: &str| tauri::Url::parse(s).unwrap();
        assert!(is_own_page(&url("tauri://localhost/index.html")));
        assert!(is_own_page(&url("http://tauri.localhost/")));
        assert!(!is_own_page(&url("https://www.bodacc.fr/annonce/123")));
        assert!(!is_own_page(&url("https://pay.example.com/checkout")));
        assert!(!is_own_page(&url("file:///etc/passwd")));
    }
}
