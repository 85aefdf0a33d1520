//! The documents of the wire's records: what the server serves and what a
//! client renders offline, from the same values, so they cannot differ.

use chrono::NaiveDate;
use claimdesk_api::documents::{Rib, Servicer};
use claimdesk_api::payments::{ChequeInstructions, Mandate, Payment, TransferInstructions};
use claimdesk_api::records::{Claim, Dossier};
use claimdesk_domain::Money;
use claimdesk_domain::ident::{Bic, CreditorId, Iban, MandateReference, RfReference};
use claimdesk_domain::statement::{DebtKind, Ledger, Statement};

use crate::{
    AttestationDocument, ChequeDocument, DocumentError, Letterhead, MandateDocument, Party,
    ReceiptDocument, RibDocument, StatementDocument, TransferDocument, attestation_pdf, cheque_pdf,
    mandate_pdf, receipt_pdf, rib_pdf, statement_pdf, transfer_pdf,
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
    identifier(RfReference::parse(&rib.rf_reference))
}

fn identifier<T>(
    parsed: Result<T, claimdesk_domain::ident::IdentError>,
) -> Result<T, DocumentError> {
    parsed.map_err(|e| DocumentError::Identifier(e.to_string()))
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
    let iban = identifier(Iban::parse(&rib.iban))?;
    let bic = identifier(Bic::parse(&rib.bic))?;
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

/// How to pay a dossier by transfer, with its EPC QR code.
pub fn transfer_instructions(
    servicer: &Servicer,
    dossier_reference: &str,
    instructions: &TransferInstructions,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let iban = identifier(Iban::parse(&instructions.iban))?;
    let bic = match instructions.bic.trim() {
        "" => None,
        bic => Some(identifier(Bic::parse(bic))?),
    };
    let rf = identifier(RfReference::parse(&instructions.reference))?;
    transfer_pdf(&TransferDocument {
        letterhead: &letterhead(servicer),
        holder: &instructions.holder,
        iban: &iban,
        bic: bic.as_ref(),
        bank_name: &instructions.bank_name,
        amount: instructions.amount,
        rf_reference: &rf,
        dossier_reference,
        epc_payload: &instructions.epc_payload,
        produced_on,
    })
}

/// How to pay a dossier by cheque.
pub fn cheque_instructions(
    servicer: &Servicer,
    dossier_reference: &str,
    instructions: &ChequeInstructions,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let address: Vec<String> = instructions.address.lines().map(str::to_owned).collect();
    cheque_pdf(&ChequeDocument {
        letterhead: &letterhead(servicer),
        payee: &instructions.payee,
        address: &address,
        amount: instructions.amount,
        reference: &instructions.reference,
        dossier_reference,
        produced_on,
    })
}

/// A direct-debit mandate; `iban` in full, as the debtor gave it (the record
/// only carries it masked).
pub fn mandate(
    servicer: &Servicer,
    mandate: &Mandate,
    iban: &str,
) -> Result<Vec<u8>, DocumentError> {
    let reference = identifier(MandateReference::parse(&mandate.reference))?;
    let ics = identifier(CreditorId::parse(&mandate.creditor_identifier))?;
    let iban = identifier(Iban::parse(iban))?;
    let bic = mandate
        .bic
        .as_deref()
        .map(|bic| identifier(Bic::parse(bic)))
        .transpose()?;
    let address: Vec<String> = mandate
        .creditor_address
        .lines()
        .map(str::to_owned)
        .collect();
    mandate_pdf(&MandateDocument {
        letterhead: &letterhead(servicer),
        reference: &reference,
        creditor_identifier: &ics,
        creditor_name: &mandate.creditor_name,
        creditor_address: &address,
        holder: &mandate.holder,
        iban: &iban,
        bic: bic.as_ref(),
        day: mandate.day,
        amount: mandate.amount,
        dossier_reference: &mandate.dossier_reference,
        signed_at: mandate.signed_at,
        revoked_at: mandate.revoked_at,
    })
}

/// The receipt of a payment received on `dossier`, which then still owed
/// `remaining`.
pub fn receipt(
    dossier: &Dossier,
    payment: &Payment,
    remaining: Money,
    produced_on: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let received_on = payment.paid_on.ok_or_else(|| {
        DocumentError::Invalid(format!("payment {} has not been received", payment.id))
    })?;
    let rf = identifier(RfReference::parse(&payment.reference))?;
    receipt_pdf(&ReceiptDocument {
        letterhead: &letterhead(&dossier.servicer),
        dossier_reference: &dossier.reference,
        payer: &debtor(dossier),
        payment_id: payment.id,
        method: payment.method,
        amount: payment.amount,
        received_on,
        rf_reference: &rf,
        remaining_balance: remaining,
        produced_on,
    })
}
