//! The EPC QR code (EPC069-12) a banking app scans to prefill a SEPA credit
//! transfer: the payload of `claimdesk_domain::epc_qr::EpcTransfer::payload`
//! encoded at error-correction level M, as the guidelines require, and drawn
//! with its quiet zone as PNG (for PDFs and files) or SVG (for the UI).

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::render::svg;
use qrcode::types::QrError as EncodeError;
use qrcode::{EcLevel, QrCode};

/// Pixels per module of the PNG: a version 13 code (the largest a 331-byte
/// payload needs at level M) with its quiet zone is then 600 px wide, sharp
/// enough for a print at 5 cm and for a phone camera on a screen.
pub const PNG_MODULE_PIXELS: u32 = 8;

/// Why a payload cannot be drawn as a QR code.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the payload cannot be encoded as a QR code: {0}")]
    Encode(EncodeError),
    #[error("the QR code could not be written as PNG: {0}")]
    Png(#[from] image::ImageError),
}

/// A payload encoded as a QR code at level M.
pub struct EpcQrCode {
    code: QrCode,
}

impl std::fmt::Debug for EpcQrCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpcQrCode")
            .field("version", &self.code.version())
            .field("modules", &self.code.width())
            .finish()
    }
}

impl EpcQrCode {
    /// Encodes `payload` (UTF-8 bytes, as version 002 with character set 1
    /// announces) at error-correction level M.
    pub fn new(payload: &str) -> Result<EpcQrCode, QrError> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(QrError::Encode)?;
        Ok(EpcQrCode { code })
    }

    /// Modules per side, without the quiet zone.
    pub fn modules(&self) -> usize {
        self.code.width()
    }

    /// Black on white, [`PNG_MODULE_PIXELS`] per module, with the four-module
    /// quiet zone readers need around the code.
    pub fn png(&self) -> Result<Vec<u8>, QrError> {
        let image = self
            .code
            .render::<Luma<u8>>()
            .quiet_zone(true)
            .module_dimensions(PNG_MODULE_PIXELS, PNG_MODULE_PIXELS)
            .build();
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, ImageFormat::Png)?;
        Ok(bytes.into_inner())
    }

    /// An SVG document of the code with its quiet zone, one unit per module
    /// scaled by its view box, so it fills whatever box the UI gives it.
    pub fn svg(&self) -> String {
        self.code
            .render::<svg::Color>()
            .quiet_zone(true)
            .module_dimensions(1, 1)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
    }
}

/// The PNG of `payload`'s QR code.
pub fn epc_qr_png(payload: &str) -> Result<Vec<u8>, QrError> {
    EpcQrCode::new(payload)?.png()
}

/// The SVG of `payload`'s QR code.
pub fn epc_qr_svg(payload: &str) -> Result<String, QrError> {
    Ok(EpcQrCode::new(payload)?.svg())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_payload_fits_and_draws() {
        let code = EpcQrCode::new(&"é".repeat(165)).unwrap();
        assert!(code.modules() <= 69, "{} modules", code.modules());
        let png = code.png().unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let image = image::load_from_memory(&png).unwrap();
        let side = (code.modules() as u32 + 8) * PNG_MODULE_PIXELS;
        assert_eq!((image.width(), image.height()), (side, side));
    }

    #[test]
    fn the_svg_is_a_document_with_its_quiet_zone() {
        let svg = epc_qr_svg("BCD\n002\n1\nSCT").unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("</svg>"));
        assert!(svg.contains("#000000"));
    }

    #[test]
    fn too_much_data_is_refused() {
        assert!(matches!(
            EpcQrCode::new(&"x".repeat(4000)),
            Err(QrError::Encode(_))
        ));
    }
}
