//! A document's content saved into a folder the user chose, under a name that
//! cannot lead out of it whatever the server or the uploader called the file.

use std::path::{Path, PathBuf};

use claimdesk_api::file_names;
use claimdesk_api::uploads::Document;
use serde::Serialize;

use crate::content::CachedFile;
use crate::error::{ClientError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Downloaded {
    pub document: Document,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
}

/// A plain file name from any string (see [`file_names::sanitize_file_name`]).
pub fn sanitize_file_name(name: &str) -> String {
    file_names::sanitize_file_name(name, "document")
}

/// `dir/name`, or `dir/stem (2).ext` and so on when taken: nothing is overwritten.
fn free_path(dir: &Path, name: &str) -> PathBuf {
    let candidate = dir.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){extension}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// Copies a cached content into `dir` under the document's name made plain,
/// through a temporary file renamed once complete.
pub(crate) async fn save_copy(cached: CachedFile, dir: &Path) -> Result<Downloaded> {
    let name = sanitize_file_name(&cached.document.file_name);
    copy_as(cached, dir, &name).await
}

/// A copy of a document's content in `dir` for the system viewer, which
/// chooses the application by the name's extension: the name ends with the
/// one of the content's type, whatever the uploader called the file.
pub(crate) async fn copy_for_viewer(cached: CachedFile, dir: &Path) -> Result<Downloaded> {
    let name = name_for_viewer(&cached.document);
    copy_as(cached, dir, &name).await
}

fn name_for_viewer(document: &Document) -> String {
    let name = sanitize_file_name(&document.file_name);
    let Some(expected) = claimdesk_api::uploads::extension_of(&document.content_type) else {
        return name;
    };
    let has = Path::new(&name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let same = match has.as_deref() {
        Some("jpeg") => expected == "jpg",
        Some("tif") => expected == "tiff",
        Some("heif") => expected == "heic",
        Some(other) => other == expected,
        None => false,
    };
    if same {
        name
    } else {
        sanitize_file_name(&format!("{name}.{expected}"))
    }
}

async fn copy_as(cached: CachedFile, dir: &Path, name: &str) -> Result<Downloaded> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| ClientError::io(format!("cannot create {}", dir.display()), e))?;
    let temp = dir.join(format!(".claimdesk-{}.part", uuid::Uuid::new_v4()));
    let copied = match tokio::fs::copy(&cached.path, &temp).await {
        Ok(_) => {
            let path = free_path(dir, name);
            tokio::fs::rename(&temp, &path)
                .await
                .map_err(|e| ClientError::io(format!("cannot write {}", path.display()), e))
                .map(|()| path)
        }
        Err(e) => Err(ClientError::io(
            format!("cannot write {}", temp.display()),
            e,
        )),
    };
    match copied {
        Ok(path) => Ok(Downloaded {
            document: cached.document,
            path,
        }),
        Err(e) => {
            let _ = tokio::fs::remove_file(&temp).await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_viewer_copy_is_named_with_its_type_s_extension() {
        let document = |file_name: &str, content_type: &str| Document {
            id: 1,
            attached_to: claimdesk_api::uploads::AttachTo::Procedure { id: 1 },
            category: claimdesk_api::uploads::DocumentCategory::Other,
            note: None,
            file_name: file_name.into(),
            content_type: content_type.into(),
            size: 1,
            sha256: "0".repeat(64),
            origin: claimdesk_api::uploads::DocumentOrigin::Customer,
            created_at: chrono::Utc::now(),
        };
        let pdf = "application/pdf";
        assert_eq!(
            name_for_viewer(&document("bilan 2025.pdf", pdf)),
            "bilan 2025.pdf"
        );
        assert_eq!(name_for_viewer(&document("Bilan.PDF", pdf)), "Bilan.PDF");
        assert_eq!(name_for_viewer(&document("scan", pdf)), "scan.pdf");
        assert_eq!(
            name_for_viewer(&document("facture.exe", pdf)),
            "facture.exe.pdf"
        );
        assert_eq!(
            name_for_viewer(&document("photo.jpeg", "image/jpeg")),
            "photo.jpeg"
        );
        assert_eq!(
            name_for_viewer(&document("../../etc/passwd", pdf)),
            "passwd.pdf"
        );
        assert_eq!(name_for_viewer(&document("CON", pdf)), "_CON.pdf");
    }

    use super::*;

    #[test]
    fn a_taken_name_gets_a_number() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"x").unwrap();
        std::fs::write(dir.path().join("a (2).pdf"), b"x").unwrap();
        assert_eq!(free_path(dir.path(), "a.pdf"), dir.path().join("a (3).pdf"));
        assert_eq!(free_path(dir.path(), "b"), dir.path().join("b"));
    }
}
