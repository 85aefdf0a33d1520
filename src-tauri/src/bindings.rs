//! The TypeScript declarations of every command's input and output, generated
//! from the Rust types into `ui/src/lib/bindings/` (one file per type), so the
//! UI cannot drift from the shell: `tests/bindings.rs` fails when the committed
//! files differ from what these types generate.

use std::path::{Path, PathBuf};

use claimdesk_api::auth::User;
use claimdesk_api::payments::{Due, Mandate, NewMandate, NewPayment, Payment};
use claimdesk_api::records::DossierDetail;
use claimdesk_client::SearchHit;
use ts_rs::TS;

use crate::commands::{ActivateArgs, AddDocumentsArgs, LoginArgs};
use crate::error::CommandError;
use crate::files::{DragState, Dropped, Selection};
use crate::paying::PaymentOrderView;
use crate::requesting::{FieldProblemView, ReplyArgs, RequestOrderView, SendRequestArgs};
use crate::settings::Settings;
use crate::views::{
    AppStatus, DocumentSubject, DocumentView, DossierSummary, ProcedureDetail, ProcedureSummary,
    QueueItem, QueueProgress, RibView, StatementView, SyncProgress, SyncReport, SyncState,
};

/// Where the UI keeps the generated files.
pub fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings")
}

/// Writes the declarations of the commands' and events' types, and of every
/// type they use, into `dir`.
pub fn export(dir: &Path) -> Result<(), ts_rs::ExportError> {
    LoginArgs::export_all_to(dir)?;
    ActivateArgs::export_all_to(dir)?;
    AppStatus::export_all_to(dir)?;
    User::export_all_to(dir)?;
    SyncReport::export_all_to(dir)?;
    SyncProgress::export_all_to(dir)?;
    SyncState::export_all_to(dir)?;
    ProcedureSummary::export_all_to(dir)?;
    ProcedureDetail::export_all_to(dir)?;
    DossierSummary::export_all_to(dir)?;
    DossierDetail::export_all_to(dir)?;
    SearchHit::export_all_to(dir)?;
    Settings::export_all_to(dir)?;
    CommandError::export_all_to(dir)?;
    DocumentSubject::export_all_to(dir)?;
    StatementView::export_all_to(dir)?;
    RibView::export_all_to(dir)?;
    Selection::export_all_to(dir)?;
    DragState::export_all_to(dir)?;
    Dropped::export_all_to(dir)?;
    AddDocumentsArgs::export_all_to(dir)?;
    QueueItem::export_all_to(dir)?;
    QueueProgress::export_all_to(dir)?;
    DocumentView::export_all_to(dir)?;
    Due::export_all_to(dir)?;
    Payment::export_all_to(dir)?;
    NewPayment::export_all_to(dir)?;
    PaymentOrderView::export_all_to(dir)?;
    Mandate::export_all_to(dir)?;
    NewMandate::export_all_to(dir)?;
    claimdesk_client::requests::RequestTypeInfo::export_all_to(dir)?;
    claimdesk_client::requests::RequestSummary::export_all_to(dir)?;
    claimdesk_client::requests::Notification::export_all_to(dir)?;
    claimdesk_api::requests::RequestThread::export_all_to(dir)?;
    claimdesk_api::requests::NewRequest::export_all_to(dir)?;
    FieldProblemView::export_all_to(dir)?;
    SendRequestArgs::export_all_to(dir)?;
    ReplyArgs::export_all_to(dir)?;
    RequestOrderView::export_all_to(dir)?;
    Ok(())
}
