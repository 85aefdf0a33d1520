//! The documents of the wire's records: what the server serves and what a
//! client renders offline, from the same values, so they cannot differ.

use chrono::NaiveDate;
use claimdesk_api::documents::{Rib, Servicer};
use claimdesk_api::records::{Claim, Dossier};
use claimdesk_domain::ident::{Bic, Iban, RfReference};
use claimdesk_domain::statement::{DebtKind, Ledger, Statement};

use crate::{
    AttestationDocument, DocumentError, Letterhead, Party, RibDocument, StatementDocument,
    attestation_pdf, rib_pdf, statement_pdf,
};

/// Debts named in the basis line before "…".
const BASIS_DEBTS_SHOWN: usize = 6;

fn letterhead(servicer: &Servicer) -> Letterhead {
    Letterhead {
        name: servicer.name.clone(),
        address: servicer.address.clone(),
        legal: servicer.legal.clone(),
        phone: servicer.phone.clone(),
        email: servicer.email.clone(),
    }
}

/// The creditor, reached through the servicing entity that collects for it.
fn creditor(dossier: &Dossier) -> Party {
    let mut address = vec![format!("représenté par {}", dossier.servicer.name)];
    address.extend(dossier.servicer.address.iter().cloned());
    Party {
        name: dossier.creditor.clone(),
        address,
        identifier: None,
    }
}

fn debtor(dossier: &Dossier) -> Party {
    Party {
        name: format!("{} ({})", dossier.debtor.name, dossier.debtor.legal_form),
        address: dossier.debtor.address.lines().map(str::to_owned).collect(),
        identifier: Some(dossier.debtor.rcs.clone()),
    }
}

/// The fondement de la créance, from what the ledger holds.
pub fn basis(ledger: &Ledger) -> String {
    let loans = ledger
        .debts
        .iter()
        .filter(|d| d.kind == DebtKind::LoanInstalment)
        .count();
    let invoices: Vec<&str> = ledger
        .debts
        .iter()
        .filter(|d| d.kind == DebtKind::Invoice)
        .map(|d| d.reference.as_str())
        .collect();
    let mut parts = Vec::new();
    if loans > 0 {
        parts.push(format!("Contrat de prêt ({loans} échéances)"));
    }
    if !invoices.is_empty() {
        let mut shown = invoices
            .iter()
            .take(BASIS_DEBTS_SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if invoices.len() > BASIS_DEBTS_SHOWN {
            shown.push_str(", …");
        }
        parts.push(format!("Factures impayées n° {shown}"));
    }
    if parts.is_empty() {
        "Créance du dossier".to_owned()
    } else {
        parts.join(" ; ")
    }
}

fn rf(rib: &Rib) -> Result<RfReference, DocumentError> {
    RfReference::parse(&rib.rf_reference).map_err(|e| DocumentError::Identifier(e.to_string()))
}

/// A dossier's statement.
pub fn dossier_statement(
    dossier: &Dossier,
    statement: &Statement,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let rf = rf(&dossier.rib)?;
    statement_pdf(&StatementDocument {
        letterhead: &letterhead(&dossier.servicer),
        creditor: &creditor(dossier),
        debtor: &debtor(dossier),
        dossier_reference: &dossier.reference,
        basis: &basis(&dossier.ledger),
        rf_reference: Some(&rf),
        produced_on,
        statement,
    })
}

/// A claim's statement, under its dossier's letterhead.
pub fn claim_statement(
    dossier: &Dossier,
    claim: &Claim,
    statement: &Statement,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let rf = rf(&dossier.rib)?;
    let basis = format!(
        "Créance n° {} déclarée le {} ({}) — {}",
        claim.id,
        claimdesk_domain::calendar::french_date(claim.declaration_date),
        claim.nature.label_fr(),
        basis(&dossier.ledger)
    );
    statement_pdf(&StatementDocument {
        letterhead: &letterhead(&dossier.servicer),
        creditor: &creditor(dossier),
        debtor: &debtor(dossier),
        dossier_reference: &dossier.reference,
        basis: &basis,
        rf_reference: Some(&rf),
        produced_on,
        statement,
    })
}

/// The RIB to pay a dossier into.
pub fn rib(
    rib: &Rib,
    servicer: &Servicer,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let iban = Iban::parse(&rib.iban).map_err(|e| DocumentError::Identifier(e.to_string()))?;
    let bic = Bic::parse(&rib.bic).map_err(|e| DocumentError::Identifier(e.to_string()))?;
    let rf = rf(rib)?;
    rib_pdf(&RibDocument {
        letterhead: &letterhead(servicer),
        holder: &rib.holder,
        iban: &iban,
        bic: &bic,
        bank_name: &rib.bank_name,
        rf_reference: &rf,
        dossier_reference: &rib.dossier_reference,
        produced_on,
    })
}

/// The attestation de solde of a dossier whose statement is at zero.
pub fn attestation(
    dossier: &Dossier,
    statement: &Statement,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let place = dossier
        .servicer
        .address
        .last()
        .and_then(|line| line.split_once(' ').map(|(_, city)| city.to_owned()))
        .unwrap_or_default();
    attestation_pdf(&AttestationDocument {
        letterhead: &letterhead(&dossier.servicer),
        creditor: &creditor(dossier),
        debtor: &debtor(dossier),
        dossier_reference: &dossier.reference,
        basis: &basis(&dossier.ledger),
        statement,
        produced_on,
        place: &place,
    })
}
