//! What every end-to-end scenario needs: a signed-in client in its own home,
//! the server's own view of a user's records, and agency-side changes.

#![allow(dead_code)]

use std::collections::BTreeMap;

use claimdesk_api::admin::{Changed, ClaimDecision, Grant, GrantObject, GrantSubject, NewClaim};
use claimdesk_api::payments::Payment;
use claimdesk_api::records::{Claim, Dossier, Installment, Procedure};
use claimdesk_api::requests::{Message, Request, RequestThread};
use claimdesk_api::routes;
use claimdesk_api::uploads::{AttachTo, Document};
use claimdesk_client::{ApiClient, Claimdesk, Home, RetryPolicy, Store};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use tempfile::TempDir;

pub mod proxy;

/// Every record a user can see, keyed by id so two views compare row for row.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct View {
    pub procedures: BTreeMap<i64, Procedure>,
    pub claims: BTreeMap<i64, Claim>,
    pub dossiers: BTreeMap<i64, Dossier>,
    pub installments: BTreeMap<i64, Installment>,
    pub documents: BTreeMap<i64, Document>,
    pub payments: BTreeMap<i64, Payment>,
    pub requests: BTreeMap<i64, Request>,
    pub messages: BTreeMap<i64, Message>,
}

impl View {
    pub fn len(&self) -> usize {
        self.procedures.len()
            + self.claims.len()
            + self.dossiers.len()
            + self.installments.len()
            + self.documents.len()
            + self.payments.len()
            + self.requests.len()
            + self.messages.len()
    }
}

/// What the server's read endpoints answer for the holder of `api`'s token.
pub async fn server_view(api: &ApiClient) -> View {
    let mut view = View::default();
    for p in api.procedures().await.expect("procedures") {
        let path = routes::path(routes::PROCEDURE_DOCUMENTS, p.id);
        let documents: Vec<Document> = api.get(&path, &[]).await.expect("procedure documents");
        view.documents
            .extend(documents.into_iter().map(|d| (d.id, d)));
        view.procedures.insert(p.id, p);
    }
    let mut after = None;
    loop {
        let page = api.claims_page(after, 500).await.expect("claims page");
        for c in page.claims {
            view.claims.insert(c.id, c);
        }
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    for d in api.dossiers().await.expect("dossiers") {
        for i in api.installments(&d.reference).await.expect("installments") {
            view.installments.insert(i.id, i);
        }
        let path = routes::path(routes::DOSSIER_DOCUMENTS, &d.reference);
        let documents: Vec<Document> = api.get(&path, &[]).await.expect("dossier documents");
        view.documents
            .extend(documents.into_iter().map(|d| (d.id, d)));
        let path = routes::path(routes::DOSSIER_PAYMENTS, &d.reference);
        let payments: Vec<Payment> = api.get(&path, &[]).await.expect("dossier payments");
        view.payments
            .extend(payments.into_iter().map(|p| (p.id, p)));
        view.dossiers.insert(d.id, d);
    }
    let requests: Vec<Request> = api.get(routes::REQUESTS, &[]).await.expect("requests");
    for r in requests {
        let path = routes::path(routes::REQUEST, r.id);
        let thread: RequestThread = api.get(&path, &[]).await.expect("request thread");
        view.messages
            .extend(thread.messages.into_iter().map(|m| (m.id, m)));
        view.requests.insert(r.id, r);
    }
    view
}

/// What the client's local store holds.
pub async fn store_view(store: &Store) -> View {
    let mut view = View::default();
    for p in store.procedures().await.expect("store procedures") {
        assert!(
            view.procedures.insert(p.id, p).is_none(),
            "duplicate procedure in store"
        );
    }
    for c in store.claims().await.expect("store claims") {
        assert!(
            view.claims.insert(c.id, c).is_none(),
            "duplicate claim in store"
        );
    }
    for d in store.dossiers().await.expect("store dossiers") {
        assert!(
            view.dossiers.insert(d.id, d).is_none(),
            "duplicate dossier in store"
        );
    }
    for i in store.installments().await.expect("store installments") {
        assert!(
            view.installments.insert(i.id, i).is_none(),
            "duplicate installment in store"
        );
    }
    let attached = view
        .procedures
        .keys()
        .map(|&id| AttachTo::Procedure { id })
        .chain(view.dossiers.values().map(|d| AttachTo::Dossier {
            reference: d.reference.clone(),
        }))
        .collect::<Vec<_>>();
    for of in attached {
        for d in store.filed_documents(&of).await.expect("store documents") {
            assert!(
                view.documents.insert(d.id, d).is_none(),
                "duplicate document in store"
            );
        }
    }
    for d in view.dossiers.values() {
        for p in store
            .payments_of(&d.reference)
            .await
            .expect("store payments")
        {
            assert!(
                view.payments.insert(p.id, p).is_none(),
                "duplicate payment in store"
            );
        }
    }
    let summaries = claimdesk_client::requests::summaries(store, None)
        .await
        .expect("store requests");
    for s in summaries {
        let thread = claimdesk_client::requests::thread(store, s.request.id)
            .await
            .expect("store thread");
        for m in thread.messages {
            assert!(
                view.messages.insert(m.id, m).is_none(),
                "duplicate message in store"
            );
        }
        assert!(
            view.requests.insert(s.request.id, s.request).is_none(),
            "duplicate request in store"
        );
    }
    view
}

/// A client with its own home, signed in to `server` as `email`.
pub struct SignedIn {
    pub client: Claimdesk,
    /// A separate session of the same user, to read the server's view.
    pub api: ApiClient,
    _home: TempDir,
}

pub async fn sign_in(base_url: &str, email: &str, page_size: u32) -> SignedIn {
    let home = TempDir::new().expect("home");
    let mut client = Claimdesk::open(Home::new(home.path()))
        .await
        .expect("open home")
        .with_retry(RetryPolicy::NONE)
        .with_page_size(page_size);
    client
        .login(base_url, email, demo::PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("login {email}: {e}"));
    let session = ApiClient::new(base_url)
        .expect("api")
        .login(email, demo::PASSWORD)
        .await
        .expect("second session");
    let api = ApiClient::new(base_url)
        .expect("api")
        .with_token(claimdesk_client::SessionToken::new(session.token));
    SignedIn {
        client,
        api,
        _home: home,
    }
}

/// Agency-side changes, through the admin endpoints as agency staff would.
pub struct Agency {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Agency {
    pub async fn new(server: &TestServer) -> Agency {
        Agency {
            http: reqwest::Client::new(),
            base: server.base_url.clone(),
            token: server.admin_token().await,
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: String,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin request");
        let status = response.status();
        let text = response.text().await.expect("admin body");
        assert!(status.is_success(), "{path}: {status} {text}");
        if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).expect("admin json")
        }
    }

    pub async fn decide(&self, claim: i64, decision: ClaimDecision) {
        let body = serde_json::to_value(decision).unwrap();
        self.send(
            reqwest::Method::POST,
            routes::path(routes::ADMIN_CLAIM_DECISION, claim),
            Some(body),
        )
        .await;
    }

    pub async fn add_claim(&self, claim: NewClaim) -> i64 {
        let body = serde_json::to_value(claim).unwrap();
        let changed: Changed = serde_json::from_value(
            self.send(
                reqwest::Method::POST,
                routes::ADMIN_CLAIMS.to_owned(),
                Some(body),
            )
            .await,
        )
        .expect("changed");
        changed.id
    }

    pub async fn delete_claim(&self, claim: i64) {
        self.send(
            reqwest::Method::DELETE,
            routes::path(routes::ADMIN_CLAIM, claim),
            None,
        )
        .await;
    }

    pub async fn revoke_etude(&self, etude: i64, procedure: i64) {
        self.send(
            reqwest::Method::POST,
            routes::ADMIN_GRANTS_REVOKE.to_owned(),
            Some(etude_grant(etude, procedure)),
        )
        .await;
    }

    pub async fn grant_etude(&self, etude: i64, procedure: i64) {
        self.send(
            reqwest::Method::POST,
            routes::ADMIN_GRANTS.to_owned(),
            Some(etude_grant(etude, procedure)),
        )
        .await;
    }
}

/// The body that grants or revokes an étude's access to a procedure.
fn etude_grant(etude: i64, procedure: i64) -> serde_json::Value {
    let grant = Grant {
        subject: GrantSubject::Etude { id: etude },
        object: GrantObject::Procedure { id: procedure },
    };
    serde_json::to_value(grant).expect("grant body")
}
