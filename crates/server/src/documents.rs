//! Documents: rows attached to a dossier or a procedure, their file names made
//! safe to show and to serve, and the agency's own documents in the demo.

use chrono::{DateTime, NaiveDate, Utc};
use claimdesk_api::sync::EntityKind;
use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory, DocumentOrigin};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sqlx::SqliteConnection;

use crate::access::{GRANTED_DOSSIERS, GRANTED_PROCEDURES, Viewer};
use crate::changes::{self, Change, Scope};
use crate::config::Config;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::records::{self, Selection};
use crate::{requests, statements, uploads};

pub(crate) use claimdesk_api::file_names::sanitize_file_name;

/// Characters RFC 8187 lets through unencoded in `filename*`.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition: attachment` per RFC 6266: an ASCII `filename` for
/// old clients and the exact name in `filename*`.
pub(crate) fn content_disposition(file_name: &str) -> String {
    let safe = sanitize_file_name(file_name, "document");
    let ascii: String = safe
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(&safe, ATTR_CHAR)
    )
}

#[derive(Debug, sqlx::FromRow)]
struct DocumentRow {
    id: i64,
    dossier_reference: Option<String>,
    procedure_id: Option<i64>,
    category: String,
    note: Option<String>,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    origin: String,
    created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT doc.id, d.reference AS dossier_reference, doc.procedure_id, \
     doc.category, doc.note, doc.file_name, doc.content_type, doc.size, doc.sha256, doc.origin, \
     doc.created_at FROM documents doc LEFT JOIN dossiers d ON d.id = doc.dossier_id";

impl DocumentRow {
    fn into_document(self) -> AppResult<Document> {
        let attached_to = match (self.dossier_reference, self.procedure_id) {
            (Some(reference), None) => AttachTo::Dossier { reference },
            (None, Some(id)) => AttachTo::Procedure { id },
            _ => {
                return Err(AppError::corrupt(format!(
                    "document {} attachment",
                    self.id
                )));
            }
        };
        Ok(Document {
            id: self.id,
            attached_to,
            category: DocumentCategory::parse(&self.category).ok_or_else(|| {
                AppError::corrupt(format!("documents.category: {:?}", self.category))
            })?,
            note: self.note,
            file_name: self.file_name,
            content_type: self.content_type,
            size: self.size.max(0) as u64,
            sha256: self.sha256,
            origin: match self.origin.as_str() {
                "agency" => DocumentOrigin::Agency,
                _ => DocumentOrigin::Customer,
            },
            created_at: self.created_at,
        })
    }
}

pub(crate) async fn by_id(conn: &mut SqliteConnection, id: i64) -> AppResult<Option<Document>> {
    let row: Option<DocumentRow> = sqlx::query_as(&format!("{SELECT} WHERE doc.id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(DocumentRow::into_document).transpose()
}

/// The documents matching `filter` (its placeholders bound to `binds`) that
/// are no request's or of a request `viewer` sees, by id. Whether `viewer`
/// sees their dossier or procedure is for `filter` or the caller to say.
async fn select_for(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    filter: &str,
    binds: &[Option<i64>],
) -> AppResult<Vec<Document>> {
    let sql = format!(
        "{SELECT} WHERE {filter} AND {} ORDER BY doc.id",
        requests::document_filter("doc")
    );
    let mut query = sqlx::query_as::<_, DocumentRow>(&sql);
    for bind in binds.iter().chain(&requests::document_binds(viewer)) {
        query = query.bind(*bind);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(DocumentRow::into_document).collect()
}

/// Document `id` unless it is a request's that `viewer` does not see.
pub(crate) async fn for_viewer(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Option<Document>> {
    Ok(select_for(conn, viewer, "doc.id = ?", &[Some(id)])
        .await?
        .pop())
}

/// The documents attached to this dossier or this procedure, by id, that
/// `viewer` (who sees it) may see.
pub(crate) async fn attached(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    dossier_id: Option<i64>,
    procedure_id: Option<i64>,
) -> AppResult<Vec<Document>> {
    select_for(
        conn,
        viewer,
        "doc.dossier_id IS ? AND doc.procedure_id IS ?",
        &[dossier_id, procedure_id],
    )
    .await
}

/// A document row to insert; its content is already stored.
pub(crate) struct NewRow<'a> {
    pub dossier_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub category: DocumentCategory,
    pub note: Option<&'a str>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub origin: DocumentOrigin,
    pub uploaded_by: Option<i64>,
    /// The request it belongs to, which only who sees that request may see.
    pub request_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Inserts a document and records its upsert for the feed: whoever sees its
/// dossier or procedure (and its request, if any) receives it, the same
/// people who may list it.
pub(crate) async fn insert(conn: &mut SqliteConnection, row: NewRow<'_>) -> AppResult<i64> {
    let scope = match (row.dossier_id, row.procedure_id) {
        (Some(dossier), _) => Scope::dossier(dossier),
        (None, Some(procedure)) => Scope::procedure(procedure),
        (None, None) => {
            return Err(AppError::Internal(
                "a document is attached to a dossier or a procedure".into(),
            ));
        }
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (dossier_id, procedure_id, category, note, file_name, \
         content_type, size, sha256, origin, uploaded_by, request_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(row.dossier_id)
    .bind(row.procedure_id)
    .bind(row.category.as_str())
    .bind(row.note)
    .bind(row.file_name)
    .bind(row.content_type)
    .bind(row.size as i64)
    .bind(row.sha256)
    .bind(match row.origin {
        DocumentOrigin::Agency => "agency",
        DocumentOrigin::Customer => "customer",
    })
    .bind(row.uploaded_by)
    .bind(row.request_id)
    .bind(row.created_at)
    .fetch_one(&mut *conn)
    .await?;
    changes::append(conn, Change::upsert(EntityKind::Document, id, scope)).await?;
    Ok(id)
}

/// The documents `viewer` sees with an upsert in the change log within
/// `(from, to]`: the documents of a sync page.
pub(crate) async fn changed_between(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    (from, to): (i64, i64),
) -> AppResult<Vec<Document>> {
    let (user, etude) = (Some(viewer.user_id), viewer.etude_id);
    let filter = format!(
        "doc.id IN (SELECT entity_id FROM changes WHERE seq > ? AND seq <= ? \
         AND kind = 'document' AND op = 'upsert') \
         AND (COALESCE(doc.dossier_id IN {GRANTED_DOSSIERS}, 0) \
              OR COALESCE(doc.procedure_id IN {GRANTED_PROCEDURES}, 0))"
    );
    let binds = [Some(from), Some(to), user, etude, user, etude];
    select_for(conn, viewer, &filter, &binds).await
}

/// A document the agency posts itself, without an upload.
pub(crate) struct AgencyPost<'a> {
    pub dossier_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub category: DocumentCategory,
    pub note: Option<&'a str>,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// The request it belongs to, if it is one's alone.
    pub request_id: Option<i64>,
}

/// Stores the content under its hash and files it as the agency's document.
pub(crate) async fn post_agency(
    conn: &mut SqliteConnection,
    config: &Config,
    post: AgencyPost<'_>,
) -> AppResult<i64> {
    let content_type = uploads::detect(post.bytes).ok_or_else(|| {
        AppError::UnsupportedType(format!("{} is not an accepted type", post.file_name))
    })?;
    let sha256 = uploads::store_bytes(config, post.bytes).await?;
    insert(
        conn,
        NewRow {
            dossier_id: post.dossier_id,
            procedure_id: post.procedure_id,
            category: post.category,
            note: post.note,
            file_name: post.file_name,
            content_type,
            size: post.bytes.len() as u64,
            sha256: &sha256,
            origin: DocumentOrigin::Agency,
            uploaded_by: None,
            request_id: post.request_id,
            created_at: config.now(),
        },
    )
    .await
}

/// Puts the agency's own documents in the demo, once: a statement on each
/// dossier a debtor holds and an opening judgment on the first procedure of
/// each étude, so clients have something to download.
pub(crate) async fn load_demo(db: &Db, config: &Config) -> AppResult<()> {
    // One transaction: the documents and their changes for the feed together.
    let mut conn = db.write.begin().await?;
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE origin = 'agency'")
        .fetch_one(&mut *conn)
        .await?;
    if already > 0 {
        return Ok(());
    }
    let today = config.now().date_naive();
    let debtor_dossiers: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT g.dossier_id FROM grants g JOIN users u ON u.id = g.subject_user_id \
         WHERE u.role = 'debtor' AND g.dossier_id IS NOT NULL ORDER BY g.dossier_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for id in debtor_dossiers {
        let Some(dossier) = records::dossiers(
            &mut conn,
            Selection {
                id: Some(id),
                ..Selection::default()
            },
        )
        .await?
        .pop() else {
            continue;
        };
        // A dossier without a computable statement simply gets none.
        let Ok(statement) = statements::of_dossier(&dossier, today) else {
            continue;
        };
        let bytes = claimdesk_documents::records::dossier_statement(&dossier, &statement, today)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let file_name = claimdesk_api::documents::statement_filename(&dossier.reference, today);
        let note = format!(
            "Décompte au {}",
            claimdesk_domain::calendar::french_date(today)
        );
        post_agency(
            &mut conn,
            config,
            AgencyPost {
                dossier_id: Some(id),
                procedure_id: None,
                category: DocumentCategory::Other,
                note: Some(&note),
                file_name: &file_name,
                bytes: &bytes,
                request_id: None,
            },
        )
        .await?;
    }
    let procedures: Vec<(i64, String, NaiveDate)> = sqlx::query_as(
        "SELECT MIN(id), tribunal, judgment_date FROM procedures GROUP BY etude_id ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (id, tribunal, judgment_date) in procedures {
        let bytes = text_pdf(&[
            "JUGEMENT D'OUVERTURE".to_owned(),
            String::new(),
            tribunal,
            format!(
                "Jugement du {}",
                claimdesk_domain::calendar::french_date(judgment_date)
            ),
            format!("Procédure n° {id}"),
            String::new(),
            "Copie transmise par l'agence (données de démonstration).".to_owned(),
        ]);
        post_agency(
            &mut conn,
            config,
            AgencyPost {
                dossier_id: None,
                procedure_id: Some(id),
                category: DocumentCategory::Judgment,
                note: None,
                file_name: &format!("jugement-ouverture-{judgment_date}.pdf"),
                bytes: &bytes,
                request_id: None,
            },
        )
        .await?;
    }
    conn.commit().await?;
    Ok(())
}

/// A one-page PDF of these lines in Helvetica (Latin-1 text only).
fn text_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 16 TL 72 770 Td\n");
    for line in lines {
        content.push('(');
        for c in line.chars() {
            match c {
                '(' | ')' | '\\' => {
                    content.push('\\');
                    content.push(c);
                }
                ' '..='~' => content.push(c),
                c if (c as u32) < 256 => content.push_str(&format!("\\{:03o}", c as u32)),
                _ => content.push('?'),
            }
        }
        content.push_str(") Tj T*\n");
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_pdfs_are_detected_as_pdf() {
        let pdf = text_pdf(&["Jugement (copie) — é".to_owned()]);
        assert_eq!(crate::uploads::detect(&pdf), Some("application/pdf"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("(Jugement \\(copie\\) ? \\351) Tj"), "{text}");
    }

    #[test]
    fn disposition_has_an_ascii_name_and_the_exact_one() {
        assert_eq!(
            content_disposition("relevé \"2024\".pdf"),
            "attachment; filename=\"relev_ _2024_.pdf\"; filename*=UTF-8''relev%C3%A9%20_2024_.pdf"
        );
    }
}
