//! The RIB: the account to pay into, the holder's name exactly as the bank
//! holds it, and the reference that matches the payment to its dossier.

use claimdesk_domain::calendar::french_date;

use crate::blocks::{self, BODY, SMALL};
use crate::fonts::Weight;
use crate::layout::{ACCENT, CONTENT_WIDTH, INK, LEFT, MUTED, Op, RIGHT, RULE, SHADE, Style, wrap};
use crate::{DocumentError, RibDocument};

const CAPTION: Style = Style::new(7.5, Weight::Regular, MUTED);

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
    let title = Style::new(16.0, Weight::Bold, INK);
    flow.y += title.size;
    flow.text(LEFT, flow.y, title, "Relevé d'identité bancaire");
    flow.y += 6.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        Style::new(9.0, Weight::Regular, MUTED),
        &format!(
            "Coordonnées à utiliser pour tout règlement du dossier {}",
            doc.dossier_reference
        ),
    );
    flow.y += 14.0;

    // The account, framed: what a payer copies into their bank's form.
    let padding = 14.0;
    let top = flow.y;
    let mut y = top + padding;
    let mut entries: Vec<(&str, String, Style)> = vec![
        (
            "Titulaire du compte",
            doc.holder.to_owned(),
            Style::new(11.0, Weight::Bold, INK),
        ),
        (
            "IBAN",
            doc.iban.grouped(),
            Style::new(14.0, Weight::Bold, ACCENT),
        ),
        (
            "BIC",
            doc.bic.to_string(),
            Style::new(11.0, Weight::Bold, INK),
        ),
        (
            "Banque (domiciliation)",
            doc.bank_name.to_owned(),
            Style::new(10.0, Weight::Regular, INK),
        ),
    ];
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
    let mut body = Vec::new();
    for (caption, value, style) in &entries {
        y += CAPTION.size;
        body.push((LEFT + padding, y, CAPTION, (*caption).to_owned()));
        for line in wrap(value, *style, CONTENT_WIDTH - 2.0 * padding) {
            y += style.leading();
            body.push((LEFT + padding, y, *style, line));
        }
        y += 10.0;
    }
    let height = y - top + padding - 10.0;
    flow.fill(LEFT, top, CONTENT_WIDTH, height, SHADE);
    flow.push(Op::Frame {
        x: LEFT,
        y: top,
        w: CONTENT_WIDTH,
        h: height,
        width: 0.8,
        color: RULE,
    });
    flow.push(Op::Line {
        x1: LEFT,
        y1: top,
        x2: LEFT,
        y2: top + height,
        width: 3.0,
        color: ACCENT,
    });
    for (x, baseline, style, text) in body {
        flow.text(x, baseline, style, text);
    }
    flow.y = top + height + 22.0;

    flow.heading("Référence à rappeler avec votre paiement", 60.0);
    let reference = Style::new(16.0, Weight::Bold, INK);
    flow.y += reference.size + 4.0;
    flow.text(LEFT, flow.y, reference, doc.rf_reference.grouped());
    flow.text_right(
        RIGHT,
        flow.y,
        SMALL,
        "Référence de créancier structurée (ISO 11649)",
    );
    flow.y += 10.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        BODY,
        "Indiquez cette référence dans la zone « référence » ou le libellé de votre virement : \
         elle affecte votre paiement à votre dossier dès sa réception.",
    );
    flow.y += 6.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        BODY,
        &format!(
            "Saisissez le nom du bénéficiaire exactement comme ci-dessus (« {} ») : \
             certaines banques rejettent un virement dont le bénéficiaire ne correspond pas au titulaire du compte.",
            doc.holder
        ),
    );
    blocks::finish(
        flow,
        doc.letterhead,
        &format!(
            "Relevé d'identité bancaire — dossier {}",
            doc.dossier_reference
        ),
    )
}
