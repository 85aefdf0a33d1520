//! Writing a downloaded PDF where the user chose. The place comes from the
//! native save dialog, or, for tests and automation, from `CLAIMDESK_SAVE_DIR`;
//! never from the window: the WebView may ask for a document, not name a path.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use claimdesk_client::DocumentFile;

use crate::error::{CommandError, CommandResult};

/// When set, the save commands write `DIR/<file name>` without a dialog.
pub const SAVE_DIR_ENV: &str = "CLAIMDESK_SAVE_DIR";

/// The folder `CLAIMDESK_SAVE_DIR` names, if any.
pub fn folder_from_env() -> Option<PathBuf> {
    std::env::var_os(SAVE_DIR_ENV)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
}

/// The name to propose for a document: the last part of what the server
/// sent, so that a name such as `../../x.pdf` cannot lead out of the folder,
/// and a `.pdf` at the end.
pub fn safe_filename(filename: &str) -> String {
    let name = claimdesk_api::file_names::sanitize_file_name(filename, "document.pdf");
    if name.to_ascii_lowercase().ends_with(".pdf") {
        name
    } else {
        format!("{name}.pdf")
    }
}

/// Asks `choose` where to put `document` (it receives the proposed file
/// name, and answers `None` when the user cancels), then writes the bytes
/// there. Answers the path written, or `None` when cancelled.
pub fn save(
    document: &DocumentFile,
    choose: impl FnOnce(&str) -> Option<PathBuf>,
) -> CommandResult<Option<PathBuf>> {
    let Some(path) = choose(&safe_filename(&document.filename)) else {
        return Ok(None);
    };
    write_whole(&path, &document.bytes)?;
    tracing::info!(file = %path.display(), bytes = document.bytes.len(), "document saved");
    Ok(Some(path))
}

/// Saves `document` in `folder` under its own (safe) name.
pub fn save_in(folder: &Path, document: &DocumentFile) -> CommandResult<PathBuf> {
    let path = save(document, |name| Some(folder.join(name)))?;
    path.ok_or_else(|| CommandError::io("no place to save the document"))
}

/// Writes beside the target first and renames: a failure never leaves half a
/// PDF under the name the user chose, nor spoils a file already there.
fn write_whole(path: &Path, bytes: &[u8]) -> CommandResult<()> {
    let fail =
        |e: std::io::Error| CommandError::io(format!("cannot write {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| CommandError::io(format!("{} is not a file name", path.display())))?;
    let mut partial = OsString::from(".");
    partial.push(name);
    partial.push(".part");
    let partial = path.with_file_name(partial);
    let written = (|| {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use claimdesk_client::Origin;

    fn document(filename: &str, bytes: &[u8]) -> DocumentFile {
        DocumentFile {
            filename: filename.into(),
            bytes: bytes.to_vec(),
            origin: Origin::Server,
            produced_at: Utc::now(),
        }
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_bytes_are_written_whole_under_the_documents_name() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"%PDF-1.7\n\x00\xff binary body\n%%EOF\n";
        let path = save_in(
            dir.path(),
            &document("decompte-D-2026-1-2026-11-21.pdf", bytes),
        )
        .unwrap();
        assert_eq!(path, dir.path().join("decompte-D-2026-1-2026-11-21.pdf"));
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert_eq!(files_in(dir.path()), ["decompte-D-2026-1-2026-11-21.pdf"]);
    }

    #[test]
    fn a_second_save_replaces_the_first() {
        let dir = tempfile::tempdir().unwrap();
        save_in(dir.path(), &document("rib.pdf", b"%PDF-old-and-longer")).unwrap();
        let path = save_in(dir.path(), &document("rib.pdf", b"%PDF-new")).unwrap();
        assert_eq!(std::fs::read(path).unwrap(), b"%PDF-new");
        assert_eq!(files_in(dir.path()), ["rib.pdf"]);
    }

    #[test]
    fn nothing_is_written_outside_the_chosen_folder() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("chosen");
        std::fs::create_dir(&folder).unwrap();
        for hostile in [
            "../escaped.pdf",
            "../../escaped.pdf",
            "/tmp/escaped.pdf",
            "..\\escaped.pdf",
            "sub/dir/escaped.pdf",
        ] {
            let path = save_in(&folder, &document(hostile, b"%PDF")).unwrap();
            assert_eq!(path, folder.join("escaped.pdf"), "{hostile}");
        }
        assert_eq!(files_in(root.path()), ["chosen"]);
        assert_eq!(files_in(&folder), ["escaped.pdf"]);
    }

    #[test]
    fn odd_names_become_plain_pdf_names() {
        assert_eq!(safe_filename(""), "document.pdf");
        assert_eq!(safe_filename(".."), "document.pdf");
        assert_eq!(safe_filename("../"), "document.pdf");
        assert_eq!(safe_filename(".hidden.pdf"), "hidden.pdf");
        assert_eq!(safe_filename("rib"), "rib.pdf");
        assert_eq!(safe_filename("a\u{0}b\nc:d.PDF"), "a_b_c_d.PDF");
        assert_eq!(safe_filename("NUL"), "_NUL.pdf");
        assert_eq!(
            safe_filename("attestation-solde-D-1.pdf"),
            "attestation-solde-D-1.pdf"
        );
    }

    #[test]
    fn cancelling_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let saved = save(&document("rib.pdf", b"%PDF"), |_| None).unwrap();
        assert_eq!(saved, None);
        assert!(files_in(dir.path()).is_empty());
    }

    #[test]
    fn the_chooser_is_offered_the_safe_name_and_its_answer_is_where_the_file_goes() {
        let dir = tempfile::tempdir().unwrap();
        let mut offered = String::new();
        let target = dir.path().join("mon-rib.pdf");
        let saved = save(&document("../rib-D-1.pdf", b"%PDF-1.7"), |name| {
            offered = name.to_owned();
            Some(target.clone())
        })
        .unwrap();
        assert_eq!(offered, "rib-D-1.pdf");
        assert_eq!(saved.as_deref(), Some(target.as_path()));
        assert_eq!(std::fs::read(&target).unwrap(), b"%PDF-1.7");
    }

    #[test]
    fn a_folder_that_does_not_exist_is_an_io_error_and_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let e = save_in(&root.path().join("missing"), &document("rib.pdf", b"%PDF")).unwrap_err();
        assert_eq!(e.code.as_str(), "io");
        assert!(files_in(root.path()).is_empty());
    }
}
