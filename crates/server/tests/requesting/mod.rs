//! Shared by the request and complaint tests: the live server
//! (`common::live`) on a clock the test moves, and what requests need.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

use claimdesk_api::requests::{FieldKind, RequestType};
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::{Change, Entity};
use claimdesk_server::{Clock, TestClock, demo};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::Reply;
use crate::common::live::Live;

/// The live server with the clock it runs on.
pub struct Api {
    live: Live,
    pub clock: Arc<TestClock>,
}

impl Deref for Api {
    type Target = Live;

    fn deref(&self) -> &Live {
        &self.live
    }
}

impl Api {
    /// The demo on a fresh database, its clock starting now.
    pub async fn start() -> Api {
        let clock = TestClock::starting_now();
        let live = Live::start_with(|c| c.clock = clock.clone()).await;
        Api { live, clock }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The first dossier a debtor or guarantor sees.
    pub async fn first_dossier(&self, token: &str) -> String {
        let dossiers = self.get(routes::DOSSIERS, token).await;
        assert_eq!(dossiers.status, StatusCode::OK, "{}", dossiers.text);
        dossiers.body[0]["reference"].as_str().unwrap().to_owned()
    }

    /// A dossier of a debtor that a guarantor guarantees, with both emails.
    pub async fn guaranteed_dossier(&self) -> (String, &'static str, &'static str) {
        let db = self.db().await;
        for guarantor in demo::GUARANTORS {
            for debtor in demo::DEBTORS {
                let found: Option<String> = sqlx::query_scalar(
                    "SELECT d.reference FROM dossiers d \
                     JOIN grants gd ON gd.dossier_id = d.id \
                     JOIN users ud ON ud.id = gd.subject_user_id AND ud.email = ? \
                     JOIN grants gg ON gg.dossier_id = d.id \
                     JOIN users ug ON ug.id = gg.subject_user_id AND ug.email = ? \
                     ORDER BY d.id LIMIT 1",
                )
                .bind(debtor)
                .bind(guarantor)
                .fetch_optional(&db)
                .await
                .unwrap();
                if let Some(reference) = found {
                    return (reference, debtor, guarantor);
                }
            }
        }
        panic!("the demo has a guaranteed dossier");
    }

    /// The debtor and the guarantor of a guaranteed dossier, signed in, with
    /// the cursors after their first full sync.
    pub async fn debtor_and_guarantor(&self) -> Pair {
        let (reference, debtor_email, guarantor_email) = self.guaranteed_dossier().await;
        let debtor = self.token(debtor_email).await;
        let guarantor = self.token(guarantor_email).await;
        let (_, debtor_cursor) = self.sync_from(&debtor, None).await;
        let (_, guarantor_cursor) = self.sync_from(&guarantor, None).await;
        Pair {
            reference,
            debtor_email,
            guarantor_email,
            debtor,
            guarantor,
            debtor_cursor,
            guarantor_cursor,
        }
    }

    /// A dossier with a claim in a procedure of the demo étude: what a
    /// mandataire writes about.
    pub async fn etude_dossier(&self) -> String {
        sqlx::query_scalar(
            "SELECT d.reference FROM claims c JOIN dossiers d ON d.id = c.dossier_id \
             JOIN procedures p ON p.id = c.procedure_id JOIN etudes e ON e.id = p.etude_id \
             WHERE e.name = ? ORDER BY c.id LIMIT 1",
        )
        .bind(demo::ETUDE_NAME)
        .fetch_one(&self.db().await)
        .await
        .unwrap()
    }

    /// Every upserted entity of a full sync from scratch, by (kind, id).
    pub async fn synced(&self, token: &str) -> BTreeMap<(String, i64), Entity> {
        let (upserts, _) = self.sync_from(token, None).await;
        upserts
    }

    /// The upserts and the deletes `(kind, id)` since `cursor`, and the
    /// cursor after them.
    pub async fn sync_from(
        &self,
        token: &str,
        cursor: Option<&str>,
    ) -> (BTreeMap<(String, i64), Entity>, String) {
        let (upserts, _, cursor) = self.sync_changes(token, cursor).await;
        (upserts, cursor)
    }

    pub async fn sync_changes(
        &self,
        token: &str,
        cursor: Option<&str>,
    ) -> (BTreeMap<(String, i64), Entity>, Vec<(String, i64)>, String) {
        let mut upserts = BTreeMap::new();
        let mut deletes = Vec::new();
        let (changes, cursor) = self.changes(token, cursor.unwrap_or(""), 500).await;
        for change in changes {
            match change {
                Change::Upsert { entity } => {
                    let key = (entity.kind().as_str().to_owned(), entity.id());
                    upserts.insert(key, entity);
                }
                Change::Delete { kind, id } => deletes.push((kind.as_str().to_owned(), id)),
            }
        }
        (upserts, deletes, cursor)
    }

    /// Makes a request; its reply.
    pub async fn ask(&self, token: &str, key: &str, body: &Value) -> Reply {
        self.post(routes::REQUESTS, token, Some(key), body).await
    }

    /// A question on `reference`, created: its id.
    pub async fn question(&self, token: &str, reference: &str, text: &str) -> i64 {
        let reply = self
            .ask(
                token,
                &format!("question-{}", key_of(text)),
                &json!({"dossier_reference": reference, "type": "question",
                        "fields": {"message": text}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_i64().unwrap()
    }

    /// A complaint on `reference`, created: its reply's body.
    pub async fn complaint(&self, token: &str, reference: &str, description: &str) -> Value {
        let reply = self
            .ask(
                token,
                &format!("complaint-{}", key_of(description)),
                &json!({"dossier_reference": reference, "type": "complaint",
                        "fields": {"reason": "disputed_amount", "description": description}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body
    }

    /// The agency's answer on request `id`.
    pub async fn answer(&self, id: i64, text: &str) -> Reply {
        let admin = self.token(demo::ADMIN_USER).await;
        self.post(
            &path(routes::ADMIN_REQUEST_MESSAGES, id),
            &admin,
            None,
            &json!({"text": text}),
        )
        .await
    }

    pub async fn say(&self, token: &str, id: i64, key: &str, text: &str) -> Reply {
        self.post(
            &path(routes::REQUEST_MESSAGES, id),
            token,
            Some(key),
            &json!({"text": text}),
        )
        .await
    }
}

/// Two users of one dossier: see [`Api::debtor_and_guarantor`].
pub struct Pair {
    pub reference: String,
    pub debtor_email: &'static str,
    pub guarantor_email: &'static str,
    pub debtor: String,
    pub guarantor: String,
    pub debtor_cursor: String,
    pub guarantor_cursor: String,
}

/// An ASCII key for a request named by its (French) text.
fn key_of(text: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))[..16].to_owned()
}

/// A value `check_fields` accepts for a field of this kind on the server's
/// date `today`.
pub fn valid_value(kind: FieldKind, choices: &[&str], today: chrono::NaiveDate) -> String {
    match kind {
        FieldKind::Line => "Jean Dupont".into(),
        FieldKind::Text => "Voir ma situation ci-jointe.".into(),
        FieldKind::PastDate => (today - chrono::Days::new(3)).to_string(),
        FieldKind::Date => (today + chrono::Days::new(30)).to_string(),
        FieldKind::Amount => "125.40".into(),
        FieldKind::Iban => "FR76 3000 6000 0112 3456 7890 189".into(),
        FieldKind::Email => "jean.dupont@example.fr".into(),
        FieldKind::Phone => "+33 4 78 00 00 00".into(),
        FieldKind::Choice => choices[0].into(),
    }
}

/// Every field of `kind` filled with a valid value.
pub fn valid_fields(kind: RequestType, today: chrono::NaiveDate) -> BTreeMap<String, String> {
    kind.fields()
        .iter()
        .map(|spec| {
            (
                spec.name.to_owned(),
                valid_value(spec.kind, spec.choices, today),
            )
        })
        .collect()
}
