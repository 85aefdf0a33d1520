//! The commands the window may call (and only these: see build.rs and
//! capabilities/main.json). Each hands its arguments to [`Desktop`], which
//! hands them to the client core; errors cross as `{code, message}`.

use std::sync::Arc;

use chrono::NaiveDate;
use claimdesk_api::auth::User;
use claimdesk_api::records::DossierDetail;
use claimdesk_client::DocumentFile;
use claimdesk_client::SearchHit;
use serde::Deserialize;
use tauri::{State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::desktop::Desktop;
use crate::error::{CommandError, CommandResult};
use crate::save;
use crate::settings::Settings;
use crate::views::{
    AppStatus, DocumentSubject, DossierSummary, ProcedureDetail, ProcedureSummary, RibView,
    StatementView, SyncReport,
};

type App<'a> = State<'a, Arc<Desktop>>;

/// What `login` takes (as `{args}`). No `Debug`: it holds a password.
#[derive(Deserialize, TS)]
pub struct LoginArgs {
    pub server: String,
    pub email: String,
    pub password: String,
}

/// What `activate` takes (as `{args}`): the dossier reference and the code of
/// the activation letter, and the new account's e-mail and password.
#[derive(Deserialize, TS)]
pub struct ActivateArgs {
    pub server: String,
    pub reference: String,
    pub code: String,
    pub email: String,
    pub password: String,
}

#[tauri::command]
pub async fn app_status(app: App<'_>) -> CommandResult<AppStatus> {
    app.app_status().await
}

#[tauri::command]
pub async fn login(app: App<'_>, args: LoginArgs) -> CommandResult<User> {
    app.login(&args.server, &args.email, &args.password).await
}

#[tauri::command]
pub async fn activate(app: App<'_>, args: ActivateArgs) -> CommandResult<User> {
    let ActivateArgs {
        server,
        reference,
        code,
        email,
        password,
    } = args;
    app.activate(&server, &reference, &code, &email, &password)
        .await
}

#[tauri::command]
pub async fn logout(app: App<'_>) -> CommandResult<()> {
    app.logout().await
}

#[tauri::command]
pub async fn sync_now(app: App<'_>) -> CommandResult<SyncReport> {
    app.sync().await
}

#[tauri::command]
pub async fn procedures(app: App<'_>) -> CommandResult<Vec<ProcedureSummary>> {
    app.procedures().await
}

#[tauri::command]
pub async fn procedure(app: App<'_>, id: i64) -> CommandResult<ProcedureDetail> {
    app.procedure(id).await
}

#[tauri::command]
pub async fn dossiers(app: App<'_>) -> CommandResult<Vec<DossierSummary>> {
    app.dossiers().await
}

#[tauri::command]
pub async fn dossier(app: App<'_>, reference: String) -> CommandResult<DossierDetail> {
    app.dossier(&reference).await
}

#[tauri::command]
pub async fn search(app: App<'_>, query: String, limit: u32) -> CommandResult<Vec<SearchHit>> {
    app.search(&query, limit).await
}

#[tauri::command]
pub async fn get_settings(app: App<'_>) -> CommandResult<Settings> {
    Ok(app.settings())
}

#[tauri::command]
pub async fn set_settings(app: App<'_>, settings: Settings) -> CommandResult<Settings> {
    app.set_settings(settings)
}

#[tauri::command]
pub async fn statement(
    app: App<'_>,
    subject: DocumentSubject,
    date: Option<NaiveDate>,
) -> CommandResult<StatementView> {
    app.statement(&subject.into(), date).await
}

#[tauri::command]
pub async fn rib(app: App<'_>, subject: DocumentSubject) -> CommandResult<RibView> {
    app.rib(&subject.into()).await
}

/// The `save_*` commands answer the path written, or null when the user
/// cancelled the dialog.
#[tauri::command]
pub async fn save_statement_pdf(
    window: WebviewWindow,
    app: App<'_>,
    subject: DocumentSubject,
    date: Option<NaiveDate>,
) -> CommandResult<Option<String>> {
    let document = app.statement_pdf(&subject.into(), date).await?;
    save_chosen(window, document).await
}

#[tauri::command]
pub async fn save_rib_pdf(
    window: WebviewWindow,
    app: App<'_>,
    subject: DocumentSubject,
) -> CommandResult<Option<String>> {
    let document = app.rib_pdf(&subject.into()).await?;
    save_chosen(window, document).await
}

#[tauri::command]
pub async fn save_attestation_pdf(
    window: WebviewWindow,
    app: App<'_>,
    reference: String,
) -> CommandResult<Option<String>> {
    let document = app.attestation_pdf(&reference).await?;
    save_chosen(window, document).await
}

/// Writes `document` where the user says in the native save dialog (or in
/// CLAIMDESK_SAVE_DIR when set). The dialog blocks its thread until answered.
async fn save_chosen(
    window: WebviewWindow,
    document: DocumentFile,
) -> CommandResult<Option<String>> {
    let folder = save::folder_from_env();
    let saved = tauri::async_runtime::spawn_blocking(move || match folder {
        Some(folder) => save::save_in(&folder, &document).map(Some),
        None => save::save(&document, |name| {
            window
                .dialog()
                .file()
                .set_parent(&window)
                .set_file_name(name)
                .add_filter("PDF", &["pdf"])
                .blocking_save_file()
                .and_then(|chosen| chosen.into_path().ok())
        }),
    })
    .await
    .map_err(|e| CommandError::io(format!("the save was interrupted: {e}")))??;
    Ok(saved.map(|path| path.display().to_string()))
}
