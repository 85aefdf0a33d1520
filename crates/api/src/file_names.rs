//! File names from elsewhere (a user's upload, the server's answer) made
//! into plain names: the same rule where the server serves them back
//! (RFC 6266) and where a client writes a file, so no name leads out of its
//! folder whichever side was wrong.

/// Names Windows keeps for devices, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];
/// Bytes kept of a name; most file systems stop at 255.
pub const MAX_FILE_NAME_BYTES: usize = 180;

/// A plain file name from any string: the last path component, control and
/// reserved characters replaced, no leading or trailing dots or spaces, no
/// device name, at most [`MAX_FILE_NAME_BYTES`] (the extension kept);
/// `fallback` when nothing is left.
pub fn sanitize_file_name(name: &str, fallback: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut clean: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    clean = clean
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned();
    if clean.is_empty() {
        return fallback.to_owned();
    }
    let stem = clean.split('.').next().unwrap_or_default().trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        clean.insert(0, '_');
    }
    if clean.len() > MAX_FILE_NAME_BYTES {
        // Keep the extension: it is what a viewer opens the file with.
        let (stem, extension) = match clean.rfind('.') {
            Some(dot) if clean.len() - dot <= 10 => clean.split_at(dot),
            _ => (clean.as_str(), ""),
        };
        let mut end = MAX_FILE_NAME_BYTES - extension.len();
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        clean = format!("{}{extension}", &stem[..end]);
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_plain_names() {
        for (hostile, expected) in [
            ("../../etc/passwd", "passwd"),
            ("/etc/shadow", "shadow"),
            ("..\\..\\Windows\\system.ini", "system.ini"),
            ("C:\\boot.ini", "boot.ini"),
            ("..", "document"),
            ("", "document"),
            ("  .hidden ", "hidden"),
            ("CON", "_CON"),
            ("CON.pdf", "_CON.pdf"),
            ("nul.txt", "_nul.txt"),
            ("Com1.pdf", "_Com1.pdf"),
            ("bilan\n2024\u{7}.pdf", "bilan_2024_.pdf"),
            ("../../etc/passwd\u{7}.pdf", "passwd_.pdf"),
            ("a<b>c:d|e?f*.pdf", "a_b_c_d_e_f_.pdf"),
            ("relevé de compte.pdf", "relevé de compte.pdf"),
        ] {
            assert_eq!(
                sanitize_file_name(hostile, "document"),
                expected,
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn long_names_keep_their_extension_and_whole_characters() {
        let long = format!("{}.pdf", "é".repeat(300));
        let clean = sanitize_file_name(&long, "x");
        assert!(clean.len() <= MAX_FILE_NAME_BYTES, "{}", clean.len());
        assert!(clean.len() > MAX_FILE_NAME_BYTES - 2, "{}", clean.len());
        assert!(clean.ends_with(".pdf"), "{clean}");
        assert!(clean.trim_end_matches(".pdf").chars().all(|c| c == 'é'));
    }
}
