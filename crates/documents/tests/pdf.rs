//! Rendered documents checked with the tools people and printers use:
//! `qpdf --check` for structure, `pdftotext` for the text a reader extracts.

mod common;

use claimdesk_documents::{
    AttestationDocument, DocumentError, Letterhead, Party, RibDocument, StatementDocument,
    attestation_pdf, rib_pdf, statement_pdf,
};
use claimdesk_domain::ident::{Bic, Iban, RfReference};
use claimdesk_domain::statement::Statement;
use common::tools::*;
use common::*;

fn dossier_rf() -> RfReference {
    RfReference::for_dossier("CD-2024-000123").unwrap()
}

#[test]
fn statement_shows_every_amount_in_french_format() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, creditor, debtor) = (letterhead(), creditor(), debtor());
    let statement = single_invoice();
    let rf = dossier_rf();
    let doc = StatementDocument {
        rf_reference: Some(&rf),
        ..statement_document(&letterhead, &creditor, &debtor, &statement)
    };
    let (path, text) = checked(dir.path(), "decompte.pdf", &statement_pdf(&doc).unwrap());
    assert_eq!(pages(&path), 1);

    assert_contains_all(
        &text,
        &[
            "Rhône Recouvrement",
            "Décompte de créance au 31/08/2024",
            // CPCE R124-4: the creditor's name and address, the basis, the
            // breakdown by nature.
            "Matériaux Saône-et-Loire SA",
            "71100 Chalon-sur-Saône",
            "Boulangerie Martin SARL",
            "Fondement de la créance",
            "Factures impayées au titre du contrat de fourniture",
            "Principal — Facture F-2024-001",
            "Intérêts au taux légal du 01/06/2024 au 30/06/2024",
            "Taux légal 2024 S2 (C. monét. fin. L313-2) · 10 000,00 € × 4,92 % × 62 j / 365 = 83,57 €",
            "Livraison du 01/04/2024 — exigible le 31/05/2024",
            "Sommes réclamées par nature (CPCE art. R124-4)",
            "Clause pénale et indemnités forfaitaires de recouvrement",
            "Aucun règlement n'a été reçu à cette date.",
            "exerce une activité de recouvrement amiable",
            "Article L111-8 du Code des procédures civiles d'exécution",
            "Référence à rappeler",
            "Page 1 / 1",
            "SAS au capital de 50 000 € — RCS Lyon 123 456 789",
        ],
    );
    assert_contains(&text, &rf.grouped());
    // Amounts right-aligned in their columns: the line's amount, then the
    // running balance, then the breakdown and the total.
    assert!(
        text.lines()
            .any(|l| l.contains("41,67 €") && l.trim_end().ends_with("10 041,67 €")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("83,57 €") && l.trim_end().ends_with("10 125,24 €"))
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("Intérêts ") && l.trim_end().ends_with("125,24 €"))
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("Total") && l.trim_end().ends_with("10 125,24 €"))
    );
    assert_eq!(printed(statement.total), "10 125,24 €");
    assert!(!text.contains("PROVISOIRE"));
}

#[test]
fn provisional_statement_says_so_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, creditor, debtor) = (letterhead(), creditor(), debtor());
    let mut statement = trade_statement(12);
    statement.provisional = true;
    let doc = statement_document(&letterhead, &creditor, &debtor, &statement);
    let (path, text) = checked(dir.path(), "provisoire.pdf", &statement_pdf(&doc).unwrap());
    let count = pages(&path);
    assert!(count > 1, "{count} page(s)");

    let page_texts: Vec<&str> = text
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len(), count);
    for page in page_texts {
        assert_contains(page, "PROVISOIRE");
        assert_contains(
            page,
            "calculé hors ligne à partir des données synchronisées, sans valeur de décompte officiel",
        );
    }
    assert_contains(&text, "Indemnité forfaitaire");
    assert_contains(&text, "Règlement reçu");
    assert_contains(&text, "Frais de mise en demeure par lettre recommandée");
    assert_contains(&text, &printed(statement.total));

    // The same statement issued by the creditor carries no banner.
    statement.provisional = false;
    let doc = statement_document(&letterhead, &creditor, &debtor, &statement);
    let path = write(dir.path(), "officiel.pdf", &statement_pdf(&doc).unwrap());
    assert!(!self::text(&path).contains("PROVISOIRE"));
}

#[test]
fn long_statement_flows_onto_numbered_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, creditor, debtor) = (letterhead(), creditor(), debtor());
    let statement = trade_statement(110);
    assert!(
        statement.lines.len() >= 300,
        "{} lines",
        statement.lines.len()
    );
    let doc = statement_document(&letterhead, &creditor, &debtor, &statement);
    let (path, text) = checked(dir.path(), "long.pdf", &statement_pdf(&doc).unwrap());
    let count = pages(&path);
    assert!(count > 1);

    let page_texts: Vec<&str> = text
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len(), count);
    for (index, page) in page_texts.iter().enumerate() {
        assert_contains(page, &format!("Page {} / {count}", index + 1));
        assert_contains(page, "Rhône Recouvrement");
    }
    assert_contains(page_texts[0], &format!("Page 1 / {count}"));
    // Every line made it, in order: each running balance appears.
    let mut rest = text.as_str();
    for line in &statement.lines {
        let balance = printed(line.balance);
        let at = rest
            .find(&balance)
            .unwrap_or_else(|| panic!("balance {balance} missing or out of order"));
        rest = &rest[at..];
    }
    assert_contains(&text, "Solde dû au 30/11/2025");
}

#[test]
fn declared_claim_statement_is_at_the_judgment_date() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, creditor, debtor) = (letterhead(), creditor(), debtor());
    let statement = declared_claim();
    let doc = statement_document(&letterhead, &creditor, &debtor, &statement);
    let (_, text) = checked(dir.path(), "declaration.pdf", &statement_pdf(&doc).unwrap());

    assert_contains_all(
        &text,
        &[
            "Décompte de créance au jour du jugement d'ouverture",
            "Jugement d'ouverture du 16/06/2025",
            "Intérêts conventionnels",
            "Clause pénale",
            "À échoir le 10/07/2025",
            "échéance du 10/12/2025",
            "Sommes à échoir (C. com. L622-25)",
            "Intérêts postérieurs au jugement (C. com. R622-23)",
            "Montant de la créance déclarée",
            "Règlements déjà reçus et déduits ci-dessus : 1 250,00 €",
        ],
    );
    assert_contains(&text, &printed(statement.total));
    assert_contains(&text, &printed(statement.breakdown.to_fall_due));
    assert!(
        !text.contains("recouvrement amiable"),
        "a declared claim is not amicable collection"
    );
}

#[test]
fn rib_shows_the_account_as_the_bank_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let letterhead = letterhead();
    let iban = Iban::parse("FR76 3000 6000 0112 3456 7890 189").unwrap();
    let bic = Bic::parse("AGRIFRPP").unwrap();
    let rf = dossier_rf();
    let doc = RibDocument {
        letterhead: &letterhead,
        holder: "RHÔNE RECOUVREMENT — COMPTE CLIENTS",
        iban: &iban,
        bic: &bic,
        bank_name: "Crédit Agricole Centre-Est, agence Lyon Part-Dieu",
        rf_reference: &rf,
        dossier_reference: "CD-2024-000123",
        produced_on: d(2025, 11, 30),
    };
    let (path, text) = checked(dir.path(), "rib.pdf", &rib_pdf(&doc).unwrap());
    assert_eq!(pages(&path), 1);

    assert_contains_all(
        &text,
        &[
            "Relevé d'identité bancaire",
            "Titulaire du compte",
            "RHÔNE RECOUVREMENT — COMPTE CLIENTS",
            "FR76 3000 6000 0112 3456 7890 189",
            "AGRIFRPP",
            "Crédit Agricole Centre-Est, agence Lyon Part-Dieu",
            "30006 00001 12345678901 89",
            "Référence à rappeler avec votre paiement",
            "CD-2024-000123",
        ],
    );
    assert_contains(&text, &rf.grouped());
    assert!(rf.grouped().starts_with("RF"));
}

fn attestation_document<'a>(
    letterhead: &'a Letterhead,
    creditor: &'a Party,
    debtor: &'a Party,
    statement: &'a Statement,
) -> AttestationDocument<'a> {
    AttestationDocument {
        letterhead,
        creditor,
        debtor,
        dossier_reference: "CD-2025-000311",
        basis: "Facture F-2025-0311 du 01/03/2025",
        statement,
        produced_on: d(2025, 11, 30),
        place: "Lyon",
    }
}

#[test]
fn attestation_certifies_a_zero_balance() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, creditor, debtor) = (letterhead(), creditor(), debtor());
    let statement = settled();
    assert!(statement.total.is_zero());
    let doc = attestation_document(&letterhead, &creditor, &debtor, &statement);
    let (_, text) = checked(
        dir.path(),
        "attestation.pdf",
        &attestation_pdf(&doc).unwrap(),
    );
    assert_contains_all(
        &text,
        &[
            "Attestation de solde",
            "atteste que Boulangerie Martin SARL (SIREN 732 829 320) s'est intégralement acquitté",
            "le solde de ce dossier est de 0,00 €",
            "2 480,00 €",
            "18/04/2025",
            "Fait à Lyon, le 30/11/2025",
            "Pour Rhône Recouvrement",
        ],
    );
}

#[test]
fn attestation_refuses_a_balance_that_is_not_zero() {
    let (letterhead, creditor, debtor) = (letterhead(), creditor(), debtor());
    let owing = single_invoice();
    let doc = attestation_document(&letterhead, &creditor, &debtor, &owing);
    match attestation_pdf(&doc) {
        Err(DocumentError::BalanceNotZero { balance }) => assert_eq!(balance, eur("10125.24")),
        other => panic!(
            "expected BalanceNotZero, got {:?}",
            other.map(|pdf| pdf.len())
        ),
    }

    let mut provisional = settled();
    provisional.provisional = true;
    let doc = AttestationDocument {
        statement: &provisional,
        ..doc
    };
    assert!(matches!(
        attestation_pdf(&doc),
        Err(DocumentError::ProvisionalStatement)
    ));
}
