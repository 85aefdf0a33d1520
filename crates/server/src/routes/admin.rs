//! Agency-side changes. Each records its changes for the feed in the same
//! transaction as the change itself.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use claimdesk_api::ErrorBody;
use claimdesk_api::admin::{
    ActivationCode, ActivationCodeRequest, Changed, ClaimDecision, Grant, GrantObject,
    GrantSubject, NewClaim, StageChange,
};
use claimdesk_api::routes;
use claimdesk_api::sync::EntityKind;
use claimdesk_domain::{AdmissionStatus, Money, ProcedureKind};
use sqlx::SqliteConnection;

use crate::AppState;
use crate::access::{self, GrantSubjectId};
use crate::activation;
use crate::auth::{AdminSession, normalize_email};
use crate::changes::{self, Audience, Change, GrantObjectId, Op, Scope};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path};

fn refuse(message: impl Into<String>) -> AppError {
    AppError::Validation(message.into())
}

#[utoipa::path(post, path = routes::ADMIN_CLAIMS, tag = "admin",
    security(("bearer" = [])),
    request_body = NewClaim,
    responses(
        (status = 201, description = "The claim was added", body = Changed),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 422, description = "The claim does not fit its procedure or dossier", body = ErrorBody),
    ))]
pub(crate) async fn add_claim(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Json(claim): Json<NewClaim>,
) -> AppResult<(StatusCode, Json<Changed>)> {
    let amounts = [
        claim.principal,
        claim.interest,
        claim.penalties,
        claim.fees,
        claim.to_fall_due,
    ];
    if amounts.iter().any(Money::is_negative) {
        return Err(refuse("declared amounts cannot be negative"));
    }
    if amounts.iter().all(Money::is_zero) {
        return Err(refuse("a claim declares at least one non-zero amount"));
    }
    let mut tx = state.db.write.begin().await?;
    let procedure: Option<(i64, NaiveDate)> =
        sqlx::query_as("SELECT company_id, judgment_date FROM procedures WHERE id = ?")
            .bind(claim.procedure_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (procedure_company, judgment_date) =
        procedure.ok_or_else(|| refuse(format!("no procedure {}", claim.procedure_id)))?;
    let dossier: Option<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, company_id, creditor_id, servicing_entity_id FROM dossiers WHERE reference = ?",
    )
    .bind(&claim.dossier_reference)
    .fetch_optional(&mut *tx)
    .await?;
    let (dossier_id, dossier_company, creditor_id, servicing_entity_id) =
        dossier.ok_or_else(|| refuse(format!("no dossier {:?}", claim.dossier_reference)))?;
    if dossier_company != procedure_company {
        return Err(refuse(
            "the dossier's debtor is not the company in this procedure",
        ));
    }
    if claim.declaration_date < judgment_date {
        return Err(refuse("a claim is declared after the opening judgment"));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO claims (procedure_id, dossier_id, creditor_id, servicing_entity_id, \
         principal, interest, penalties, fees, to_fall_due, nature, provisional, \
         declaration_date, admission) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(claim.procedure_id)
    .bind(dossier_id)
    .bind(creditor_id)
    .bind(servicing_entity_id)
    .bind(claim.principal.to_string())
    .bind(claim.interest.to_string())
    .bind(claim.penalties.to_string())
    .bind(claim.fees.to_string())
    .bind(claim.to_fall_due.to_string())
    .bind(claim.nature.as_str())
    .bind(claim.provisional)
    .bind(claim.declaration_date)
    .bind(AdmissionStatus::Pending.as_str())
    .fetch_one(&mut *tx)
    .await?;
    changes::append(
        &mut tx,
        Change::upsert(
            EntityKind::Claim,
            id,
            Scope::claim(claim.procedure_id, dossier_id),
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(admin = admin.viewer.user_id, claim_id = id, "claim added");
    Ok((StatusCode::CREATED, Json(Changed { id })))
}

async fn claim_scope(conn: &mut SqliteConnection, id: i64) -> AppResult<Scope> {
    let found: Option<(i64, i64)> =
        sqlx::query_as("SELECT procedure_id, dossier_id FROM claims WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    let (procedure_id, dossier_id) = found.ok_or(AppError::NotFound)?;
    Ok(Scope::claim(procedure_id, dossier_id))
}

#[utoipa::path(delete, path = routes::ADMIN_CLAIM, tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id")),
    responses(
        (status = 204, description = "The claim was deleted"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such claim", body = ErrorBody),
    ))]
pub(crate) async fn delete_claim(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let mut tx = state.db.write.begin().await?;
    let scope = claim_scope(&mut tx, id).await?;
    sqlx::query("DELETE FROM claims WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    changes::record(
        &mut tx,
        Change {
            kind: EntityKind::Claim,
            entity_id: id,
            op: Op::Delete,
            scope,
            audience: Audience::Everyone,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(admin = admin.viewer.user_id, claim_id = id, "claim deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The admitted amount a decision stores, or why it is refused.
pub(crate) fn admitted_amount(
    decision: &ClaimDecision,
    declared_total: Money,
) -> AppResult<Option<Money>> {
    match decision.admission {
        AdmissionStatus::Pending => Err(refuse(
            "a decision admits, partly admits, rejects or notes a dispute",
        )),
        AdmissionStatus::Admitted => match decision.admitted_amount {
            None => Ok(Some(declared_total)),
            Some(amount) if amount == declared_total => Ok(Some(amount)),
            Some(_) => Err(refuse(
                "an admitted claim is admitted for its declared total; use partly_admitted",
            )),
        },
        AdmissionStatus::PartlyAdmitted => match decision.admitted_amount {
            Some(amount)
                if !amount.is_negative() && !amount.is_zero() && amount < declared_total =>
            {
                Ok(Some(amount))
            }
            Some(_) => Err(refuse(
                "a partly admitted amount is above zero and below the declared total",
            )),
            None => Err(refuse("a partial admission needs its admitted amount")),
        },
        AdmissionStatus::Rejected | AdmissionStatus::Disputed => match decision.admitted_amount {
            None => Ok(None),
            Some(_) => Err(refuse(
                "a rejected or disputed claim has no admitted amount",
            )),
        },
    }
}

#[utoipa::path(post, path = routes::ADMIN_CLAIM_DECISION, tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Claim id")),
    request_body = ClaimDecision,
    responses(
        (status = 200, description = "The decision was recorded", body = Changed),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such claim", body = ErrorBody),
        (status = 422, description = "The decision does not fit the claim", body = ErrorBody),
    ))]
pub(crate) async fn decide_claim(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<i64>,
    Json(decision): Json<ClaimDecision>,
) -> AppResult<Json<Changed>> {
    let mut tx = state.db.write.begin().await?;
    let scope = claim_scope(&mut tx, id).await?;
    let claim = crate::records::claims(&mut tx, crate::records::Selection::one(id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let amount = admitted_amount(&decision, claim.declared.total)?;
    if decision.decision_date < claim.declaration_date {
        return Err(refuse("the decision cannot precede the declaration"));
    }
    sqlx::query(
        "UPDATE claims SET admission = ?, admitted_amount = ?, decision_date = ? WHERE id = ?",
    )
    .bind(decision.admission.as_str())
    .bind(amount.map(|a| a.to_string()))
    .bind(decision.decision_date)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    changes::record(&mut tx, Change::upsert(EntityKind::Claim, id, scope)).await?;
    tx.commit().await?;
    tracing::info!(
        admin = admin.viewer.user_id,
        claim_id = id,
        admission = decision.admission.as_str(),
        "claim decided"
    );
    Ok(Json(Changed { id }))
}

#[utoipa::path(post, path = routes::ADMIN_PROCEDURE_STAGE, tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Procedure id")),
    request_body = StageChange,
    responses(
        (status = 200, description = "The stage was changed", body = Changed),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such procedure", body = ErrorBody),
        (status = 422, description = "A procedure of this kind cannot reach that stage", body = ErrorBody),
    ))]
pub(crate) async fn change_stage(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Path(id): Path<i64>,
    Json(change): Json<StageChange>,
) -> AppResult<Json<Changed>> {
    let mut tx = state.db.write.begin().await?;
    let kind: String = sqlx::query_scalar("SELECT kind FROM procedures WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = ProcedureKind::parse(&kind)
        .ok_or_else(|| AppError::corrupt(format!("procedures.kind: {kind:?}")))?;
    if !kind.allows_stage(change.stage) {
        return Err(refuse(format!(
            "a {} cannot reach the stage « {} »",
            kind.label_fr().to_lowercase(),
            change.stage.label_fr()
        )));
    }
    sqlx::query("UPDATE procedures SET stage = ? WHERE id = ?")
        .bind(change.stage.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    changes::record(
        &mut tx,
        Change::upsert(EntityKind::Procedure, id, Scope::procedure(id)),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        admin = admin.viewer.user_id,
        procedure_id = id,
        stage = change.stage.as_str(),
        "stage changed"
    );
    Ok(Json(Changed { id }))
}

async fn resolve_grant(
    conn: &mut SqliteConnection,
    grant: &Grant,
) -> AppResult<(GrantSubjectId, GrantObjectId)> {
    let subject = match &grant.subject {
        GrantSubject::Etude { id } => {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM etudes WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            GrantSubjectId::Etude(found.ok_or_else(|| refuse(format!("no étude {id}")))?)
        }
        GrantSubject::User { email } => {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
                .bind(normalize_email(email))
                .fetch_optional(&mut *conn)
                .await?;
            GrantSubjectId::User(found.ok_or_else(|| refuse(format!("no user {email:?}")))?)
        }
    };
    let object = match &grant.object {
        GrantObject::Procedure { id } => {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM procedures WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            GrantObjectId::Procedure(found.ok_or_else(|| refuse(format!("no procedure {id}")))?)
        }
        GrantObject::Dossier { reference } => {
            let found = crate::records::dossier_id(conn, reference).await?;
            GrantObjectId::Dossier(
                found.ok_or_else(|| refuse(format!("no dossier {reference:?}")))?,
            )
        }
    };
    Ok((subject, object))
}

#[utoipa::path(post, path = routes::ADMIN_GRANTS, tag = "admin",
    security(("bearer" = [])),
    request_body = Grant,
    responses(
        (status = 200, description = "The grant exists (created or already there); its id", body = Changed),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 422, description = "Unknown étude, user, procedure or dossier", body = ErrorBody),
    ))]
pub(crate) async fn grant(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Json(grant): Json<Grant>,
) -> AppResult<Json<Changed>> {
    let mut tx = state.db.write.begin().await?;
    let (subject, object) = resolve_grant(&mut tx, &grant).await?;
    let id = access::grant(&mut tx, subject, object).await?;
    tx.commit().await?;
    tracing::info!(
        admin = admin.viewer.user_id,
        grant_id = id,
        "access granted"
    );
    Ok(Json(Changed { id }))
}

#[utoipa::path(post, path = routes::ADMIN_GRANTS_REVOKE, tag = "admin",
    security(("bearer" = [])),
    request_body = Grant,
    responses(
        (status = 204, description = "The grant was withdrawn"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 404, description = "No such grant", body = ErrorBody),
        (status = 422, description = "Unknown étude, user, procedure or dossier", body = ErrorBody),
    ))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Json(grant): Json<Grant>,
) -> AppResult<StatusCode> {
    let mut tx = state.db.write.begin().await?;
    let (subject, object) = resolve_grant(&mut tx, &grant).await?;
    if !access::revoke(&mut tx, subject, object).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(admin = admin.viewer.user_id, "access revoked");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = routes::ADMIN_ACTIVATION_CODES, tag = "admin",
    security(("bearer" = [])),
    request_body = ActivationCodeRequest,
    responses(
        (status = 201, description = "A single-use code for the letter; shown only now", body = ActivationCode),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not agency staff", body = ErrorBody),
        (status = 422, description = "Unknown dossier, wrong role or guarantor", body = ErrorBody),
    ))]
pub(crate) async fn activation_code(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    Json(request): Json<ActivationCodeRequest>,
) -> AppResult<(StatusCode, Json<ActivationCode>)> {
    let code_role = request.role;
    let code = activation::create_code(&state, request).await?;
    tracing::info!(admin = admin.viewer.user_id, role = ?code_role, "activation code issued");
    Ok((StatusCode::CREATED, Json(code)))
}
