//! QR codes as compact SVG: `qrcodegen` computes the module matrix and one
//! `<path>` draws every horizontal run of dark modules, which keeps both the
//! wasm and the SVG small.

use qrcodegen::{DataTooLong, QrCode, QrCodeEcc};
use std::fmt::Write;

/// Modules of quiet zone around the code, as the QR specification asks.
pub const QUIET_ZONE: usize = 4;

/// `L`, `M` (the default), `Q` or `H`.
pub fn ec_level(name: Option<&str>) -> Option<QrCodeEcc> {
    Some(match name.unwrap_or("M") {
        "L" | "l" => QrCodeEcc::Low,
        "M" | "m" => QrCodeEcc::Medium,
        "Q" | "q" => QrCodeEcc::Quartile,
        "H" | "h" => QrCodeEcc::High,
        _ => return None,
    })
}

/// The modules of `text`'s QR code (true = dark), row by row, and its width.
pub fn matrix(text: &str, ec: QrCodeEcc) -> Result<(usize, Vec<bool>), DataTooLong> {
    let code = QrCode::encode_text(text, ec)?;
    let width = code.size() as usize;
    let mut modules = Vec::with_capacity(width * width);
    for y in 0..width as i32 {
        for x in 0..width as i32 {
            modules.push(code.get_module(x, y));
        }
    }
    Ok((width, modules))
}

/// A standalone SVG document of the code, scalable (viewBox in modules).
pub fn svg(text: &str, ec: QrCodeEcc) -> Result<String, DataTooLong> {
    let (width, modules) = matrix(text, ec)?;
    let size = width + 2 * QUIET_ZONE;
    let mut d = String::with_capacity(width * width);
    for (y, row) in modules.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] {
                let start = x;
                while x < width && row[x] {
                    x += 1;
                }
                let len = x - start;
                let _ = write!(d, "M{} {}h{len}v1h-{len}z", start + QUIET_ZONE, y + QUIET_ZONE);
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Redraws the SVG path into a grid of modules, to compare with the matrix.
    fn rasterize(svg: &str, size: usize) -> Vec<bool> {
        let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut grid = vec![false; size * size];
        for cmd in d.split('M').filter(|c| !c.is_empty()) {
            let (xy, rest) = cmd.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for i in 0..len {
                grid[y * size + x + i] = true;
            }
        }
        grid
    }

    #[test]
    fn path_draws_exactly_the_dark_modules() {
        let text = "{\"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE\":{\"t\":\"abc\"}}";
        let (width, modules) = matrix(text, QrCodeEcc::Medium).unwrap();
        let svg = svg(text, QrCodeEcc::Medium).unwrap();
        let size = width + 2 * QUIET_ZONE;
        assert!(svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        let grid = rasterize(&svg, size);
        let inner = QUIET_ZONE..QUIET_ZONE + width;
        for y in 0..size {
            for x in 0..size {
                let dark =
                    inner.contains(&x) && inner.contains(&y) && modules[(y - QUIET_ZONE) * width + x - QUIET_ZONE];
                assert_eq!(grid[y * size + x], dark, "module {x},{y}");
            }
        }
        // Finder pattern: the top-left module of the code is dark.
        assert!(modules[0]);
    }

    #[test]
    fn levels_and_limits() {
        assert!(ec_level(Some("X")).is_none());
        assert!(matches!(ec_level(None), Some(QrCodeEcc::Medium)));
        let h = matrix("hello", QrCodeEcc::High).unwrap().0;
        let l = matrix(&"x".repeat(100), QrCodeEcc::Low).unwrap().0;
        assert!(h >= 21 && l > 21);
        assert!(svg(&"x".repeat(3000), QrCodeEcc::High).is_err());
    }
}
