//! Statements, RIBs and attestations de solde through the API: content types,
//! file names, dates, and PDFs checked with qpdf and pdftotext.

mod common;

use axum::http::{StatusCode, header};
use claimdesk_api::routes::{self, path};
use claimdesk_server::demo;
use common::pdf::{pdf_text, plain_spaces};
use common::{Harness, Reply};
use serde_json::Value;

fn assert_pdf(reply: &Reply, filename: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{filename}\"").as_str()
    );
    assert!(reply.bytes.starts_with(b"%PDF-"));
}

/// The French form of a wire amount, as pdftotext prints `Money::to_french`.
fn french(amount: &Value) -> String {
    let money: claimdesk_domain::Money = amount.as_str().unwrap().parse().unwrap();
    plain_spaces(&money.to_french())
}

async fn dossiers(h: &Harness, token: &str) -> Vec<Value> {
    h.get(routes::DOSSIERS, token)
        .await
        .body
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debtor_gets_statements_ribs_and_the_attestation_of_a_settled_dossier() {
    let h = Harness::demo().await;
    let t = h.token(demo::DEBTORS[0]).await;
    let dir = tempfile::tempdir().unwrap();
    let all = dossiers(&h, &t).await;
    let settled = all
        .iter()
        .find(|d| d["balance"] == "0.00")
        .expect("a settled demo dossier");
    let owing = all
        .iter()
        .find(|d| d["procedure_id"].is_i64())
        .expect("a dossier in a procedure");
    let reference = owing["reference"].as_str().unwrap();
    let today = h.clock_now().date_naive();

    // JSON at today by default, lines adding up to the total.
    let json = h.get(&path(routes::DOSSIER_STATEMENT, reference), &t).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    assert_eq!(json.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(json.body["as_of"], today.to_string());
    let lines = json.body["lines"].as_array().unwrap();
    let sum: claimdesk_domain::Money = lines
        .iter()
        .map(|l| {
            l["amount"]
                .as_str()
                .unwrap()
                .parse::<claimdesk_domain::Money>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum.to_string(), json.body["total"].as_str().unwrap());
    assert!(
        lines
            .iter()
            .all(|l| !l["explanation"]["rule"].as_str().unwrap().is_empty())
    );

    // At another date.
    let earlier = format!(
        "{}?date=2023-01-31",
        path(routes::DOSSIER_STATEMENT, reference)
    );
    let at = h.get(&earlier, &t).await;
    assert_eq!(at.body["as_of"], "2023-01-31");
    assert!(
        at.body["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["date"].as_str().unwrap() <= "2023-01-31")
    );

    // The same statement as a PDF.
    let pdf = h
        .get(
            &format!("{}?format=pdf", path(routes::DOSSIER_STATEMENT, reference)),
            &t,
        )
        .await;
    assert_pdf(&pdf, &format!("decompte-{reference}-{today}.pdf"));
    let text = pdf_text(&pdf.bytes, dir.path(), "statement.pdf");
    assert!(text.contains("Décompte"), "{text}");
    assert!(text.contains(reference));
    assert!(
        text.contains(&french(&json.body["total"])),
        "total {} in\n{text}",
        french(&json.body["total"])
    );
    assert!(text.contains(owing["creditor"].as_str().unwrap()));

    // The RIB, as JSON and PDF.
    let rib = h.get(&path(routes::DOSSIER_RIB, reference), &t).await;
    assert_eq!(rib.body["dossier_reference"], reference);
    let iban = rib.body["iban"].as_str().unwrap();
    let grouped: String = iban
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let rib_pdf = h
        .get(
            &format!("{}?format=pdf", path(routes::DOSSIER_RIB, reference)),
            &t,
        )
        .await;
    assert_pdf(&rib_pdf, &format!("rib-{reference}.pdf"));
    let text = pdf_text(&rib_pdf.bytes, dir.path(), "rib.pdf");
    assert!(text.contains(&grouped), "{grouped} in\n{text}");
    assert!(text.contains(rib.body["holder"].as_str().unwrap()));
    assert!(text.contains(rib.body["bic"].as_str().unwrap()));

    // No attestation while something is owed; one once settled.
    let refused = h
        .get(&path(routes::DOSSIER_ATTESTATION, reference), &t)
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "balance_not_zero");
    let settled_ref = settled["reference"].as_str().unwrap();
    let attestation = h
        .get(&path(routes::DOSSIER_ATTESTATION, settled_ref), &t)
        .await;
    assert_pdf(
        &attestation,
        &format!("attestation-solde-{settled_ref}.pdf"),
    );
    let text = pdf_text(&attestation.bytes, dir.path(), "attestation.pdf");
    assert!(text.contains(settled_ref));
    assert!(text.to_lowercase().contains("attestation"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_is_stated_as_declared_at_the_judgment_date() {
    let h = Harness::demo().await;
    let t = h.token(demo::ETUDE_USER).await;
    let procedures = h.get(routes::PROCEDURES, &t).await.body;
    let procedure = &procedures.as_array().unwrap()[0];
    let claims = h
        .get(
            &path(routes::PROCEDURE_CLAIMS, procedure["id"].as_i64().unwrap()),
            &t,
        )
        .await
        .body;
    let claim = claims
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["declared"]["to_fall_due"] != "0.00")
        .unwrap_or(&claims[0])
        .clone();
    let id = claim["id"].as_i64().unwrap();

    let declared = h.get(&path(routes::CLAIM_STATEMENT, id), &t).await;
    assert_eq!(declared.status, StatusCode::OK, "{}", declared.text);
    assert_eq!(declared.body["as_of"], procedure["judgment_date"]);
    assert_eq!(declared.body["declared_claim"], true);
    for part in ["principal", "interest", "penalties", "fees", "to_fall_due"] {
        assert_eq!(
            declared.body["breakdown"][part], claim["declared"][part],
            "{part}"
        );
    }
    assert_eq!(declared.body["total"], claim["declared"]["total"]);

    let later = h
        .get(
            &format!("{}?date=2026-01-15", path(routes::CLAIM_STATEMENT, id)),
            &t,
        )
        .await;
    assert_eq!(later.body["declared_claim"], false);
    assert_eq!(later.body["as_of"], "2026-01-15");

    let pdf = h
        .get(
            &format!("{}?format=pdf", path(routes::CLAIM_STATEMENT, id)),
            &t,
        )
        .await;
    assert_pdf(
        &pdf,
        &format!(
            "decompte-creance-{id}-{}-{}.pdf",
            claim["dossier_reference"].as_str().unwrap(),
            procedure["judgment_date"].as_str().unwrap()
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let text = pdf_text(&pdf.bytes, dir.path(), "claim.pdf");
    assert!(
        text.contains(&french(&claim["declared"]["total"])),
        "{text}"
    );

    // The RIB a mandataire pays dividends into.
    let rib = h.get(&path(routes::CLAIM_RIB, id), &t).await;
    assert_eq!(rib.status, StatusCode::OK);
    assert_eq!(rib.body["dossier_reference"], claim["dossier_reference"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_dates_and_formats_are_refused_clearly() {
    let h = Harness::demo().await;
    let t = h.token(demo::DEBTORS[0]).await;
    let reference = dossiers(&h, &t).await[0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = path(routes::DOSSIER_STATEMENT, &reference);
    for query in [
        "date=2026-02-30",
        "date=yesterday",
        "format=docx",
        "colour=red",
    ] {
        let reply = h.get(&format!("{base}?{query}"), &t).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            reply.text
        );
        assert_eq!(reply.code(), "bad_request");
    }
    // Before the legal-rate table: no statement can be computed, and it says why.
    let supply = dossiers(&h, &t)
        .await
        .into_iter()
        .find(|d| d["ledger"]["terms"]["interest"]["kind"] == "legal")
        .expect("a dossier at the legal rate");
    let reference = supply["reference"].as_str().unwrap();
    let reply = h
        .get(
            &format!(
                "{}?date=2014-06-30",
                path(routes::DOSSIER_STATEMENT, reference)
            ),
            &t,
        )
        .await;
    // Nothing was due yet in 2014: an empty statement, not an error.
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["total"], "0.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procedures_show_their_deadlines() {
    use claimdesk_api::records::Procedure;
    use claimdesk_domain::calendar::add_months;
    let h = Harness::demo().await;
    let t = h.token(demo::ETUDE_USER).await;
    let procedures: Vec<Procedure> =
        serde_json::from_value(h.get(routes::PROCEDURES, &t).await.body).unwrap();
    let mut objections = 0;
    let mut plans = 0;
    for p in &procedures {
        let bodacc = p.bodacc_date.expect("demo procedures are published");
        assert_eq!(p.deadlines.declaration, p.declaration_deadline);
        assert_eq!(
            p.deadlines.declaration_outside_metropole,
            Some(add_months(bodacc, 4))
        );
        assert_eq!(
            p.deadlines.relief_from_foreclosure,
            Some(add_months(bodacc, 6))
        );
        if let Some(objection) = p.deadlines.claims_list_objection {
            objections += 1;
            assert!(objection > add_months(bodacc, 6));
        }
        if let Some(latest) = p.deadlines.latest_plan_end {
            plans += 1;
            assert!(p.plan_end_date.is_some_and(|end| end <= latest), "{p:?}");
        }
    }
    assert!(
        objections > 0 && plans > 0,
        "{objections} objections, {plans} plans"
    );
}
