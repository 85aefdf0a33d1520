//! Photos of paper documents (JPEG, PNG, as phones take them) combined into
//! one PDF before upload: a page per image, upright as the camera's EXIF
//! orientation says, downscaled so a dozen pages stay a reasonable upload.

use std::io::Cursor;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader};
use krilla::Document;
use krilla::geom::{Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;

use crate::error::{ClientError, Result};

/// Longest side of an image once on its page, in pixels: about 240 dpi on A4,
/// enough to read a photographed letter.
pub const MAX_SIDE: u32 = 2000;
/// JPEG quality of the pages.
const QUALITY: u8 = 85;
/// A4 in points.
const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 18.0;

/// One PDF from `images`, in the order given. Fails on the first file that is
/// not a readable JPEG or PNG, naming it.
pub fn images_to_pdf(images: &[impl AsRef<Path>]) -> Result<Vec<u8>> {
    if images.is_empty() {
        return Err(invalid("no image to put in the PDF".into()));
    }
    let mut document = Document::new();
    for path in images {
        let path = path.as_ref();
        let picture = upright(path)?;
        let (width, height) = (picture.width() as f32, picture.height() as f32);
        let jpeg = encode_jpeg(&picture)
            .map_err(|e| invalid(format!("{}: cannot encode ({e})", path.display())))?;
        let image = Image::from_jpeg(jpeg.into(), true)
            .map_err(|e| invalid(format!("{}: {e}", path.display())))?;
        // The page turns with the picture: landscape photos get landscape pages.
        let (page_w, page_h) = if width > height { (A4.1, A4.0) } else { A4 };
        let scale = ((page_w - 2.0 * MARGIN) / width).min((page_h - 2.0 * MARGIN) / height);
        let (draw_w, draw_h) = (width * scale, height * scale);
        let settings = PageSettings::from_wh(page_w, page_h).expect("A4 is a valid page size");
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        surface.push_transform(&Transform::from_translate(
            (page_w - draw_w) / 2.0,
            (page_h - draw_h) / 2.0,
        ));
        surface.draw_image(
            image,
            Size::from_wh(draw_w, draw_h).expect("an image has a positive size"),
        );
        surface.pop();
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| invalid(format!("cannot write the PDF: {e:?}")))
}

/// The image turned as its EXIF orientation says and no larger than [`MAX_SIDE`].
fn upright(path: &Path) -> Result<DynamicImage> {
    let unreadable = |e: &dyn std::fmt::Display| {
        invalid(format!(
            "{}: not a readable JPEG or PNG ({e})",
            path.display()
        ))
    };
    let reader = ImageReader::open(path)
        .map_err(|e| ClientError::io(format!("cannot read {}", path.display()), e))?
        .with_guessed_format()
        .map_err(|e| ClientError::io(format!("cannot read {}", path.display()), e))?;
    match reader.format() {
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png) => {}
        _ => return Err(unreadable(&"unknown format")),
    }
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let orientation = decoder.orientation().map_err(|e| unreadable(&e))?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(&e))?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle);
    }
    Ok(picture)
}

fn encode_jpeg(picture: &DynamicImage) -> image::ImageResult<Vec<u8>> {
    let mut bytes = Cursor::new(Vec::new());
    // JPEG has no alpha: transparent PNG areas become the page's white.
    let rgb = flatten_on_white(picture);
    JpegEncoder::new_with_quality(&mut bytes, QUALITY).encode_image(&rgb)?;
    Ok(bytes.into_inner())
}

fn flatten_on_white(picture: &DynamicImage) -> image::RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

fn invalid(message: String) -> ClientError {
    ClientError::Io {
        context: message,
        source: std::io::Error::from(std::io::ErrorKind::InvalidData),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn qpdf(args: &[&str], pdf: &Path) -> (bool, String) {
        let out = Command::new("qpdf")
            .args(args)
            .arg(pdf)
            .output()
            .expect("qpdf is installed");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
    }

    /// A JPEG whose pixels are stored landscape with an EXIF tag saying
    /// "rotate 90° clockwise to display" (orientation 6), as phones write.
    fn rotated_jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture =
            image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 80, 160]));
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&picture)
            .unwrap();
        // An APP1 Exif segment right after SOI: TIFF little-endian, one IFD
        // entry, Orientation (0x0112) SHORT = 6.
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"II\x2a\x00\x08\x00\x00\x00");
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&6u16.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_is_applied_and_large_photos_are_downscaled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.jpg");
        std::fs::write(&path, rotated_jpeg(3000, 1000)).unwrap();
        let picture = upright(&path).unwrap();
        // Stored 3000×1000 landscape; shown upright it is portrait, then fit in 2000.
        assert_eq!((picture.width(), picture.height()), (667, 2000));
    }

    #[test]
    fn photos_become_one_valid_pdf_with_a_page_each() {
        let dir = tempfile::tempdir().unwrap();
        let jpeg = dir.path().join("a.jpg");
        std::fs::write(&jpeg, rotated_jpeg(1200, 800)).unwrap();
        let png = dir.path().join("b.png");
        image::RgbaImage::from_fn(500, 700, |x, y| image::Rgba([x as u8, y as u8, 0, 128]))
            .save(&png)
            .unwrap();
        let big = dir.path().join("c.jpg");
        image::RgbImage::from_pixel(4000, 3000, image::Rgb([200, 200, 200]))
            .save(&big)
            .unwrap();
        let bytes = images_to_pdf(&[&jpeg, &png, &big]).unwrap();
        let pdf = dir.path().join("out.pdf");
        std::fs::write(&pdf, &bytes).unwrap();
        let (ok, _) = qpdf(&["--check"], &pdf);
        assert!(ok, "qpdf --check failed");
        assert_eq!(qpdf(&["--show-npages"], &pdf).1, "3");
        // Downscaled: a 12-megapixel page does not weigh megabytes.
        assert!(bytes.len() < 2_000_000, "{} bytes", bytes.len());
    }

    #[test]
    fn what_is_not_an_image_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("scan.jpg");
        std::fs::write(&fake, b"MZ\x90\x00 not a picture").unwrap();
        let e = images_to_pdf(&[&fake]).unwrap_err();
        assert!(e.to_string().contains("scan.jpg"), "{e}");
        let none: [&Path; 0] = [];
        assert!(images_to_pdf(&none).is_err());
    }
}
