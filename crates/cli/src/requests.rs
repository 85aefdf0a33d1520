//! `request`, `requests`, `thread`, `reply`, `complaint`, `escalate` and
//! `request-types`: the contact form, typed, and its threads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::bail;
use claimdesk_api::requests::{Message, MessageAuthor, NewRequest, Request, RequestType};
use claimdesk_client::requests::{catalog, type_label};
use claimdesk_client::{Claimdesk, Lang, OrderOutcome, OutboxItem};
use claimdesk_domain::calendar::french_date;

use crate::render::{instant, table};

/// The language of the sentences: French when `LANG` says so.
pub fn lang() -> Lang {
    Lang::from_locale(&std::env::var("LANG").unwrap_or_default())
}

/// `--type`: a request type's name.
pub fn parse_type(text: &str) -> Result<RequestType, String> {
    RequestType::parse(text).ok_or_else(|| {
        format!(
            "one of: {} (see `claimdesk request-types`)",
            RequestType::ALL.map(|t| t.as_str()).join(", ")
        )
    })
}

/// `--field name=value`.
pub fn parse_field(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("{text:?} is not name=value")),
    }
}

pub struct RequestArgs {
    pub reference: String,
    pub kind: RequestType,
    pub fields: Vec<(String, String)>,
    pub attach: Vec<PathBuf>,
    pub password: Option<String>,
    pub json: bool,
}

pub async fn request(desk: &mut Claimdesk, args: RequestArgs) -> anyhow::Result<()> {
    let mut fields = BTreeMap::new();
    for (name, value) in args.fields {
        if fields.insert(name.clone(), value).is_some() {
            bail!("--field {name} is given twice");
        }
    }
    let new = NewRequest {
        dossier_reference: args.reference,
        kind: args.kind,
        fields,
        attachments: Vec::new(),
        password: args.password,
    };
    let outcome = desk.send_request(new, args.attach).await?;
    print_outcome(&outcome, args.json, |r: &Request| {
        format!(
            "{} sent on dossier {}",
            type_label(r.kind, lang()),
            r.dossier_reference
        )
    })
}

pub struct Complaint {
    pub reference: String,
    pub reason: String,
    pub text: String,
    pub attach: Vec<PathBuf>,
}

/// A complaint: its reason and description, as a request of its own type.
pub async fn complaint(desk: &mut Claimdesk, c: Complaint, json: bool) -> anyhow::Result<()> {
    let args = RequestArgs {
        reference: c.reference,
        kind: RequestType::Complaint,
        fields: vec![("reason".into(), c.reason), ("description".into(), c.text)],
        attach: c.attach,
        password: None,
        json,
    };
    request(desk, args).await
}

pub async fn reply(
    desk: &mut Claimdesk,
    id: i64,
    text: String,
    attach: Vec<PathBuf>,
    json: bool,
) -> anyhow::Result<()> {
    let outcome = desk.reply(id, text, attach).await?;
    print_outcome(&outcome, json, |m: &Message| {
        format!("message added to request {}", m.request_id)
    })
}

/// Sent: the new record's id on standard output; queued: `queued`, and why
/// on standard error.
fn print_outcome<T: serde::Serialize + HasId>(
    outcome: &OrderOutcome<T>,
    json: bool,
    said: impl Fn(&T) -> String,
) -> anyhow::Result<()> {
    if json {
        return crate::print_json(outcome);
    }
    match outcome {
        OrderOutcome::Sent { result, .. } => {
            println!("{}", result.id());
            eprintln!("{}", said(result));
        }
        OrderOutcome::Queued { item } => {
            println!("queued");
            eprintln!("{}", queued(item));
        }
    }
    Ok(())
}

fn queued(item: &OutboxItem) -> String {
    let attachments = if item.waits_for.is_empty() {
        String::new()
    } else {
        format!(" after its {} attachment(s)", item.waits_for.len())
    };
    format!("{}{attachments}", crate::pay::queued(item))
}

trait HasId {
    fn id(&self) -> i64;
}

impl HasId for Request {
    fn id(&self) -> i64 {
        self.id
    }
}

impl HasId for Message {
    fn id(&self) -> i64 {
        self.id
    }
}

pub async fn list(desk: &Claimdesk, reference: Option<&str>, json: bool) -> anyhow::Result<()> {
    let list = desk.requests(reference).await?;
    if json {
        return crate::print_json(&list);
    }
    if list.is_empty() {
        println!("no request");
        return Ok(());
    }
    let mut t = table(
        &["id", "type", "status", "date", "dossier", "unread"],
        &[0, 5],
    );
    for s in &list {
        let r = &s.request;
        t.add_row(vec![
            r.id.to_string(),
            r.kind.as_str().to_owned(),
            r.status.as_str().to_owned(),
            french_date(r.created_at.date_naive()),
            r.dossier_reference.clone(),
            s.unread.to_string(),
        ]);
    }
    println!("{t}");
    Ok(())
}

/// A thread, oldest message first; reading it marks it read.
pub async fn thread(desk: &Claimdesk, id: i64, json: bool) -> anyhow::Result<()> {
    let thread = desk.thread(id).await?;
    desk.mark_read(id).await?;
    if json {
        return crate::print_json(&thread);
    }
    let r = &thread.request;
    println!(
        "request {} — {} — dossier {} — {}",
        r.id,
        type_label(r.kind, lang()),
        r.dossier_reference,
        r.status.as_str()
    );
    println!("made by {} on {}", r.author, instant(r.created_at));
    for (name, value) in &r.fields {
        println!(
            "  {}: {value}",
            claimdesk_client::requests::field_label(name, lang())
        );
    }
    if !r.attachments.is_empty() {
        println!("  attachments: {}", ids(&r.attachments));
    }
    if let Some(from) = r.mediation_from
        && r.referred_at.is_none()
    {
        println!("the mediator may be asked from {}", instant(from));
    }
    if let Some(at) = r.referred_at {
        println!("referred to the mediator on {}", instant(at));
    }
    for m in &thread.messages {
        let who = match m.author {
            MessageAuthor::Customer => m.author_name.clone(),
            MessageAuthor::Agency => format!("{} (agency)", m.author_name),
            MessageAuthor::System => "claimdesk".to_owned(),
        };
        println!();
        println!("— {who}, {}", instant(m.created_at));
        println!("{}", m.text);
        if !m.attachments.is_empty() {
            println!("attachments: {}", ids(&m.attachments));
        }
    }
    Ok(())
}

fn ids(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn escalate(desk: &mut Claimdesk, id: i64, json: bool) -> anyhow::Result<()> {
    let thread = desk.escalate(id).await?;
    if json {
        return crate::print_json(&thread);
    }
    let referred = &thread.request;
    println!(
        "complaint {} referred to the mediator{}",
        referred.id,
        referred
            .referred_at
            .map(|at| format!(" on {}", instant(at)))
            .unwrap_or_default()
    );
    Ok(())
}

/// The types and their fields: a line per type (`*` marks what is required,
/// `=a|b` the choices) or the whole catalogue as JSON.
pub fn types(json: bool) -> anyhow::Result<()> {
    let all = catalog();
    if json {
        return crate::print_json(&all);
    }
    for info in &all {
        let fields: Vec<String> = info
            .fields
            .iter()
            .map(|f| {
                let mut field = format!("{}:{}", f.name, kind_name(f.kind));
                if f.required {
                    field.push('*');
                }
                if !f.choices.is_empty() {
                    field.push_str(&format!("={}", f.choices.join("|")));
                }
                field
            })
            .collect();
        println!("{}\t{}", info.kind.as_str(), fields.join(" "));
    }
    Ok(())
}

fn kind_name(kind: claimdesk_api::requests::FieldKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_fields_as_typed() {
        assert_eq!(parse_type("still_chased"), Ok(RequestType::StillChased));
        assert!(parse_type("chased").unwrap_err().contains("still_chased"));
        assert_eq!(
            parse_field("amount=12.50"),
            Ok(("amount".into(), "12.50".into()))
        );
        assert_eq!(
            parse_field("message=a=b"),
            Ok(("message".into(), "a=b".into()))
        );
        assert!(parse_field("=x").is_err());
        assert!(parse_field("x").is_err());
        assert_eq!(
            kind_name(claimdesk_api::requests::FieldKind::PastDate),
            "past_date"
        );
    }
}
