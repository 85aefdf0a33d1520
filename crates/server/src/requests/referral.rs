//! Referring a complaint to the mediator with its history: the thread as it
//! stood is kept with the request, rendered as a PDF filed on the dossier as
//! the request's own document (as personal as the complaint), and announced
//! in the thread by a message carrying that PDF.

use chrono::{DateTime, Utc};
use claimdesk_api::requests::{MessageAuthor, RequestStatus, RequestThread};
use claimdesk_api::uploads::DocumentCategory;
use claimdesk_documents::{ComplaintHistoryDocument, HistoryMessage, Letterhead};
use sqlx::SqliteConnection;

use super::{NewMessageRow, Stored};
use crate::config::Config;
use crate::documents::{self, AgencyPost};
use crate::error::{AppError, AppResult};
use crate::records::{self, Selection};

/// The server's own messages are signed so.
pub(crate) const SYSTEM_AUTHOR: &str = "ClaimDesk";
/// The message that announces the referral.
pub(crate) const REFERRAL_TEXT: &str = "Réclamation transmise au médiateur";

/// How the history names a form field and its value.
fn labelled(name: &str, value: &str) -> (String, String) {
    let label = match name {
        "reason" => "Motif",
        "description" => "Description",
        other => other,
    };
    let value = match (name, value) {
        ("reason", "blocked_situation") => "Situation de blocage",
        ("reason", "disputed_amount") => "Contestation des sommes dues",
        ("reason", "hardship") => "Situation difficile",
        ("reason", "fraud_or_identity_theft") => "Fraude ou usurpation d'identité",
        ("reason", "settlement_proposal") => "Proposition transactionnelle",
        ("reason", "other") => "Autre",
        (_, value) => value,
    };
    (label.to_owned(), value.to_owned())
}

async fn file_names(conn: &mut SqliteConnection, ids: &[i64]) -> AppResult<Vec<String>> {
    let mut names = Vec::with_capacity(ids.len());
    for id in ids {
        names.push(match documents::by_id(conn, *id).await? {
            Some(document) => document.file_name,
            None => format!("document n° {id}"),
        });
    }
    Ok(names)
}

async fn history_pdf(
    conn: &mut SqliteConnection,
    stored: &Stored,
    thread: &RequestThread,
    referred_at: DateTime<Utc>,
) -> AppResult<Vec<u8>> {
    let dossier = records::dossiers(conn, Selection::one(stored.dossier_id))
        .await?
        .pop()
        .ok_or_else(|| AppError::corrupt(format!("request {} dossier", stored.request.id)))?;
    let request = &thread.request;
    let fields: Vec<(String, String)> = request
        .kind
        .fields()
        .iter()
        .filter_map(|spec| {
            request
                .fields
                .get(spec.name)
                .map(|value| labelled(spec.name, value))
        })
        .collect();
    let attachments = file_names(conn, &request.attachments).await?;
    let mut authors = Vec::with_capacity(thread.messages.len());
    let mut message_files = Vec::with_capacity(thread.messages.len());
    for message in &thread.messages {
        authors.push(match message.author {
            MessageAuthor::Customer => format!("{} (client)", message.author_name),
            MessageAuthor::Agency => format!("{} (agence)", message.author_name),
            MessageAuthor::System => message.author_name.clone(),
        });
        message_files.push(file_names(conn, &message.attachments).await?);
    }
    let messages: Vec<HistoryMessage> = thread
        .messages
        .iter()
        .zip(&authors)
        .zip(&message_files)
        .map(|((message, author), files)| HistoryMessage {
            at: message.created_at,
            author,
            text: &message.text,
            attachments: files,
        })
        .collect();
    let servicer = &dossier.servicer;
    claimdesk_documents::complaint_history_pdf(&ComplaintHistoryDocument {
        letterhead: &Letterhead {
            name: servicer.name.clone(),
            address: servicer.address.clone(),
            legal: servicer.legal.clone(),
            phone: servicer.phone.clone(),
            email: servicer.email.clone(),
        },
        dossier_reference: &request.dossier_reference,
        complaint_id: request.id,
        author: &request.author,
        made_at: request.created_at,
        answered_at: request.answered_at,
        referred_at,
        fields: &fields,
        attachments: &attachments,
        messages: &messages,
    })
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// Refers the complaint: its history kept and filed as a PDF on the dossier,
/// its status `referred_to_mediator`, and the system message announcing it
/// with the PDF attached.
pub(crate) async fn refer(
    conn: &mut SqliteConnection,
    config: &Config,
    stored: &Stored,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let id = stored.request.id;
    let thread = super::thread(conn, stored).await?;
    let bytes = history_pdf(conn, stored, &thread, now).await?;
    let note = format!("Historique de la réclamation n° {id} transmis au médiateur");
    let document = documents::post_agency(
        conn,
        config,
        AgencyPost {
            dossier_id: Some(stored.dossier_id),
            procedure_id: None,
            category: DocumentCategory::Other,
            note: Some(&note),
            file_name: &format!("reclamation-{id}-historique.pdf"),
            bytes: &bytes,
            request_id: Some(id),
        },
    )
    .await?;
    let history = serde_json::to_string(&thread).map_err(|e| AppError::Internal(e.to_string()))?;
    sqlx::query("UPDATE requests SET referral_history = ? WHERE id = ?")
        .bind(history)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    super::set_status(conn, stored, RequestStatus::ReferredToMediator, now).await?;
    super::add_message(
        conn,
        stored,
        NewMessageRow {
            author: MessageAuthor::System,
            user_id: None,
            author_name: SYSTEM_AUTHOR,
            text: REFERRAL_TEXT,
            attachments: &[document],
            created_at: now,
        },
    )
    .await?;
    Ok(())
}
