//! Blocks every document shares: the letterhead, the parties, labelled fields.

use crate::fonts::Weight;
use claimdesk_domain::ident::RfReference;

use crate::layout::{
    ACCENT, CONTENT_WIDTH, Flow, Frame, INK, LEFT, MUTED, Op, RIGHT, RULE, SHADE, Style, wrap,
};
use crate::render::{self, Properties};
use crate::{DocumentError, Letterhead, Party};

pub(crate) const BODY: Style = Style::new(9.0, Weight::Regular, INK);
pub(crate) const BODY_BOLD: Style = Style::new(9.0, Weight::Bold, INK);
pub(crate) const SMALL: Style = Style::new(7.5, Weight::Regular, MUTED);
const CAPTION: Style = Style::new(7.0, Weight::Bold, MUTED);

/// A document's first page, its letterhead drawn: the servicing entity on
/// the left, the document's references on the right.
pub(crate) fn start(
    letterhead: &Letterhead,
    running_title: String,
    banner: Option<&'static str>,
    references: &[(&str, String)],
) -> Flow {
    let mut flow = Flow::new(Frame {
        organisation: letterhead.name.clone(),
        running_title,
        banner,
    });
    draw_letterhead(&mut flow, letterhead, references);
    flow
}

/// Footers on every page (the entity's legal line, the page number), then
/// the PDF.
pub(crate) fn finish(
    flow: Flow,
    letterhead: &Letterhead,
    title: &str,
) -> Result<Vec<u8>, DocumentError> {
    let footer = if letterhead.legal.is_empty() {
        letterhead.name.clone()
    } else {
        format!("{} — {}", letterhead.name, letterhead.legal)
    };
    let pages = flow.finish(&footer);
    render::pdf(
        &pages,
        &Properties {
            title,
            author: &letterhead.name,
        },
    )
}

fn draw_letterhead(flow: &mut Flow, letterhead: &Letterhead, references: &[(&str, String)]) {
    let name = Style::new(14.0, Weight::Bold, ACCENT);
    let detail = Style::new(8.0, Weight::Regular, MUTED);
    let top = flow.y;
    let mut y = top + name.size;
    flow.text(LEFT, y, name, letterhead.name.as_str());
    y += 4.0;
    let contact = [letterhead.phone.as_str(), letterhead.email.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("  ·  ");
    for line in letterhead
        .address
        .iter()
        .map(String::as_str)
        .chain([contact.as_str()])
    {
        y += detail.leading();
        flow.text(LEFT, y, detail, line);
    }

    let label = Style::new(7.5, Weight::Regular, MUTED);
    let value = Style::new(9.0, Weight::Bold, INK);
    let mut right_y = top + 10.0;
    for (caption, text) in references {
        flow.text_right(RIGHT, right_y, label, *caption);
        right_y += value.leading();
        flow.text_right(RIGHT, right_y, value, text.as_str());
        right_y += 13.0;
    }
    flow.y = y.max(right_y - 5.0) + 8.0;
    flow.rule(flow.y, 1.6, ACCENT);
    flow.y += 16.0;
}

fn party_lines(party: &Party) -> Vec<(Style, String)> {
    let mut lines = vec![(BODY_BOLD, party.name.clone())];
    lines.extend(party.address.iter().map(|line| (BODY, line.clone())));
    if let Some(identifier) = &party.identifier {
        lines.push((SMALL, identifier.clone()));
    }
    lines
}

/// Parties side by side in shaded boxes: ("Créancier", creditor), …
pub(crate) fn parties(flow: &mut Flow, parties: &[(&str, &Party)]) {
    let gap = 14.0;
    let count = parties.len().max(1) as f32;
    let width = (CONTENT_WIDTH - gap * (count - 1.0)) / count;
    let padding = 9.0;
    let columns: Vec<Vec<(Style, String)>> = parties
        .iter()
        .map(|(_, party)| {
            party_lines(party)
                .into_iter()
                .flat_map(|(style, text)| {
                    wrap(&text, style, width - 2.0 * padding)
                        .into_iter()
                        .map(move |line| (style, line))
                })
                .collect()
        })
        .collect();
    let height = columns
        .iter()
        .map(|lines| lines.iter().map(|(style, _)| style.leading()).sum::<f32>())
        .fold(0.0, f32::max)
        + 2.0 * padding
        + 12.0;
    flow.ensure(height);
    let top = flow.y;
    for (index, ((caption, _), lines)) in parties.iter().zip(columns).enumerate() {
        let x = LEFT + index as f32 * (width + gap);
        flow.fill(x, top, width, height, SHADE);
        let mut y = top + padding + CAPTION.size;
        flow.text(x + padding, y, CAPTION, caption.to_uppercase());
        y += 4.0;
        for (style, line) in lines {
            y += style.leading();
            flow.text(x + padding, y, style, line);
        }
    }
    flow.y = top + height + 12.0;
}

/// Label: value rows, the value wrapped in its column.
pub(crate) fn fields(flow: &mut Flow, rows: &[(&str, String)], label_width: f32) {
    let label = Style::new(8.5, Weight::Regular, MUTED);
    for (caption, value) in rows {
        let lines = wrap(value, BODY, CONTENT_WIDTH - label_width);
        flow.ensure(lines.len() as f32 * BODY.leading());
        let mut y = flow.y + BODY.size;
        flow.text(LEFT, y, label, *caption);
        for line in lines {
            flow.text(LEFT + label_width, y, BODY, line);
            y += BODY.leading();
        }
        flow.y = y - BODY.size + 3.0;
    }
}

/// The document's title under the letterhead, and a muted line under it.
pub(crate) fn title(flow: &mut Flow, title: &str, subtitle: &str) {
    let style = Style::new(16.0, Weight::Bold, INK);
    flow.y += style.size;
    flow.text(LEFT, flow.y, style, title);
    flow.y += 6.0;
    flow.paragraph(
        LEFT,
        CONTENT_WIDTH,
        Style::new(9.0, Weight::Regular, MUTED),
        subtitle,
    );
    flow.y += 14.0;
}

/// Captioned values in a shaded frame marked by an accent bar on its left,
/// `width` wide from the left margin: what a reader copies into a form.
pub(crate) fn framed(flow: &mut Flow, entries: &[(&str, String, Style)], width: f32) {
    let caption = Style::new(7.5, Weight::Regular, MUTED);
    let padding = 14.0;
    let top = flow.y;
    let mut y = top + padding;
    let mut body = Vec::new();
    for (text, value, style) in entries {
        y += caption.size;
        body.push((y, caption, (*text).to_owned()));
        for line in wrap(value, *style, width - 2.0 * padding) {
            y += style.leading();
            body.push((y, *style, line));
        }
        y += 10.0;
    }
    let height = y - top + padding - 10.0;
    flow.fill(LEFT, top, width, height, SHADE);
    flow.push(Op::Frame {
        x: LEFT,
        y: top,
        w: width,
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
    for (baseline, style, text) in body {
        flow.text(LEFT + padding, baseline, style, text);
    }
    flow.y = top + height + 22.0;
}

/// The RF reference in large type, to quote with the payment, and why.
pub(crate) fn rf_reference(flow: &mut Flow, reference: &RfReference, how: &str) {
    flow.heading("Référence à rappeler avec votre paiement", 60.0);
    let style = Style::new(16.0, Weight::Bold, INK);
    flow.y += style.size + 4.0;
    flow.text(LEFT, flow.y, style, reference.grouped());
    flow.text_right(
        RIGHT,
        flow.y,
        SMALL,
        "Référence de créancier structurée (ISO 11649)",
    );
    flow.y += 10.0;
    flow.paragraph(LEFT, CONTENT_WIDTH, BODY, how);
}
