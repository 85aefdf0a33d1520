//! Collective procedures (procédures collectives) and their deadlines.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::add_months;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProcedureKind {
    Sauvegarde,
    SauvegardeAcceleree,
    RedressementJudiciaire,
    LiquidationJudiciaire,
    LiquidationJudiciaireSimplifiee,
}

/// Where a procedure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStage {
    /// Période d'observation.
    Observation,
    /// Plan de sauvegarde or de redressement adopted.
    PlanAdopted,
    /// Liquidation under way.
    Liquidation,
    /// Clôturée.
    Closed,
}

impl ProcedureKind {
    pub const ALL: [ProcedureKind; 5] = [
        ProcedureKind::Sauvegarde,
        ProcedureKind::SauvegardeAcceleree,
        ProcedureKind::RedressementJudiciaire,
        ProcedureKind::LiquidationJudiciaire,
        ProcedureKind::LiquidationJudiciaireSimplifiee,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ProcedureKind::Sauvegarde => "Sauvegarde",
            ProcedureKind::SauvegardeAcceleree => "SauvegardeAcceleree",
            ProcedureKind::RedressementJudiciaire => "RedressementJudiciaire",
            ProcedureKind::LiquidationJudiciaire => "LiquidationJudiciaire",
            ProcedureKind::LiquidationJudiciaireSimplifiee => "LiquidationJudiciaireSimplifiee",
        }
    }

    pub fn parse(text: &str) -> Option<ProcedureKind> {
        ProcedureKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_fr(&self) -> &'static str {
        match self {
            ProcedureKind::Sauvegarde => "Sauvegarde",
            ProcedureKind::SauvegardeAcceleree => "Sauvegarde accélérée",
            ProcedureKind::RedressementJudiciaire => "Redressement judiciaire",
            ProcedureKind::LiquidationJudiciaire => "Liquidation judiciaire",
            ProcedureKind::LiquidationJudiciaireSimplifiee => "Liquidation judiciaire simplifiée",
        }
    }

    pub fn is_liquidation(&self) -> bool {
        matches!(
            self,
            ProcedureKind::LiquidationJudiciaire | ProcedureKind::LiquidationJudiciaireSimplifiee
        )
    }

    /// The stages a procedure of this kind can reach.
    pub fn allows_stage(&self, stage: ProcedureStage) -> bool {
        match stage {
            ProcedureStage::Observation | ProcedureStage::PlanAdopted => !self.is_liquidation(),
            ProcedureStage::Liquidation => self.is_liquidation(),
            ProcedureStage::Closed => true,
        }
    }
}

impl ProcedureStage {
    pub const ALL: [ProcedureStage; 4] = [
        ProcedureStage::Observation,
        ProcedureStage::PlanAdopted,
        ProcedureStage::Liquidation,
        ProcedureStage::Closed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ProcedureStage::Observation => "observation",
            ProcedureStage::PlanAdopted => "plan_adopted",
            ProcedureStage::Liquidation => "liquidation",
            ProcedureStage::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<ProcedureStage> {
        ProcedureStage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_fr(&self) -> &'static str {
        match self {
            ProcedureStage::Observation => "période d'observation",
            ProcedureStage::PlanAdopted => "plan adopté",
            ProcedureStage::Liquidation => "liquidation en cours",
            ProcedureStage::Closed => "clôturée",
        }
    }
}

/// Last day to declare a claim: two months after the BODACC publication, four
/// for a creditor established outside metropolitan France (R622-24).
pub fn declaration_deadline(
    bodacc_publication: NaiveDate,
    creditor_outside_metropole: bool,
) -> NaiveDate {
    add_months(
        bodacc_publication,
        if creditor_outside_metropole { 4 } else { 2 },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn declaration_deadline_is_two_or_four_months() {
        assert_eq!(declaration_deadline(d(2026, 3, 10), false), d(2026, 5, 10));
        assert_eq!(declaration_deadline(d(2026, 3, 10), true), d(2026, 7, 10));
        assert_eq!(declaration_deadline(d(2025, 12, 31), false), d(2026, 2, 28));
    }

    #[test]
    fn stages_fit_kinds() {
        assert!(ProcedureKind::Sauvegarde.allows_stage(ProcedureStage::PlanAdopted));
        assert!(!ProcedureKind::Sauvegarde.allows_stage(ProcedureStage::Liquidation));
        assert!(ProcedureKind::LiquidationJudiciaire.allows_stage(ProcedureStage::Liquidation));
        assert!(
            !ProcedureKind::LiquidationJudiciaireSimplifiee
                .allows_stage(ProcedureStage::PlanAdopted)
        );
        for k in ProcedureKind::ALL {
            assert_eq!(ProcedureKind::parse(k.as_str()), Some(k));
            assert!(k.allows_stage(ProcedureStage::Closed));
        }
    }
}
