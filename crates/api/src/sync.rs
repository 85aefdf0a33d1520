//! The sync feed: `GET /v1/sync?cursor=…&limit=…`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::payments::Payment;
use crate::records::{Claim, Dossier, Installment, Procedure};
use crate::requests::{Message, Request};
use crate::uploads::Document;

pub const DEFAULT_PAGE: u32 = 1000;
pub const MAX_PAGE: u32 = 10_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncQuery {
    /// Opaque; absent for a first sync.
    pub cursor: Option<String>,
    /// Changes per page, 1 to 10 000 (default 1 000).
    pub limit: Option<u32>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Procedure,
    Claim,
    Dossier,
    Installment,
    /// A document's metadata; its content downloads on demand.
    Document,
    /// A payment of a dossier (ordered, received or failed).
    Payment,
    /// A request or complaint about a dossier, with its status.
    Request,
    /// One message of a request's thread.
    Message,
}

impl EntityKind {
    pub const ALL: [EntityKind; 8] = [
        EntityKind::Procedure,
        EntityKind::Claim,
        EntityKind::Dossier,
        EntityKind::Installment,
        EntityKind::Document,
        EntityKind::Payment,
        EntityKind::Request,
        EntityKind::Message,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Procedure => "procedure",
            EntityKind::Claim => "claim",
            EntityKind::Dossier => "dossier",
            EntityKind::Installment => "installment",
            EntityKind::Document => "document",
            EntityKind::Payment => "payment",
            EntityKind::Request => "request",
            EntityKind::Message => "message",
        }
    }

    pub fn parse(text: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A record as the feed carries it.
// A dossier carries its ledger and is much larger than the other records;
// boxing it would add an allocation per record to every sync page for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Entity {
    Procedure(Procedure),
    Claim(Claim),
    Dossier(Dossier),
    Installment(Installment),
    Document(Document),
    Payment(Payment),
    Request(Request),
    Message(Message),
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Procedure(_) => EntityKind::Procedure,
            Entity::Claim(_) => EntityKind::Claim,
            Entity::Dossier(_) => EntityKind::Dossier,
            Entity::Installment(_) => EntityKind::Installment,
            Entity::Document(_) => EntityKind::Document,
            Entity::Payment(_) => EntityKind::Payment,
            Entity::Request(_) => EntityKind::Request,
            Entity::Message(_) => EntityKind::Message,
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            Entity::Procedure(p) => p.id,
            Entity::Claim(c) => c.id,
            Entity::Dossier(d) => d.id,
            Entity::Installment(i) => i.id,
            Entity::Document(d) => d.id,
            Entity::Payment(p) => p.id,
            Entity::Request(r) => r.id,
            Entity::Message(m) => m.id,
        }
    }
}

/// One change: a record to insert or replace, or one to remove from disk
/// (deleted on the server, or no longer visible to this user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
// Nearly every change is an upsert, so boxing the record would add an
// allocation to almost every element for the sake of the rare delete.
#[allow(clippy::large_enum_variant)]
pub enum Change {
    Upsert { entity: Entity },
    Delete { kind: EntityKind, id: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SyncPage {
    /// In a stable order; apply them in this order.
    pub changes: Vec<Change>,
    /// Where the next call starts; store it once this page is applied.
    pub next_cursor: String,
    /// Whether more changes wait after this page.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_wire_form() {
        let c = Change::Delete {
            kind: EntityKind::Claim,
            id: 7,
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"op":"delete","kind":"claim","id":7}"#);
        assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), c);
    }
}
