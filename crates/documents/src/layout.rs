//! Page layout as a display list: documents place text and shapes on A4
//! pages through a [`Flow`] that breaks pages where content no longer fits;
//! the list is turned into PDF afterwards, when the page count is known.

use crate::fonts::Weight;

/// A4 in PDF points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
pub(crate) const LEFT: f32 = 50.0;
pub(crate) const RIGHT: f32 = PAGE_WIDTH - 50.0;
pub(crate) const CONTENT_WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 40.0;
/// Content stops here; the footer sits below.
const BOTTOM: f32 = PAGE_HEIGHT - 58.0;
pub(crate) const FOOTER_RULE: f32 = PAGE_HEIGHT - 46.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

pub(crate) const INK: Rgb = Rgb(28, 32, 40);
pub(crate) const MUTED: Rgb = Rgb(96, 102, 114);
pub(crate) const ACCENT: Rgb = Rgb(20, 54, 100);
pub(crate) const RULE: Rgb = Rgb(204, 209, 217);
pub(crate) const SHADE: Rgb = Rgb(238, 241, 246);
pub(crate) const WARNING: Rgb = Rgb(176, 32, 28);
pub(crate) const WARNING_SHADE: Rgb = Rgb(253, 237, 235);

#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub size: f32,
    pub weight: Weight,
    pub color: Rgb,
}

impl Style {
    pub(crate) const fn new(size: f32, weight: Weight, color: Rgb) -> Style {
        Style {
            size,
            weight,
            color,
        }
    }

    pub(crate) fn width(&self, text: &str) -> f32 {
        self.weight.face().width(text, self.size)
    }

    /// Baseline-to-baseline distance.
    pub(crate) fn leading(&self) -> f32 {
        self.size * 1.32
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// A PNG drawn in the `w` × `h` box whose top-left corner is (`x`, `y`).
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        png: std::sync::Arc<Vec<u8>>,
    },
}

pub(crate) type Page = Vec<Op>;

/// What every page repeats: a running head on continuation pages and, for a
/// provisional document, its warning banner.
pub(crate) struct Frame {
    pub organisation: String,
    pub running_title: String,
    pub banner: Option<&'static str>,
}

pub(crate) struct Flow {
    pub pages: Vec<Page>,
    /// Top of the free space on the current page.
    pub y: f32,
    frame: Frame,
}

impl Flow {
    /// The first page is blank: the document draws its own full heading.
    pub(crate) fn new(frame: Frame) -> Flow {
        Flow {
            pages: vec![Vec::new()],
            y: TOP,
            frame,
        }
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub(crate) fn push(&mut self, op: Op) {
        self.page().push(op);
    }

    pub(crate) fn text(&mut self, x: f32, baseline: f32, style: Style, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.push(Op::Text {
                x,
                y: baseline,
                style,
                text,
            });
        }
    }

    /// Text whose right edge is at `right`, measured from the font.
    pub(crate) fn text_right(
        &mut self,
        right: f32,
        baseline: f32,
        style: Style,
        text: impl Into<String>,
    ) {
        let text = text.into();
        let x = right - style.width(&text);
        self.text(x, baseline, style, text);
    }

    pub(crate) fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.push(Op::Fill { x, y, w, h, color });
    }

    pub(crate) fn rule(&mut self, y: f32, width: f32, color: Rgb) {
        self.push(Op::Line {
            x1: LEFT,
            y1: y,
            x2: RIGHT,
            y2: y,
            width,
            color,
        });
    }

    /// Starts a new page unless `height` more points fit on this one;
    /// returns whether it did.
    pub(crate) fn ensure(&mut self, height: f32) -> bool {
        if self.y + height <= BOTTOM {
            return false;
        }
        self.new_page();
        true
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        let head = Style::new(7.5, Weight::Bold, ACCENT);
        let title = Style::new(7.5, Weight::Regular, MUTED);
        let organisation = self.frame.organisation.clone();
        let running_title = self.frame.running_title.clone();
        self.text(LEFT, self.y + 8.0, head, organisation);
        self.text_right(RIGHT, self.y + 8.0, title, running_title);
        self.rule(self.y + 13.0, 0.6, RULE);
        self.y += 24.0;
        self.banner();
    }

    /// The provisional banner, if this document has one, at the cursor.
    pub(crate) fn banner(&mut self) {
        let Some(banner) = self.frame.banner else {
            return;
        };
        let (head, rest) = banner.split_once(" — ").unwrap_or((banner, ""));
        let strong = Style::new(9.5, Weight::Bold, WARNING);
        let body = Style::new(8.0, Weight::Regular, WARNING);
        let head_width = strong.width(head);
        let rest = format!("— {rest}");
        let lines = wrap(&rest, body, CONTENT_WIDTH - 24.0 - head_width - 6.0);
        let height = 10.0 + lines.len() as f32 * body.leading() + 2.0;
        let top = self.y;
        self.fill(LEFT, top, CONTENT_WIDTH, height, WARNING_SHADE);
        self.push(Op::Frame {
            x: LEFT,
            y: top,
            w: CONTENT_WIDTH,
            h: height,
            width: 1.2,
            color: WARNING,
        });
        let baseline = top + 6.0 + strong.size * 0.9;
        self.text(LEFT + 12.0, baseline, strong, head);
        for (i, line) in lines.into_iter().enumerate() {
            let y = baseline + i as f32 * body.leading();
            self.text(LEFT + 12.0 + head_width + 6.0, y, body, line);
        }
        self.y = top + height + 12.0;
    }

    /// Wrapped text from the cursor, breaking pages between lines.
    pub(crate) fn paragraph(&mut self, x: f32, width: f32, style: Style, text: &str) {
        for line in wrap(text, style, width) {
            self.ensure(style.leading());
            self.y += style.leading();
            self.text(x, self.y - style.leading() * 0.25, style, line);
        }
    }

    /// A section heading kept with at least `keep` points of what follows.
    pub(crate) fn heading(&mut self, title: &str, keep: f32) {
        let style = Style::new(10.5, Weight::Bold, ACCENT);
        self.ensure(30.0 + keep);
        self.y += 22.0;
        self.text(LEFT, self.y, style, title);
        self.rule(self.y + 4.0, 0.8, ACCENT);
        self.y += 10.0;
    }

    /// Lays out the frame's footer on every page, now that the count is known.
    pub(crate) fn finish(mut self, footer: &str) -> Vec<Page> {
        let count = self.pages.len();
        let style = Style::new(7.0, Weight::Regular, MUTED);
        for (index, page) in self.pages.iter_mut().enumerate() {
            page.push(Op::Line {
                x1: LEFT,
                y1: FOOTER_RULE,
                x2: RIGHT,
                y2: FOOTER_RULE,
                width: 0.5,
                color: RULE,
            });
            let number = format!("Page {} / {}", index + 1, count);
            let number_width = style.width(&number);
            let footer_lines = wrap(footer, style, CONTENT_WIDTH - number_width - 20.0);
            for (i, line) in footer_lines.into_iter().enumerate() {
                page.push(Op::Text {
                    x: LEFT,
                    y: FOOTER_RULE + 11.0 + i as f32 * style.leading(),
                    style,
                    text: line,
                });
            }
            page.push(Op::Text {
                x: RIGHT - number_width,
                y: FOOTER_RULE + 11.0,
                style,
                text: number,
            });
        }
        self.pages
    }
}

/// Greedy line breaking at ordinary spaces. No-break spaces (inside amounts,
/// before units) hold their neighbours together; a word wider than the line
/// is cut between characters.
pub(crate) fn wrap(text: &str, style: Style, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        let space = style.width(" ");
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let word_width = style.width(word);
            if !line.is_empty() && line_width + space + word_width <= width {
                line.push(' ');
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_width <= width {
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            line_width = 0.0;
            for ch in word.chars() {
                let ch_width = style.width(ch.encode_utf8(&mut [0; 4]));
                if !line.is_empty() && line_width + ch_width > width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(ch);
                line_width += ch_width;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::new(10.0, Weight::Regular, INK);

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let text = "Intérêts au taux légal sur la facture F-2024-118 du 12/03/2024, échue le 11/04/2024, \
                    jusqu'au jour du jugement d'ouverture inclus";
        let lines = wrap(text, BODY, 150.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(BODY.width(line) <= 150.0, "{line:?} overflows");
        }
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    #[test]
    fn amounts_are_never_split() {
        let amount = "1\u{202f}234\u{a0}567,89\u{a0}€";
        let lines = wrap(&format!("Total dû {amount} au total"), BODY, 80.0);
        assert!(lines.iter().any(|l| l.contains(amount)), "{lines:?}");
    }

    #[test]
    fn an_overlong_word_is_cut() {
        let lines = wrap(&"A".repeat(60), BODY, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| BODY.width(l) <= 100.0));
    }

    #[test]
    fn pages_break_where_content_stops_fitting() {
        let mut flow = Flow::new(Frame {
            organisation: "Org".into(),
            running_title: "Titre".into(),
            banner: None,
        });
        for _ in 0..200 {
            flow.paragraph(LEFT, CONTENT_WIDTH, BODY, "ligne");
        }
        let pages = flow.finish("pied");
        assert!(pages.len() >= 3);
        let last = pages.last().unwrap();
        assert!(last.iter().any(|op| matches!(op, Op::Text { text, .. } if text == &format!("Page {} / {}", pages.len(), pages.len()))));
    }
}
