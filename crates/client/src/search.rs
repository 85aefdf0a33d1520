//! The search box: procedures by debtor name, SIREN or tribunal, dossiers by
//! reference, debtor name or SIREN, claims by dossier reference or creditor,
//! answered from the local store's full-text indexes (migration 0002), so it
//! works offline and stays instant on tens of thousands of claims.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::Claimdesk;
use crate::error::Result;
use crate::store::Store;

/// The most hits one search returns, whatever is asked.
pub const MAX_HITS: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SearchHitKind {
    Procedure,
    Claim,
    Dossier,
}

/// One line of the search results, with what it takes to open the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub kind: SearchHitKind,
    /// The id of the procedure, claim or dossier.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// The dossier reference of a claim or dossier.
    pub reference: Option<String>,
    /// The procedure of a procedure, claim, or dossier under a procedure.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub procedure_id: Option<i64>,
    pub title: String,
    pub subtitle: String,
}

impl Claimdesk {
    /// Procedures first, then dossiers, then claims, at most `limit` in all.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        search(self.synced_store().await?, query, limit).await
    }
}

/// Searches `store`; every word of `query` must start a word of the record.
pub async fn search(store: &Store, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let Some(fts) = match_expression(query) else {
        return Ok(Vec::new());
    };
    let limit = i64::from(limit.min(MAX_HITS));
    let pool = store.pool();
    let mut hits = Vec::new();

    let rows = sqlx::query(
        "SELECT p.id, p.debtor_name, p.debtor_siren, p.tribunal \
         FROM procedures_search s JOIN procedures p ON p.id = s.rowid \
         WHERE procedures_search MATCH ? ORDER BY s.rank, p.id LIMIT ?",
    )
    .bind(&fts)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let siren: String = row.try_get("debtor_siren")?;
        let tribunal: String = row.try_get("tribunal")?;
        hits.push(SearchHit {
            kind: SearchHitKind::Procedure,
            id,
            reference: None,
            procedure_id: Some(id),
            title: row.try_get("debtor_name")?,
            subtitle: format!("SIREN {siren} · {tribunal}"),
        });
    }

    let left = limit - hits.len() as i64;
    if left > 0 {
        let rows = sqlx::query(
            "SELECT d.id, d.reference, d.debtor_name, d.procedure_id \
             FROM dossiers_search s JOIN dossiers d ON d.id = s.rowid \
             WHERE dossiers_search MATCH ? ORDER BY s.rank, d.id LIMIT ?",
        )
        .bind(&fts)
        .bind(left)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let reference: String = row.try_get("reference")?;
            hits.push(SearchHit {
                kind: SearchHitKind::Dossier,
                id: row.try_get("id")?,
                title: reference.clone(),
                reference: Some(reference),
                procedure_id: row.try_get("procedure_id")?,
                subtitle: row.try_get("debtor_name")?,
            });
        }
    }

    let left = limit - hits.len() as i64;
    if left > 0 {
        // By id, not by rank: a creditor's name can match every claim, and
        // ranking them all would read the whole index to show the first few.
        let rows = sqlx::query(
            "SELECT c.id, c.dossier_reference, c.creditor, c.procedure_id \
             FROM claims_search s JOIN claims c ON c.id = s.rowid \
             WHERE claims_search MATCH ? ORDER BY s.rowid LIMIT ?",
        )
        .bind(&fts)
        .bind(left)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            let reference: String = row.try_get("dossier_reference")?;
            hits.push(SearchHit {
                kind: SearchHitKind::Claim,
                id: row.try_get("id")?,
                title: reference.clone(),
                reference: Some(reference),
                procedure_id: Some(row.try_get("procedure_id")?),
                subtitle: row.try_get("creditor")?,
            });
        }
    }
    Ok(hits)
}

/// The FTS5 query for what was typed: each word a quoted prefix, all required.
/// A query of digits and spaces is one number ("552 100 554" is a SIREN).
/// None when nothing searchable was typed.
fn match_expression(query: &str) -> Option<String> {
    let digits_only = query
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace());
    let words: Vec<String> = if digits_only {
        vec![query.chars().filter(char::is_ascii_digit).collect()]
    } else {
        query
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_owned)
            .collect()
    };
    let terms: Vec<String> = words
        .into_iter()
        .filter(|w| !w.is_empty())
        // Words are alphanumeric, so quoting needs no escaping.
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn typed_words_become_required_prefixes() {
        assert_eq!(match_expression("  "), None);
        assert_eq!(match_expression("--"), None);
        assert_eq!(match_expression("Société"), Some("\"Société\"*".into()));
        assert_eq!(
            match_expression("DOS-2024 0012"),
            Some("\"DOS\"* \"2024\"* \"0012\"*".into())
        );
        assert_eq!(
            match_expression("552 100 554"),
            Some("\"552100554\"*".into())
        );
        assert_eq!(
            match_expression("l'\"or\" AND*"),
            Some("\"l\"* \"or\"* \"AND\"*".into())
        );
    }
}
