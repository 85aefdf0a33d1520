//! The payment documents read back by real tools: the EPC QR code decoded by
//! `zbarimg` from its PNG and from the printed page (`pdftoppm`), the PDFs
//! checked by `qpdf --check` and read by `pdftotext`.

mod common;

use chrono::{TimeZone, Utc};
use claimdesk_documents::{
    ChequeDocument, DocumentError, Letterhead, MandateDocument, ReceiptDocument, TransferDocument,
    cheque_pdf, epc_qr_png, epc_qr_svg, mandate_pdf, receipt_pdf, transfer_pdf,
};
use claimdesk_domain::epc_qr::{EpcTransfer, Remittance};
use claimdesk_domain::ident::{Bic, CreditorId, Iban, MandateReference, RfReference};
use claimdesk_domain::payment::PaymentMethod;
use common::tools::*;
use common::*;

const DOSSIER: &str = "CD-2024-000123";
const HOLDER: &str = "Rhône Recouvrement — Compte clients";
const BANK: &str = "Crédit Agricole Centre-Est, agence Lyon Part-Dieu";

fn iban() -> Iban {
    Iban::parse("FR76 3000 6000 0112 3456 7890 189").unwrap()
}

fn bic() -> Bic {
    Bic::parse("AGRIFRPPXXX").unwrap()
}

fn rf() -> RfReference {
    RfReference::for_dossier(DOSSIER).unwrap()
}

/// The servicing entity's account, the amount and the dossier's reference,
/// as the server puts them in a transfer order.
fn epc_transfer() -> EpcTransfer {
    EpcTransfer {
        bic: Some(bic()),
        name: HOLDER.into(),
        iban: iban(),
        amount: Some(eur("1250.50")),
        purpose: None,
        remittance: Some(Remittance::Reference(rf())),
        info: Some(format!("Dossier {DOSSIER}")),
    }
}

/// The payload's twelve elements checked one by one against EPC069-12.
fn assert_epc_fields(decoded: &str) {
    let lines: Vec<&str> = decoded.split('\n').collect();
    assert_eq!(lines.len(), 12, "{decoded:?}");
    assert_eq!(lines[0], "BCD", "service tag");
    assert_eq!(lines[1], "002", "version");
    assert_eq!(lines[2], "1", "character set: UTF-8");
    assert_eq!(lines[3], "SCT", "identification: SEPA credit transfer");
    assert_eq!(lines[4], "AGRIFRPPXXX", "BIC");
    assert_eq!(lines[5], HOLDER, "beneficiary's name, accents kept");
    assert_eq!(lines[6], "FR7630006000011234567890189", "IBAN");
    assert_eq!(lines[7], "EUR1250.50", "amount");
    assert_eq!(lines[8], "", "purpose");
    let reference = RfReference::parse(lines[9]).expect("a valid RF reference");
    assert_eq!(reference, rf());
    assert_eq!(lines[10], "", "no text beside a structured reference");
    assert_eq!(lines[11], format!("Dossier {DOSSIER}"), "information");
}

#[test]
fn the_qr_code_png_decodes_to_the_payload_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let payload = epc_transfer().payload().unwrap();
    let path = dir.path().join("epc.png");
    std::fs::write(&path, epc_qr_png(&payload).unwrap()).unwrap();

    let decoded = read_qr(&path);
    assert_eq!(decoded, payload);
    assert_epc_fields(&decoded);
}

#[test]
fn the_qr_code_svg_is_drawn_for_the_same_payload() {
    let payload = epc_transfer().payload().unwrap();
    let svg = epc_qr_svg(&payload).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("<path") || svg.contains("<rect"), "{svg}");
}

fn transfer_document<'a>(
    letterhead: &'a Letterhead,
    iban: &'a Iban,
    bic: &'a Bic,
    rf: &'a RfReference,
    payload: &'a str,
) -> TransferDocument<'a> {
    TransferDocument {
        letterhead,
        holder: HOLDER,
        iban,
        bic: Some(bic),
        bank_name: BANK,
        amount: eur("1250.50"),
        rf_reference: rf,
        dossier_reference: DOSSIER,
        epc_payload: payload,
        produced_on: d(2026, 11, 21),
    }
}

#[test]
fn transfer_instructions_print_the_account_and_a_readable_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, iban, bic, rf) = (letterhead(), iban(), bic(), rf());
    let payload = epc_transfer().payload().unwrap();
    let doc = transfer_document(&letterhead, &iban, &bic, &rf, &payload);
    let (path, text) = checked(dir.path(), "virement.pdf", &transfer_pdf(&doc).unwrap());
    assert_eq!(pages(&path), 1);
    assert_contains_all(
        &text,
        &[
            "Rhône Recouvrement",
            "12 quai Saint-Antoine",
            "Instructions de virement",
            HOLDER,
            "FR76 3000 6000 0112 3456 7890 189",
            "AGRIFRPPXXX",
            BANK,
            &printed(eur("1250.50")),
            &rf.grouped(),
            DOSSIER,
            "Recopiez la référence exactement",
            "application bancaire",
        ],
    );
    assert_contains(&text, "1 250,50 €");

    // The code as a printer or a screen shows it, read off the page.
    let page = render_first_page(&path, 150);
    let decoded = read_qr(&page);
    assert_eq!(decoded, payload);
    assert_epc_fields(&decoded);
}

#[test]
fn transfer_instructions_refuse_a_payload_too_long_for_a_code_and_a_zero_amount() {
    let (letterhead, iban, bic, rf) = (letterhead(), iban(), bic(), rf());
    let payload = "x".repeat(4000);
    let doc = transfer_document(&letterhead, &iban, &bic, &rf, &payload);
    assert!(matches!(transfer_pdf(&doc), Err(DocumentError::Qr(_))));
    let good = epc_transfer().payload().unwrap();
    let doc = TransferDocument {
        amount: eur("0.00"),
        ..transfer_document(&letterhead, &iban, &bic, &rf, &good)
    };
    assert!(matches!(transfer_pdf(&doc), Err(DocumentError::Invalid(_))));
}

#[test]
fn cheque_instructions_name_the_payee_address_and_reference() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, rf) = (letterhead(), rf());
    let address = vec![
        "Rhône Recouvrement — Service encaissements".to_owned(),
        "BP 4021".to_owned(),
        "69241 Lyon Cedex 02".to_owned(),
    ];
    let doc = ChequeDocument {
        letterhead: &letterhead,
        payee: "Rhône Recouvrement",
        address: &address,
        amount: eur("312.40"),
        reference: &rf.grouped(),
        dossier_reference: DOSSIER,
        produced_on: d(2026, 11, 21),
    };
    let (_, text) = checked(dir.path(), "cheque.pdf", &cheque_pdf(&doc).unwrap());
    assert_contains_all(
        &text,
        &[
            "Règlement par chèque",
            "À l'ordre de",
            "BP 4021",
            "69241 Lyon Cedex 02",
            &printed(eur("312.40")),
            &rf.grouped(),
            "espèces",
        ],
    );
}

fn mandate_document<'a>(
    letterhead: &'a Letterhead,
    reference: &'a MandateReference,
    ics: &'a CreditorId,
    address: &'a [String],
    iban: &'a Iban,
) -> MandateDocument<'a> {
    MandateDocument {
        letterhead,
        reference,
        creditor_identifier: ics,
        creditor_name: "Rhône Recouvrement",
        creditor_address: address,
        holder: "Boulangerie Martin SARL",
        iban,
        bic: None,
        day: 5,
        amount: eur("1250.00"),
        dossier_reference: DOSSIER,
        signed_at: Utc.with_ymd_and_hms(2026, 11, 21, 15, 10, 0).unwrap(),
        revoked_at: None,
    }
}

#[test]
fn the_mandate_carries_every_element_the_rulebook_asks_for() {
    let dir = tempfile::tempdir().unwrap();
    let letterhead = letterhead();
    let reference = MandateReference::for_dossier(DOSSIER, 2).unwrap();
    let ics = CreditorId::parse("FR72ZZZ123456").unwrap();
    let address = letterhead.address.clone();
    let debtor_iban = Iban::parse("FR14 2004 1010 0505 0001 3M02 606").unwrap();
    let debtor_bic = Bic::parse("PSSTFRPPLYO").unwrap();
    let doc = MandateDocument {
        bic: Some(&debtor_bic),
        ..mandate_document(&letterhead, &reference, &ics, &address, &debtor_iban)
    };
    let (path, text) = checked(dir.path(), "mandat.pdf", &mandate_pdf(&doc).unwrap());
    assert_eq!(pages(&path), 1);
    assert_contains_all(
        &text,
        &[
            "Mandat de prélèvement SEPA",
            "Référence unique du mandat (RUM)",
            "CD2024000123-M002",
            "Identifiant créancier SEPA (ICS)",
            "FR72ZZZ123456",
            "Boulangerie Martin SARL",
            // In full: the mandate is the debtor's own document.
            "FR14 2004 1010 0505 0001 3M02 606",
            "PSSTFRPPLYO",
            "Rhône Recouvrement",
            "12 quai Saint-Antoine, 69002 Lyon",
            "En signant ce formulaire de mandat, vous autorisez (A) Rhône Recouvrement à envoyer des \
             instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter votre \
             compte conformément aux instructions de Rhône Recouvrement.",
            "Vous bénéficiez du droit d'être remboursé par votre banque selon les conditions décrites \
             dans la convention que vous avez passée avec elle.",
            "dans les 8 semaines suivant la date de débit de votre compte",
            "Paiement récurrent",
            "Le 5 de chaque mois",
            &printed(eur("1250.00")),
            "Signature électronique",
            "21/11/2026 à 15:10 UTC",
            DOSSIER,
        ],
    );
    assert!(!text.contains("révoqué"), "an active mandate");

    let revoked = MandateDocument {
        revoked_at: Some(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap()),
        ..doc
    };
    let (_, text) = checked(dir.path(), "revoque.pdf", &mandate_pdf(&revoked).unwrap());
    assert_contains(&text, "Mandat révoqué le 02/12/2026");
}

#[test]
fn a_mandate_outside_days_1_to_28_or_without_amount_is_refused() {
    let letterhead = letterhead();
    let reference = MandateReference::for_dossier(DOSSIER, 1).unwrap();
    let ics = CreditorId::parse("FR72ZZZ123456").unwrap();
    let iban = iban();
    let base = mandate_document(&letterhead, &reference, &ics, &[], &iban);
    for doc in [
        MandateDocument { day: 29, ..base },
        MandateDocument { day: 0, ..base },
        MandateDocument {
            amount: eur("0.00"),
            ..base
        },
        MandateDocument {
            holder: "  ",
            ..base
        },
    ] {
        assert!(matches!(mandate_pdf(&doc), Err(DocumentError::Invalid(_))));
    }
    assert!(mandate_pdf(&base).is_ok());
}

#[test]
fn the_receipt_shows_amounts_in_french_format() {
    let dir = tempfile::tempdir().unwrap();
    let (letterhead, payer, rf) = (letterhead(), debtor(), rf());
    let doc = ReceiptDocument {
        letterhead: &letterhead,
        dossier_reference: DOSSIER,
        payer: &payer,
        payment_id: 42,
        method: PaymentMethod::Transfer,
        amount: eur("1250.50"),
        received_on: d(2026, 11, 19),
        rf_reference: &rf,
        remaining_balance: eur("8874.74"),
        produced_on: d(2026, 11, 21),
    };
    let (path, text) = checked(dir.path(), "recu.pdf", &receipt_pdf(&doc).unwrap());
    assert_eq!(pages(&path), 1);
    assert_contains_all(
        &text,
        &[
            "Reçu de paiement",
            "Boulangerie Martin SARL",
            "18 avenue Jean Jaurès",
            "Montant reçu",
            "1 250,50 €",
            "19/11/2026",
            "Virement SEPA",
            &rf.grouped(),
            "P-000042",
            "Reste dû après ce paiement",
            "8 874,74 €",
            DOSSIER,
        ],
    );

    let settled = ReceiptDocument {
        method: PaymentMethod::Card,
        remaining_balance: eur("0.00"),
        ..doc
    };
    let (_, text) = checked(dir.path(), "solde.pdf", &receipt_pdf(&settled).unwrap());
    assert_contains_all(
        &text,
        &["Carte bancaire", "ne présente plus de solde dû", "0,00 €"],
    );
}
