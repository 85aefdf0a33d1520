//! How to pay a dossier from outside the app: by SEPA credit transfer (the
//! account, the amount, the RF reference and the EPC QR code that prefills
//! them in a banking app) or by cheque (payee, address, what to write on the
//! back).

use std::sync::Arc;

use claimdesk_domain::calendar::french_date;

use crate::blocks::{self, BODY, SMALL};
use crate::fonts::Weight;
use crate::layout::{ACCENT, CONTENT_WIDTH, INK, LEFT, Op, RIGHT, Style};
use crate::qr::epc_qr_png;
use crate::rib::{QUOTE_THE_REFERENCE, account_entries, exact_holder};
use crate::{ChequeDocument, DocumentError, TransferDocument};

/// Side of the printed QR code, quiet zone included: about 5.3 cm, within
/// the 2.5–6 cm banks advise for codes scanned off paper.
const QR_SIDE: f32 = 150.0;
const QR_GAP: f32 = 18.0;

const AMOUNT: Style = Style::new(14.0, Weight::Bold, INK);

/// Why a reference must be copied as printed: matching is automatic.
const EXACTLY: &str = "Recopiez la référence exactement, caractère par caractère, sans rien y ajouter \
                       (les espaces sont facultatifs) : un virement sans elle, ou avec une référence \
                       modifiée, ne peut pas être rapproché automatiquement de votre dossier.";

/// The transfer instructions as a PDF, the EPC QR code beside the account.
pub fn transfer_pdf(doc: &TransferDocument) -> Result<Vec<u8>, DocumentError> {
    if !doc.amount.is_positive() {
        return Err(DocumentError::Invalid(format!(
            "a transfer of {} cannot be asked for",
            doc.amount.to_french()
        )));
    }
    let png = epc_qr_png(doc.epc_payload)?;
    let mut flow = blocks::start(
        doc.letterhead,
        format!("Virement — dossier {}", doc.dossier_reference),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Établies le", french_date(doc.produced_on)),
        ],
    );
    blocks::title(
        &mut flow,
        "Instructions de virement",
        &format!(
            "Virement SEPA en euros pour le règlement du dossier {}",
            doc.dossier_reference
        ),
    );

    let mut entries = account_entries(doc.holder, doc.iban, doc.bic, doc.bank_name);
    entries.push(("Montant à virer", doc.amount.to_french(), AMOUNT));
    entries.push((
        "Référence (RF)",
        doc.rf_reference.grouped(),
        Style::new(12.0, Weight::Bold, ACCENT),
    ));
    entries.push((
        "Dossier",
        doc.dossier_reference.to_owned(),
        Style::new(10.0, Weight::Regular, INK),
    ));
    let top = flow.y;
    blocks::framed(&mut flow, &entries, CONTENT_WIDTH - QR_SIDE - QR_GAP);
    flow.push(Op::Image {
        x: RIGHT - QR_SIDE,
        y: top,
        w: QR_SIDE,
        h: QR_SIDE,
        png: Arc::new(png),
    });
    let mut caption_y = top + QR_SIDE + SMALL.leading();
    for line in [
        "Scannez ce code avec votre",
        "application bancaire : il remplit",
        "le bénéficiaire, l'IBAN, le montant",
        "et la référence (QR code EPC).",
    ] {
        flow.text(RIGHT - QR_SIDE + 6.0, caption_y, SMALL, line);
        caption_y += SMALL.leading();
    }
    flow.y = flow.y.max(caption_y + 10.0);

    blocks::rf_reference(
        &mut flow,
        doc.rf_reference,
        &format!("{QUOTE_THE_REFERENCE} {EXACTLY}"),
    );
    exact_holder(&mut flow, doc.holder);
    flow.y += 6.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        BODY,
        "Votre paiement apparaît dans l'application dès que nous recevons le virement, \
         en général sous un à trois jours ouvrés.",
    );
    blocks::finish(
        flow,
        doc.letterhead,
        &format!(
            "Instructions de virement — dossier {}",
            doc.dossier_reference
        ),
    )
}

/// The cheque instructions as a PDF.
pub fn cheque_pdf(doc: &ChequeDocument) -> Result<Vec<u8>, DocumentError> {
    if !doc.amount.is_positive() {
        return Err(DocumentError::Invalid(format!(
            "a cheque of {} cannot be asked for",
            doc.amount.to_french()
        )));
    }
    let mut flow = blocks::start(
        doc.letterhead,
        format!("Chèque — dossier {}", doc.dossier_reference),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Établies le", french_date(doc.produced_on)),
        ],
    );
    blocks::title(
        &mut flow,
        "Règlement par chèque",
        &format!(
            "Chèque en euros pour le règlement du dossier {}",
            doc.dossier_reference
        ),
    );
    blocks::framed(
        &mut flow,
        &[
            (
                "À l'ordre de",
                doc.payee.to_owned(),
                Style::new(12.0, Weight::Bold, INK),
            ),
            ("Montant", doc.amount.to_french(), AMOUNT),
            (
                "À envoyer à",
                doc.address.join("\n"),
                Style::new(10.0, Weight::Regular, INK),
            ),
            (
                "Au dos du chèque, inscrivez",
                doc.reference.to_owned(),
                Style::new(12.0, Weight::Bold, ACCENT),
            ),
        ],
        CONTENT_WIDTH,
    );
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        BODY,
        &format!(
            "Inscrivez au dos du chèque la référence {} : elle affecte votre paiement \
             au dossier {} dès son encaissement. \
             Les règlements en espèces ou par mandat cash ne sont pas acceptés.",
            doc.reference, doc.dossier_reference
        ),
    );
    blocks::finish(
        flow,
        doc.letterhead,
        &format!("Règlement par chèque — dossier {}", doc.dossier_reference),
    )
}
