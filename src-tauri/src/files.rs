//! Files the user hands the app, through the native file dialog or by
//! dropping them on the window. The paths stay here: the window receives a
//! selection's id with the names and sizes to show, and adds a selection by
//! its id, so no script in the page can make the app read a file of its
//! choosing.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

/// When set, "Add files…" takes these files (separated as in PATH) instead of
/// opening the dialog, as `CLAIMDESK_SAVE_DIR` stands in for the save dialog.
pub const PICK_FILES_ENV: &str = "CLAIMDESK_PICK_FILES";

/// The files `CLAIMDESK_PICK_FILES` names, if it is set.
pub fn picked_from_env() -> Option<Vec<PathBuf>> {
    let value = std::env::var_os(PICK_FILES_ENV).filter(|v| !v.is_empty())?;
    Some(path_list(&value))
}

/// The paths of a list separated as in PATH, empty entries left out.
fn path_list(value: &std::ffi::OsStr) -> Vec<PathBuf> {
    std::env::split_paths(value)
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

/// What the window is told of files picked or dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Selection {
    #[ts(type = "number")]
    pub id: u64,
    pub files: Vec<SelectedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SelectedFile {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// Payload of `files://dropped`: the selection, and where it fell in the
/// page (CSS pixels from the top left), so it goes to what it was dropped on.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Dropped {
    pub selection: Selection,
    pub x: f64,
    pub y: f64,
}

/// Payload of `files://drag`: whether files are being dragged over the window,
/// so the drop zone can show it will take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct DragState {
    pub over: bool,
}

/// Selections still remembered; a selection nobody added is forgotten once
/// this many newer ones were made, so drops left alone do not pile up.
const KEPT: usize = 16;

#[derive(Default)]
pub struct Selections {
    inner: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    last_id: u64,
    selections: VecDeque<(u64, Vec<PathBuf>)>,
}

impl Selections {
    /// Remembers the regular files among `paths` (folders and what cannot be
    /// read are left out) and answers what the window may know of them, or
    /// `None` when no file remains.
    pub fn remember(&self, paths: Vec<PathBuf>) -> Option<Selection> {
        let mut kept = Vec::new();
        let mut files = Vec::new();
        for path in paths {
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let Some(name) = path.file_name() else {
                continue;
            };
            files.push(SelectedFile {
                name: name.to_string_lossy().into_owned(),
                size: meta.len(),
            });
            kept.push(path);
        }
        if kept.is_empty() {
            return None;
        }
        let mut held = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        held.last_id += 1;
        let id = held.last_id;
        held.selections.push_back((id, kept));
        while held.selections.len() > KEPT {
            held.selections.pop_front();
        }
        Some(Selection { id, files })
    }

    /// The paths of a selection still remembered.
    pub fn paths(&self, id: u64) -> Option<Vec<PathBuf>> {
        let held = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        held.selections
            .iter()
            .find(|(held_id, _)| *held_id == id)
            .map(|(_, paths)| paths.clone())
    }

    /// Forgets a selection once added: adding it again would queue the files twice.
    pub fn forget(&self, id: u64) {
        let mut held = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        held.selections.retain(|(held_id, _)| *held_id != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_drop_shows_names_and_sizes_and_keeps_the_paths_behind_an_id() {
        let dir = tempfile::tempdir().unwrap();
        let a = file(dir.path(), "bilan 2025.pdf", b"%PDF-1.7 bilan");
        let b = file(dir.path(), "photo.jpg", &[0xff; 2048]);
        let selections = Selections::default();
        let selection = selections.remember(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(
            selection.files,
            [
                SelectedFile {
                    name: "bilan 2025.pdf".into(),
                    size: 14
                },
                SelectedFile {
                    name: "photo.jpg".into(),
                    size: 2048
                },
            ]
        );
        let json = serde_json::to_string(&selection).unwrap();
        assert!(
            !json.contains(&dir.path().to_string_lossy().into_owned()),
            "the window was told where the files are: {json}"
        );
        assert_eq!(selections.paths(selection.id), Some(vec![a, b]));
    }

    #[test]
    fn folders_and_missing_files_are_left_out_and_nothing_left_is_no_selection() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).unwrap();
        let missing = dir.path().join("gone.pdf");
        let selections = Selections::default();
        assert_eq!(
            selections.remember(vec![folder.clone(), missing.clone()]),
            None
        );
        let kept = file(dir.path(), "ok.pdf", b"%PDF");
        let selection = selections
            .remember(vec![folder, kept.clone(), missing])
            .unwrap();
        assert_eq!(selection.files.len(), 1);
        assert_eq!(selections.paths(selection.id), Some(vec![kept]));
    }

    #[test]
    fn each_selection_has_its_own_id_and_an_added_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let a = file(dir.path(), "a.pdf", b"a");
        let b = file(dir.path(), "b.pdf", b"b");
        let selections = Selections::default();
        let first = selections.remember(vec![a.clone()]).unwrap();
        let second = selections.remember(vec![b.clone()]).unwrap();
        assert_ne!(first.id, second.id);
        selections.forget(first.id);
        assert_eq!(selections.paths(first.id), None);
        assert_eq!(selections.paths(second.id), Some(vec![b]));
        assert_eq!(
            selections.paths(second.id + 1),
            None,
            "an id never handed out"
        );
    }

    #[test]
    fn old_selections_nobody_added_are_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let a = file(dir.path(), "a.pdf", b"a");
        let selections = Selections::default();
        let ids: Vec<u64> = (0..KEPT + 3)
            .map(|_| selections.remember(vec![a.clone()]).unwrap().id)
            .collect();
        assert_eq!(selections.paths(ids[0]), None);
        assert_eq!(selections.paths(ids[2]), None);
        assert!(selections.paths(ids[3]).is_some());
        assert!(selections.paths(*ids.last().unwrap()).is_some());
    }

    #[test]
    fn the_stand_in_for_the_dialog_splits_like_path() {
        let joined = std::env::join_paths(["/tmp/a b.pdf", "", "/tmp/c.pdf"]).unwrap();
        assert_eq!(
            path_list(&joined),
            [PathBuf::from("/tmp/a b.pdf"), PathBuf::from("/tmp/c.pdf")]
        );
    }
}
