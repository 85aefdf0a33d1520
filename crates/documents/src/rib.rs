//! The RIB: the account to pay into, the holder's name exactly as the bank
//! holds it, and the reference that matches the payment to its dossier.

use claimdesk_domain::calendar::french_date;
use claimdesk_domain::ident::{Bic, Iban};

use crate::blocks::{self, BODY};
use crate::fonts::Weight;
use crate::layout::{ACCENT, CONTENT_WIDTH, Flow, INK, LEFT, Style};
use crate::{DocumentError, RibDocument};

/// Why the payer quotes the RF reference: the RIB's and the transfer
/// instructions' words.
pub(crate) const QUOTE_THE_REFERENCE: &str = "Indiquez cette référence dans la zone « référence » ou le libellé de votre virement : \
     elle affecte votre paiement à votre dossier dès sa réception.";

/// The RIB as a PDF.
pub fn rib_pdf(doc: &RibDocument) -> Result<Vec<u8>, DocumentError> {
    let mut flow = blocks::start(
        doc.letterhead,
        format!("RIB — dossier {}", doc.dossier_reference),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Établi le", french_date(doc.produced_on)),
        ],
    );
    blocks::title(
        &mut flow,
        "Relevé d'identité bancaire",
        &format!(
            "Coordonnées à utiliser pour tout règlement du dossier {}",
            doc.dossier_reference
        ),
    );
    let mut entries = account_entries(doc.holder, doc.iban, Some(doc.bic), doc.bank_name);
    if let Ok(rib) = doc.iban.french_rib() {
        entries.push((
            "RIB — code banque · code guichet · numéro de compte · clé",
            format!(
                "{}   {}   {}   {}",
                rib.bank(),
                rib.branch(),
                rib.account(),
                rib.key()
            ),
            Style::new(10.0, Weight::Regular, INK),
        ));
    }
    blocks::framed(&mut flow, &entries, CONTENT_WIDTH);
    blocks::rf_reference(&mut flow, doc.rf_reference, QUOTE_THE_REFERENCE);
    exact_holder(&mut flow, doc.holder);
    blocks::finish(
        flow,
        doc.letterhead,
        &format!(
            "Relevé d'identité bancaire — dossier {}",
            doc.dossier_reference
        ),
    )
}

/// The account to pay into, as the bank holds it.
pub(crate) fn account_entries(
    holder: &str,
    iban: &Iban,
    bic: Option<&Bic>,
    bank_name: &str,
) -> Vec<(&'static str, String, Style)> {
    let mut entries = vec![
        (
            "Titulaire du compte",
            holder.to_owned(),
            Style::new(11.0, Weight::Bold, INK),
        ),
        (
            "IBAN",
            iban.grouped(),
            Style::new(14.0, Weight::Bold, ACCENT),
        ),
        (
            "Banque (domiciliation)",
            bank_name.to_owned(),
            Style::new(10.0, Weight::Regular, INK),
        ),
    ];
    if let Some(bic) = bic {
        entries.insert(
            2,
            ("BIC", bic.to_string(), Style::new(11.0, Weight::Bold, INK)),
        );
    }
    entries
}

/// A transfer to another name than the holder's may bounce: say so.
pub(crate) fn exact_holder(flow: &mut Flow, holder: &str) {
    flow.y += 6.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        BODY,
        &format!(
            "Saisissez le nom du bénéficiaire exactement comme ci-dessus (« {holder} ») : \
             certaines banques rejettent un virement dont le bénéficiaire ne correspond pas au titulaire du compte."
        ),
    );
}
