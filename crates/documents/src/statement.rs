//! The statement (décompte): every line with its explanation, the breakdown
//! CPCE R124-4 asks for, the amounts to fall due and the interest that keeps
//! running.

use claimdesk_domain::Money;
use claimdesk_domain::calendar::french_date;
use claimdesk_domain::statement::{LineKind, Statement, StatementLine};

use crate::blocks::{self, BODY, BODY_BOLD, SMALL};
use crate::fonts::Weight;
use crate::layout::{
    ACCENT, CONTENT_WIDTH, Flow, INK, LEFT, MUTED, RIGHT, RULE, Rgb, SHADE, Style, wrap,
};
use crate::{DocumentError, StatementDocument};

/// Printed on every page of a statement computed on a client from synced
/// data.
pub const PROVISIONAL_BANNER: &str = "PROVISOIRE — calculé hors ligne à partir des données synchronisées, sans valeur de décompte officiel";

const DATE_X: f32 = LEFT + 4.0;
const LABEL_X: f32 = LEFT + 64.0;
const BALANCE_RIGHT: f32 = RIGHT - 4.0;
const AMOUNT_RIGHT: f32 = BALANCE_RIGHT - 88.0;
const LABEL_WIDTH: f32 = AMOUNT_RIGHT - 84.0 - LABEL_X;
const EXPLANATION_WIDTH: f32 = BALANCE_RIGHT - LABEL_X;

const CELL: Style = Style::new(8.5, Weight::Regular, INK);
const EXPLANATION: Style = Style::new(7.0, Weight::Regular, MUTED);
const HEADER: Style = Style::new(7.5, Weight::Bold, Rgb(255, 255, 255));
const PAID: Rgb = Rgb(24, 110, 62);

/// The statement as a PDF.
pub fn statement_pdf(doc: &StatementDocument) -> Result<Vec<u8>, DocumentError> {
    let statement = doc.statement;
    let title = title(statement);
    let mut references = vec![
        ("Dossier", doc.dossier_reference.to_owned()),
        ("Établi le", french_date(doc.produced_on)),
    ];
    if let Some(rf) = doc.rf_reference {
        references.push(("Référence de paiement", rf.grouped()));
    }
    let mut flow = blocks::start(
        doc.letterhead,
        format!(
            "Décompte au {} — dossier {}",
            french_date(statement.as_of),
            doc.dossier_reference
        ),
        statement.provisional.then_some(PROVISIONAL_BANNER),
        &references,
    );
    flow.banner();

    let title_style = Style::new(16.0, Weight::Bold, INK);
    flow.y += title_style.size;
    flow.text(LEFT, flow.y, title_style, title.as_str());
    flow.y += 6.0;
    if statement.declared_claim {
        let subtitle = match statement.judgment_date {
            Some(date) => format!(
                "Jugement d'ouverture du {} — créance déclarée (C. com. L622-25), arrêtée au {}",
                french_date(date),
                french_date(statement.as_of)
            ),
            None => format!(
                "Créance déclarée (C. com. L622-25), arrêtée au {}",
                french_date(statement.as_of)
            ),
        };
        flow.paragraph(
            LEFT,
            CONTENT_WIDTH,
            Style::new(9.0, Weight::Regular, MUTED),
            &subtitle,
        );
    }
    flow.y += 12.0;

    blocks::parties(
        &mut flow,
        &[("Créancier", doc.creditor), ("Débiteur", doc.debtor)],
    );
    let mut fields = vec![("Fondement de la créance", doc.basis.to_owned())];
    if let Some(rf) = doc.rf_reference {
        fields.push(("Référence à rappeler", rf.grouped()));
    }
    blocks::fields(&mut flow, &fields, 130.0);

    flow.heading("Détail des lignes", 60.0);
    lines_table(&mut flow, statement);
    breakdown(&mut flow, statement);
    to_fall_due(&mut flow, statement);

    if let Some(running) = &statement.running_interest {
        flow.heading("Intérêts postérieurs au jugement (C. com. R622-23)", 24.0);
        flow.paragraph(LEFT, CONTENT_WIDTH, BODY, running);
    }
    if !statement.notes.is_empty() {
        flow.heading("Observations", 24.0);
        for note in &statement.notes {
            bullet(&mut flow, note);
        }
    }
    legal_mentions(&mut flow, doc);

    blocks::finish(
        flow,
        doc.letterhead,
        &format!("{title} — dossier {}", doc.dossier_reference),
    )
}

fn title(statement: &Statement) -> String {
    if statement.declared_claim {
        "Décompte de créance au jour du jugement d'ouverture".to_owned()
    } else {
        format!("Décompte de créance au {}", french_date(statement.as_of))
    }
}

fn table_header(flow: &mut Flow) {
    let height = 17.0;
    flow.fill(LEFT, flow.y, CONTENT_WIDTH, height, ACCENT);
    let baseline = flow.y + 11.5;
    flow.text(DATE_X, baseline, HEADER, "Date");
    flow.text(LABEL_X, baseline, HEADER, "Libellé et calcul");
    flow.text_right(AMOUNT_RIGHT, baseline, HEADER, "Montant");
    flow.text_right(BALANCE_RIGHT, baseline, HEADER, "Solde");
    flow.y += height;
}

/// The label as printed: the line's own label, after its kind unless the
/// label already opens with the kind's first word ("Intérêts …",
/// "Indemnité forfaitaire — …").
fn line_label(line: &StatementLine) -> String {
    let kind = line.kind.label_fr();
    let first_word = |text: &str| text.split_whitespace().next().unwrap_or("").to_lowercase();
    if first_word(&line.label) == first_word(kind) {
        line.label.clone()
    } else {
        format!("{kind} — {}", line.label)
    }
}

fn explanation(line: &StatementLine) -> String {
    let rule = line.explanation.rule.trim();
    let text = line.explanation.text.trim();
    match (rule.is_empty(), text.is_empty()) {
        (false, false) => format!("{rule} · {text}"),
        (false, true) => rule.to_owned(),
        (true, false) => text.to_owned(),
        (true, true) => String::new(),
    }
}

fn lines_table(flow: &mut Flow, statement: &Statement) {
    flow.ensure(17.0 + 30.0);
    table_header(flow);
    for line in &statement.lines {
        let label = wrap(&line_label(line), CELL, LABEL_WIDTH);
        let explained = explanation(line);
        let explanation = if explained.is_empty() {
            Vec::new()
        } else {
            wrap(&explained, EXPLANATION, EXPLANATION_WIDTH)
        };
        let height = 5.0
            + label.len() as f32 * CELL.leading()
            + explanation.len() as f32 * EXPLANATION.leading()
            + 4.0;
        if flow.ensure(height) {
            table_header(flow);
        }
        let top = flow.y;
        let first = top + 4.0 + CELL.size;
        flow.text(DATE_X, first, CELL, french_date(line.date));
        let amount_style = if line.amount.is_negative() {
            Style {
                color: PAID,
                ..CELL
            }
        } else {
            CELL
        };
        flow.text_right(AMOUNT_RIGHT, first, amount_style, line.amount.to_french());
        flow.text_right(BALANCE_RIGHT, first, CELL, line.balance.to_french());
        let mut y = first;
        for text in label {
            flow.text(LABEL_X, y, CELL, text);
            y += CELL.leading();
        }
        y += EXPLANATION.leading() - CELL.leading() + 0.5;
        for text in explanation {
            flow.text(LABEL_X, y, EXPLANATION, text);
            y += EXPLANATION.leading();
        }
        flow.y = top + height;
        flow.rule(flow.y, 0.4, RULE);
    }
    if statement.lines.is_empty() {
        flow.ensure(20.0);
        flow.y += 14.0;
        flow.text(LABEL_X, flow.y, SMALL, "Aucune ligne à cette date.");
        flow.y += 6.0;
    }
    let height = 20.0;
    flow.ensure(height);
    flow.fill(LEFT, flow.y, CONTENT_WIDTH, height, SHADE);
    let baseline = flow.y + 13.5;
    let label = if statement.declared_claim {
        "Montant de la créance déclarée".to_owned()
    } else {
        format!("Solde dû au {}", french_date(statement.as_of))
    };
    flow.text(LABEL_X, baseline, BODY_BOLD, label);
    flow.text_right(
        BALANCE_RIGHT,
        baseline,
        BODY_BOLD,
        statement.total.to_french(),
    );
    flow.y += height;
}

/// CPCE R124-4 3°: principal, interest and the other accessories apart, and
/// what was already paid.
fn breakdown(flow: &mut Flow, statement: &Statement) {
    let b = &statement.breakdown;
    let paid: Money = statement
        .lines
        .iter()
        .filter(|line| line.kind == LineKind::Payment)
        .map(|line| -line.amount)
        .sum();
    let mut rows: Vec<(&str, Money)> = vec![
        ("Principal", b.principal),
        ("Intérêts", b.interest),
        (
            "Clause pénale et indemnités forfaitaires de recouvrement",
            b.penalties,
        ),
        ("Frais", b.fees),
    ];
    if statement.declared_claim || !b.to_fall_due.is_zero() {
        rows.push(("Sommes à échoir", b.to_fall_due));
    }
    if !b.credit.is_zero() {
        rows.push(("Trop-perçu à restituer", b.credit));
    }
    let row = BODY.leading() + 4.0;
    flow.heading(
        "Sommes réclamées par nature (CPCE art. R124-4)",
        row * (rows.len() as f32 + 2.0),
    );
    let amount_right = BALANCE_RIGHT;
    for (label, amount) in rows {
        flow.ensure(row);
        let baseline = flow.y + BODY.size + 2.0;
        flow.text(LEFT + 4.0, baseline, BODY, label);
        flow.text_right(amount_right, baseline, BODY, amount.to_french());
        flow.y += row;
        flow.rule(flow.y, 0.4, RULE);
    }
    let height = 22.0;
    flow.ensure(height + row);
    flow.fill(LEFT, flow.y, CONTENT_WIDTH, height, SHADE);
    let strong = Style::new(10.0, Weight::Bold, INK);
    let baseline = flow.y + 14.5;
    flow.text(LEFT + 4.0, baseline, strong, "Total");
    flow.text_right(amount_right, baseline, strong, statement.total.to_french());
    flow.y += height + 4.0;
    let paid_text = if paid.is_zero() {
        "Aucun règlement n'a été reçu à cette date.".to_owned()
    } else {
        format!(
            "Règlements déjà reçus et déduits ci-dessus : {} (imputés conformément aux lignes « Règlement reçu »).",
            paid.to_french()
        )
    };
    flow.paragraph(LEFT + 4.0, CONTENT_WIDTH - 8.0, SMALL, &paid_text);
}

fn to_fall_due(flow: &mut Flow, statement: &Statement) {
    if statement.to_fall_due.is_empty() {
        return;
    }
    let row = CELL.leading() + 4.0;
    flow.heading("Sommes à échoir (C. com. L622-25)", row * 2.0);
    for item in &statement.to_fall_due {
        flow.ensure(row);
        let baseline = flow.y + CELL.size + 2.0;
        flow.text(DATE_X, baseline, CELL, french_date(item.due_on));
        flow.text(LABEL_X, baseline, CELL, item.reference.as_str());
        flow.text_right(BALANCE_RIGHT, baseline, CELL, item.amount.to_french());
        flow.y += row;
        flow.rule(flow.y, 0.4, RULE);
    }
}

pub(crate) fn bullet(flow: &mut Flow, text: &str) {
    let lines = wrap(text, BODY, CONTENT_WIDTH - 14.0);
    for (index, line) in lines.into_iter().enumerate() {
        flow.ensure(BODY.leading());
        flow.y += BODY.leading();
        let baseline = flow.y - BODY.leading() * 0.25;
        if index == 0 {
            flow.text(
                LEFT + 3.0,
                baseline,
                Style {
                    color: ACCENT,
                    ..BODY
                },
                "•",
            );
        }
        flow.text(LEFT + 14.0, baseline, BODY, line);
    }
    flow.y += 2.0;
}

/// CPCE R124-4: who collects and for whom, how to pay, and the third and
/// fourth paragraphs of L111-8 reproduced. A declared claim is not amicable
/// collection: it says what it is instead.
fn legal_mentions(flow: &mut Flow, doc: &StatementDocument) {
    let small = Style::new(7.5, Weight::Regular, MUTED);
    flow.heading("Mentions légales", 40.0);
    if doc.statement.declared_claim {
        flow.paragraph(
            LEFT,
            CONTENT_WIDTH,
            small,
            &format!(
                "Décompte joint à la déclaration de créance de {} au passif de {} (C. com. L622-25 et R622-23). \
                 Le cours des intérêts est arrêté par le jugement d'ouverture, sauf pour les prêts conclus pour \
                 une durée égale ou supérieure à un an et les contrats assortis d'un paiement différé d'un an ou \
                 plus (C. com. L622-28).",
                doc.creditor.name, doc.debtor.name
            ),
        );
        return;
    }
    let mut text = format!(
        "{} exerce une activité de recouvrement amiable de créances ; elle agit pour le compte de {}, créancier, \
         sur le fondement indiqué ci-dessus (CPCE art. R124-4).",
        doc.letterhead.name, doc.creditor.name
    );
    text.push_str(" Le débiteur est invité à régler la somme due");
    match doc.rf_reference {
        Some(rf) => text.push_str(&format!(
            " par virement, par carte ou par prélèvement SEPA, en rappelant la référence {}.",
            rf.grouped()
        )),
        None => text.push_str(
            " par virement, par carte ou par prélèvement SEPA, en rappelant le numéro de dossier.",
        ),
    }
    flow.paragraph(LEFT, CONTENT_WIDTH, small, &text);
    flow.y += 3.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        small,
        "Article L111-8 du Code des procédures civiles d'exécution, alinéas 3 et 4 : « Les frais de recouvrement \
         entrepris sans titre exécutoire restent à la charge du créancier, sauf s'ils concernent un acte dont \
         l'accomplissement est prescrit par la loi au créancier. Toute stipulation contraire est réputée non écrite, \
         sauf disposition législative contraire. Cependant, le créancier qui justifie du caractère nécessaire des \
         démarches entreprises pour recouvrer sa créance peut demander au juge de l'exécution de laisser tout ou \
         partie des frais ainsi exposés à la charge du débiteur de mauvaise foi. »",
    );
}
