//! How a debtor may pay, and the amounts a payment may carry. The cents
//! rule is `Money`'s own: text with more than two decimals never parses.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The ways to pay the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// On the payment provider's hosted page, in the system browser.
    Card,
    /// SEPA credit transfer quoting the RF reference.
    Transfer,
    /// SEPA direct debit under a mandate.
    DirectDebit,
    /// Sent by post with the dossier reference on the back.
    Cheque,
    /// Refused: see [`PaymentError::CashRefused`].
    Cash,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::Card,
        PaymentMethod::Transfer,
        PaymentMethod::DirectDebit,
        PaymentMethod::Cheque,
        PaymentMethod::Cash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::DirectDebit => "direct_debit",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Cash => "cash",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether the agency takes payments this way.
    pub fn accepted(self) -> Result<(), PaymentError> {
        match self {
            PaymentMethod::Cash => Err(PaymentError::CashRefused),
            _ => Ok(()),
        }
    }

    /// Whether paying this way needs the network at the moment of paying
    /// (the others can be prepared offline and sent later).
    pub fn needs_network(self) -> bool {
        matches!(self, PaymentMethod::Card)
    }
}

/// Why a payment cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("the amount must be positive")]
    NotPositive,
    #[error("the amount {amount} € is more than the balance of {balance} €")]
    AboveBalance { amount: Money, balance: Money },
    #[error("nothing is due on this dossier")]
    NothingDue,
    // The FAQ's words: cash and postal cash orders are not accepted.
    #[error("payments in cash or by postal cash order are not accepted: please use another method")]
    CashRefused,
}

/// Checks a payment of `amount` against what is due: positive, and at most
/// the balance (overpaying would leave a credit to refund, which the agency
/// settles by hand, not through the app).
pub fn check_amount(amount: Money, balance: Money) -> Result<(), PaymentError> {
    if !balance.is_positive() {
        return Err(PaymentError::NothingDue);
    }
    if !amount.is_positive() {
        return Err(PaymentError::NotPositive);
    }
    if amount > balance {
        return Err(PaymentError::AboveBalance { amount, balance });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(text: &str) -> Money {
        text.parse().unwrap()
    }

    #[test]
    fn amounts_between_a_cent_and_the_balance() {
        let balance = eur("1250.50");
        assert_eq!(check_amount(eur("0.01"), balance), Ok(()));
        assert_eq!(check_amount(balance, balance), Ok(()));
        assert_eq!(
            check_amount(eur("0.00"), balance),
            Err(PaymentError::NotPositive)
        );
        assert_eq!(
            check_amount(eur("-3.00"), balance),
            Err(PaymentError::NotPositive)
        );
        let above = check_amount(eur("1250.51"), balance).unwrap_err();
        assert_eq!(
            above.to_string(),
            "the amount 1250.51 € is more than the balance of 1250.50 €"
        );
        assert_eq!(
            check_amount(eur("1.00"), Money::ZERO),
            Err(PaymentError::NothingDue)
        );
        assert_eq!(
            check_amount(eur("1.00"), eur("-5.00")),
            Err(PaymentError::NothingDue)
        );
        assert!("10.001".parse::<Money>().is_err(), "cents only");
    }

    #[test]
    fn methods() {
        for method in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(method.as_str()), Some(method));
            let wire = serde_json::to_string(&method).unwrap();
            assert_eq!(wire, format!("\"{}\"", method.as_str()));
        }
        assert_eq!(
            PaymentMethod::Cash.accepted(),
            Err(PaymentError::CashRefused)
        );
        assert!(PaymentMethod::Cheque.accepted().is_ok());
        assert!(PaymentMethod::Card.needs_network());
        assert!(!PaymentMethod::Transfer.needs_network());
        assert_eq!(PaymentMethod::parse("bitcoin"), None);
    }
}
