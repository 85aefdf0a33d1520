//! The attestation de solde: a certificate, signed by the servicing entity,
//! that a dossier's balance is zero.

use claimdesk_domain::Money;
use claimdesk_domain::calendar::french_date;
use claimdesk_domain::statement::LineKind;

use crate::blocks::{self, BODY, BODY_BOLD};
use crate::fonts::Weight;
use crate::layout::{CONTENT_WIDTH, INK, LEFT, MUTED, Op, RULE, Style};
use crate::{AttestationDocument, DocumentError};

/// The attestation as a PDF; refused unless the statement's total is zero
/// and the statement is the creditor's own (not provisional).
pub fn attestation_pdf(doc: &AttestationDocument) -> Result<Vec<u8>, DocumentError> {
    let statement = doc.statement;
    if !statement.total.is_zero() {
        return Err(DocumentError::BalanceNotZero {
            balance: statement.total,
        });
    }
    if statement.provisional {
        return Err(DocumentError::ProvisionalStatement);
    }
    let payments: Vec<_> = statement
        .lines
        .iter()
        .filter(|line| line.kind == LineKind::Payment)
        .collect();
    let paid: Money = payments.iter().map(|line| -line.amount).sum();

    let mut flow = blocks::start(
        doc.letterhead,
        format!("Attestation de solde — dossier {}", doc.dossier_reference),
        None,
        &[
            ("Dossier", doc.dossier_reference.to_owned()),
            ("Établie le", french_date(doc.produced_on)),
        ],
    );
    let title = Style::new(18.0, Weight::Bold, INK);
    flow.y += title.size + 6.0;
    flow.text(LEFT, flow.y, title, "Attestation de solde");
    flow.y += 22.0;
    blocks::parties(
        &mut flow,
        &[("Créancier", doc.creditor), ("Débiteur", doc.debtor)],
    );

    let text = Style::new(10.0, Weight::Regular, INK);
    let debtor = match &doc.debtor.identifier {
        Some(identifier) => format!("{} ({identifier})", doc.debtor.name),
        None => doc.debtor.name.clone(),
    };
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        text,
        &format!(
            "{}, agissant pour le compte de {}, atteste que {} s'est intégralement acquitté des sommes dues \
             au titre du dossier {} (fondement : {}).",
            doc.letterhead.name, doc.creditor.name, debtor, doc.dossier_reference, doc.basis
        ),
    );
    flow.y += 8.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        text,
        &format!(
            "Au {}, le solde de ce dossier est de {} : plus aucune somme n'est due au titre de cette créance, \
             en principal, intérêts, indemnités et frais.",
            french_date(statement.as_of),
            Money::ZERO.to_french()
        ),
    );
    flow.y += 14.0;

    let mut rows = vec![("Sommes réglées", paid.to_french())];
    if let Some(last) = payments.last() {
        rows.push(("Dernier règlement", french_date(last.date)));
    }
    rows.push(("Solde", Money::ZERO.to_french()));
    blocks::fields(&mut flow, &rows, 130.0);
    flow.y += 14.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        text,
        "La présente attestation est délivrée pour servir et valoir ce que de droit.",
    );
    flow.y += 26.0;
    flow.ensure(90.0);
    let signature_x = LEFT + CONTENT_WIDTH * 0.55;
    flow.text(
        signature_x,
        flow.y,
        BODY,
        format!("Fait à {}, le {}", doc.place, french_date(doc.produced_on)),
    );
    flow.y += 16.0;
    flow.text(
        signature_x,
        flow.y,
        BODY_BOLD,
        format!("Pour {}", doc.letterhead.name),
    );
    flow.y += 50.0;
    flow.push(Op::Line {
        x1: signature_x,
        y1: flow.y,
        x2: signature_x + 160.0,
        y2: flow.y,
        width: 0.5,
        color: RULE,
    });
    flow.y += 10.0;
    flow.text(
        signature_x,
        flow.y,
        Style::new(7.5, Weight::Regular, MUTED),
        "Signature et cachet",
    );

    blocks::finish(
        flow,
        doc.letterhead,
        &format!("Attestation de solde — dossier {}", doc.dossier_reference),
    )
}
