//! The receipt of a payment (*reçu de paiement*): what was received, when,
//! how, on which dossier, and what remains due after it.

use claimdesk_domain::calendar::french_date;
use claimdesk_domain::payment::PaymentMethod;

use crate::blocks::{self, BODY};
use crate::fonts::Weight;
use crate::layout::{ACCENT, CONTENT_WIDTH, INK, LEFT, Style};
use crate::{DocumentError, ReceiptDocument};

/// The method as the receipt names it.
pub fn method_label(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::Card => "Carte bancaire",
        PaymentMethod::Transfer => "Virement SEPA",
        PaymentMethod::DirectDebit => "Prélèvement SEPA",
        PaymentMethod::Cheque => "Chèque",
        PaymentMethod::Cash => "Espèces",
    }
}

/// The receipt as a PDF.
pub fn receipt_pdf(doc: &ReceiptDocument) -> Result<Vec<u8>, DocumentError> {
    if !doc.amount.is_positive() {
        return Err(DocumentError::Invalid(format!(
            "no receipt for a payment of {}",
            doc.amount.to_french()
        )));
    }
    let number = format!("P-{:06}", doc.payment_id);
    let mut flow = blocks::start(
        doc.letterhead,
        format!("Reçu de paiement {number}"),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Reçu n°", number.clone()),
            ("Établi le", french_date(doc.produced_on)),
        ],
    );
    blocks::title(
        &mut flow,
        "Reçu de paiement",
        &format!("Paiement reçu pour le dossier {}", doc.dossier_reference),
    );
    blocks::parties(&mut flow, &[("Payeur", doc.payer)]);
    blocks::framed(
        &mut flow,
        &[
            (
                "Montant reçu",
                doc.amount.to_french(),
                Style::new(16.0, Weight::Bold, ACCENT),
            ),
            (
                "Reçu le",
                french_date(doc.received_on),
                Style::new(11.0, Weight::Bold, INK),
            ),
            (
                "Moyen de paiement",
                method_label(doc.method).to_owned(),
                Style::new(11.0, Weight::Regular, INK),
            ),
        ],
        CONTENT_WIDTH,
    );
    blocks::fields(
        &mut flow,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Référence du paiement (RF)", doc.rf_reference.grouped()),
            ("Numéro du paiement", number.clone()),
            (
                "Reste dû après ce paiement",
                doc.remaining_balance.to_french(),
            ),
        ],
        170.0,
    );
    flow.y += 10.0;
    let closing = if doc.remaining_balance.is_positive() {
        format!(
            "Ce paiement a été imputé sur le dossier {}. Il reste {} à régler.",
            doc.dossier_reference,
            doc.remaining_balance.to_french()
        )
    } else {
        format!(
            "Ce paiement a été imputé sur le dossier {}, qui ne présente plus de solde dû.",
            doc.dossier_reference
        )
    };
    flow.paragraph(LEFT, CONTENT_WIDTH, BODY, &closing);
    blocks::finish(
        flow,
        doc.letterhead,
        &format!(
            "Reçu de paiement {number} — dossier {}",
            doc.dossier_reference
        ),
    )
}
