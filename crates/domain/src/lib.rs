//! Pure rules and types of claimdesk. No I/O, no async: everything here can be
//! computed by hand and is tested that way.

pub mod calendar;
pub mod claim;
pub mod epc_qr;
pub mod ident;
pub mod legal_rate;
pub mod money;
pub mod ordinance_2020;
pub mod payment;
pub mod procedure;
pub mod siren;
pub mod statement;

pub use claim::{AdmissionStatus, ClaimNature};
pub use ident::{
    Bic, CreditorId, FrenchRib, Iban, IdentError, IdentKind, MandateReference, RcsNumber,
    RfReference, Siret,
};
pub use money::{Money, MoneyError};
pub use procedure::{ProcedureKind, ProcedureStage};
pub use siren::{Siren, SirenError};
