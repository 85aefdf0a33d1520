//! The TypeScript types in ui/src/lib/bindings are generated from the Rust
//! types; this fails when they were not regenerated after a change.
//! `UPDATE_BINDINGS=1 cargo test -p claimdesk-desktop --test bindings` (or
//! `make bindings`) writes them anew.

use std::collections::BTreeMap;
use std::path::Path;

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn committed_typescript_bindings_match_the_rust_types() {
    let generated = tempfile::tempdir().unwrap();
    claimdesk_desktop::bindings::export(generated.path()).unwrap();
    let fresh = read_dir(generated.path());
    assert!(fresh.contains_key("AppStatus.ts") && fresh.contains_key("Money.ts"));

    let ui = claimdesk_desktop::bindings::ui_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        if ui.exists() {
            for name in read_dir(&ui).keys() {
                std::fs::remove_file(ui.join(name)).unwrap();
            }
        }
        std::fs::create_dir_all(&ui).unwrap();
        for (name, text) in &fresh {
            std::fs::write(ui.join(name), text).unwrap();
        }
        return;
    }
    let committed = read_dir(&ui);
    let stale: Vec<&String> = fresh
        .iter()
        .filter(|(name, text)| committed.get(*name) != Some(*text))
        .map(|(name, _)| name)
        .chain(committed.keys().filter(|name| !fresh.contains_key(*name)))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/bindings is stale ({stale:?}): run `make bindings` and commit the result"
    );
}
