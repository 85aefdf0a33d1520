//! Text for people: tables and sentences, dates and amounts the French way.

use chrono::{DateTime, Local, NaiveDate, Utc};
use claimdesk_api::auth::{Role, User};
use claimdesk_api::records::{Claim, DossierDetail, Installment, InstallmentStatus};
use claimdesk_client::{
    ClaimWithProcedure, DocumentFile, Origin, ProcedureSummary, RibAnswer, Shown, StatementAnswer,
    Status, SyncReport,
};
use claimdesk_domain::Money;
use claimdesk_domain::calendar::french_date;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};

pub fn signed_in(server: &str, user: &User) -> String {
    format!(
        "logged in to {server} as {} <{}> ({})",
        user.display_name,
        user.email,
        role_label(user.role)
    )
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Etude => "étude",
        Role::Debtor => "débiteur",
        Role::Guarantor => "caution",
        Role::Admin => "agence",
    }
}

/// `synced 1234 changes in 0.8 s — 45 procedures, 312 claims, 9 dossiers, 40 instalments, 12 documents`.
pub fn sync_summary(report: &SyncReport) -> String {
    let c = &report.counts;
    format!(
        "synced {} changes in {:.1} s — {} procedures, {} claims, {} dossiers, {} instalments, \
         {} documents{}{}",
        report.changes_applied,
        report.duration.as_secs_f64(),
        c.procedures,
        c.claims,
        c.dossiers,
        c.installments,
        c.documents,
        // Études have none: the line stays as it was for them.
        if c.payments > 0 {
            format!(", {} payments", c.payments)
        } else {
            String::new()
        },
        if report.restarted_from_scratch {
            " (from scratch: the server refused the previous sync point)"
        } else {
            ""
        }
    )
}

/// `21/11/2026 10:02`, in local time.
pub fn instant(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub fn offline_notice(last_synced_at: DateTime<Utc>) -> String {
    format!("offline, last synced at {}", instant(last_synced_at))
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(french_date).unwrap_or_else(|| "—".into())
}

fn amount(m: Option<Money>) -> String {
    m.map(|m| m.to_french()).unwrap_or_else(|| "—".into())
}

pub fn table(header: &[&str], right_aligned: &[usize]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    for &i in right_aligned {
        if let Some(column) = table.column_mut(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// A plan's instalments, in order.
pub fn schedule(installments: &[Installment]) -> Table {
    let mut t = table(&["n°", "due on", "amount", "paid", "status"], &[0, 2, 3]);
    for i in installments {
        t.add_row(vec![
            i.number.to_string(),
            french_date(i.due_date),
            i.amount.to_french(),
            i.paid.to_french(),
            match i.status {
                InstallmentStatus::Unpaid => "unpaid",
                InstallmentStatus::PartlyPaid => "partly paid",
                InstallmentStatus::Paid => "paid",
            }
            .to_owned(),
        ]);
    }
    t
}

pub fn procedures(list: &[ProcedureSummary]) -> String {
    if list.is_empty() {
        return "no procedure".into();
    }
    let mut t = table(
        &[
            "id",
            "debtor",
            "kind",
            "stage",
            "tribunal",
            "judgment",
            "claims",
            "declared",
            "admitted",
            "next deadline",
        ],
        &[0, 6, 7, 8],
    );
    for s in list {
        let p = &s.procedure;
        t.add_row(vec![
            p.id.to_string(),
            p.debtor.name.clone(),
            p.kind.label_fr().to_owned(),
            p.stage.label_fr().to_owned(),
            p.tribunal.clone(),
            french_date(p.judgment_date),
            s.claim_count.to_string(),
            s.declared_total.to_french(),
            s.admitted_total.to_french(),
            date(s.next_deadline),
        ]);
    }
    t.to_string()
}

pub fn claims(list: &[Claim]) -> String {
    if list.is_empty() {
        return "no claim".into();
    }
    let mut t = table(
        &[
            "id",
            "dossier",
            "creditor",
            "nature",
            "declared",
            "declared on",
            "admission",
            "admitted",
            "decided on",
        ],
        &[0, 4, 7],
    );
    for c in list {
        let mut declared_on = french_date(c.declaration_date);
        if c.late {
            declared_on.push_str(" (late)");
        }
        let mut nature = c.nature.label_fr().to_owned();
        if c.provisional {
            nature.push_str(", provisional");
        }
        t.add_row(vec![
            c.id.to_string(),
            c.dossier_reference.clone(),
            c.creditor.clone(),
            nature,
            c.declared.total.to_french(),
            declared_on,
            c.admission.label_fr().to_owned(),
            amount(c.admitted_amount),
            date(c.decision_date),
        ]);
    }
    t.to_string()
}

pub fn shown(shown: &Shown) -> String {
    match shown {
        Shown::Dossier(detail) => dossier(detail),
        Shown::Claims { reference, claims } => claims_of_reference(reference, claims),
    }
}

fn dossier(detail: &DossierDetail) -> String {
    let d = &detail.dossier;
    let mut out = String::new();
    let mut line = |label: &str, value: String| {
        out.push_str(&format!("{label:<18}{value}\n"));
    };
    line("dossier", d.reference.clone());
    line(
        "debtor",
        format!(
            "{} ({}), {}",
            d.debtor.name, d.debtor.legal_form, d.debtor.rcs
        ),
    );
    line("address", d.debtor.address.clone());
    line("creditor", d.creditor.clone());
    line("serviced by", d.servicing_entity.clone());
    line(
        "manager",
        format!(
            "{} — {} — {}",
            d.manager.name, d.manager.email, d.manager.phone
        ),
    );
    if let Some(kind) = d.procedure_kind {
        line(
            "procedure",
            format!(
                "{}{}",
                kind.label_fr(),
                d.procedure_id
                    .map(|id| format!(" (n° {id})"))
                    .unwrap_or_default()
            ),
        );
    }
    line("opened on", french_date(d.opened_on));
    line("principal", d.principal.to_french());
    line("balance", d.balance.to_french());
    for g in &d.guarantees {
        line(
            "guarantee",
            format!(
                "{} up to {}{}",
                g.guarantor_name,
                g.amount.to_french(),
                g.ends_on
                    .map(|e| format!(" until {}", french_date(e)))
                    .unwrap_or_default()
            ),
        );
    }
    if !detail.installments.is_empty() {
        out.push_str(&format!(
            "\nplan schedule\n{}\n",
            schedule(&detail.installments)
        ));
    }
    if !detail.claims.is_empty() {
        out.push_str(&format!("\nclaims\n{}\n", claims(&detail.claims)));
    }
    out.trim_end().to_owned()
}

fn claims_of_reference(reference: &str, list: &[ClaimWithProcedure]) -> String {
    let mut out = format!("dossier {reference}: {} claim(s)\n", list.len());
    for item in list {
        let c = &item.claim;
        out.push('\n');
        match &item.procedure {
            Some(p) => out.push_str(&format!(
                "procedure {} — {} — {}, {} — judgment of {}\n",
                p.id,
                p.debtor.name,
                p.kind.label_fr(),
                p.stage.label_fr(),
                french_date(p.judgment_date)
            )),
            None => out.push_str(&format!("procedure {}\n", c.procedure_id)),
        }
        let d = &c.declared;
        out.push_str(&format!(
            "claim {} of {} (serviced by {}), {}{}\n",
            c.id,
            c.creditor,
            c.servicing_entity,
            c.nature.label_fr(),
            if c.provisional { ", provisional" } else { "" }
        ));
        out.push_str(&format!(
            "  declared on {}{}: principal {}, interest {}, penalties {}, fees {}, to fall due {}, total {}\n",
            french_date(c.declaration_date),
            if c.late { " (late)" } else { "" },
            d.principal.to_french(),
            d.interest.to_french(),
            d.penalties.to_french(),
            d.fees.to_french(),
            d.to_fall_due.to_french(),
            d.total.to_french()
        ));
        out.push_str(&format!(
            "  {}{}{}\n",
            c.admission.label_fr(),
            c.admitted_amount
                .map(|a| format!(" for {}", a.to_french()))
                .unwrap_or_default(),
            c.decision_date
                .map(|d| format!(" on {}", french_date(d)))
                .unwrap_or_default()
        ));
    }
    out.trim_end().to_owned()
}

pub fn status(s: &Status) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: String| {
        out.push_str(&format!("{label:<12}{value}\n"));
    };
    line(
        "server",
        format!(
            "{} ({})",
            s.server,
            if s.online { "online" } else { "offline" }
        ),
    );
    match &s.user {
        Some(u) => line(
            "user",
            format!(
                "{} <{}> ({}{})",
                u.display_name,
                u.email,
                role_label(u.role),
                u.etude_name
                    .as_ref()
                    .or(u.company_name.as_ref())
                    .map(|n| format!(", {n}"))
                    .unwrap_or_default()
            ),
        ),
        None => line("user", "not logged in".into()),
    }
    line(
        "last sync",
        s.last_synced_at
            .map(instant)
            .unwrap_or_else(|| "never".into()),
    );
    let c = &s.counts;
    line(
        "store",
        format!(
            "{} procedures, {} claims, {} dossiers, {} instalments, {} documents",
            c.procedures, c.claims, c.dossiers, c.installments, c.documents
        ),
    );
    line("outbox", format!("{} pending", s.pending_outbox));
    if let Some(expires) = s.session_expires_at {
        line(
            "session",
            format!("ends at the latest {}", instant(expires)),
        );
    }
    out.trim_end().to_owned()
}

fn origin_note(origin: Origin, produced_at: DateTime<Utc>) -> String {
    match origin {
        Origin::Server => format!("produced by the server at {}", instant(produced_at)),
        Origin::Cache => format!(
            "OFFLINE: the copy produced by the server at {}",
            instant(produced_at)
        ),
        Origin::Provisional => {
            "PROVISOIRE: computed offline from synced data, not the creditor's statement".to_owned()
        }
    }
}

/// A statement: its lines with their explanation, the breakdown and total.
pub fn statement(answer: &StatementAnswer) -> String {
    let s = &answer.statement;
    let mut table = table(&["Date", "Line", "Amount", "Balance"], &[2, 3]);
    for line in &s.lines {
        table.add_row(vec![
            french_date(line.date),
            format!(
                "{}\n  {} · {}",
                line.label, line.explanation.rule, line.explanation.text
            ),
            line.amount.to_french(),
            line.balance.to_french(),
        ]);
    }
    let title = if s.declared_claim {
        format!(
            "Statement of the claim as declared, at {}",
            french_date(s.as_of)
        )
    } else {
        format!("Statement at {}", french_date(s.as_of))
    };
    let b = &s.breakdown;
    let mut out = format!("{title}\n{table}\n");
    out.push_str(&format!(
        "Principal {} · Interest {} · Penalties {} · Fees {}",
        b.principal.to_french(),
        b.interest.to_french(),
        b.penalties.to_french(),
        b.fees.to_french()
    ));
    if !b.to_fall_due.is_zero() {
        out.push_str(&format!(" · To fall due {}", b.to_fall_due.to_french()));
    }
    if !b.credit.is_zero() {
        out.push_str(&format!(" · Credit {}", b.credit.to_french()));
    }
    out.push_str(&format!("\nTotal {}\n", s.total.to_french()));
    for due in &s.to_fall_due {
        out.push_str(&format!(
            "To fall due on {}: {} ({})\n",
            french_date(due.due_on),
            due.amount.to_french(),
            due.reference
        ));
    }
    if let Some(running) = &s.running_interest {
        out.push_str(running);
        out.push('\n');
    }
    for note in &s.notes {
        out.push_str(note);
        out.push('\n');
    }
    out.push_str(&origin_note(answer.origin, answer.produced_at));
    out
}

/// The RIB, IBAN grouped by four.
pub fn rib(answer: &RibAnswer) -> String {
    let r = &answer.rib;
    let iban = claimdesk_domain::ident::Iban::parse(&r.iban)
        .map(|i| i.grouped())
        .unwrap_or_else(|_| r.iban.clone());
    let rf = claimdesk_domain::ident::RfReference::parse(&r.rf_reference)
        .map(|i| i.grouped())
        .unwrap_or_else(|_| r.rf_reference.clone());
    format!(
        "Dossier    {}\nHolder     {}\nIBAN       {iban}\nBIC        {}\nBank       {}\nReference  {rf} (quote it with every payment)\n{}",
        r.dossier_reference,
        r.holder,
        r.bic,
        r.bank_name,
        origin_note(answer.origin, answer.produced_at)
    )
}

pub fn document_written(file: &std::path::Path, document: &DocumentFile) -> String {
    format!(
        "wrote {} ({} bytes; {})",
        file.display(),
        document.bytes.len(),
        origin_note(document.origin, document.produced_at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_reads_like_the_spec() {
        let report = SyncReport {
            pages: 1,
            changes_applied: 1234,
            applied: Default::default(),
            counts: claimdesk_client::Counts {
                procedures: 45,
                claims: 312,
                dossiers: 9,
                installments: 40,
                documents: 12,
                payments: 0,
                ..Default::default()
            },
            duration: std::time::Duration::from_millis(812),
            synced_at: Utc::now(),
            restarted_from_scratch: false,
        };
        assert_eq!(
            sync_summary(&report),
            "synced 1234 changes in 0.8 s — 45 procedures, 312 claims, 9 dossiers, 40 instalments, \
             12 documents"
        );
        let mut with_payments = report;
        with_payments.counts.payments = 3;
        assert!(sync_summary(&with_payments).ends_with("12 documents, 3 payments"));
    }
}
