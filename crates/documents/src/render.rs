//! Display list to PDF, through krilla: fonts embedded as subsets with
//! ToUnicode maps, so every word can be searched and copied.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};

use crate::DocumentError;
use crate::layout::{Op, PAGE_HEIGHT, PAGE_WIDTH, Page, Rgb};

pub(crate) struct Properties<'a> {
    pub title: &'a str,
    pub author: &'a str,
}

fn paint(color: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(color.0, color.1, color.2).into()
}

fn stroke(
    surface: &mut krilla::surface::Surface,
    path: &krilla::geom::Path,
    width: f32,
    color: Rgb,
) {
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: paint(color),
        width,
        ..Stroke::default()
    }));
    surface.draw_path(path);
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut builder = PathBuilder::new();
    builder.push_rect(Rect::from_xywh(x, y, w, h)?);
    builder.finish()
}

pub(crate) fn pdf(pages: &[Page], properties: &Properties) -> Result<Vec<u8>, DocumentError> {
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid page size");
    let mut document = Document::new();
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, style, text } => {
                    let face = style.weight.face();
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: paint(style.color),
                        ..Fill::default()
                    }));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &face.glyphs(text),
                        face.font.clone(),
                        text,
                        style.size,
                        false,
                    );
                }
                Op::Fill { x, y, w, h, color } => {
                    if let Some(path) = rect(*x, *y, *w, *h) {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: paint(*color),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Frame {
                    x,
                    y,
                    w,
                    h,
                    width,
                    color,
                } => {
                    if let Some(path) = rect(*x, *y, *w, *h) {
                        stroke(&mut surface, &path, *width, *color);
                    }
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => {
                    let mut builder = PathBuilder::new();
                    builder.move_to(*x1, *y1);
                    builder.line_to(*x2, *y2);
                    if let Some(path) = builder.finish() {
                        stroke(&mut surface, &path, *width, *color);
                    }
                }
                Op::Image { x, y, w, h, png } => {
                    // Not interpolated: a QR code's modules must stay sharp
                    // squares at any zoom or print resolution.
                    let image =
                        Image::from_png(png.clone().into(), false).map_err(DocumentError::Pdf)?;
                    let size = Size::from_wh(*w, *h)
                        .ok_or_else(|| DocumentError::Pdf(format!("image size {w} × {h}")))?;
                    surface.push_transform(&Transform::from_translate(*x, *y));
                    surface.draw_image(image, size);
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.set_metadata(
        Metadata::new()
            .title(properties.title.to_owned())
            .authors(vec![properties.author.to_owned()])
            .language("fr-FR".to_owned())
            .creator("claimdesk".to_owned()),
    );
    document
        .finish()
        .map_err(|error| DocumentError::Pdf(format!("{error:?}")))
}
