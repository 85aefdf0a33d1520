//! The history of a complaint (*historique de la réclamation*) as it stood
//! when it was referred to the mediator: the complaint as filed and every
//! message of its thread, dated and signed, so the mediator reads the whole
//! exchange without the app.

use chrono::{DateTime, Utc};
use claimdesk_domain::calendar::french_date;

use crate::blocks::{self, BODY, BODY_BOLD, SMALL};
use crate::layout::{CONTENT_WIDTH, LEFT};
use crate::{DocumentError, Letterhead};

const LABELS: f32 = 150.0;

/// One message of the thread.
#[derive(Debug, Clone, Copy)]
pub struct HistoryMessage<'a> {
    pub at: DateTime<Utc>,
    /// Who wrote it, as the thread names them ("Jean Dupont (client)").
    pub author: &'a str,
    pub text: &'a str,
    /// The file names of its attachments.
    pub attachments: &'a [String],
}

/// A complaint's history, to render.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintHistoryDocument<'a> {
    pub letterhead: &'a Letterhead,
    pub dossier_reference: &'a str,
    pub complaint_id: i64,
    /// Who made the complaint.
    pub author: &'a str,
    pub made_at: DateTime<Utc>,
    /// The agency's first answer, if there was one.
    pub answered_at: Option<DateTime<Utc>>,
    pub referred_at: DateTime<Utc>,
    /// The form as filed: (label, value), in the form's order.
    pub fields: &'a [(String, String)],
    /// The file names of the complaint's attachments.
    pub attachments: &'a [String],
    /// The thread, oldest first.
    pub messages: &'a [HistoryMessage<'a>],
}

/// "21/11/2026 à 14:05 UTC": the server's dates, which run the clock.
pub fn french_date_time(at: DateTime<Utc>) -> String {
    format!(
        "{} à {} UTC",
        french_date(at.date_naive()),
        at.format("%H:%M")
    )
}

/// The complaint's history as a PDF.
pub fn complaint_history_pdf(doc: &ComplaintHistoryDocument) -> Result<Vec<u8>, DocumentError> {
    let number = format!("R-{:06}", doc.complaint_id);
    let mut flow = blocks::start(
        doc.letterhead,
        format!("Réclamation {number} — historique"),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Réclamation n°", number.clone()),
            ("Transmise le", french_date(doc.referred_at.date_naive())),
        ],
    );
    blocks::title(
        &mut flow,
        "Historique de la réclamation",
        &format!(
            "Réclamation {number} sur le dossier {}, transmise au médiateur le {}",
            doc.dossier_reference,
            french_date_time(doc.referred_at)
        ),
    );
    let mut rows = vec![
        ("Auteur", doc.author.to_owned()),
        ("Déposée le", french_date_time(doc.made_at)),
        (
            "Première réponse",
            doc.answered_at
                .map_or_else(|| "aucune".to_owned(), french_date_time),
        ),
    ];
    rows.extend(doc.fields.iter().map(|(k, v)| (k.as_str(), v.clone())));
    if !doc.attachments.is_empty() {
        rows.push(("Pièces jointes", doc.attachments.join(", ")));
    }
    blocks::fields(&mut flow, &rows, LABELS);

    flow.heading("Échanges", 40.0);
    if doc.messages.is_empty() {
        flow.paragraph(LEFT, CONTENT_WIDTH, BODY, "Aucun message.");
    }
    for message in doc.messages {
        flow.y += 6.0;
        flow.paragraph(
            LEFT,
            CONTENT_WIDTH,
            BODY_BOLD,
            &format!("{} — {}", french_date_time(message.at), message.author),
        );
        flow.paragraph(LEFT, CONTENT_WIDTH, BODY, message.text);
        if !message.attachments.is_empty() {
            flow.paragraph(
                LEFT,
                CONTENT_WIDTH,
                SMALL,
                &format!("Pièces jointes : {}", message.attachments.join(", ")),
            );
        }
    }
    blocks::finish(
        flow,
        doc.letterhead,
        &format!(
            "Réclamation {number} — dossier {} — historique",
            doc.dossier_reference
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_thread_runs_over_pages() {
        let letterhead = Letterhead {
            name: "Recouvrement Test".into(),
            address: vec!["1 rue du Test".into(), "69001 Lyon".into()],
            legal: String::new(),
            phone: String::new(),
            email: String::new(),
        };
        let at: DateTime<Utc> = "2026-09-01T08:30:00Z".parse().unwrap();
        let text = "Je conteste le montant réclamé. ".repeat(40);
        let messages: Vec<HistoryMessage> = (0..30)
            .map(|_| HistoryMessage {
                at,
                author: "Jean Dupont (client)",
                text: &text,
                attachments: &[],
            })
            .collect();
        let pdf = complaint_history_pdf(&ComplaintHistoryDocument {
            letterhead: &letterhead,
            dossier_reference: "CD-2026-000100",
            complaint_id: 7,
            author: "Jean Dupont",
            made_at: at,
            answered_at: None,
            referred_at: at,
            fields: &[("Motif".into(), "Montant contesté".into())],
            attachments: &[],
            messages: &messages,
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(french_date_time(at), "01/09/2026 à 08:30 UTC");
    }
}
