//! The commands the window may call (and only these: see build.rs and
//! capabilities/main.json). Each hands its arguments to [`Desktop`], which
//! hands them to the client core; errors cross as `{code, message}`.

use std::sync::Arc;

use claimdesk_api::auth::User;
use claimdesk_api::records::DossierDetail;
use claimdesk_client::SearchHit;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::desktop::Desktop;
use crate::error::CommandResult;
use crate::settings::Settings;
use crate::views::{AppStatus, DossierSummary, ProcedureDetail, ProcedureSummary, SyncReport};

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
