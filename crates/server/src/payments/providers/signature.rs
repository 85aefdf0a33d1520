//! Stripe's webhook signature scheme, which the sandbox provider speaks too:
//! `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
//! possibly with several `v1` entries (while a secret is rolled) and other
//! schemes, which are ignored. The timestamp is signed with the body, so a
//! tolerance on it bounds replays of a captured request.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header the signature travels in.
pub(crate) const HEADER: &str = "stripe-signature";
/// How far the signed timestamp may be from now, as Stripe's libraries allow.
pub(crate) const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is more than {TOLERANCE_SECS} s from now")]
    Stale,
    #[error("no signature matches the body")]
    Mismatch,
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value signing `body` at `timestamp`.
pub(crate) fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let signature = hex::encode(mac(secret, timestamp, body).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

/// Checks a `Stripe-Signature` header against the raw body.
pub(crate) fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for item in header.split(',') {
        match item.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => {
                if let Ok(bytes) = hex::decode(sig) {
                    candidates.push(bytes);
                }
            }
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(SignatureError::Malformed);
    };
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now.timestamp() - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body);
    // `verify_slice` compares in constant time.
    if candidates
        .iter()
        .any(|candidate| expected.clone().verify_slice(candidate).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    /// The documented construction, written out independently of `mac`.
    fn documented(secret: &str, t: i64, body: &[u8]) -> String {
        let mut signed_payload = format!("{t}.").into_bytes();
        signed_payload.extend_from_slice(body);
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&signed_payload);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn a_documented_signature_verifies() {
        let t = 1_700_000_000;
        let header = format!("t={t},v1={}", documented(SECRET, t, BODY));
        assert_eq!(header, header_value(SECRET, t, BODY));
        assert_eq!(verify(Some(&header), BODY, SECRET, at(t + 10)), Ok(()));
        // Another scheme alongside is ignored.
        let with_v0 =
            format!("{header},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39");
        assert_eq!(verify(Some(&with_v0), BODY, SECRET, at(t)), Ok(()));
    }

    #[test]
    fn any_of_several_v1_signatures_may_match() {
        let t = 1_700_000_000;
        let header = format!(
            "t={t},v1={},v1={}",
            documented("whsec_old", t, BODY),
            documented(SECRET, t, BODY)
        );
        assert_eq!(verify(Some(&header), BODY, SECRET, at(t)), Ok(()));
    }

    #[test]
    fn tampered_wrong_secret_stale_and_malformed_are_refused() {
        let t = 1_700_000_000;
        let header = header_value(SECRET, t, BODY);
        let tampered = br#"{"id":"evt_1","type":"checkout.session.completed "}"#;
        assert_eq!(
            verify(Some(&header), tampered, SECRET, at(t)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), BODY, "whsec_other", at(t)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), BODY, SECRET, at(t + TOLERANCE_SECS + 1)),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(Some(&header), BODY, SECRET, at(t + TOLERANCE_SECS)),
            Ok(())
        );
        assert_eq!(
            verify(None, BODY, SECRET, at(t)),
            Err(SignatureError::Missing)
        );
        let no_v1 = format!("t={t}");
        assert_eq!(
            verify(Some(&no_v1), BODY, SECRET, at(t)),
            Err(SignatureError::Malformed)
        );
        let no_t = format!("v1={}", documented(SECRET, t, BODY));
        assert_eq!(
            verify(Some(&no_t), BODY, SECRET, at(t)),
            Err(SignatureError::Malformed)
        );
    }
}
