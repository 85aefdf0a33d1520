//! The pay flow of a dossier: what is due, payment orders (a card payment's
//! hosted page goes to the system browser, never into the window), the
//! instructions of a transfer or a cheque with the transfer's QR code made
//! here, mandates, and the PDFs of receipts, instructions and mandates.

use std::path::PathBuf;

use claimdesk_api::payments::{
    ChequeInstructions, Due, Mandate, NewMandate, NewPayment, Payment, PaymentInstructions,
    PaymentMethod, TransferInstructions, payment_reference,
};
use claimdesk_api::records::DossierDetail;
use claimdesk_client::{DocumentFile, OrderOutcome};
use serde::Serialize;
use ts_rs::TS;

use crate::desktop::Desktop;
use crate::error::{CommandError, CommandResult};

/// When set, a card payment's hosted page is written to this file (one URL a
/// line) instead of opening the browser: for tests and automation, as
/// `CLAIMDESK_SAVE_DIR` stands in for the save dialog.
pub const BROWSER_LOG_ENV: &str = "CLAIMDESK_BROWSER_LOG";

/// What `order_payment` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PaymentOrderView {
    /// The payment as the server made it; none while the order waits.
    pub payment: Option<Payment>,
    /// The outbox item that waits with the order (offline); none once sent.
    #[ts(type = "number | null")]
    pub outbox_item: Option<i64>,
    /// How to pay: the server's once sent, else made here from the synced
    /// dossier, so a transfer prepared offline can be made at once.
    pub instructions: Option<PaymentInstructions>,
}

impl Desktop {
    pub async fn due(&self, reference: &str) -> CommandResult<Due> {
        Ok(self.client().await?.due(reference).await?)
    }

    pub async fn payments(&self, reference: &str) -> CommandResult<Vec<Payment>> {
        Ok(self.client().await?.payments(reference).await?)
    }

    /// Orders a payment; a sent card payment's hosted page is for the
    /// browser, the caller opens it.
    pub async fn order_payment(&self, order: NewPayment) -> CommandResult<PaymentOrderView> {
        let mut client = self.client().await?;
        let outcome = client.order_payment(order.clone()).await?;
        let view = match outcome {
            OrderOutcome::Sent { result, .. } => PaymentOrderView {
                instructions: result.instructions.clone(),
                payment: Some(result),
                outbox_item: None,
            },
            OrderOutcome::Queued { item } => {
                let detail = self.dossier(&order.dossier_reference).await?;
                PaymentOrderView {
                    payment: None,
                    outbox_item: Some(item.id),
                    instructions: local_instructions(&detail, &order),
                }
            }
        };
        self.announce_queue().await;
        Ok(view)
    }

    pub async fn create_mandate(
        &self,
        reference: &str,
        mandate: NewMandate,
    ) -> CommandResult<Mandate> {
        match self
            .client()
            .await?
            .create_mandate(reference, mandate)
            .await?
        {
            OrderOutcome::Sent { result, .. } => Ok(result),
            // The server went away between the check and the send: the
            // mandate goes, once, with the next pass over the outbox.
            OrderOutcome::Queued { .. } => Err(CommandError::invalid(
                "the server stopped answering: the mandate will be sent when it is back",
            )),
        }
    }

    pub async fn receipt_pdf(&self, payment_id: i64) -> CommandResult<DocumentFile> {
        Ok(self.client().await?.payment_receipt(payment_id).await?)
    }

    pub async fn transfer_instructions_pdf(&self, payment_id: i64) -> CommandResult<DocumentFile> {
        Ok(self
            .client()
            .await?
            .transfer_instructions_pdf(payment_id)
            .await?)
    }

    pub async fn mandate_pdf(&self, mandate_id: i64) -> CommandResult<DocumentFile> {
        Ok(self.client().await?.mandate_pdf(mandate_id).await?)
    }
}

/// The instructions of an order that waits: the same the server will give,
/// from the dossier's synced RIB and letterhead.
fn local_instructions(detail: &DossierDetail, order: &NewPayment) -> Option<PaymentInstructions> {
    let dossier = &detail.dossier;
    let reference = payment_reference(&dossier.reference, &order.installments).ok()?;
    match order.method {
        PaymentMethod::Transfer => {
            TransferInstructions::new(&dossier.rib, order.amount, &reference)
                .ok()
                .map(PaymentInstructions::Transfer)
        }
        PaymentMethod::Cheque => Some(PaymentInstructions::Cheque(ChequeInstructions::new(
            &dossier.servicer,
            order.amount,
            &dossier.reference,
        ))),
        _ => None,
    }
}

/// The EPC QR code of a transfer as SVG markup.
pub fn transfer_qr_svg(payload: &str) -> CommandResult<String> {
    claimdesk_documents::qr::epc_qr_svg(payload)
        .map_err(|e| CommandError::invalid(format!("cannot draw the QR code: {e}")))
}

/// Where a card payment's hosted page goes instead of the browser, if set.
pub fn browser_log() -> Option<PathBuf> {
    std::env::var_os(BROWSER_LOG_ENV)
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
}

/// Only a web page may be opened from a payment: never a file or a program.
pub fn checkout_url(payment: &Payment) -> CommandResult<&str> {
    let url = payment
        .checkout_url
        .as_deref()
        .ok_or_else(|| CommandError::invalid("the payment has no payment page"))?;
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        Err(CommandError::invalid(
            "the payment page is not a web address",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_svg_markup() {
        let svg =
            transfer_qr_svg("BCD\n002\n1\nSCT\n\nX\nFR7630006000011234567890189\nEUR1.00").unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }
}
