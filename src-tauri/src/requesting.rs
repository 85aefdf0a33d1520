//! Requests and their threads: the catalogue of types, fields checked here
//! before anything is written, requests and replies through the outbox with
//! their files, the mediator; and the notifications a sync brings, filtered
//! by the user's switches.

use claimdesk_api::requests::{FieldProblem, NewRequest, Request, RequestThread, check_fields};
use claimdesk_client::requests::{
    Lang, Localized, Notification, NotificationKind, RequestSummary, RequestTypeInfo,
    problem_sentence,
};
use claimdesk_client::{ClientError, OrderOutcome};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desktop::Desktop;
use crate::error::CommandResult;
use crate::settings::NotificationSettings;

/// One field's problem, said in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldProblemView {
    pub field: String,
    pub problem: claimdesk_api::requests::FieldProblemKind,
    pub text: Localized,
}

impl From<&FieldProblem> for FieldProblemView {
    fn from(p: &FieldProblem) -> FieldProblemView {
        FieldProblemView {
            field: p.field.clone(),
            problem: p.problem,
            text: Localized {
                fr: problem_sentence(p, Lang::Fr),
                en: problem_sentence(p, Lang::En),
            },
        }
    }
}

/// What `send_request` takes (as `{args}`): files named by their selection.
#[derive(Deserialize, TS)]
pub struct SendRequestArgs {
    pub request: NewRequest,
    #[ts(type = "number | null")]
    pub selection: Option<u64>,
}

/// What `reply` takes (as `{args}`).
#[derive(Debug, Deserialize, TS)]
pub struct ReplyArgs {
    #[ts(type = "number")]
    pub request_id: i64,
    pub text: String,
    #[ts(type = "number | null")]
    pub selection: Option<u64>,
}

/// A request or a reply sent, or waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RequestOrderView {
    /// The request as the server made it (for a reply: its request); none
    /// while it waits.
    pub request: Option<Request>,
    #[ts(type = "number | null")]
    pub outbox_item: Option<i64>,
}

impl RequestOrderView {
    fn of<T>(outcome: &OrderOutcome<T>, request: Option<Request>) -> RequestOrderView {
        match outcome {
            OrderOutcome::Sent { .. } => RequestOrderView {
                request,
                outbox_item: None,
            },
            OrderOutcome::Queued { item } => RequestOrderView {
                request: None,
                outbox_item: Some(item.id),
            },
        }
    }
}

/// Whether the user wants to hear of this kind of news.
pub fn wanted(switches: &NotificationSettings, kind: NotificationKind) -> bool {
    match kind {
        NotificationKind::NewAnswer => switches.new_answer,
        NotificationKind::NewDocument => switches.new_document,
        NotificationKind::InstallmentDue => switches.installment_due,
        NotificationKind::ClaimDecision => switches.claim_decision,
        NotificationKind::ProcedureDeadline => switches.procedure_deadline,
    }
}

impl Desktop {
    pub fn request_types(&self) -> Vec<RequestTypeInfo> {
        claimdesk_client::requests::catalog()
    }

    /// The problems of a request's fields on today's date; empty: it holds.
    pub fn check_request(&self, request: &NewRequest) -> Vec<FieldProblemView> {
        let today = chrono::Local::now().date_naive();
        let fields = request
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.trim().to_owned()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        check_fields(request.kind, &fields, today)
            .iter()
            .map(FieldProblemView::from)
            .collect()
    }

    pub async fn requests(&self, dossier: Option<&str>) -> CommandResult<Vec<RequestSummary>> {
        Ok(self.client().await?.requests(dossier).await?)
    }

    /// A thread, read: its answers no longer count as unread.
    pub async fn thread(&self, id: i64) -> CommandResult<RequestThread> {
        let client = self.client().await?;
        let thread = client.thread(id).await?;
        client.mark_read(id).await?;
        Ok(thread)
    }

    pub async fn send_request(
        &self,
        request: NewRequest,
        selection: Option<u64>,
    ) -> CommandResult<RequestOrderView> {
        let files = self.selected(selection)?;
        let outcome = self.client().await?.send_request(request, files).await?;
        let view = RequestOrderView::of(&outcome, outcome.sent().cloned());
        self.after_order(selection).await;
        Ok(view)
    }

    pub async fn reply(
        &self,
        request_id: i64,
        text: String,
        selection: Option<u64>,
    ) -> CommandResult<RequestOrderView> {
        let files = self.selected(selection)?;
        let mut client = self.client().await?;
        let outcome = client.reply(request_id, text, files).await?;
        let request = match outcome.sent() {
            Some(_) => client.thread(request_id).await.ok().map(|t| t.request),
            None => None,
        };
        let view = RequestOrderView::of(&outcome, request);
        self.after_order(selection).await;
        Ok(view)
    }

    /// The complaint referred, with its thread (the referral's message and
    /// the history it carries).
    pub async fn escalate(&self, id: i64) -> CommandResult<RequestThread> {
        Ok(self.client().await?.escalate(id).await?)
    }

    /// The news a sync brought that the user wants to hear of; each is
    /// taken once, whether shown or switched off.
    pub async fn take_notifications(&self) -> CommandResult<Vec<Notification>> {
        let today = chrono::Local::now().date_naive();
        let taken = self.client().await?.take_notifications(today).await?;
        let switches = self.settings().notifications;
        Ok(taken
            .into_iter()
            .filter(|n| wanted(&switches, n.kind))
            .collect())
    }

    fn selected(&self, selection: Option<u64>) -> CommandResult<Vec<std::path::PathBuf>> {
        match selection {
            None => Ok(Vec::new()),
            Some(id) => {
                let paths = self.selections.paths(id).ok_or_else(|| {
                    ClientError::NotFound(format!("no files chosen under {id}: choose them again"))
                })?;
                Ok(paths)
            }
        }
    }

    /// The files went to the outbox with the order: the selection is spent.
    async fn after_order(&self, selection: Option<u64>) {
        if let Some(id) = selection {
            self.selections.forget(id);
        }
        self.announce_queue().await;
        self.outbox_wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switched_off_kinds_are_not_wanted() {
        let mut switches = NotificationSettings::default();
        assert!(wanted(&switches, NotificationKind::NewAnswer));
        switches.new_answer = false;
        assert!(!wanted(&switches, NotificationKind::NewAnswer));
        assert!(wanted(&switches, NotificationKind::ProcedureDeadline));
    }
}
