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

/// Last day to ask the juge-commissaire for relief from foreclosure (relevé de
/// forclusion): six months after the publication of the opening judgment in
/// the BODACC (Code de commerce L622-26, third paragraph). The one-year
/// extension for a creditor who could not have known of its claim is not
/// covered here: it depends on facts the procedure does not hold.
pub fn relief_from_foreclosure_deadline(bodacc_publication: NaiveDate) -> NaiveDate {
    add_months(bodacc_publication, 6)
}

/// Last day to object (réclamation) to the list of claims: one month after
/// its publication (Code de commerce R624-8).
pub fn claims_list_objection_deadline(list_publication: NaiveDate) -> NaiveDate {
    add_months(list_publication, 1)
}

/// Longest plan of sauvegarde or redressement, in years (Code de commerce
/// L626-12; the fifteen years allowed to farmers are not covered).
pub const MAX_PLAN_YEARS: u32 = 10;

/// Last day a plan adopted on `adopted_on` may run to (L626-12).
pub fn latest_plan_end(adopted_on: NaiveDate) -> NaiveDate {
    add_months(adopted_on, MAX_PLAN_YEARS * 12)
}

/// Whether a plan adopted on `adopted_on` and ending on `ends_on` stays within
/// the ten years of L626-12; a plan cannot end before it is adopted.
pub fn plan_duration_ok(adopted_on: NaiveDate, ends_on: NaiveDate) -> bool {
    adopted_on <= ends_on && ends_on <= latest_plan_end(adopted_on)
}

/// The deadlines a procedure shows, each known once the date it runs from is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProcedureDeadlines {
    /// Claim declaration (R622-24), from the BODACC publication.
    pub declaration: Option<NaiveDate>,
    /// Claim declaration for a creditor outside metropolitan France (R622-24).
    pub declaration_outside_metropole: Option<NaiveDate>,
    /// Relief from foreclosure (L622-26), from the BODACC publication.
    pub relief_from_foreclosure: Option<NaiveDate>,
    /// Objection to the list of claims (R624-8), from its publication.
    pub claims_list_objection: Option<NaiveDate>,
    /// Latest end of the plan (L626-12), from its adoption.
    pub latest_plan_end: Option<NaiveDate>,
}

impl ProcedureDeadlines {
    pub fn compute(
        bodacc_publication: Option<NaiveDate>,
        claims_list_publication: Option<NaiveDate>,
        plan_adopted_on: Option<NaiveDate>,
    ) -> ProcedureDeadlines {
        ProcedureDeadlines {
            declaration: bodacc_publication.map(|d| declaration_deadline(d, false)),
            declaration_outside_metropole: bodacc_publication
                .map(|d| declaration_deadline(d, true)),
            relief_from_foreclosure: bodacc_publication.map(relief_from_foreclosure_deadline),
            claims_list_objection: claims_list_publication.map(claims_list_objection_deadline),
            latest_plan_end: plan_adopted_on.map(latest_plan_end),
        }
    }
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

    #[test]
    fn relief_and_objection_deadlines_count_months() {
        let relief: fn(NaiveDate) -> NaiveDate = relief_from_foreclosure_deadline;
        let objection: fn(NaiveDate) -> NaiveDate = claims_list_objection_deadline;
        // A day missing from the target month falls on its last day (31 August
        // + 6 months = 28 or 29 February).
        let cases = [
            (relief, d(2026, 3, 10), d(2026, 9, 10)),
            (relief, d(2025, 11, 20), d(2026, 5, 20)),
            (relief, d(2025, 8, 31), d(2026, 2, 28)),
            (relief, d(2023, 8, 31), d(2024, 2, 29)),
            (objection, d(2026, 4, 15), d(2026, 5, 15)),
            (objection, d(2025, 12, 5), d(2026, 1, 5)),
            (objection, d(2026, 1, 31), d(2026, 2, 28)),
            (objection, d(2026, 3, 31), d(2026, 4, 30)),
        ];
        for (deadline, from, expected) in cases {
            assert_eq!(deadline(from), expected, "from {from}");
        }
    }

    #[test]
    fn plans_last_at_most_ten_years() {
        assert_eq!(MAX_PLAN_YEARS, 10);
        assert_eq!(latest_plan_end(d(2026, 3, 10)), d(2036, 3, 10));
        assert_eq!(latest_plan_end(d(2024, 2, 29)), d(2034, 2, 28));
        let adopted = d(2026, 3, 10);
        assert!(plan_duration_ok(adopted, d(2036, 3, 10)));
        assert!(plan_duration_ok(adopted, d(2031, 3, 10)));
        assert!(plan_duration_ok(adopted, adopted));
        assert!(!plan_duration_ok(adopted, d(2036, 3, 11)));
        assert!(!plan_duration_ok(adopted, d(2026, 3, 9)));
    }

    #[test]
    fn deadlines_of_a_procedure() {
        let all = ProcedureDeadlines::compute(
            Some(d(2026, 1, 15)),
            Some(d(2026, 9, 30)),
            Some(d(2027, 6, 1)),
        );
        assert_eq!(
            all,
            ProcedureDeadlines {
                declaration: Some(d(2026, 3, 15)),
                declaration_outside_metropole: Some(d(2026, 5, 15)),
                relief_from_foreclosure: Some(d(2026, 7, 15)),
                claims_list_objection: Some(d(2026, 10, 30)),
                latest_plan_end: Some(d(2037, 6, 1)),
            }
        );
        let none = ProcedureDeadlines::compute(None, None, None);
        assert_eq!(none.declaration, None);
        assert_eq!(none.declaration_outside_metropole, None);
        assert_eq!(none.relief_from_foreclosure, None);
        assert_eq!(none.claims_list_objection, None);
        assert_eq!(none.latest_plan_end, None);
        let only_bodacc = ProcedureDeadlines::compute(Some(d(2025, 12, 31)), None, None);
        assert_eq!(only_bodacc.declaration, Some(d(2026, 2, 28)));
        assert_eq!(
            only_bodacc.declaration_outside_metropole,
            Some(d(2026, 4, 30))
        );
        assert_eq!(only_bodacc.relief_from_foreclosure, Some(d(2026, 6, 30)));
        assert_eq!(only_bodacc.latest_plan_end, None);
    }

    #[test]
    fn deadlines_on_the_wire() {
        let deadlines = ProcedureDeadlines::compute(Some(d(2026, 1, 15)), None, None);
        let json = serde_json::to_value(deadlines).unwrap();
        assert_eq!(json["declaration"], "2026-03-15");
        assert_eq!(json["relief_from_foreclosure"], "2026-07-15");
        assert!(json["claims_list_objection"].is_null());
        let back: ProcedureDeadlines = serde_json::from_value(json).unwrap();
        assert_eq!(back, deadlines);
    }
}
