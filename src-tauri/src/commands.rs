//! The commands the window may call (and only these: see build.rs and
//! capabilities/main.json). Each hands its arguments to [`Desktop`], which
//! hands them to the client core; errors cross as `{code, message}`.

use std::sync::Arc;

use chrono::NaiveDate;
use claimdesk_api::auth::User;
use claimdesk_api::payments::{Due, Mandate, NewMandate, NewPayment, Payment};
use claimdesk_api::records::DossierDetail;
use claimdesk_api::requests::{NewRequest, RequestThread};
use claimdesk_api::uploads::DocumentCategory;
use claimdesk_client::DocumentFile;
use claimdesk_client::SearchHit;
use claimdesk_client::requests::{RequestSummary, RequestTypeInfo};
use serde::Deserialize;
use tauri::{State, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::desktop::Desktop;
use crate::error::{CommandError, CommandResult};
use crate::files::{self, Selection};
use crate::paying::{self, PaymentOrderView};
use crate::requesting::{FieldProblemView, ReplyArgs, RequestOrderView, SendRequestArgs};
use crate::save;
use crate::settings::Settings;
use crate::views::{
    AppStatus, DocumentSubject, DocumentTarget, DocumentView, DossierSummary, ProcedureDetail,
    ProcedureSummary, QueueItem, RibView, StatementView, SyncReport,
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

/// What `add_documents` takes (as `{args}`): files picked or dropped, named
/// by their selection's id, never by path.
#[derive(Debug, Deserialize, TS)]
pub struct AddDocumentsArgs {
    #[ts(type = "number")]
    pub selection: u64,
    pub attach_to: DocumentTarget,
    pub category: DocumentCategory,
    /// Required for `other`.
    pub note: Option<String>,
    /// Combine the files (images) into one PDF first.
    pub as_pdf: bool,
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

/// Files chosen in the native dialog (or named by CLAIMDESK_PICK_FILES); null
/// when the user cancelled.
#[tauri::command]
pub async fn pick_files(window: WebviewWindow, app: App<'_>) -> CommandResult<Option<Selection>> {
    let picked = match files::picked_from_env() {
        Some(paths) => Some(paths),
        None => {
            in_dialog(move || {
                file_dialog(&window).blocking_pick_files().map(|chosen| {
                    chosen
                        .into_iter()
                        .filter_map(|file| file.into_path().ok())
                        .collect::<Vec<_>>()
                })
            })
            .await?
        }
    };
    let Some(paths) = picked else {
        return Ok(None);
    };
    app.select(paths)
        .map(Some)
        .ok_or_else(|| CommandError::invalid("none of the files chosen can be read"))
}

#[tauri::command]
pub async fn add_documents(app: App<'_>, args: AddDocumentsArgs) -> CommandResult<Vec<i64>> {
    let AddDocumentsArgs {
        selection,
        attach_to,
        category,
        note,
        as_pdf,
    } = args;
    app.add_documents(selection, attach_to.into(), category, note, as_pdf)
        .await
}

#[tauri::command]
pub async fn outbox(app: App<'_>) -> CommandResult<Vec<QueueItem>> {
    app.outbox().await
}

/// Starts a pass over the outbox in the background; progress comes as events.
#[tauri::command]
pub async fn send_outbox(app: App<'_>) -> CommandResult<()> {
    app.outbox_wake.notify_one();
    Ok(())
}

#[tauri::command]
pub async fn retry_outbox_item(app: App<'_>, id: i64) -> CommandResult<QueueItem> {
    app.retry_outbox_item(id).await
}

#[tauri::command]
pub async fn cancel_outbox_item(app: App<'_>, id: i64) -> CommandResult<QueueItem> {
    app.cancel_outbox_item(id).await
}

#[tauri::command]
pub async fn documents(app: App<'_>, of: DocumentTarget) -> CommandResult<Vec<DocumentView>> {
    app.documents_of(&of.into()).await
}

/// Opens a document in the system's viewer, from the copy kept on this machine.
#[tauri::command]
pub async fn open_document(window: WebviewWindow, app: App<'_>, id: i64) -> CommandResult<()> {
    let path = app.document_to_open(id).await?;
    window
        .opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| CommandError::io(format!("cannot open the document: {e}")))
}

/// Saves a document in the folder chosen in the native dialog (or in
/// CLAIMDESK_SAVE_DIR); answers the path written, or null when cancelled.
#[tauri::command]
pub async fn save_document(
    window: WebviewWindow,
    app: App<'_>,
    id: i64,
) -> CommandResult<Option<String>> {
    let folder = match save::folder_from_env() {
        Some(folder) => Some(folder),
        None => {
            in_dialog(move || {
                file_dialog(&window)
                    .blocking_pick_folder()
                    .and_then(|chosen| chosen.into_path().ok())
            })
            .await?
        }
    };
    let Some(folder) = folder else {
        return Ok(None);
    };
    let path = app.save_document(id, &folder).await?;
    Ok(Some(path.display().to_string()))
}

#[tauri::command]
pub async fn due(app: App<'_>, reference: String) -> CommandResult<Due> {
    app.due(&reference).await
}

#[tauri::command]
pub async fn payments(app: App<'_>, reference: String) -> CommandResult<Vec<Payment>> {
    app.payments(&reference).await
}

/// Orders a payment; a card payment's hosted page opens in the system
/// browser (the window never shows a provider's page).
#[tauri::command]
pub async fn order_payment(
    window: WebviewWindow,
    app: App<'_>,
    order: NewPayment,
) -> CommandResult<PaymentOrderView> {
    let view = app.order_payment(order).await?;
    if let Some(payment) = view.payment.as_ref().filter(|p| p.checkout_url.is_some()) {
        let url = paying::checkout_url(payment)?;
        match paying::browser_log() {
            Some(log) => {
                use std::io::Write;
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(log)
                    .and_then(|mut file| writeln!(file, "{url}"))
                    .map_err(|e| CommandError::io(format!("cannot log the payment page: {e}")))?;
            }
            None => window
                .opener()
                .open_url(url, None::<&str>)
                .map_err(|e| CommandError::io(format!("cannot open the browser: {e}")))?,
        }
    }
    Ok(view)
}

#[tauri::command]
pub fn transfer_qr(payload: String) -> CommandResult<String> {
    paying::transfer_qr_svg(&payload)
}

/// The password, when given, goes to the server with this one request.
#[tauri::command]
pub async fn create_mandate(
    app: App<'_>,
    reference: String,
    mandate: NewMandate,
) -> CommandResult<Mandate> {
    app.create_mandate(&reference, mandate).await
}

#[tauri::command]
pub async fn save_receipt(
    window: WebviewWindow,
    app: App<'_>,
    payment_id: i64,
) -> CommandResult<Option<String>> {
    let document = app.receipt_pdf(payment_id).await?;
    save_chosen(window, document).await
}

#[tauri::command]
pub async fn save_transfer_instructions(
    window: WebviewWindow,
    app: App<'_>,
    payment_id: i64,
) -> CommandResult<Option<String>> {
    let document = app.transfer_instructions_pdf(payment_id).await?;
    save_chosen(window, document).await
}

#[tauri::command]
pub async fn save_mandate_pdf(
    window: WebviewWindow,
    app: App<'_>,
    mandate_id: i64,
) -> CommandResult<Option<String>> {
    let document = app.mandate_pdf(mandate_id).await?;
    save_chosen(window, document).await
}

#[tauri::command]
pub fn request_types(app: App<'_>) -> Vec<RequestTypeInfo> {
    app.request_types()
}

#[tauri::command]
pub fn check_request(app: App<'_>, request: NewRequest) -> Vec<FieldProblemView> {
    app.check_request(&request)
}

#[tauri::command]
pub async fn requests(
    app: App<'_>,
    reference: Option<String>,
) -> CommandResult<Vec<RequestSummary>> {
    app.requests(reference.as_deref()).await
}

#[tauri::command]
pub async fn thread(app: App<'_>, id: i64) -> CommandResult<RequestThread> {
    app.thread(id).await
}

/// The request's files come from a selection (picked or dropped), never a path.
#[tauri::command]
pub async fn send_request(app: App<'_>, args: SendRequestArgs) -> CommandResult<RequestOrderView> {
    app.send_request(args.request, args.selection).await
}

#[tauri::command]
pub async fn reply(app: App<'_>, args: ReplyArgs) -> CommandResult<RequestOrderView> {
    app.reply(args.request_id, args.text, args.selection).await
}

#[tauri::command]
pub async fn escalate(app: App<'_>, id: i64) -> CommandResult<RequestThread> {
    app.escalate(id).await
}

/// Writes `document` where the user says in the native save dialog (or in
/// CLAIMDESK_SAVE_DIR when set). The dialog blocks its thread until answered.
async fn save_chosen(
    window: WebviewWindow,
    document: DocumentFile,
) -> CommandResult<Option<String>> {
    let folder = save::folder_from_env();
    let saved = in_dialog(move || match folder {
        Some(folder) => save::save_in(&folder, &document).map(Some),
        None => save::save(&document, |name| {
            file_dialog(&window)
                .set_file_name(name)
                .add_filter("PDF", &["pdf"])
                .blocking_save_file()
                .and_then(|chosen| chosen.into_path().ok())
        }),
    })
    .await??;
    Ok(saved.map(|path| path.display().to_string()))
}

/// Runs a native dialog off the async threads: it blocks its thread until answered.
async fn in_dialog<T: Send + 'static>(
    dialog: impl FnOnce() -> T + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(dialog)
        .await
        .map_err(|e| CommandError::io(format!("the dialog was interrupted: {e}")))
}

/// The native file dialog, over the window.
fn file_dialog(window: &WebviewWindow) -> FileDialogBuilder<tauri::Wry> {
    window.dialog().file().set_parent(window)
}
