//! `due`, `pay`, `mandate`, `dividend`, `payments` and `receipt`: paying a
//! dossier, and the dividends a mandataire pays on a claim.

use std::path::Path;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use claimdesk_api::payments::{
    Due, NewDividend, NewMandate, NewPayment, Payment, PaymentInstructions, PaymentMethod,
};
use claimdesk_api::records::InstallmentStatus;
use claimdesk_client::{Claimdesk, OrderOutcome, OutboxItem};
use claimdesk_domain::calendar::french_date;
use claimdesk_domain::ident::Iban;
use claimdesk_domain::money::Money;

use crate::render::table;

/// `--method`: the short names, and the wire's.
pub fn parse_method(text: &str) -> Result<PaymentMethod, String> {
    match text {
        "debit" => Ok(PaymentMethod::DirectDebit),
        other => PaymentMethod::parse(other)
            .ok_or_else(|| "one of: card, transfer, debit, cheque".to_owned()),
    }
}

pub fn parse_money(text: &str) -> Result<Money, String> {
    text.trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("{text:?} is not an amount in euros with at most two decimals"))
}

pub async fn due(desk: &Claimdesk, reference: &str, json: bool) -> anyhow::Result<()> {
    let due = desk.due(reference).await?;
    if json {
        return crate::print_json(&due);
    }
    println!("{}", render_due(&due));
    Ok(())
}

fn render_due(due: &Due) -> String {
    let mut out = String::new();
    if due.installments.is_empty() {
        out.push_str("no payment plan\n");
    } else {
        let t = crate::render::schedule(&due.installments);
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&format!("overdue  {}\n", due.overdue.to_french()));
    out.push_str(&format!("balance  {}\n", due.balance.to_french()));
    out.push_str(&format!("pending  {}", due.pending.to_french()));
    out
}

pub struct PayArgs<'a> {
    pub reference: &'a str,
    pub amount: Money,
    pub method: PaymentMethod,
    pub installments: Vec<u32>,
    pub qr: Option<&'a Path>,
    pub pdf: Option<&'a Path>,
    pub json: bool,
}

pub async fn pay(desk: &mut Claimdesk, args: PayArgs<'_>) -> anyhow::Result<()> {
    let order = NewPayment {
        dossier_reference: args.reference.to_owned(),
        amount: args.amount,
        method: args.method,
        installments: args.installments,
    };
    let payment = match desk.order_payment(order).await? {
        OrderOutcome::Sent { result, .. } => result,
        OrderOutcome::Queued { item } => {
            if args.json {
                crate::print_json(&OrderOutcome::<Payment>::Queued { item })?;
            } else {
                println!("{}", queued(&item));
            }
            if args.qr.is_some() || args.pdf.is_some() {
                eprintln!(
                    "the QR code and the PDF come with the server's answer: run `claimdesk outbox` once online, then `claimdesk payments`"
                );
            }
            return Ok(());
        }
    };
    if let Some(file) = args.qr {
        let png = desk.transfer_qr_png(payment.id).await?;
        std::fs::write(file, png).with_context(|| format!("cannot write {}", file.display()))?;
        eprintln!("QR code written to {}", file.display());
    }
    if let Some(file) = args.pdf {
        let document = desk.transfer_instructions_pdf(payment.id).await?;
        crate::write_document(file, &document)?;
    }
    if args.json {
        return crate::print_json(&payment);
    }
    println!("{}", render_payment(&payment));
    Ok(())
}

pub(crate) fn queued(item: &OutboxItem) -> String {
    let why = item
        .last_error
        .as_ref()
        .map(|e| format!(" ({})", e.message))
        .unwrap_or_default();
    format!(
        "queued in the outbox as item {}{why}: it is sent, once, with the next `claimdesk outbox` \
         or when the server can be reached",
        item.id
    )
}

fn render_payment(p: &Payment) -> String {
    let mut out = format!(
        "payment {} — {} {} — {}\n",
        p.id,
        p.method.as_str(),
        p.amount.to_french(),
        p.status.as_str()
    );
    if let Some(url) = &p.checkout_url {
        out.push_str(&format!("pay on the card page: {url}\n"));
    }
    match &p.instructions {
        Some(PaymentInstructions::Transfer(t)) => {
            let iban = Iban::parse(&t.iban)
                .map(|i| i.grouped())
                .unwrap_or_else(|_| t.iban.clone());
            out.push_str(&format!("holder     {}\n", t.holder));
            out.push_str(&format!("IBAN       {iban}\n"));
            out.push_str(&format!("BIC        {}\n", t.bic));
            out.push_str(&format!("bank       {}\n", t.bank_name));
            out.push_str(&format!("amount     {}\n", t.amount.to_french()));
            out.push_str(&format!("reference  {}\n", t.reference));
        }
        Some(PaymentInstructions::Cheque(c)) => {
            out.push_str(&format!("payee      {}\n", c.payee));
            out.push_str(&format!("send to    {}\n", c.address));
            out.push_str(&format!("amount     {}\n", c.amount.to_french()));
            out.push_str(&format!("on the back: {}\n", c.reference));
        }
        Some(PaymentInstructions::DirectDebit(d)) => {
            out.push_str(&format!("mandate    {}\n", d.mandate_reference));
            out.push_str(&format!("creditor   {}\n", d.creditor_identifier));
            out.push_str(&format!("collected  {}\n", french_date(d.collection_date)));
        }
        None => {}
    }
    if let Some(reason) = &p.failure_reason {
        out.push_str(&format!("failed: {reason}\n"));
    }
    out.trim_end().to_owned()
}

pub struct MandateArgs<'a> {
    pub reference: &'a str,
    pub iban: String,
    pub holder: String,
    pub day: u8,
    pub amount: Option<Money>,
    pub bic: Option<String>,
    pub password: Option<String>,
    pub pdf: Option<&'a Path>,
    pub json: bool,
}

pub async fn mandate(desk: &mut Claimdesk, args: MandateArgs<'_>) -> anyhow::Result<()> {
    let amount = match args.amount {
        Some(amount) => amount,
        None => default_debit(&desk.due(args.reference).await?)?,
    };
    let request = NewMandate {
        holder: args.holder,
        iban: args.iban,
        bic: args.bic,
        day: args.day,
        amount,
        password: args.password,
    };
    let mandate = match desk.create_mandate(args.reference, request).await? {
        OrderOutcome::Sent { result, .. } => result,
        OrderOutcome::Queued { item } => {
            bail!(
                "the server did not answer: {} (run `claimdesk outbox` to learn the outcome)",
                queued(&item)
            )
        }
    };
    if let Some(file) = args.pdf {
        let document = desk.mandate_pdf(mandate.id).await?;
        crate::write_document(file, &document)?;
    }
    if args.json {
        return crate::print_json(&mandate);
    }
    println!("mandate {} — UMR {}", mandate.id, mandate.reference);
    println!(
        "creditor   {} ({})",
        mandate.creditor_name, mandate.creditor_identifier
    );
    println!("account    {} {}", mandate.holder, mandate.iban_masked);
    println!(
        "collected  {} on day {} of each month",
        mandate.amount.to_french(),
        mandate.day
    );
    Ok(())
}

/// Without `--amount`: the next unpaid instalment, else what remains due.
fn default_debit(due: &Due) -> anyhow::Result<Money> {
    let next = due
        .installments
        .iter()
        .find(|i| i.status != InstallmentStatus::Paid)
        .map(|i| i.amount - i.paid);
    match next.filter(Money::is_positive).or(Some(due.balance)) {
        Some(amount) if amount.is_positive() => Ok(amount),
        _ => bail!(
            "nothing is due on {}: no mandate to set up",
            due.dossier_reference
        ),
    }
}

pub async fn dividend(
    desk: &mut Claimdesk,
    claim_id: i64,
    amount: Money,
    date: NaiveDate,
    reference: String,
    json: bool,
) -> anyhow::Result<()> {
    let outcome = desk
        .record_dividend(
            claim_id,
            NewDividend {
                amount,
                date,
                reference,
            },
        )
        .await?;
    if json {
        return crate::print_json(&outcome);
    }
    match outcome {
        OrderOutcome::Sent { result: d, .. } => println!(
            "dividend {} of {} paid on {} recorded on claim {} ({}): {} still due",
            d.id,
            d.amount.to_french(),
            french_date(d.date),
            d.claim_id,
            d.dossier_reference,
            d.claim_balance.to_french()
        ),
        OrderOutcome::Queued { item } => println!("{}", queued(&item)),
    }
    Ok(())
}

pub async fn payments(desk: &Claimdesk, reference: &str, json: bool) -> anyhow::Result<()> {
    let list = desk.payments(reference).await?;
    if json {
        return crate::print_json(&list);
    }
    if list.is_empty() {
        println!("no payment");
        return Ok(());
    }
    let mut t = table(
        &[
            "id",
            "ordered",
            "method",
            "amount",
            "status",
            "paid on",
            "reference",
        ],
        &[0, 3],
    );
    for p in &list {
        t.add_row(vec![
            p.id.to_string(),
            french_date(p.created_at.date_naive()),
            p.method.as_str().to_owned(),
            p.amount.to_french(),
            p.status.as_str().to_owned(),
            p.paid_on.map(french_date).unwrap_or_else(|| "—".into()),
            p.reference.clone(),
        ]);
    }
    println!("{t}");
    Ok(())
}

pub async fn receipt(desk: &mut Claimdesk, id: i64, output: &Path) -> anyhow::Result<()> {
    let document = desk.payment_receipt(id).await?;
    crate::write_document(output, &document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_amounts_as_typed() {
        assert_eq!(parse_method("debit"), Ok(PaymentMethod::DirectDebit));
        assert_eq!(parse_method("direct_debit"), Ok(PaymentMethod::DirectDebit));
        assert_eq!(parse_method("cash"), Ok(PaymentMethod::Cash));
        assert!(parse_method("bitcoin").is_err());
        assert_eq!(parse_money("120,50"), Ok("120.50".parse().unwrap()));
        assert!(parse_money("1.234").is_err());
    }
}
