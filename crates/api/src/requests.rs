//! Requests, complaints and their threads of messages: the contact form, typed.
//! Each request type says which fields it needs; what the dossier already
//! knows (names, reference, creditor, debtor) is never a field. The same
//! specification checks a request in the client and on the server.

use std::collections::BTreeMap;

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::uploads::DocumentCategory;

/// How long a complaint may stay unanswered before the mediator can be asked.
pub const MEDIATION_DELAY_MONTHS: u32 = 2;
/// Longest free text of a field or a message, in characters.
pub const MAX_TEXT: usize = 5000;
/// Longest one-line field, in characters.
pub const MAX_LINE: usize = 200;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    /// Décompte des sommes dues.
    Statement,
    /// Attestation de solde.
    SettledCertificate,
    /// Pièces, décompte ou RIB pour un mandataire judiciaire.
    MandataireDocuments,
    /// Date de fin du plan ou de l'échéancier.
    PlanEndDate,
    /// Procédure en cours et montant dû (procédure collective).
    ProcedureStatus,
    /// Proposition d'accord (offre transactionnelle).
    SettlementOffer,
    /// Désolidarisation.
    JointLiabilityRelease,
    /// Fin de l'engagement de caution.
    GuaranteeEnd,
    /// Remboursement d'un trop-perçu.
    OverpaymentRefund,
    /// Changement de coordonnées.
    ContactChange,
    /// Changement de coordonnées bancaires (mot de passe redemandé).
    BankDetailsChange,
    /// Changement de nom ou d'une partie.
    PartyChange,
    /// Décès ou succession.
    DeathNotice,
    /// Sinistre sur un bien financé (assurance).
    InsuranceClaim,
    /// Arrêt maladie ou perte d'emploi.
    HardshipLeave,
    /// Paiement déjà effectué (preuve).
    PaymentMade,
    /// Chèque ou virement déjà envoyé.
    PaymentSent,
    /// Prélèvement rejeté.
    RejectedDebit,
    /// « Pourquoi suis-je encore relancé ? »
    StillChased,
    /// Radiation du FICP une fois soldé.
    FicpRemoval,
    /// Question libre.
    Question,
    /// Réclamation: carries the mediation clock.
    Complaint,
}

/// What a field holds, and so how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line, at most [`MAX_LINE`] characters.
    Line,
    /// Free text, at most [`MAX_TEXT`] characters.
    Text,
    /// YYYY-MM-DD, not in the future.
    PastDate,
    /// YYYY-MM-DD, any.
    Date,
    /// Euros, positive, at most two decimals ("125.40").
    Amount,
    /// Checked with its checksum.
    Iban,
    Email,
    /// Digits, spaces, dots, dashes, an optional leading +; 8 to 20 digits.
    Phone,
    /// One of the field's `choices`.
    Choice,
}

/// One field of a request type's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldSpec {
    /// The key in [`NewRequest::fields`]; also the UI's message key suffix.
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// For [`FieldKind::Choice`]: the accepted values.
    pub choices: &'static [&'static str],
}

const fn field(name: &'static str, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required,
        choices: &[],
    }
}

/// Why a complaint is made.
pub const COMPLAINT_REASONS: &[&str] = &[
    "blocked_situation",
    "disputed_amount",
    "hardship",
    "fraud_or_identity_theft",
    "settlement_proposal",
    "other",
];

use FieldKind::{Amount, Choice, Date, Email, Iban, Line, PastDate, Phone, Text};

impl RequestType {
    pub const ALL: [RequestType; 22] = [
        RequestType::Statement,
        RequestType::SettledCertificate,
        RequestType::MandataireDocuments,
        RequestType::PlanEndDate,
        RequestType::ProcedureStatus,
        RequestType::SettlementOffer,
        RequestType::JointLiabilityRelease,
        RequestType::GuaranteeEnd,
        RequestType::OverpaymentRefund,
        RequestType::ContactChange,
        RequestType::BankDetailsChange,
        RequestType::PartyChange,
        RequestType::DeathNotice,
        RequestType::InsuranceClaim,
        RequestType::HardshipLeave,
        RequestType::PaymentMade,
        RequestType::PaymentSent,
        RequestType::RejectedDebit,
        RequestType::StillChased,
        RequestType::FicpRemoval,
        RequestType::Question,
        RequestType::Complaint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestType::Statement => "statement",
            RequestType::SettledCertificate => "settled_certificate",
            RequestType::MandataireDocuments => "mandataire_documents",
            RequestType::PlanEndDate => "plan_end_date",
            RequestType::ProcedureStatus => "procedure_status",
            RequestType::SettlementOffer => "settlement_offer",
            RequestType::JointLiabilityRelease => "joint_liability_release",
            RequestType::GuaranteeEnd => "guarantee_end",
            RequestType::OverpaymentRefund => "overpayment_refund",
            RequestType::ContactChange => "contact_change",
            RequestType::BankDetailsChange => "bank_details_change",
            RequestType::PartyChange => "party_change",
            RequestType::DeathNotice => "death_notice",
            RequestType::InsuranceClaim => "insurance_claim",
            RequestType::HardshipLeave => "hardship_leave",
            RequestType::PaymentMade => "payment_made",
            RequestType::PaymentSent => "payment_sent",
            RequestType::RejectedDebit => "rejected_debit",
            RequestType::StillChased => "still_chased",
            RequestType::FicpRemoval => "ficp_removal",
            RequestType::Question => "question",
            RequestType::Complaint => "complaint",
        }
    }

    pub fn parse(text: &str) -> Option<RequestType> {
        RequestType::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The fields this type asks for, in the order the form shows them.
    pub fn fields(self) -> &'static [FieldSpec] {
        const MESSAGE: FieldSpec = field("message", Text, false);
        match self {
            RequestType::Statement | RequestType::SettledCertificate => const { &[MESSAGE] },
            RequestType::MandataireDocuments => {
                const {
                    &[
                        field("documents_wanted", Text, true),
                        field("callback_phone", Phone, false),
                    ]
                }
            }
            RequestType::PlanEndDate | RequestType::ProcedureStatus => const { &[MESSAGE] },
            RequestType::SettlementOffer => {
                const {
                    &[
                        field("offered_amount", Amount, true),
                        field("proposal", Text, true),
                    ]
                }
            }
            RequestType::JointLiabilityRelease => {
                const {
                    &[
                        field("co_debtor_name", Line, true),
                        field("reason", Text, true),
                    ]
                }
            }
            RequestType::GuaranteeEnd => const { &[field("message", Text, true)] },
            RequestType::OverpaymentRefund => {
                const {
                    &[
                        field("overpaid_amount", Amount, true),
                        field("payment_date", PastDate, true),
                        field("refund_iban", Iban, true),
                        field("refund_holder", Line, true),
                    ]
                }
            }
            RequestType::ContactChange => {
                const {
                    &[
                        field("address", Text, false),
                        field("email", Email, false),
                        field("phone", Phone, false),
                    ]
                }
            }
            RequestType::BankDetailsChange => {
                const {
                    &[
                        field("new_iban", Iban, true),
                        field("new_holder", Line, true),
                    ]
                }
            }
            RequestType::PartyChange => {
                const {
                    &[
                        field("change", Text, true),
                        field("effective_date", PastDate, false),
                    ]
                }
            }
            RequestType::DeathNotice => {
                const {
                    &[
                        field("deceased_name", Line, true),
                        field("date_of_death", PastDate, true),
                        field("notary_name", Line, false),
                        field("notary_address", Text, false),
                        field("relationship", Line, true),
                    ]
                }
            }
            RequestType::InsuranceClaim => {
                const {
                    &[
                        field("loss_date", PastDate, true),
                        field("insurer", Line, true),
                        field("description", Text, true),
                    ]
                }
            }
            RequestType::HardshipLeave => {
                const {
                    &[
                        field("situation", Choice, true).with_choices(&["sick_leave", "job_loss"]),
                        field("since", PastDate, true),
                        field("message", Text, false),
                    ]
                }
            }
            RequestType::PaymentMade => {
                const {
                    &[
                        field("payment_date", PastDate, true),
                        field("amount", Amount, true),
                        field("message", Text, false),
                    ]
                }
            }
            RequestType::PaymentSent => {
                const {
                    &[
                        field("method", Choice, true).with_choices(&["cheque", "transfer"]),
                        field("sent_on", PastDate, true),
                        field("amount", Amount, true),
                        field("cheque_or_transfer_reference", Line, true),
                    ]
                }
            }
            RequestType::RejectedDebit => {
                const {
                    &[
                        field("debit_date", PastDate, true),
                        field("message", Text, false),
                    ]
                }
            }
            RequestType::StillChased => {
                const {
                    &[
                        field("last_payment_date", PastDate, true),
                        field("message", Text, true),
                    ]
                }
            }
            RequestType::FicpRemoval => {
                const {
                    &[
                        field("settled_on", PastDate, true),
                        field("message", Text, false),
                    ]
                }
            }
            RequestType::Question => const { &[field("message", Text, true)] },
            RequestType::Complaint => {
                const {
                    &[
                        field("reason", Choice, true).with_choices(COMPLAINT_REASONS),
                        field("description", Text, true),
                    ]
                }
            }
        }
    }

    /// The documents the request should carry (proofs, certificates), as
    /// the categories they are filed under; advised, not enforced: the user
    /// may send them later in the thread. A RIB is filed as `other`.
    pub fn advised_attachments(self) -> &'static [DocumentCategory] {
        match self {
            RequestType::OverpaymentRefund | RequestType::BankDetailsChange => {
                &[DocumentCategory::Other]
            }
            RequestType::DeathNotice => &[DocumentCategory::DeathAndSuccession],
            RequestType::InsuranceClaim => &[DocumentCategory::InsuranceClaim],
            RequestType::HardshipLeave => &[DocumentCategory::SickLeaveOrJobLoss],
            RequestType::PaymentMade | RequestType::PaymentSent | RequestType::StillChased => {
                &[DocumentCategory::ProofOfPayment]
            }
            _ => &[],
        }
    }

    /// Asking it needs the user's password again (bank details).
    pub fn needs_password(self) -> bool {
        matches!(self, RequestType::BankDetailsChange)
    }

    /// Only mandataires judiciaires make it.
    pub fn for_mandataires(self) -> bool {
        matches!(self, RequestType::MandataireDocuments)
    }
}

impl FieldSpec {
    const fn with_choices(mut self, choices: &'static [&'static str]) -> FieldSpec {
        self.choices = choices;
        self
    }
}

/// What is wrong with a field: a code the UI says in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FieldProblemKind {
    Missing,
    /// A field this type does not have.
    Unknown,
    TooLong,
    /// Not a YYYY-MM-DD date.
    InvalidDate,
    FutureDate,
    /// Not a positive amount with at most two decimals.
    InvalidAmount,
    InvalidIban,
    InvalidEmail,
    InvalidPhone,
    /// Not one of the field's choices.
    InvalidChoice,
    /// A contact change that changes nothing: at least one field is needed.
    NothingGiven,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldProblem {
    pub field: String,
    pub problem: FieldProblemKind,
}

/// Checks `fields` against `kind`'s form on `today`: every problem, in form
/// order (unknown fields last). Values are trimmed first by the caller.
pub fn check_fields(
    kind: RequestType,
    fields: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let specs = kind.fields();
    for spec in specs {
        let value = fields.get(spec.name).map(|v| v.trim()).unwrap_or("");
        let problem = if value.is_empty() {
            spec.required.then_some(FieldProblemKind::Missing)
        } else {
            check_value(spec, value, today)
        };
        if let Some(problem) = problem {
            problems.push(FieldProblem {
                field: spec.name.to_owned(),
                problem,
            });
        }
    }
    for name in fields.keys() {
        if !specs.iter().any(|s| s.name == name) {
            problems.push(FieldProblem {
                field: name.clone(),
                problem: FieldProblemKind::Unknown,
            });
        }
    }
    if kind == RequestType::ContactChange
        && problems.is_empty()
        && specs
            .iter()
            .all(|s| fields.get(s.name).is_none_or(|v| v.trim().is_empty()))
    {
        problems.push(FieldProblem {
            field: "address".into(),
            problem: FieldProblemKind::NothingGiven,
        });
    }
    problems
}

fn check_value(spec: &FieldSpec, value: &str, today: NaiveDate) -> Option<FieldProblemKind> {
    use FieldProblemKind as P;
    let chars = value.chars().count();
    match spec.kind {
        Line => (chars > MAX_LINE || value.contains('\n')).then_some(P::TooLong),
        Text => (chars > MAX_TEXT).then_some(P::TooLong),
        Date | PastDate => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Err(_) => Some(P::InvalidDate),
            Ok(date) if spec.kind == PastDate && date > today => Some(P::FutureDate),
            Ok(_) => None,
        },
        Amount => match value.parse::<claimdesk_domain::Money>() {
            Ok(m) if m.is_positive() => None,
            _ => Some(P::InvalidAmount),
        },
        Iban => claimdesk_domain::ident::Iban::parse(value)
            .is_err()
            .then_some(P::InvalidIban),
        Email => {
            let ok = chars <= MAX_LINE
                && value.split_once('@').is_some_and(|(user, host)| {
                    !user.is_empty()
                        && host.contains('.')
                        && !host.starts_with('.')
                        && !host.ends_with('.')
                        && !value.contains(char::is_whitespace)
                });
            (!ok).then_some(P::InvalidEmail)
        }
        Phone => {
            let digits = value.chars().filter(char::is_ascii_digit).count();
            let allowed = value
                .char_indices()
                .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
            (!(allowed && (8..=20).contains(&digits))).then_some(P::InvalidPhone)
        }
        Choice => (!spec.choices.contains(&value)).then_some(P::InvalidChoice),
    }
}

/// `POST /v1/requests` (Idempotency-Key required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// The dossier it is about (a mandataire names a dossier of a claim of
    /// theirs).
    pub dossier_reference: String,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: RequestType,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Documents already filed on the dossier to attach.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub attachments: Vec<i64>,
    /// For types that need it (bank details): the password again; not part
    /// of the idempotency hash, never stored.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Sent,
    Acknowledged,
    InProgress,
    Answered,
    Closed,
    ReferredToMediator,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Sent,
        RequestStatus::Acknowledged,
        RequestStatus::InProgress,
        RequestStatus::Answered,
        RequestStatus::Closed,
        RequestStatus::ReferredToMediator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Sent => "sent",
            RequestStatus::Acknowledged => "acknowledged",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Answered => "answered",
            RequestStatus::Closed => "closed",
            RequestStatus::ReferredToMediator => "referred_to_mediator",
        }
    }

    pub fn parse(text: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A request as its author and the agency see it. Synced as `request`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Request {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub dossier_reference: String,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(rename = "type"))]
    pub kind: RequestType,
    pub fields: BTreeMap<String, String>,
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub attachments: Vec<i64>,
    pub status: RequestStatus,
    /// Who wrote it (display name).
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The agency's first answer.
    pub answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Complaints only: from when the mediator may be asked (two months
    /// after it was made, or at the agency's first answer if sooner); the
    /// server's dates, not the client's.
    pub mediation_from: Option<DateTime<Utc>>,
    pub referred_at: Option<DateTime<Utc>>,
}

impl Request {
    /// When a complaint made at `created_at` and first answered at
    /// `answered_at` may go to the mediator.
    pub fn mediation_opens(
        created_at: DateTime<Utc>,
        answered_at: Option<DateTime<Utc>>,
    ) -> DateTime<Utc> {
        let two_months = created_at
            .checked_add_months(Months::new(MEDIATION_DELAY_MONTHS))
            .unwrap_or(created_at);
        answered_at.map_or(two_months, |answered| answered.min(two_months))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MessageAuthor {
    /// The request's author or another user who sees the dossier.
    Customer,
    Agency,
    /// Written by the server (acknowledgement, referral to the mediator).
    System,
}

/// One message of a request's thread. Synced as `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Message {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub request_id: i64,
    pub author: MessageAuthor,
    pub author_name: String,
    pub text: String,
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub attachments: Vec<i64>,
    pub created_at: DateTime<Utc>,
}

/// `POST /v1/requests/{id}/messages` (Idempotency-Key required), and the
/// agency's `POST /v1/admin/requests/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// 1 to [`MAX_TEXT`] characters.
    pub text: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub attachments: Vec<i64>,
}

/// A request with its thread, oldest message first
/// (`GET /v1/requests/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestThread {
    pub request: Request,
    pub messages: Vec<Message>,
}

/// `POST /v1/admin/requests/{id}/status`: the agency moves a request on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// acknowledged, in_progress or closed (answered comes with an answer,
    /// referred_to_mediator with the customer's escalation).
    pub status: RequestStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_type_has_a_unique_name_and_its_fields() {
        for kind in RequestType::ALL {
            assert_eq!(RequestType::parse(kind.as_str()), Some(kind));
            let names: Vec<_> = kind.fields().iter().map(|f| f.name).collect();
            let mut unique = names.clone();
            unique.dedup();
            assert_eq!(names, unique, "{kind:?}");
        }
    }

    #[test]
    fn fields_are_checked_by_kind() {
        let today = day("2026-11-21");
        let problems = check_fields(
            RequestType::OverpaymentRefund,
            &fields(&[
                ("overpaid_amount", "12.345"),
                ("payment_date", "2026-12-01"),
                ("refund_iban", "FR7630006000011234567890188"),
                ("colour", "blue"),
            ]),
            today,
        );
        let got: Vec<_> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.problem))
            .collect();
        assert_eq!(
            got,
            vec![
                ("overpaid_amount", FieldProblemKind::InvalidAmount),
                ("payment_date", FieldProblemKind::FutureDate),
                ("refund_iban", FieldProblemKind::InvalidIban),
                ("refund_holder", FieldProblemKind::Missing),
                ("colour", FieldProblemKind::Unknown),
            ]
        );
        assert!(
            check_fields(
                RequestType::OverpaymentRefund,
                &fields(&[
                    ("overpaid_amount", "12.34"),
                    ("payment_date", "2026-11-20"),
                    ("refund_iban", "FR76 3000 6000 0112 3456 7890 189"),
                    ("refund_holder", "Boulangerie Dupont"),
                ]),
                today
            )
            .is_empty()
        );
        let contact = check_fields(RequestType::ContactChange, &fields(&[]), today);
        assert_eq!(contact[0].problem, FieldProblemKind::NothingGiven);
        let reason = check_fields(
            RequestType::Complaint,
            &fields(&[("reason", "angry"), ("description", "x")]),
            today,
        );
        assert_eq!(reason[0].problem, FieldProblemKind::InvalidChoice);
    }

    #[test]
    fn the_mediator_opens_two_months_after_or_at_the_first_answer() {
        let made: DateTime<Utc> = "2026-01-31T10:00:00Z".parse().unwrap();
        assert_eq!(
            Request::mediation_opens(made, None),
            "2026-03-31T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let answered: DateTime<Utc> = "2026-02-10T09:00:00Z".parse().unwrap();
        assert_eq!(Request::mediation_opens(made, Some(answered)), answered);
    }
}
