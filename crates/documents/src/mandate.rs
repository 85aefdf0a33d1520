//! The SEPA direct-debit mandate (*mandat de prélèvement SEPA*): the
//! rulebook's mandatory elements — the unique mandate reference, the
//! creditor's identifier, name and address, the debtor's account, the type of
//! payment, the date and place of signature — and the authorisation in the
//! words French banks print on every mandate form.

use claimdesk_domain::calendar::french_date;

use crate::blocks::{self, BODY, SMALL};
use crate::fonts::Weight;
use crate::layout::{ACCENT, CONTENT_WIDTH, INK, LEFT, Style, WARNING};
use crate::{DocumentError, MandateDocument};

const LABELS: f32 = 170.0;

/// The authorisation and the refund right, with the creditor named where
/// the standard form leaves its blank.
pub fn mandate_authorisation(creditor: &str) -> String {
    format!(
        "En signant ce formulaire de mandat, vous autorisez (A) {creditor} à envoyer des instructions \
         à votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte \
         conformément aux instructions de {creditor}. Vous bénéficiez du droit d'être remboursé par \
         votre banque selon les conditions décrites dans la convention que vous avez passée avec elle. \
         Une demande de remboursement doit être présentée dans les 8 semaines suivant la date de débit \
         de votre compte pour un prélèvement autorisé."
    )
}

/// The mandate as a PDF.
pub fn mandate_pdf(doc: &MandateDocument) -> Result<Vec<u8>, DocumentError> {
    if !(1..=28).contains(&doc.day) {
        return Err(DocumentError::Invalid(format!(
            "collections fall on days 1 to 28 of the month, not {}",
            doc.day
        )));
    }
    if !doc.amount.is_positive() {
        return Err(DocumentError::Invalid(format!(
            "a mandate cannot collect {}",
            doc.amount.to_french()
        )));
    }
    if doc.holder.trim().is_empty() || doc.creditor_name.trim().is_empty() {
        return Err(DocumentError::Invalid(
            "a mandate names the account holder and the creditor".into(),
        ));
    }
    let signed_on = french_date(doc.signed_at.date_naive());
    let mut flow = blocks::start(
        doc.letterhead,
        format!("Mandat de prélèvement SEPA — {}", doc.reference),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Signé le", signed_on.clone()),
        ],
    );
    blocks::title(
        &mut flow,
        "Mandat de prélèvement SEPA",
        &format!(
            "Prélèvements mensuels pour le règlement du dossier {}",
            doc.dossier_reference
        ),
    );
    blocks::framed(
        &mut flow,
        &[
            (
                "Référence unique du mandat (RUM)",
                doc.reference.to_string(),
                Style::new(13.0, Weight::Bold, ACCENT),
            ),
            (
                "Identifiant créancier SEPA (ICS)",
                doc.creditor_identifier.to_string(),
                Style::new(11.0, Weight::Bold, INK),
            ),
        ],
        CONTENT_WIDTH,
    );
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        Style::new(9.5, Weight::Regular, INK),
        &mandate_authorisation(doc.creditor_name),
    );
    flow.y += 4.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        SMALL,
        "Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez \
         obtenir auprès de votre banque.",
    );

    flow.heading("Débiteur — titulaire du compte à débiter", 60.0);
    let mut debtor = vec![
        ("Titulaire du compte", doc.holder.to_owned()),
        ("IBAN", doc.iban.grouped()),
    ];
    if let Some(bic) = doc.bic {
        debtor.push(("BIC", bic.to_string()));
    }
    blocks::fields(&mut flow, &debtor, LABELS);

    flow.heading("Créancier", 60.0);
    let mut creditor = vec![("Nom", doc.creditor_name.to_owned())];
    if !doc.creditor_address.is_empty() {
        creditor.push(("Adresse", doc.creditor_address.join(", ")));
    }
    creditor.push((
        "Identifiant créancier SEPA",
        doc.creditor_identifier.to_string(),
    ));
    blocks::fields(&mut flow, &creditor, LABELS);

    flow.heading("Prélèvements", 60.0);
    blocks::fields(
        &mut flow,
        &[
            (
                "Type de paiement",
                "Paiement récurrent / répétitif".to_owned(),
            ),
            ("Montant de chaque prélèvement", doc.amount.to_french()),
            (
                "Date de prélèvement",
                format!("Le {} de chaque mois", doc.day),
            ),
            ("Dossier", doc.dossier_reference.to_owned()),
        ],
        LABELS,
    );

    if let Some(revoked_at) = doc.revoked_at {
        flow.y += 8.0;
        flow.paragraph(
            LEFT,
            CONTENT_WIDTH,
            Style::new(10.0, Weight::Bold, WARNING),
            &format!(
                "Mandat révoqué le {} : plus aucun prélèvement n'est effectué sous cette référence.",
                french_date(revoked_at.date_naive())
            ),
        );
    }
    flow.heading("Signature", 40.0);
    blocks::fields(
        &mut flow,
        &[
            (
                "Lieu",
                "Signature électronique dans l'application".to_owned(),
            ),
            (
                "Date",
                format!("{signed_on} à {} UTC", doc.signed_at.format("%H:%M")),
            ),
            ("Signataire", doc.holder.to_owned()),
        ],
        LABELS,
    );
    flow.y += 6.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        BODY,
        &format!(
            "Un nouveau mandat remplace celui-ci si vous changez de coordonnées bancaires ; \
             il reste valable tant que vous ne le révoquez pas auprès de {}.",
            doc.creditor_name
        ),
    );
    blocks::finish(
        flow,
        doc.letterhead,
        &format!("Mandat de prélèvement SEPA — {}", doc.reference),
    )
}
