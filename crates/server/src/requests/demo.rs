//! Threads in the demo, so the inbox has something to show: the first
//! debtor's answered question, and a complaint made three months ago, answered
//! and still open, whose mediator can already be asked.

use chrono::{DateTime, Months, TimeDelta, Utc};
use claimdesk_api::requests::{MessageAuthor, RequestStatus, RequestType};

use super::{NewMessageRow, NewRow};
use crate::config::Config;
use crate::db::Db;
use crate::demo::{ADMIN_USER, DEBTORS};
use crate::error::{AppError, AppResult};

struct Said {
    after: TimeDelta,
    author: MessageAuthor,
    text: &'static str,
    /// The status the request takes with it, if any.
    status: Option<RequestStatus>,
}

/// Loads the demo's threads unless there are requests already.
pub(crate) async fn load(db: &Db, config: &Config) -> AppResult<()> {
    let mut tx = db.write.begin().await?;
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM requests")
        .fetch_one(&mut *tx)
        .await?;
    let debtor: Option<(i64, String)> =
        sqlx::query_as("SELECT id, display_name FROM users WHERE email = ?")
            .bind(DEBTORS[0])
            .fetch_optional(&mut *tx)
            .await?;
    let agency: Option<(i64, String)> =
        sqlx::query_as("SELECT id, display_name FROM users WHERE email = ?")
            .bind(ADMIN_USER)
            .fetch_optional(&mut *tx)
            .await?;
    let (Some((debtor, debtor_name)), Some((agency, agency_name)), 0) = (debtor, agency, already)
    else {
        return Ok(());
    };
    let dossier: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(dossier_id) FROM grants WHERE subject_user_id = ? AND dossier_id IS NOT NULL",
    )
    .bind(debtor)
    .fetch_one(&mut *tx)
    .await?;
    let Some(dossier) = dossier else {
        return Ok(());
    };
    let now = config.now();
    let days = TimeDelta::days;
    let question = [(
        "message",
        "Bonjour, j'ai changé de banque le mois dernier. Dois-je vous renvoyer un RIB pour \
         les prochains prélèvements de mon échéancier ?",
    )];
    let question_thread = [Said {
        after: days(2),
        author: MessageAuthor::Agency,
        text: "Bonjour, oui : les prélèvements suivent le mandat SEPA signé. Signez un nouveau \
               mandat depuis l'application avec votre nouveau RIB ; l'ancien sera révoqué et \
               l'échéance suivante prélevée sur le nouveau compte.",
        status: Some(RequestStatus::Answered),
    }];
    let complaint = [
        ("reason", "disputed_amount"),
        (
            "description",
            "Les frais de recouvrement ajoutés au décompte ne figurent pas dans le contrat de \
             prêt. Je conteste ces frais et demande un décompte rectifié.",
        ),
    ];
    let complaint_thread = [
        Said {
            after: days(2),
            author: MessageAuthor::Agency,
            text: "Nous accusons réception de votre réclamation, transmise au service \
                   Réclamations. En cas de réponse non satisfaisante, ou sans réponse dans un \
                   délai de deux mois, vous pourrez saisir le médiateur depuis l'application.",
            status: Some(RequestStatus::Answered),
        },
        Said {
            after: days(3),
            author: MessageAuthor::Agency,
            text: "Le service Réclamations examine les frais contestés avec le créancier.",
            status: Some(RequestStatus::InProgress),
        },
        Said {
            after: days(45),
            author: MessageAuthor::Customer,
            text: "Je n'ai toujours pas reçu de décompte rectifié. Où en est ma réclamation ?",
            status: None,
        },
    ];
    let made_question = now - days(20);
    let made_complaint = now
        .checked_sub_months(Months::new(3))
        .ok_or_else(|| AppError::Internal("the demo's dates".into()))?;
    for (kind, made, fields, thread) in [
        (
            RequestType::Question,
            made_question,
            &question[..],
            &question_thread[..],
        ),
        (
            RequestType::Complaint,
            made_complaint,
            &complaint[..],
            &complaint_thread[..],
        ),
    ] {
        let fields = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let id = super::insert(
            &mut tx,
            NewRow {
                dossier_id: dossier,
                procedure_id: None,
                user_id: debtor,
                kind,
                fields: &fields,
                attachments: &[],
                created_at: made,
            },
        )
        .await?;
        for said in thread {
            let at: DateTime<Utc> = made + said.after;
            let stored = super::by_id(&mut tx, id)
                .await?
                .ok_or_else(|| AppError::corrupt(format!("demo request {id}")))?;
            let (user, name) = match said.author {
                MessageAuthor::Agency => (agency, agency_name.as_str()),
                _ => (debtor, debtor_name.as_str()),
            };
            super::add_message(
                &mut tx,
                &stored,
                NewMessageRow {
                    author: said.author,
                    user_id: Some(user),
                    author_name: name,
                    text: said.text,
                    attachments: &[],
                    created_at: at,
                },
            )
            .await?;
            if let Some(status) = said.status {
                super::set_status(&mut tx, &stored, status, at).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
