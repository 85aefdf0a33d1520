//! Requests, complaints and their threads against a real server on loopback
//! and a real store: forms checked here before any network call, in French
//! and English; requests written offline sent exactly once, attachments
//! first; the agency's answer brought by sync, unread until read, raised
//! once as a notification.
//!
//! These tests use the OS keyring: run them under
//! `CLAIMDESK_FORCE_KEYRING=1 scripts/with-keyring cargo test -p claimdesk-client`.

mod common;

use std::collections::BTreeMap;

use chrono::Local;
use claimdesk_api::requests::{
    FieldProblemKind, MessageAuthor, NewMessage, NewRequest, Request, RequestStatus, RequestType,
};
use claimdesk_api::routes;
use claimdesk_api::uploads::{AttachTo, DocumentCategory};
use claimdesk_client::requests::problems_sentence;
use claimdesk_client::{
    ApiClient, Claimdesk, ClientCode, ClientError, Code, Home, Lang, NotificationKind,
    OrderOutcome, OrderRequest, OutboxKind, OutboxState,
};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use tempfile::TempDir;

struct Debtor {
    home: TempDir,
    desk: Claimdesk,
    api: ApiClient,
    reference: String,
}

/// A debtor signed in and synced, with their first dossier.
async fn sign_in(server: &TestServer, email: &str) -> Debtor {
    let common::SignedIn { home, desk, api } = common::sign_in(server, email).await;
    let reference = desk.dossiers().await.unwrap()[0].reference.clone();
    Debtor {
        home,
        desk,
        api,
        reference,
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn question(reference: &str, text: &str) -> NewRequest {
    NewRequest {
        dossier_reference: reference.to_owned(),
        kind: RequestType::Question,
        fields: fields(&[("message", text)]),
        attachments: Vec::new(),
        password: None,
    }
}

async fn server_requests(api: &ApiClient, reference: &str) -> Vec<Request> {
    api.get(routes::REQUESTS, &[("dossier", reference)])
        .await
        .unwrap()
}

#[tokio::test]
async fn every_type_missing_a_required_field_is_refused_here_in_both_languages() {
    let mut server = TestServer::start_demo().await;
    let Debtor {
        home: _home,
        mut desk,
        reference,
        ..
    } = sign_in(&server, demo::DEBTORS[0]).await;
    // No server at all: whatever is refused is refused here.
    server.stop().await;
    let mut checked = 0;
    for kind in RequestType::ALL {
        let required: Vec<&str> = kind
            .fields()
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        let expected: Vec<(String, FieldProblemKind)> = if kind == RequestType::ContactChange {
            vec![("address".into(), FieldProblemKind::NothingGiven)]
        } else {
            required
                .iter()
                .map(|name| ((*name).to_owned(), FieldProblemKind::Missing))
                .collect()
        };
        if expected.is_empty() {
            continue;
        }
        let mut request = question(&reference, "");
        request.kind = kind;
        // Blank values are missing ones.
        request.fields = fields(&[(required.first().copied().unwrap_or("address"), "  ")]);
        let e = desk
            .send_request(request, Vec::new())
            .await
            .expect_err(kind.as_str());
        assert_eq!(e.code(), Code::Client(ClientCode::InvalidFields), "{e}");
        let ClientError::InvalidFields(problems) = &e else {
            panic!("{e:?}");
        };
        let got: Vec<(String, FieldProblemKind)> = problems
            .iter()
            .map(|p| (p.field.clone(), p.problem))
            .collect();
        assert_eq!(got, expected, "{kind:?}");
        let fr = problems_sentence(problems, Lang::Fr);
        let en = problems_sentence(problems, Lang::En);
        if kind == RequestType::ContactChange {
            assert!(fr.contains("au moins une nouvelle coordonnée"), "{fr}");
            assert!(en.contains("at least one new contact detail"), "{en}");
        } else {
            assert_eq!(
                fr.matches("est obligatoire").count(),
                required.len(),
                "{fr}"
            );
            assert_eq!(en.matches("is required").count(), required.len(), "{en}");
            assert!(
                !fr.contains('_') && !en.contains('_'),
                "labels, not names: {fr} / {en}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 18, "every type with a required field");

    // An invalid value, said the same way.
    let mut refund = question(&reference, "");
    refund.kind = RequestType::OverpaymentRefund;
    refund.fields = fields(&[
        ("overpaid_amount", "12,345"),
        ("payment_date", "2999-01-01"),
        ("refund_iban", "FR76 0000"),
        ("refund_holder", "Jean Dupont"),
    ]);
    let e = desk.send_request(refund, Vec::new()).await.unwrap_err();
    let ClientError::InvalidFields(problems) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        problems_sentence(problems, Lang::Fr),
        "« montant payé en trop » doit être un montant positif en euros, avec au plus deux \
         décimales; « date du paiement » ne peut pas être une date future; « IBAN pour le \
         remboursement » n'est pas un IBAN valide"
    );
    assert_eq!(
        problems_sentence(problems, Lang::En),
        "“amount overpaid” must be a positive amount in euros with at most two decimals; \
         “payment date” cannot be in the future; “IBAN for the refund” is not a valid IBAN"
    );
    // Nothing was written down.
    assert!(desk.outbox().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_servers_refusal_field_by_field_is_the_same_error() {
    let server = TestServer::start_demo().await;
    let Debtor { api, reference, .. } = sign_in(&server, demo::DEBTORS[0]).await;
    let mut offer = question(&reference, "");
    offer.kind = RequestType::SettlementOffer;
    offer.fields = fields(&[("offered_amount", "abc")]);
    let e = api
        .post_idempotent::<_, Request>(routes::REQUESTS, "form-key-1", &offer)
        .await
        .unwrap_err();
    let ClientError::InvalidFields(problems) = &e else {
        panic!("{e:?}");
    };
    let got: Vec<_> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.problem))
        .collect();
    assert_eq!(
        got,
        [
            ("offered_amount", FieldProblemKind::InvalidAmount),
            ("proposal", FieldProblemKind::Missing),
        ]
    );
}

#[tokio::test]
async fn a_request_written_offline_goes_once_after_its_attachment_across_a_restart() {
    let mut server = TestServer::start_demo().await;
    let Debtor {
        home,
        desk,
        api,
        reference,
    } = sign_in(&server, demo::DEBTORS[0]).await;
    let before = server_requests(&api, &reference).await.len();
    let proof = home.path().join("preuve.pdf");
    std::fs::write(&proof, common::pdf_bytes(20_000, 7)).unwrap();

    server.stop().await;
    let mut desk = desk;
    let mut made = question(&reference, "  Mon plan se termine-t-il en 2027 ?  ");
    made.kind = RequestType::PaymentMade;
    made.fields = fields(&[
        ("payment_date", "2026-01-15"),
        ("amount", "120.00"),
        ("message", "Virement fait, voici la preuve."),
    ]);
    let outcome = desk
        .send_request(made.clone(), vec![proof.clone()])
        .await
        .unwrap();
    let OrderOutcome::Queued { item } = outcome else {
        panic!("offline, the request waits: {outcome:?}");
    };
    assert_eq!(item.kind, OutboxKind::Request);
    assert_eq!(item.state, OutboxState::Pending);
    let outbox = desk.outbox().await.unwrap();
    assert_eq!(outbox.len(), 2, "the attachment, then the request");
    let attachment = &outbox[0];
    assert_eq!(attachment.kind, OutboxKind::Document);
    assert_eq!(attachment.category, DocumentCategory::ProofOfPayment);
    assert_eq!(item.waits_for, vec![attachment.id]);
    let Some(OrderRequest::Request { request: recorded }) = &item.order else {
        panic!("{item:?}");
    };
    assert!(recorded.attachments.is_empty(), "ids come once delivered");
    // Still offline: a send leaves both waiting.
    let report = desk.send_outbox(|_| {}).await.unwrap();
    assert!(report.offline && report.pending == 2, "{report:?}");

    // The process ends; the request and its key are on disk.
    drop(desk);
    let mut desk = Claimdesk::open(Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(common::FAST);
    server.restart().await;
    let report = desk.send_outbox(|_| {}).await.unwrap();
    let kinds: Vec<_> = report.sent.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [OutboxKind::Document, OutboxKind::Request],
        "{report:?}"
    );
    let document_id = report.sent[0].document_id;
    let request_id = report.sent[1].document_id;
    let again = desk.send_outbox(|_| {}).await.unwrap();
    assert!(again.sent.is_empty() && again.pending == 0, "{again:?}");

    let on_server = server_requests(&api, &reference).await;
    assert_eq!(on_server.len(), before + 1, "one request made");
    let sent = on_server.iter().find(|r| r.id == request_id).unwrap();
    assert_eq!(sent.kind, RequestType::PaymentMade);
    assert_eq!(sent.attachments, vec![document_id]);
    assert_eq!(sent.fields["amount"], "120.00");
    // A replay under the item's key (an answer lost, a crash before it was
    // recorded) answers the same request.
    let done = desk
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.kind == OutboxKind::Request)
        .unwrap();
    let mut replayed = made.clone();
    replayed
        .fields
        .insert("message".into(), made.fields["message"].clone());
    replayed.attachments = vec![document_id];
    let replay: Request = api
        .post_idempotent(routes::REQUESTS, &done.key, &replayed)
        .await
        .unwrap();
    assert_eq!(replay.id, request_id);
    assert_eq!(server_requests(&api, &reference).await.len(), before + 1);

    // It lists at once, before any sync, and its attachment is filed.
    let listed = desk.requests(Some(&reference)).await.unwrap();
    assert_eq!(listed[0].request.id, request_id);
    let documents = desk
        .documents(&AttachTo::Dossier {
            reference: reference.clone(),
        })
        .await
        .unwrap();
    assert!(documents.iter().any(|d| d.id == document_id));
}

#[tokio::test]
async fn an_agency_answer_comes_by_sync_unread_until_read_and_is_raised_once() {
    let server = TestServer::start_demo().await;
    let Debtor {
        home,
        mut desk,
        reference,
        ..
    } = sign_in(&server, demo::DEBTORS[0]).await;
    let today = Local::now().date_naive();
    // What the store held at first is not news.
    let first = desk.take_notifications(today).await.unwrap();
    assert!(
        first
            .iter()
            .all(|n| !matches!(n.kind, NotificationKind::NewAnswer))
    );

    let outcome = desk
        .send_request(
            question(&reference, "Quand se termine mon plan ?"),
            Vec::new(),
        )
        .await
        .unwrap();
    let request = outcome.sent().expect("online, sent at once").clone();
    // The demo's threads may hold answers of their own.
    let unread_before = desk.unread_total().await.unwrap();

    let admin =
        ApiClient::new(&server.base_url)
            .unwrap()
            .with_token(claimdesk_client::SessionToken::new(
                server.admin_token().await,
            ));
    let answer = NewMessage {
        text: "Votre plan se termine le 15/03/2027.".into(),
        attachments: Vec::new(),
    };
    let _: claimdesk_api::requests::Message = admin
        .call(
            claimdesk_client::http::Method::POST,
            &routes::path(routes::ADMIN_REQUEST_MESSAGES, request.id),
            Some(&answer),
        )
        .await
        .unwrap();
    assert!(
        desk.take_notifications(today).await.unwrap().is_empty(),
        "nothing before the sync brings it"
    );
    desk.sync(|_| {}).await.unwrap();

    let raised = desk.take_notifications(today).await.unwrap();
    let answers: Vec<_> = raised
        .iter()
        .filter(|n| n.kind == NotificationKind::NewAnswer)
        .collect();
    assert_eq!(answers.len(), 1, "{raised:?}");
    let n = answers[0];
    assert_eq!(n.request_id, Some(request.id));
    assert_eq!(n.dossier_reference.as_deref(), Some(reference.as_str()));
    assert_eq!(n.title.fr, "Réponse à votre demande « Question »");
    assert_eq!(n.title.en, "Answer to your request “Question”");
    assert!(n.body.fr.contains("15/03/2027"), "{}", n.body.fr);
    assert!(desk.take_notifications(today).await.unwrap().is_empty());

    let listed = desk.requests(Some(&reference)).await.unwrap();
    let summary = listed.iter().find(|s| s.request.id == request.id).unwrap();
    assert_eq!(summary.unread, 1);
    assert_eq!(summary.request.status.as_str(), "answered");
    assert_eq!(desk.unread_total().await.unwrap(), unread_before + 1);
    let thread = desk.thread(request.id).await.unwrap();
    let last = thread.messages.last().unwrap();
    assert_eq!(last.author, MessageAuthor::Agency);
    assert_eq!(last.text, answer.text);
    assert_eq!(desk.mark_read(request.id).await.unwrap(), 1);
    assert_eq!(desk.unread_total().await.unwrap(), unread_before);
    // Read here stays read when the next sync brings the thread again.
    desk.sync(|_| {}).await.unwrap();
    assert_eq!(desk.unread_total().await.unwrap(), unread_before);

    // The user's reply goes into the same thread.
    let scan = home.path().join("releve.pdf");
    std::fs::write(&scan, common::pdf_bytes(5_000, 3)).unwrap();
    let reply = desk
        .reply(request.id, "Merci !".into(), vec![scan])
        .await
        .unwrap();
    let message = reply.sent().unwrap();
    assert_eq!(message.request_id, request.id);
    assert_eq!(message.attachments.len(), 1, "the file went first");
    assert_eq!(message.author, MessageAuthor::Customer);
    let thread = desk.thread(request.id).await.unwrap();
    assert_eq!(thread.messages.last().unwrap().text, "Merci !");
    let e = desk
        .reply(request.id, "   ".into(), Vec::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::InvalidFields), "{e}");
}

#[tokio::test]
async fn new_bank_details_need_the_server_and_the_password_which_is_never_written_down() {
    let mut server = TestServer::start_demo().await;
    let Debtor {
        home,
        mut desk,
        reference,
        ..
    } = sign_in(&server, demo::DEBTORS[0]).await;
    let mut change = question(&reference, "");
    change.kind = RequestType::BankDetailsChange;
    change.fields = fields(&[
        ("new_iban", "FR76 3000 6000 0112 3456 7890 189"),
        ("new_holder", "Jean Dupont"),
    ]);
    let e = desk
        .send_request(change.clone(), Vec::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::Invalid), "{e}");
    assert!(e.to_string().contains("password"), "{e}");
    change.password = Some(demo::PASSWORD.into());

    server.stop().await;
    let e = desk
        .send_request(change.clone(), Vec::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::NeedsNetwork), "{e}");
    assert!(desk.outbox().await.unwrap().is_empty(), "nothing queued");

    server.restart().await;
    let sent = desk.send_request(change, Vec::new()).await.unwrap();
    let request = sent.sent().expect("sent at once");
    assert_eq!(request.kind, RequestType::BankDetailsChange);
    // Not in the store, its journal, nor any file of the home.
    let mut dirs = vec![home.path().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    !bytes
                        .windows(demo::PASSWORD.len())
                        .any(|w| w == demo::PASSWORD.as_bytes()),
                    "the password is in {}",
                    path.display()
                );
            }
        }
    }
    let item = &desk.outbox().await.unwrap()[0];
    let Some(OrderRequest::Request { request: kept }) = &item.order else {
        panic!("{item:?}");
    };
    assert_eq!(kept.password, None);
    assert_eq!(item.state, OutboxState::Done);
}

#[tokio::test]
async fn a_complaint_goes_to_the_mediator_only_when_the_server_says_so() {
    let mut server = TestServer::start_demo().await;
    let Debtor {
        home: _home,
        mut desk,
        reference,
        ..
    } = sign_in(&server, demo::DEBTORS[0]).await;
    let mut complaint = question(&reference, "");
    complaint.kind = RequestType::Complaint;
    complaint.fields = fields(&[
        ("reason", "disputed_amount"),
        (
            "description",
            "Le montant réclamé ne tient pas compte de mon versement.",
        ),
    ]);
    let made = desk.send_request(complaint, Vec::new()).await.unwrap();
    let made = made.sent().unwrap().clone();
    let opens = made.mediation_from.expect("a complaint carries its clock");

    let e = desk.escalate(made.id).await.unwrap_err();
    assert!(
        e.to_string()
            .contains(&opens.format("%Y-%m-%d").to_string()),
        "says from when: {e}"
    );
    let question_id = desk
        .send_request(question(&reference, "Une question"), Vec::new())
        .await
        .unwrap()
        .sent()
        .unwrap()
        .id;
    let e = desk.escalate(question_id).await.unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::Invalid), "{e}");

    // The demo's complaint, answered long ago: the mediator may be asked.
    let open = desk
        .requests(Some(&reference))
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.request)
        .find(|r| {
            r.kind == RequestType::Complaint
                && r.referred_at.is_none()
                && r.mediation_from
                    .is_some_and(|from| from < chrono::Utc::now())
        })
        .expect("the demo debtor has a complaint open to mediation");
    server.stop().await;
    let e = desk.escalate(open.id).await.unwrap_err();
    assert_eq!(e.code(), Code::Client(ClientCode::NeedsNetwork), "{e}");
    server.restart().await;
    let referred = desk.escalate(open.id).await.unwrap();
    assert_eq!(referred.request.status, RequestStatus::ReferredToMediator);
    let last = referred.messages.last().unwrap();
    assert_eq!(last.author, MessageAuthor::System);
    assert_eq!(last.attachments.len(), 1, "the complaint's history");
    // Offline, the store says so at once.
    let thread = desk.thread(open.id).await.unwrap();
    assert_eq!(thread.request.status, RequestStatus::ReferredToMediator);
    desk.sync(|_| {}).await.unwrap();
    let history = desk
        .documents(&AttachTo::Dossier {
            reference: reference.clone(),
        })
        .await
        .unwrap();
    assert!(history.iter().any(|d| d.id == last.attachments[0]));
    let e = desk.escalate(open.id).await.unwrap_err();
    assert!(e.to_string().contains("already"), "{e}");
}

#[tokio::test]
async fn a_mandataires_request_files_its_attachments_on_the_procedure() {
    let server = TestServer::start_demo().await;
    let common::SignedIn { home, mut desk, .. } = common::sign_in(&server, demo::ETUDE_USER).await;
    let procedure = desk.procedures().await.unwrap()[0].procedure.id;
    let claim = desk.claims(procedure).await.unwrap().remove(0);
    let list = home.path().join("etat.pdf");
    std::fs::write(&list, common::pdf_bytes(6_000, 5)).unwrap();
    let mut wanted = question(&claim.dossier_reference, "");
    wanted.kind = RequestType::MandataireDocuments;
    wanted.fields = fields(&[("documents_wanted", "Le décompte à la date du jugement")]);
    let sent = desk.send_request(wanted, vec![list]).await.unwrap();
    let request = sent.sent().expect("sent at once");
    assert_eq!(request.attachments.len(), 1);
    let filed = desk
        .documents(&AttachTo::Procedure { id: procedure })
        .await
        .unwrap();
    let document = filed
        .iter()
        .find(|d| d.id == request.attachments[0])
        .expect("filed on the claim's procedure");
    assert_eq!(document.category, DocumentCategory::Other);
    assert!(
        document
            .note
            .as_deref()
            .unwrap_or("")
            .contains("mandataire")
    );
}

/// A value the form accepts for a field of this kind.
fn sample(field: &claimdesk_api::requests::FieldSpec) -> String {
    use claimdesk_api::requests::FieldKind::*;
    match field.kind {
        Line => "Jean Dupont".into(),
        Text => "Voir le courrier du 3 mars.".into(),
        PastDate | Date => "2026-01-15".into(),
        Amount => "45.10".into(),
        Iban => "FR76 3000 6000 0112 3456 7890 189".into(),
        Email => "jean.dupont@example.fr".into(),
        Phone => "+33 6 12 34 56 78".into(),
        Choice => field.choices[0].into(),
    }
}

#[tokio::test]
async fn every_type_a_debtor_may_ask_reaches_the_server_once_even_replayed() {
    let server = TestServer::start_demo().await;
    let Debtor {
        home: _home,
        mut desk,
        api,
        reference,
    } = sign_in(&server, demo::DEBTORS[0]).await;
    let before = server_requests(&api, &reference).await.len();
    let mut asked = 0;
    for kind in RequestType::ALL {
        if kind.for_mandataires() {
            continue;
        }
        let request = NewRequest {
            dossier_reference: reference.clone(),
            kind,
            fields: kind
                .fields()
                .iter()
                .map(|f| (f.name.to_owned(), sample(f)))
                .collect(),
            attachments: Vec::new(),
            password: kind.needs_password().then(|| demo::PASSWORD.to_owned()),
        };
        let outcome = desk
            .send_request(request.clone(), Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let made = outcome.sent().expect("online, sent at once").clone();
        assert_eq!(made.kind, kind);
        assert_eq!(made.fields, request.fields, "{kind:?}");
        // Replayed under its key (the answer lost): the same request.
        let item = desk
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.result.as_ref().is_some_and(|r| r.id() == made.id))
            .unwrap();
        let replay: Request = api
            .post_idempotent(routes::REQUESTS, &item.key, &request)
            .await
            .unwrap();
        assert_eq!(replay.id, made.id, "{kind:?}");
        asked += 1;
    }
    assert_eq!(asked, 21);
    assert_eq!(
        server_requests(&api, &reference).await.len(),
        before + asked
    );
}
