//! What a claim is in a collective procedure.

use serde::{Deserialize, Serialize};

/// Rank of a claim: what secures it decides when it is paid in a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClaimNature {
    /// Privilège général (e.g. Trésor, URSSAF) or spécial.
    Privileged,
    /// Sûreté réelle: hypothèque, nantissement, gage.
    Secured,
    /// Chirographaire.
    Unsecured,
}

/// The juge-commissaire's decision on a declared claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AdmissionStatus {
    Pending,
    Admitted,
    PartlyAdmitted,
    Rejected,
    Disputed,
}

impl ClaimNature {
    pub const ALL: [ClaimNature; 3] = [
        ClaimNature::Privileged,
        ClaimNature::Secured,
        ClaimNature::Unsecured,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ClaimNature::Privileged => "privileged",
            ClaimNature::Secured => "secured",
            ClaimNature::Unsecured => "unsecured",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimNature> {
        ClaimNature::ALL.into_iter().find(|n| n.as_str() == text)
    }

    pub fn label_fr(&self) -> &'static str {
        match self {
            ClaimNature::Privileged => "privilégiée",
            ClaimNature::Secured => "garantie par une sûreté",
            ClaimNature::Unsecured => "chirographaire",
        }
    }
}

impl AdmissionStatus {
    pub const ALL: [AdmissionStatus; 5] = [
        AdmissionStatus::Pending,
        AdmissionStatus::Admitted,
        AdmissionStatus::PartlyAdmitted,
        AdmissionStatus::Rejected,
        AdmissionStatus::Disputed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AdmissionStatus::Pending => "pending",
            AdmissionStatus::Admitted => "admitted",
            AdmissionStatus::PartlyAdmitted => "partly_admitted",
            AdmissionStatus::Rejected => "rejected",
            AdmissionStatus::Disputed => "disputed",
        }
    }

    pub fn parse(text: &str) -> Option<AdmissionStatus> {
        AdmissionStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    pub fn label_fr(&self) -> &'static str {
        match self {
            AdmissionStatus::Pending => "en attente",
            AdmissionStatus::Admitted => "admise",
            AdmissionStatus::PartlyAdmitted => "admise partiellement",
            AdmissionStatus::Rejected => "rejetée",
            AdmissionStatus::Disputed => "contestée",
        }
    }

    /// Whether the juge-commissaire has decided (a decision date is then expected).
    pub fn is_decided(&self) -> bool {
        !matches!(self, AdmissionStatus::Pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in AdmissionStatus::ALL {
            assert_eq!(AdmissionStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for n in ClaimNature::ALL {
            assert_eq!(ClaimNature::parse(n.as_str()), Some(n));
        }
        assert_eq!(AdmissionStatus::parse("maybe"), None);
    }
}
