//! The tools people, printers and phones read documents with: `qpdf` for
//! structure, `pdftotext` for text, `pdftoppm` to render a page, `zbarimg`
//! to read a QR code.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn tool(name: &str) -> Command {
    let probe = Command::new(name).arg("-v").output();
    assert!(
        probe.is_ok(),
        "`{name}` is not installed: `make deps` installs qpdf, poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg)"
    );
    Command::new(name)
}

pub fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Writes the PDF, checks its structure and returns its path and text.
pub fn checked(dir: &Path, name: &str, pdf: &[u8]) -> (PathBuf, String) {
    let path = write(dir, name, pdf);
    check(&path);
    let text = text(&path);
    (path, text)
}

pub fn assert_contains_all(text: &str, expected: &[&str]) {
    for expected in expected {
        assert_contains(text, expected);
    }
}

/// `qpdf --check` must pass without warnings (exit 0).
pub fn check(path: &Path) {
    let output = tool("qpdf").arg("--check").arg(path).output().unwrap();
    assert!(
        output.status.success(),
        "qpdf --check {} failed ({:?}):\n{}{}",
        path.display(),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn pages(path: &Path) -> usize {
    let output = tool("qpdf")
        .arg("--show-npages")
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

pub fn text(path: &Path) -> String {
    let output = tool("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Whether `expected` is in `text`, whitespace runs counting as one space:
/// sentences wrap, and pdftotext pads columns with spaces.
pub fn assert_contains(text: &str, expected: &str) {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat(text).contains(&flat(expected)),
        "{expected:?} not found in:\n{text}"
    );
}

/// pdftotext prints both the narrow no-break space between thousands and
/// the no-break space before "€" (and "%") as plain spaces.
pub fn printed(amount: claimdesk_domain::Money) -> String {
    amount.to_french().replace(['\u{202f}', '\u{a0}'], " ")
}

/// The first page of `pdf` as a PNG at `dpi`, as a printer or screen sees it.
pub fn render_first_page(pdf: &Path, dpi: u32) -> PathBuf {
    let prefix = pdf.with_extension("");
    let output = tool("pdftoppm")
        .args(["-png", "-singlefile", "-f", "1", "-l", "1", "-r"])
        .arg(dpi.to_string())
        .arg(pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    prefix.with_extension("png")
}

/// The text of the only QR code in an image, as `zbarimg` reads it: its
/// bytes as encoded (`-Sbinary`, no guess at a character set), which must be
/// UTF-8.
pub fn read_qr(image: &Path) -> String {
    let output = tool("zbarimg")
        .args(["--quiet", "--raw", "-Sbinary", "-Sqrcode.enable"])
        .arg(image)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "zbarimg found no code in {} ({:?}): {}",
        image.display(),
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut text = String::from_utf8(output.stdout).expect("a UTF-8 payload");
    // zbarimg ends each symbol with a line feed of its own.
    if text.ends_with('\n') {
        text.pop();
    }
    text
}
