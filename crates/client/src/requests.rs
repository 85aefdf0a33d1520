//! Requests, complaints and their threads on this machine: read offline from
//! the store, with unread counts kept here only; the words for a form's
//! problems in French and English; and the notifications a sync brings, each
//! raised once.

use chrono::{Datelike, NaiveDate, Utc};
use claimdesk_api::requests::{
    FieldKind, FieldProblem, FieldProblemKind, Message, Request, RequestThread, RequestType,
};
use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory, DocumentOrigin};
use claimdesk_domain::AdmissionStatus;
use claimdesk_domain::calendar::french_date;
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, Result};
use crate::store::{META_NOTIFIED_BASELINE, Store};

/// A user's language for the sentences made here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// French for a locale such as `fr_FR.UTF-8`, English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

/// One text in both languages of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Localized {
    pub fr: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

fn both(fr: impl Into<String>, en: impl Into<String>) -> Localized {
    Localized {
        fr: fr.into(),
        en: en.into(),
    }
}

/// What a request type is called.
pub fn type_label(kind: RequestType, lang: Lang) -> &'static str {
    let (fr, en) = match kind {
        RequestType::Statement => ("Décompte des sommes dues", "Statement of sums due"),
        RequestType::SettledCertificate => {
            ("Attestation de solde", "Certificate of settled balance")
        }
        RequestType::MandataireDocuments => (
            "Pièces, décompte ou RIB pour le mandataire judiciaire",
            "Documents, statement or RIB for the mandataire judiciaire",
        ),
        RequestType::PlanEndDate => (
            "Date de fin du plan ou de l'échéancier",
            "End date of the plan or schedule",
        ),
        RequestType::ProcedureStatus => (
            "Procédure en cours et montant dû",
            "Current procedure and amount due",
        ),
        RequestType::SettlementOffer => ("Proposition d'accord", "Settlement offer"),
        RequestType::JointLiabilityRelease => ("Désolidarisation", "Release from joint liability"),
        RequestType::GuaranteeEnd => (
            "Fin de l'engagement de caution",
            "End of the guarantor's engagement",
        ),
        RequestType::OverpaymentRefund => {
            ("Remboursement d'un trop-perçu", "Refund of an overpayment")
        }
        RequestType::ContactChange => ("Changement de coordonnées", "Change of contact details"),
        RequestType::BankDetailsChange => (
            "Changement de coordonnées bancaires",
            "Change of bank details",
        ),
        RequestType::PartyChange => (
            "Changement de nom ou d'une partie",
            "Change of name or of a party",
        ),
        RequestType::DeathNotice => ("Décès ou succession", "Death or succession"),
        RequestType::InsuranceClaim => (
            "Sinistre sur un bien financé",
            "Insurance claim on collateral",
        ),
        RequestType::HardshipLeave => ("Arrêt maladie ou perte d'emploi", "Sick leave or job loss"),
        RequestType::PaymentMade => ("Paiement déjà effectué", "Payment already made"),
        RequestType::PaymentSent => (
            "Chèque ou virement déjà envoyé",
            "Cheque or transfer already sent",
        ),
        RequestType::RejectedDebit => ("Prélèvement rejeté", "Rejected direct debit"),
        RequestType::StillChased => (
            "Pourquoi suis-je encore relancé ?",
            "Why am I still being chased?",
        ),
        RequestType::FicpRemoval => ("Radiation du FICP", "Removal from the FICP"),
        RequestType::Question => ("Question", "Question"),
        RequestType::Complaint => ("Réclamation", "Complaint"),
    };
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// What a form's field is called; a name no form has is shown as it is.
pub fn field_label(name: &str, lang: Lang) -> String {
    match (labels(name), lang) {
        (Some((fr, _)), Lang::Fr) => fr.to_owned(),
        (Some((_, en)), Lang::En) => en.to_owned(),
        (None, _) => name.to_owned(),
    }
}

fn labels(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "address" => ("adresse", "address"),
        "amount" => ("montant", "amount"),
        "callback_phone" => (
            "téléphone pour vous rappeler",
            "phone number to call you back",
        ),
        "change" => ("changement", "change"),
        "cheque_or_transfer_reference" => (
            "numéro du chèque ou référence du virement",
            "cheque number or transfer reference",
        ),
        "co_debtor_name" => ("nom du codébiteur", "co-debtor's name"),
        "date_of_death" => ("date du décès", "date of death"),
        "debit_date" => ("date du prélèvement", "date of the direct debit"),
        "deceased_name" => ("nom du défunt", "name of the deceased"),
        "description" => ("description", "description"),
        "documents_wanted" => ("pièces demandées", "documents wanted"),
        "effective_date" => ("date d'effet", "effective date"),
        "email" => ("e-mail", "email"),
        "insurer" => ("assureur", "insurer"),
        "last_payment_date" => ("date du dernier paiement", "date of the last payment"),
        "loss_date" => ("date du sinistre", "date of the loss"),
        "message" => ("message", "message"),
        "method" => ("moyen de paiement", "payment method"),
        "new_holder" => ("nouveau titulaire du compte", "new account holder"),
        "new_iban" => ("nouvel IBAN", "new IBAN"),
        "notary_address" => ("adresse du notaire", "notary's address"),
        "notary_name" => ("nom du notaire", "notary's name"),
        "offered_amount" => ("montant proposé", "amount offered"),
        "overpaid_amount" => ("montant payé en trop", "amount overpaid"),
        "payment_date" => ("date du paiement", "payment date"),
        "phone" => ("téléphone", "phone"),
        "proposal" => ("proposition", "proposal"),
        "reason" => ("motif", "reason"),
        "refund_holder" => (
            "titulaire du compte à rembourser",
            "holder of the account to refund",
        ),
        "refund_iban" => ("IBAN pour le remboursement", "IBAN for the refund"),
        "relationship" => ("lien avec le défunt", "relationship to the deceased"),
        "sent_on" => ("date d'envoi", "date sent"),
        "settled_on" => ("date du solde", "date settled"),
        "since" => ("depuis le", "since"),
        "situation" => ("situation", "situation"),
        // A message's own text.
        "text" => ("message", "message"),
        _ => return None,
    })
}

/// The accepted values of a choice field, by its name.
fn choices_of(name: &str) -> &'static [&'static str] {
    RequestType::ALL
        .iter()
        .flat_map(|t| t.fields())
        .find(|f| f.name == name && f.kind == FieldKind::Choice)
        .map(|f| f.choices)
        .unwrap_or(&[])
}

/// One field's problem as a sentence: the field's name and what is wrong.
pub fn problem_sentence(problem: &FieldProblem, lang: Lang) -> String {
    use FieldProblemKind as P;
    let label = field_label(&problem.field, lang);
    let fr = |what: &str| format!("« {label} » {what}");
    let en = |what: &str| format!("“{label}” {what}");
    match (lang, problem.problem) {
        (Lang::Fr, P::Missing) => fr("est obligatoire"),
        (Lang::En, P::Missing) => en("is required"),
        (Lang::Fr, P::Unknown) => fr("n'est pas demandé pour ce type de demande"),
        (Lang::En, P::Unknown) => en("is not asked for this kind of request"),
        (Lang::Fr, P::TooLong) => fr("est trop long"),
        (Lang::En, P::TooLong) => en("is too long"),
        (Lang::Fr, P::InvalidDate) => fr("doit être une date au format AAAA-MM-JJ"),
        (Lang::En, P::InvalidDate) => en("must be a date written YYYY-MM-DD"),
        (Lang::Fr, P::FutureDate) => fr("ne peut pas être une date future"),
        (Lang::En, P::FutureDate) => en("cannot be in the future"),
        (Lang::Fr, P::InvalidAmount) => {
            fr("doit être un montant positif en euros, avec au plus deux décimales")
        }
        (Lang::En, P::InvalidAmount) => {
            en("must be a positive amount in euros with at most two decimals")
        }
        (Lang::Fr, P::InvalidIban) => fr("n'est pas un IBAN valide"),
        (Lang::En, P::InvalidIban) => en("is not a valid IBAN"),
        (Lang::Fr, P::InvalidEmail) => fr("n'est pas une adresse e-mail valide"),
        (Lang::En, P::InvalidEmail) => en("is not a valid email address"),
        (Lang::Fr, P::InvalidPhone) => {
            fr("n'est pas un numéro de téléphone valide (8 à 20 chiffres)")
        }
        (Lang::En, P::InvalidPhone) => en("is not a valid phone number (8 to 20 digits)"),
        (Lang::Fr, P::InvalidChoice) => fr(&format!(
            "doit être l'une de ces valeurs : {}",
            choices_of(&problem.field).join(", ")
        )),
        (Lang::En, P::InvalidChoice) => en(&format!(
            "must be one of: {}",
            choices_of(&problem.field).join(", ")
        )),
        (Lang::Fr, P::NothingGiven) => {
            "indiquez au moins une nouvelle coordonnée (adresse, e-mail ou téléphone)".to_owned()
        }
        (Lang::En, P::NothingGiven) => {
            "give at least one new contact detail (address, email or phone)".to_owned()
        }
    }
}

/// Every problem of a form, in one sentence.
pub fn problems_sentence(problems: &[FieldProblem], lang: Lang) -> String {
    problems
        .iter()
        .map(|p| problem_sentence(p, lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One field of a request type's form, as a form or a script shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldInfo {
    pub name: &'static str,
    pub label: Localized,
    pub kind: FieldKind,
    pub required: bool,
    pub choices: &'static [&'static str],
}

/// A request type with everything a form needs to ask for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestTypeInfo {
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: RequestType,
    pub label: Localized,
    pub fields: Vec<FieldInfo>,
    /// The categories of the documents worth attaching (a RIB is `other`).
    pub advised_attachments: &'static [DocumentCategory],
    pub needs_password: bool,
    pub for_mandataires: bool,
}

/// Every request type, complaint last, with its form.
pub fn catalog() -> Vec<RequestTypeInfo> {
    RequestType::ALL
        .into_iter()
        .map(|kind| RequestTypeInfo {
            kind,
            label: both(type_label(kind, Lang::Fr), type_label(kind, Lang::En)),
            fields: kind
                .fields()
                .iter()
                .map(|f| FieldInfo {
                    name: f.name,
                    label: both(field_label(f.name, Lang::Fr), field_label(f.name, Lang::En)),
                    kind: f.kind,
                    required: f.required,
                    choices: f.choices,
                })
                .collect(),
            advised_attachments: kind.advised_attachments(),
            needs_password: kind.needs_password(),
            for_mandataires: kind.for_mandataires(),
        })
        .collect()
}

/// The category files attached to a request of `kind` are filed under: the
/// first its type advises, else `other`, with a note saying what they are
/// (a RIB for a refund or new bank details).
pub(crate) fn attachment_category(kind: RequestType) -> (DocumentCategory, Option<String>) {
    match kind.advised_attachments().first() {
        Some(category) if *category != DocumentCategory::Other => (*category, None),
        advised => {
            let what = if advised.is_some() { "RIB — " } else { "" };
            (
                DocumentCategory::Other,
                Some(format!(
                    "{what}pièce jointe à la demande « {} »",
                    type_label(kind, Lang::Fr)
                )),
            )
        }
    }
}

/// Where a request's attachments are filed: its dossier, or for a
/// mandataire (who sees the dossier through a claim) the claim's procedure.
pub(crate) async fn attach_target(store: &Store, reference: &str) -> Result<AttachTo> {
    if store.dossier(reference).await?.is_some() {
        return Ok(AttachTo::Dossier {
            reference: reference.to_owned(),
        });
    }
    match store.claims_of_dossier(reference).await?.first() {
        Some(claim) => Ok(AttachTo::Procedure {
            id: claim.procedure_id,
        }),
        None => Err(ClientError::NotFound(format!(
            "no dossier or claim with reference {reference} in the local store"
        ))),
    }
}

/// A request as an inbox lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestSummary {
    pub request: Request,
    /// The agency's messages not yet read on this machine.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unread: u64,
    pub last_message: Option<Message>,
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| ClientError::Store(format!("unreadable {what} in the local store: {e}")))
}

/// Requests of one dossier, or all, newest first.
pub async fn summaries(store: &Store, dossier: Option<&str>) -> Result<Vec<RequestSummary>> {
    let records: Vec<String> = sqlx::query_scalar(
        "SELECT record FROM requests WHERE ?1 IS NULL OR dossier_reference = ?1 \
         ORDER BY created_at DESC, id DESC",
    )
    .bind(dossier)
    .fetch_all(store.pool())
    .await?;
    let mut summaries = Vec::with_capacity(records.len());
    for record in records {
        let request: Request = parse("request", &record)?;
        let unread: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM messages WHERE request_id = ? AND author = 'agency' \
             AND read_at IS NULL",
        )
        .bind(request.id)
        .fetch_one(store.pool())
        .await?;
        let last: Option<String> = sqlx::query_scalar(
            "SELECT record FROM messages WHERE request_id = ? \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(request.id)
        .fetch_optional(store.pool())
        .await?;
        summaries.push(RequestSummary {
            request,
            unread: unread as u64,
            last_message: last.map(|m| parse("message", &m)).transpose()?,
        });
    }
    Ok(summaries)
}

pub(crate) async fn request(store: &Store, id: i64) -> Result<Request> {
    let record: Option<String> = sqlx::query_scalar("SELECT record FROM requests WHERE id = ?")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    match record {
        Some(record) => parse("request", &record),
        None => Err(ClientError::NotFound(format!(
            "no request {id} in the local store"
        ))),
    }
}

/// A request with its messages, oldest first.
pub async fn thread(store: &Store, id: i64) -> Result<RequestThread> {
    let request = request(store, id).await?;
    let records: Vec<String> = sqlx::query_scalar(
        "SELECT record FROM messages WHERE request_id = ? ORDER BY created_at, id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let messages = records
        .iter()
        .map(|m| parse("message", m))
        .collect::<Result<_>>()?;
    Ok(RequestThread { request, messages })
}

/// Marks a thread read here; answers how many of the agency's messages
/// were unread.
pub(crate) async fn mark_read(store: &Store, request_id: i64) -> Result<u64> {
    request(store, request_id).await?;
    let unread: i64 = sqlx::query_scalar(
        "UPDATE messages SET read_at = ? WHERE request_id = ? AND read_at IS NULL \
         RETURNING author = 'agency'",
    )
    .bind(Utc::now().to_rfc3339())
    .bind(request_id)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|agency: bool| i64::from(agency))
    .sum();
    Ok(unread as u64)
}

pub(crate) async fn unread_total(store: &Store) -> Result<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM messages WHERE author = 'agency' AND read_at IS NULL",
    )
    .fetch_one(store.pool())
    .await?;
    Ok(n as u64)
}

/// A refusal to refer a complaint, with the date the mediator may be asked
/// from (the server's own date, as synced) when its message does not say it.
pub(crate) fn with_mediation_date(e: ClientError, request: &Request) -> ClientError {
    let (
        ClientError::Api {
            status,
            code,
            message,
            retry_after,
        },
        Some(from),
    ) = (&e, request.mediation_from)
    else {
        return e;
    };
    if from <= Utc::now() {
        return e;
    }
    let date = from.date_naive();
    let written = [french_date(date), date.to_string()];
    if written.iter().any(|d| message.contains(d.as_str())) {
        return e;
    }
    ClientError::Api {
        status: *status,
        code: *code,
        message: format!("{message} (the mediator may be asked from {date})"),
        retry_after: *retry_after,
    }
}

/// What a notification is about; the names of the settings' switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    NewAnswer,
    NewDocument,
    InstallmentDue,
    ClaimDecision,
    ProcedureDeadline,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::NewAnswer => "new_answer",
            NotificationKind::NewDocument => "new_document",
            NotificationKind::InstallmentDue => "installment_due",
            NotificationKind::ClaimDecision => "claim_decision",
            NotificationKind::ProcedureDeadline => "procedure_deadline",
        }
    }
}

/// Something to tell the user once, with what it points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notification {
    pub kind: NotificationKind,
    /// Names the event; a notification of the same key is never raised again.
    pub key: String,
    pub title: Localized,
    pub body: Localized,
    pub dossier_reference: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub procedure_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub request_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub document_id: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub claim_id: Option<i64>,
}

impl Notification {
    fn new(kind: NotificationKind, key: String, title: Localized, body: Localized) -> Notification {
        Notification {
            kind,
            key,
            title,
            body,
            dossier_reference: None,
            procedure_id: None,
            request_id: None,
            document_id: None,
            claim_id: None,
        }
    }
}

/// An instalment this many days ahead or fewer is announced.
pub const INSTALLMENT_NOTICE_DAYS: i64 = 7;
/// A procedure's deadline this many days ahead or fewer is announced.
pub const DEADLINE_NOTICE_DAYS: i64 = 15;

/// An event the store holds (as opposed to a date coming up): the rows that
/// raise it and the SQL naming each one's notification key, so that what was
/// already raised is left out by SQL instead of being read again each time.
struct Events {
    /// Tables, joined.
    from: &'static str,
    /// The rows of `from` that raise it.
    condition: &'static str,
    /// The key, as [`Notification::key`] writes it.
    key: &'static str,
}

const ANSWERS: Events = Events {
    from: "messages m JOIN requests r ON r.id = m.request_id",
    condition: "m.author = 'agency' AND m.read_at IS NULL",
    key: "'answer:' || m.id",
};

const DOCUMENTS: Events = Events {
    from: "filed_documents",
    condition: "json_extract(filed_documents.record, '$.origin') = 'agency'",
    key: "'document:' || filed_documents.id",
};

const DECISIONS: Events = Events {
    from: "claims",
    condition: "claims.admission IN ('admitted', 'partly_admitted', 'rejected')",
    key: "'decision:' || claims.id || ':' || claims.admission",
};

impl Events {
    /// The condition of the rows that raise it and were not raised yet.
    fn unraised(&self) -> String {
        format!(
            "{} AND NOT EXISTS (SELECT 1 FROM notified WHERE notified.key = {})",
            self.condition, self.key
        )
    }

    /// Records every such event in the store as raised, without reading them.
    async fn record_raised(&self, conn: &mut sqlx::SqliteConnection, now: &str) -> Result<()> {
        sqlx::query(&format!(
            "INSERT OR IGNORE INTO notified (key, notified_at) SELECT {}, ? FROM {} WHERE {}",
            self.key, self.from, self.condition
        ))
        .bind(now)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// The notifications not raised yet, recorded as raised. The first time,
/// the events already in the store are recorded without being raised.
pub(crate) async fn take(store: &Store, today: NaiveDate) -> Result<Vec<Notification>> {
    let now = Utc::now().to_rfc3339();
    let baseline: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(META_NOTIFIED_BASELINE)
        .fetch_optional(store.pool())
        .await?;
    if baseline.is_none() {
        let mut tx = store.pool().begin().await?;
        for events in [&ANSWERS, &DOCUMENTS, &DECISIONS] {
            events.record_raised(&mut tx, &now).await?;
        }
        sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
            .bind(META_NOTIFIED_BASELINE)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let candidates = candidates(store, today).await?;
    let mut raised = Vec::new();
    let mut tx = store.pool().begin().await?;
    for n in candidates {
        let recorded =
            sqlx::query("INSERT OR IGNORE INTO notified (key, notified_at) VALUES (?, ?)")
                .bind(&n.key)
                .bind(&now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        // Dates coming up are read whether raised or not: the key decides.
        if recorded == 1 {
            raised.push(n);
        }
    }
    tx.commit().await?;
    Ok(raised)
}

async fn candidates(store: &Store, today: NaiveDate) -> Result<Vec<Notification>> {
    let mut all = answers(store).await?;
    all.extend(documents(store).await?);
    all.extend(installments(store, today).await?);
    all.extend(decisions(store).await?);
    all.extend(deadlines(store, today).await?);
    Ok(all)
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 140;
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX {
        return line;
    }
    let cut: String = line.chars().take(MAX).collect();
    format!("{}…", cut.trim_end())
}

async fn answers(store: &Store) -> Result<Vec<Notification>> {
    let rows: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT m.record, r.record FROM {} WHERE {} ORDER BY m.created_at, m.id",
        ANSWERS.from,
        ANSWERS.unraised()
    ))
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (message, request) in rows {
        let m: Message = parse("message", &message)?;
        let r: Request = parse("request", &request)?;
        let text = excerpt(&m.text);
        let mut n = Notification::new(
            NotificationKind::NewAnswer,
            format!("answer:{}", m.id),
            both(
                format!(
                    "Réponse à votre demande « {} »",
                    type_label(r.kind, Lang::Fr)
                ),
                format!("Answer to your request “{}”", type_label(r.kind, Lang::En)),
            ),
            both(
                format!("Dossier {} — {text}", r.dossier_reference),
                format!("Dossier {} — {text}", r.dossier_reference),
            ),
        );
        n.dossier_reference = Some(r.dossier_reference);
        n.request_id = Some(r.id);
        out.push(n);
    }
    Ok(out)
}

async fn documents(store: &Store) -> Result<Vec<Notification>> {
    let records: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT record FROM {} WHERE {} ORDER BY created_at, id",
        DOCUMENTS.from,
        DOCUMENTS.unraised()
    ))
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let d: Document = parse("document", &record)?;
        if d.origin != DocumentOrigin::Agency {
            continue;
        }
        let (fr_where, en_where, reference, procedure) = match &d.attached_to {
            AttachTo::Dossier { reference } => (
                format!("dossier {reference}"),
                format!("dossier {reference}"),
                Some(reference.clone()),
                None,
            ),
            AttachTo::Procedure { id } => (
                format!("procédure {id}"),
                format!("procedure {id}"),
                None,
                Some(*id),
            ),
        };
        let mut n = Notification::new(
            NotificationKind::NewDocument,
            format!("document:{}", d.id),
            both("Nouveau document", "New document"),
            both(
                format!("{} — {fr_where}", d.file_name),
                format!("{} — {en_where}", d.file_name),
            ),
        );
        n.dossier_reference = reference;
        n.procedure_id = procedure;
        n.document_id = Some(d.id);
        out.push(n);
    }
    Ok(out)
}

async fn installments(store: &Store, today: NaiveDate) -> Result<Vec<Notification>> {
    let until = today + chrono::Days::new(INSTALLMENT_NOTICE_DAYS as u64);
    let mut out = Vec::new();
    let coming = store
        .installments_matching(
            "status != 'paid' AND due_date >= ? AND due_date <= ?",
            &[today.to_string(), until.to_string()],
        )
        .await?;
    for i in coming {
        let left = (i.amount - i.paid).to_french();
        let days = (i.due_date - today).num_days();
        let date = french_date(i.due_date);
        let mut n = Notification::new(
            NotificationKind::InstallmentDue,
            format!("installment:{}:{}", i.id, i.due_date),
            match days {
                0 => both("Échéance aujourd'hui", "Instalment due today"),
                1 => both("Échéance demain", "Instalment due tomorrow"),
                d => both(
                    format!("Échéance dans {d} jours"),
                    format!("Instalment due in {d} days"),
                ),
            },
            both(
                format!(
                    "Dossier {} — échéance n° {} : {left} à payer le {date}",
                    i.dossier_reference, i.number
                ),
                format!(
                    "Dossier {} — instalment {}: {left} to pay on {date}",
                    i.dossier_reference, i.number
                ),
            ),
        );
        n.dossier_reference = Some(i.dossier_reference);
        out.push(n);
    }
    Ok(out)
}

async fn decisions(store: &Store) -> Result<Vec<Notification>> {
    let mut out = Vec::new();
    for c in store.claims_matching(&DECISIONS.unraised()).await? {
        let (title, amount) = match c.admission {
            AdmissionStatus::Admitted => (both("Créance admise", "Claim admitted"), true),
            AdmissionStatus::PartlyAdmitted => (
                both("Créance admise en partie", "Claim partly admitted"),
                true,
            ),
            AdmissionStatus::Rejected => (both("Créance rejetée", "Claim rejected"), false),
            AdmissionStatus::Pending | AdmissionStatus::Disputed => continue,
        };
        let admitted = c.admitted_amount.filter(|_| amount).map(|m| m.to_french());
        let on = c
            .decision_date
            .map(|d| {
                (
                    format!(" le {}", french_date(d)),
                    format!(" on {}", french_date(d)),
                )
            })
            .unwrap_or_default();
        let body = both(
            format!(
                "{} ({}){}{}",
                c.dossier_reference,
                c.creditor,
                on.0,
                admitted
                    .as_ref()
                    .map(|m| format!(" — admise pour {m}"))
                    .unwrap_or_default()
            ),
            format!(
                "{} ({}){}{}",
                c.dossier_reference,
                c.creditor,
                on.1,
                admitted
                    .as_ref()
                    .map(|m| format!(" — admitted for {m}"))
                    .unwrap_or_default()
            ),
        );
        let mut n = Notification::new(
            NotificationKind::ClaimDecision,
            format!("decision:{}:{}", c.id, c.admission.as_str()),
            title,
            body,
        );
        n.dossier_reference = Some(c.dossier_reference);
        n.procedure_id = Some(c.procedure_id);
        n.claim_id = Some(c.id);
        out.push(n);
    }
    Ok(out)
}

async fn deadlines(store: &Store, today: NaiveDate) -> Result<Vec<Notification>> {
    let until = today + chrono::Days::new(DEADLINE_NOTICE_DAYS as u64);
    let mut out = Vec::new();
    // Only the procedures with a deadline in the window are read; which of
    // their deadlines it is, is told below.
    let dates = [
        "declaration_deadline",
        "json_extract(deadlines, '$.declaration')",
        "json_extract(deadlines, '$.declaration_outside_metropole')",
        "json_extract(deadlines, '$.relief_from_foreclosure')",
        "json_extract(deadlines, '$.claims_list_objection')",
        "json_extract(deadlines, '$.latest_plan_end')",
    ];
    let condition = dates
        .iter()
        .map(|d| format!("{d} BETWEEN ? AND ?"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let binds: Vec<String> = dates
        .iter()
        .flat_map(|_| [today.to_string(), until.to_string()])
        .collect();
    for p in store.procedures_matching(&condition, &binds).await? {
        let d = p.deadlines;
        let named = [
            (
                "declaration",
                d.declaration.or(p.declaration_deadline),
                "déclaration des créances",
                "claim declaration",
            ),
            (
                "declaration_outside_metropole",
                d.declaration_outside_metropole,
                "déclaration des créances (créanciers hors métropole)",
                "claim declaration (creditors outside metropolitan France)",
            ),
            (
                "relief_from_foreclosure",
                d.relief_from_foreclosure,
                "relevé de forclusion",
                "relief from foreclosure",
            ),
            (
                "claims_list_objection",
                d.claims_list_objection,
                "contestation de l'état des créances",
                "objection to the list of claims",
            ),
            (
                "latest_plan_end",
                d.latest_plan_end,
                "fin du plan au plus tard",
                "latest end of the plan",
            ),
        ];
        for (name, date, fr, en) in named {
            let Some(date) = date.filter(|d| *d >= today && *d <= until) else {
                continue;
            };
            let days = (date - today).num_days();
            let mut n = Notification::new(
                NotificationKind::ProcedureDeadline,
                format!("deadline:{}:{name}:{date}", p.id),
                both(
                    format!("Délai de procédure : {fr}"),
                    format!("Procedure deadline: {en}"),
                ),
                both(
                    format!(
                        "{} ({}) — le {} (dans {days} jour{})",
                        p.debtor.name,
                        p.tribunal,
                        french_date(date),
                        if days > 1 { "s" } else { "" }
                    ),
                    format!(
                        "{} ({}) — on {} ({days} day{} left)",
                        p.debtor.name,
                        p.tribunal,
                        english_date(date),
                        if days == 1 { "" } else { "s" }
                    ),
                ),
            );
            n.procedure_id = Some(p.id);
            out.push(n);
        }
    }
    Ok(out)
}

fn english_date(date: NaiveDate) -> String {
    format!("{}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_form_has_words_in_both_languages() {
        for kind in RequestType::ALL {
            assert!(!type_label(kind, Lang::Fr).is_empty());
            for f in kind.fields() {
                assert!(labels(f.name).is_some(), "{kind:?} {} has no label", f.name);
            }
        }
        let missing = FieldProblem {
            field: "refund_iban".into(),
            problem: FieldProblemKind::Missing,
        };
        assert_eq!(
            problem_sentence(&missing, Lang::Fr),
            "« IBAN pour le remboursement » est obligatoire"
        );
        assert_eq!(
            problem_sentence(&missing, Lang::En),
            "“IBAN for the refund” is required"
        );
        let choice = FieldProblem {
            field: "reason".into(),
            problem: FieldProblemKind::InvalidChoice,
        };
        assert!(problem_sentence(&choice, Lang::En).contains("fraud_or_identity_theft"));
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
    }

    #[test]
    fn attachments_are_filed_under_the_category_the_type_advises() {
        assert_eq!(
            attachment_category(RequestType::PaymentMade),
            (DocumentCategory::ProofOfPayment, None)
        );
        assert_eq!(
            attachment_category(RequestType::DeathNotice).0,
            DocumentCategory::DeathAndSuccession
        );
        let (category, note) = attachment_category(RequestType::OverpaymentRefund);
        assert_eq!(category, DocumentCategory::Other);
        assert!(note.unwrap().starts_with("RIB"));
        let (category, note) = attachment_category(RequestType::Question);
        assert_eq!(category, DocumentCategory::Other);
        assert!(note.unwrap().contains("Question"));
    }
}
