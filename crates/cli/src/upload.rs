//! `upload`, `outbox`, `documents` and `download`: documents to and from the agency.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory};
use claimdesk_client::{
    Claimdesk, OrderResult, OutboxItem, OutboxKind, OutboxState, SendReport, UploadProgress,
};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// Put a failed item back in the queue and send it.
    Retry {
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Give up an item: its upload is stopped and its local copy removed.
    Cancel {
        #[arg(value_name = "ID")]
        id: i64,
    },
}

pub fn parse_category(text: &str) -> Result<DocumentCategory, String> {
    DocumentCategory::parse(text).ok_or_else(|| {
        let names: Vec<&str> = DocumentCategory::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown category; one of: {}", names.join(", "))
    })
}

/// `procedure:ID` names a procedure; anything else a dossier reference.
pub fn attach_to(reference: &str) -> anyhow::Result<AttachTo> {
    match reference.strip_prefix("procedure:") {
        Some(id) => Ok(AttachTo::Procedure {
            id: id.parse().map_err(|_| {
                anyhow::anyhow!(
                    "{reference:?}: a procedure is named procedure:ID, ID being its number"
                )
            })?,
        }),
        None if reference.trim().is_empty() => bail!("a dossier reference is needed"),
        None => Ok(AttachTo::Dossier {
            reference: reference.to_owned(),
        }),
    }
}

pub async fn upload(
    desk: &mut Claimdesk,
    reference: &str,
    files: &[PathBuf],
    category: DocumentCategory,
    note: Option<String>,
    as_pdf: bool,
) -> anyhow::Result<()> {
    let target = attach_to(reference)?;
    let ids = desk
        .add_document(target, files, category, note, as_pdf)
        .await?;
    eprintln!(
        "{} added to the outbox (item{} {})",
        plural(ids.len(), "document"),
        if ids.len() > 1 { "s" } else { "" },
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let report = desk.send_outbox(progress_printer()).await?;
    conclude(desk, &report).await
}

/// Sends what waits, then lists the outbox; or retries or cancels one item.
pub async fn outbox(
    desk: &mut Claimdesk,
    action: Option<&OutboxAction>,
    json: bool,
) -> anyhow::Result<()> {
    match action {
        Some(&OutboxAction::Retry { id }) => {
            desk.retry_outbox_item(id).await?;
            eprintln!("item {id} is back in the queue");
            let report = desk.send_outbox(progress_printer()).await?;
            conclude(desk, &report).await
        }
        Some(&OutboxAction::Cancel { id }) => {
            let item = desk.cancel_outbox_item(id).await?;
            println!("item {id} ({}) cancelled", item.file_name);
            Ok(())
        }
        None => {
            let waiting = desk
                .outbox()
                .await?
                .iter()
                .any(|item| item.state.is_waiting());
            let report = if waiting {
                Some(desk.send_outbox(progress_printer()).await?)
            } else {
                None
            };
            let items = desk.outbox().await?;
            if json {
                let rows: Vec<serde_json::Value> = items
                    .iter()
                    .map(|item| {
                        let mut value = serde_json::to_value(item).expect("an item serializes");
                        value["percent"] = item.percent().into();
                        value
                    })
                    .collect();
                crate::print_json(&rows)?;
            } else {
                println!("{}", table(&items));
            }
            if let Some(report) = report {
                summary(&report);
            }
            Ok(())
        }
    }
}

/// The outcome of a send on standard error; an error exit when something was refused.
async fn conclude(desk: &Claimdesk, report: &SendReport) -> anyhow::Result<()> {
    summary(report);
    if report.failed.is_empty() {
        return Ok(());
    }
    let items = desk.outbox().await?;
    let reasons: Vec<String> = items
        .iter()
        .filter(|item| report.failed.contains(&item.id))
        .map(|item| {
            let reason = item
                .last_error
                .as_ref()
                .map(|e| format!("{} ({})", e.message, e.code))
                .unwrap_or_default();
            format!(
                "{} (item {}): {reason}; `claimdesk outbox retry {}` or `claimdesk outbox cancel {}`",
                item.file_name, item.id, item.id, item.id
            )
        })
        .collect();
    bail!("refused by the server:\n{}", reasons.join("\n"))
}

fn summary(report: &SendReport) {
    for sent in &report.sent {
        eprintln!(
            "sent {} as document {} (item {})",
            sent.file_name, sent.document_id, sent.item_id
        );
    }
    if report.offline {
        eprintln!(
            "offline: {} waiting in the outbox, sent when the server is back (`claimdesk outbox`)",
            plural(report.pending as usize, "document")
        );
    } else if report.pending > 0 {
        eprintln!(
            "{} still waiting in the outbox (`claimdesk outbox` to see why)",
            plural(report.pending as usize, "document")
        );
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn size(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

fn target(attach: &AttachTo) -> String {
    match attach {
        AttachTo::Dossier { reference } => reference.clone(),
        AttachTo::Procedure { id } => format!("procedure:{id}"),
    }
}

fn table(items: &[OutboxItem]) -> String {
    if items.is_empty() {
        return "the outbox is empty".into();
    }
    let mut table = crate::render::table(
        &[
            "id", "file", "for", "category", "size", "state", "sent", "note",
        ],
        &[0, 4, 6],
    );
    for item in items {
        let document = item.kind == OutboxKind::Document;
        let made = item
            .document_id
            .map(|id| ("document", id))
            .or(item.result.as_ref().map(|r| match r {
                OrderResult::Payment(p) => ("payment", p.id),
                OrderResult::Mandate(m) => ("mandate", m.id),
                OrderResult::Dividend(d) => ("dividend", d.id),
                OrderResult::Request(r) => ("request", r.id),
                OrderResult::Message(m) => ("message", m.id),
            }));
        let note = match (&item.state, &item.last_error, made) {
            (OutboxState::Done, _, Some((what, id))) => format!("{what} {id}"),
            (_, Some(e), _) if item.state != OutboxState::Cancelled => {
                format!("{} ({})", e.message, e.code)
            }
            _ => String::new(),
        };
        // An order has no file: its kind stands for the category.
        table.add_row(vec![
            item.id.to_string(),
            item.file_name.clone(),
            target(&item.attach_to),
            if document {
                item.category.as_str()
            } else {
                item.kind.as_str()
            }
            .to_owned(),
            if document {
                size(item.size)
            } else {
                "—".into()
            },
            item.state.as_str().to_owned(),
            if document {
                format!("{}%", item.percent())
            } else {
                "—".into()
            },
            note,
        ]);
    }
    table.to_string()
}

pub async fn documents(desk: &mut Claimdesk, reference: &str, json: bool) -> anyhow::Result<()> {
    let list = desk.documents(&attach_to(reference)?).await?;
    if json {
        return crate::print_json(&list);
    }
    println!("{}", documents_table(&list));
    Ok(())
}

fn documents_table(list: &[Document]) -> String {
    if list.is_empty() {
        return "no documents".into();
    }
    let mut table = crate::render::table(
        &["id", "file", "category", "type", "size", "from", "added"],
        &[0, 4],
    );
    for d in list {
        table.add_row(vec![
            d.id.to_string(),
            d.file_name.clone(),
            d.category.as_str().to_owned(),
            d.content_type.clone(),
            size(d.size),
            match d.origin {
                claimdesk_api::uploads::DocumentOrigin::Customer => "you".to_owned(),
                claimdesk_api::uploads::DocumentOrigin::Agency => "agency".to_owned(),
            },
            crate::render::instant(d.created_at),
        ]);
    }
    table.to_string()
}

pub async fn download(desk: &mut Claimdesk, id: i64, out: &Path) -> anyhow::Result<()> {
    let saved = desk
        .download_document(id, out)
        .await
        .with_context(|| format!("cannot download document {id}"))?;
    println!("{}", saved.path.display());
    eprintln!(
        "document {id} ({}, {}) saved",
        saved.document.file_name,
        size(saved.document.size)
    );
    Ok(())
}

/// Upload progress on standard error: one line rewritten in place on a
/// terminal, a line per chunk otherwise.
fn progress_printer() -> impl FnMut(UploadProgress) + Send {
    let terminal = std::io::stderr().is_terminal();
    move |p: UploadProgress| {
        let mut err = std::io::stderr().lock();
        let percent = (p.sent * 100).checked_div(p.size).unwrap_or(100);
        let line = format!(
            "uploading {}: {} of {} ({percent}%)",
            p.file_name,
            size(p.sent),
            size(p.size)
        );
        let done = p.sent >= p.size;
        let _ = if terminal {
            write!(err, "\r\x1b[2K{line}").and_then(|()| if done { writeln!(err) } else { Ok(()) })
        } else {
            writeln!(err, "{line}")
        };
    }
}
