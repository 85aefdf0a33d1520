//! Documents exchanged with the agency: uploaded resumably with tus 1.0 under
//! `/v1/uploads`, then created from the finished upload and attached to a
//! dossier or a procedure; downloaded on demand.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The tus protocol version the server speaks (`Tus-Resumable`).
pub const TUS_VERSION: &str = "1.0.0";
/// tus extensions the server supports (`Tus-Extension`).
pub const TUS_EXTENSIONS: &str = "creation,checksum,expiration,termination";
/// Checksum algorithms the server accepts (`Tus-Checksum-Algorithm`).
pub const TUS_CHECKSUM_ALGORITHMS: &str = "sha256";
/// Default largest file, in bytes (`Tus-Max-Size`); configurable on the server.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;

/// The content types a document may have, detected from its bytes (never
/// from its name), each with the extension a file of it is named with.
pub const CONTENT_TYPES: [(&str, &str); 9] = [
    ("application/pdf", "pdf"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/tiff", "tiff"),
    ("image/heif", "heic"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
];

/// The extension of an allowed content type.
pub fn extension_of(content_type: &str) -> Option<&'static str> {
    CONTENT_TYPES
        .into_iter()
        .find(|(t, _)| *t == content_type)
        .map(|(_, extension)| extension)
}

/// What a document is, as customers name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DocumentCategory {
    /// Justificatifs de revenus.
    ProofOfIncome,
    /// Justificatifs de charges.
    Charges,
    /// Justificatif de paiement.
    ProofOfPayment,
    /// Résiliation.
    Termination,
    /// Jugement.
    Judgment,
    /// Bilans et comptes annuels.
    BalanceSheet,
    /// Acte de décès, succession.
    DeathAndSuccession,
    /// Déclaration de sinistre.
    InsuranceClaim,
    /// Arrêt maladie, perte d'emploi.
    SickLeaveOrJobLoss,
    /// Pièces justificatives de la créance.
    ClaimEvidence,
    /// État des créances (mandataires).
    ListOfClaims,
    /// Projet de répartition (mandataires).
    DistributionPlan,
    /// Certificat d'irrécouvrabilité (mandataires).
    CertificateOfIrrecoverability,
    /// Ordonnance du juge-commissaire (mandataires).
    CourtOrder,
    /// Autre: a note says what.
    Other,
}

impl DocumentCategory {
    pub const ALL: [DocumentCategory; 15] = [
        DocumentCategory::ProofOfIncome,
        DocumentCategory::Charges,
        DocumentCategory::ProofOfPayment,
        DocumentCategory::Termination,
        DocumentCategory::Judgment,
        DocumentCategory::BalanceSheet,
        DocumentCategory::DeathAndSuccession,
        DocumentCategory::InsuranceClaim,
        DocumentCategory::SickLeaveOrJobLoss,
        DocumentCategory::ClaimEvidence,
        DocumentCategory::ListOfClaims,
        DocumentCategory::DistributionPlan,
        DocumentCategory::CertificateOfIrrecoverability,
        DocumentCategory::CourtOrder,
        DocumentCategory::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DocumentCategory::ProofOfIncome => "proof_of_income",
            DocumentCategory::Charges => "charges",
            DocumentCategory::ProofOfPayment => "proof_of_payment",
            DocumentCategory::Termination => "termination",
            DocumentCategory::Judgment => "judgment",
            DocumentCategory::BalanceSheet => "balance_sheet",
            DocumentCategory::DeathAndSuccession => "death_and_succession",
            DocumentCategory::InsuranceClaim => "insurance_claim",
            DocumentCategory::SickLeaveOrJobLoss => "sick_leave_or_job_loss",
            DocumentCategory::ClaimEvidence => "claim_evidence",
            DocumentCategory::ListOfClaims => "list_of_claims",
            DocumentCategory::DistributionPlan => "distribution_plan",
            DocumentCategory::CertificateOfIrrecoverability => "certificate_of_irrecoverability",
            DocumentCategory::CourtOrder => "court_order",
            DocumentCategory::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentCategory> {
        DocumentCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == text)
    }

    /// Categories only an étude may file.
    pub fn for_mandataires_only(&self) -> bool {
        matches!(
            self,
            DocumentCategory::ListOfClaims
                | DocumentCategory::DistributionPlan
                | DocumentCategory::CertificateOfIrrecoverability
                | DocumentCategory::CourtOrder
        )
    }
}

/// What a document is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttachTo {
    Dossier { reference: String },
    Procedure { id: i64 },
}

/// `POST /v1/documents`: a document from a finished upload. Sent with an
/// `Idempotency-Key` header chosen by the client before the upload started; a
/// replay with the same key answers the document first created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// The id at the end of the upload's `Location`.
    pub upload_id: String,
    pub attach_to: AttachTo,
    pub category: DocumentCategory,
    /// Required for `other`.
    pub note: Option<String>,
    /// As the user named it; kept as metadata only.
    pub file_name: String,
}

/// Who put a document there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DocumentOrigin {
    /// Uploaded by a user of the app.
    Customer,
    /// Posted by the agency (letters, statements, judgments, receipts).
    Agency,
}

/// A document's metadata; its content is at `/v1/documents/{id}/content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Document {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub attached_to: AttachTo,
    pub category: DocumentCategory,
    pub note: Option<String>,
    /// Sanitised for display and for `Content-Disposition` (RFC 6266).
    pub file_name: String,
    /// Detected from the content, never from the name.
    pub content_type: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Hex SHA-256 of the content; also its ETag.
    pub sha256: String,
    pub origin: DocumentOrigin,
    pub created_at: DateTime<Utc>,
}
