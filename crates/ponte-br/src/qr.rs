//! QR codes of PIX payloads, as SVG and PNG. Error correction level M and a 4-module quiet
//! zone, the common practice for BR Codes; byte mode, since payloads mix cases and symbols.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Why a payload cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// Too long for any QR version at level M, or otherwise not encodable.
    #[error("the payload cannot be encoded as a QR code: {0}")]
    Encode(String),
    /// Module size outside 1..=64 pixels.
    #[error("a module size of {0} pixels is outside 1..=64")]
    BadModuleSize(u32),
    /// The PNG encoder failed.
    #[error("could not encode the PNG: {0}")]
    Png(String),
}

fn code(payload: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| QrError::Encode(e.to_string()))
}

/// An SVG of the QR code, 8 user units per module, quiet zone included.
pub fn svg(payload: &str) -> Result<String, QrError> {
    Ok(code(payload)?
        .render::<svg::Color<'_>>()
        .module_dimensions(8, 8)
        .quiet_zone(true)
        .build())
}

/// A grey-scale PNG of the QR code with `module_px` pixels per module.
pub fn png(payload: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    if !(1..=64).contains(&module_px) {
        return Err(QrError::BadModuleSize(module_px));
    }
    let img = code(payload)?
        .render::<Luma<u8>>()
        .module_dimensions(module_px, module_px)
        .quiet_zone(true)
        .build();
    let mut bytes = Cursor::new(Vec::new());
    img.write_to(&mut bytes, ImageFormat::Png)
        .map_err(|e| QrError::Png(e.to_string()))?;
    Ok(bytes.into_inner())
}
