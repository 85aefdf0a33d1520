//! `claimdesk export`: a procedure's claims for a mandataire's own software,
//! in one folder: `creances.csv`, each claim's statement PDF, the RIB of each
//! dossier. File names come from references made safe, so nothing is written
//! outside the folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use claimdesk_client::{Claimdesk, Subject};

/// Keeps `name` a plain file name inside `dir`.
fn inside(dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    if path.parent() != Some(dir) || name.contains(['/', '\\']) || name.starts_with('.') {
        bail!("refusing to write {name:?} outside {}", dir.display());
    }
    Ok(path)
}

pub async fn run(desk: &mut Claimdesk, procedure: i64, out: &Path) -> anyhow::Result<()> {
    let claims = desk.claims(procedure).await?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut csv = csv::Writer::from_path(inside(out, "creances.csv")?)?;
    csv.write_record([
        "id",
        "dossier",
        "creancier",
        "nature",
        "principal",
        "interets",
        "penalites",
        "frais",
        "a_echoir",
        "total_declare",
        "date_declaration",
        "admission",
        "montant_admis",
        "fichier_decompte",
        "fichier_rib",
    ])?;
    let total = claims.len();
    let mut ribs = std::collections::BTreeSet::new();
    for (n, claim) in claims.iter().enumerate() {
        eprintln!("[{}/{total}] claim {}", n + 1, claim.id);
        let statement = desk.statement_pdf(&Subject::Claim(claim.id), None).await?;
        std::fs::write(inside(out, &statement.filename)?, &statement.bytes)?;
        let rib_name = claimdesk_api::documents::rib_filename(&claim.dossier_reference);
        if ribs.insert(claim.dossier_reference.clone()) {
            let rib = desk.rib_pdf(&Subject::Claim(claim.id)).await?;
            std::fs::write(inside(out, &rib_name)?, &rib.bytes)?;
        }
        let d = &claim.declared;
        csv.write_record([
            claim.id.to_string(),
            claim.dossier_reference.clone(),
            claim.creditor.clone(),
            claim.nature.as_str().to_owned(),
            d.principal.to_string(),
            d.interest.to_string(),
            d.penalties.to_string(),
            d.fees.to_string(),
            d.to_fall_due.to_string(),
            d.total.to_string(),
            claim.declaration_date.to_string(),
            claim.admission.as_str().to_owned(),
            claim
                .admitted_amount
                .map(|a| a.to_string())
                .unwrap_or_default(),
            statement.filename.clone(),
            rib_name,
        ])?;
    }
    csv.flush()?;
    println!(
        "exported {total} claims of procedure {procedure} to {} (creances.csv, {total} statements, {} RIBs)",
        out.display(),
        ribs.len()
    );
    Ok(())
}
