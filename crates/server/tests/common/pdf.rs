//! Served documents read back with the tools people use: qpdf, pdftotext,
//! pdftoppm and zbarimg.

use std::path::Path;
use std::process::Command;

/// Runs a tool, failing with the way to install it when it is missing.
pub fn tool(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed to check documents (make deps installs it): {e}")
        })
}

/// Writes the PDF, checks it with `qpdf --check` and returns its text.
pub fn pdf_text(bytes: &[u8], dir: &Path, name: &str) -> String {
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    let file = file.to_str().unwrap();
    let check = tool("qpdf", &["--check", file]);
    assert!(
        check.status.success(),
        "qpdf --check {name}: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let text = tool("pdftotext", &["-layout", file, "-"]);
    assert!(text.status.success());
    plain_spaces(&String::from_utf8(text.stdout).unwrap())
}

/// pdftotext renders the narrow and plain no-break spaces of French amounts
/// as it likes: compare with ordinary spaces.
pub fn plain_spaces(text: &str) -> String {
    text.replace(['\u{202f}', '\u{a0}'], " ")
}

/// Whether `expected` is in `text`, whitespace runs counting as one space.
pub fn assert_has(text: &str, expected: &str) {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat(text).contains(&flat(expected)),
        "{expected:?} not found in:\n{text}"
    );
}

/// The payload of the only QR code in a PNG, read by zbarimg as bytes.
pub fn read_qr(png: &Path) -> String {
    let out = tool(
        "zbarimg",
        &["--quiet", "--raw", "-Sbinary", png.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "zbarimg found no code in {}: {}",
        png.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::from_utf8(out.stdout).expect("a UTF-8 payload");
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// The first page of a PDF rendered to PNG at 150 dpi, as a screen shows it.
pub fn first_page_png(pdf: &[u8], dir: &Path, name: &str) -> std::path::PathBuf {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.join(name);
    let out = tool(
        "pdftoppm",
        &[
            "-png",
            "-singlefile",
            "-r",
            "150",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    prefix.with_extension("png")
}
