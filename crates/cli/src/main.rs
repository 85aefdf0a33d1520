//! `claimdesk`: the command line over the client core. Each command is a call
//! to [`claimdesk_client::Claimdesk`] and a rendering of its answer.

mod export;
mod pay;
mod render;
mod requests;
mod upload;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use chrono::NaiveDate;
use claimdesk_client::{
    Claimdesk, ClientError, DEFAULT_SERVER, DocumentFile, Home, Subject, SyncOutcome, SyncProgress,
    http,
};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "claimdesk",
    version,
    about = "Your claims and dossiers from the claimdesk central API, synced for offline use."
)]
struct Cli {
    /// Central API address [default: the server last signed in to, else http://127.0.0.1:8620].
    #[arg(long, global = true, env = "CLAIMDESK_SERVER", value_name = "URL")]
    server: Option<String>,
    /// Where the profile and the local stores live [default: the OS per-user data folder].
    #[arg(long, global = true, env = "CLAIMDESK_HOME", value_name = "DIR")]
    home: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in; the session token goes to the OS keyring.
    Login {
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// First sign-in of a debtor or guarantor, with the code from their letter.
    Activate {
        /// The dossier reference printed on the letter.
        #[arg(long)]
        reference: String,
        /// The activation code printed on the letter.
        #[arg(long)]
        code: String,
        #[arg(long)]
        email: String,
        /// Read the new password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Bring the local store up to date with the server.
    Sync,
    /// The procedures you follow, with their claims' totals.
    Procedures {
        #[arg(long)]
        json: bool,
    },
    /// The claims of one procedure.
    Claims {
        #[arg(long, value_name = "ID")]
        procedure: i64,
        #[arg(long)]
        json: bool,
    },
    /// A dossier by its reference.
    Show {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// The statement (décompte) of a dossier, or of a claim (`claim:ID`), at a date.
    Statement {
        /// A dossier reference, or `claim:ID` for a claim as declared.
        #[arg(value_name = "REF")]
        reference: String,
        /// YYYY-MM-DD; default today (for a claim: the judgment date).
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, conflicts_with = "pdf")]
        json: bool,
        /// Write the PDF to this file.
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
    },
    /// The bank details (RIB) to pay a dossier, or a claim's dividends, into.
    Rib {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[arg(long, conflicts_with = "pdf")]
        json: bool,
    },
    /// The attestation de solde of a dossier paid in full.
    Attestation {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long, value_name = "FILE")]
        pdf: PathBuf,
    },
    /// A procedure's claims for your own software: a CSV, each claim's
    /// statement PDF and the RIBs, in one folder.
    Export {
        #[arg(long, value_name = "ID")]
        procedure: i64,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Server, user, last sync and what the local store holds.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// End the session on the server and forget the token.
    Logout,
    /// Send documents to a dossier (REF) or a procedure (`procedure:ID`):
    /// added to the outbox, then sent at once when the server can be reached.
    Upload {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// What the documents are: proof_of_income, charges, proof_of_payment,
        /// termination, judgment, balance_sheet, death_and_succession,
        /// insurance_claim, sick_leave_or_job_loss, claim_evidence,
        /// list_of_claims, distribution_plan, certificate_of_irrecoverability,
        /// court_order, other (with --note).
        #[arg(long, value_parser = upload::parse_category)]
        category: claimdesk_api::uploads::DocumentCategory,
        #[arg(long)]
        note: Option<String>,
        /// Combine the images (JPEG, PNG) into one PDF, a page each.
        #[arg(long)]
        as_pdf: bool,
    },
    /// Send what waits in the outbox, then list it: states, progress, errors.
    Outbox {
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<upload::OutboxAction>,
    },
    /// The documents of a dossier (REF) or a procedure (`procedure:ID`).
    Documents {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Save a document's content into a folder.
    Download {
        #[arg(value_name = "DOC")]
        id: i64,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// What is due on a dossier: the plan's schedule, overdue, balance, pending.
    Due {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Pay a dossier. A card payment prints the payment page's address; a
    /// transfer prints what to pay and where. Offline, a transfer, cheque or
    /// debit order waits in the outbox and is sent once.
    Pay {
        #[arg(value_name = "REF")]
        reference: String,
        /// In euros, e.g. 120.50.
        #[arg(long, value_parser = pay::parse_money)]
        amount: claimdesk_domain::money::Money,
        /// card, transfer, debit or cheque.
        #[arg(long, value_parser = pay::parse_method)]
        method: claimdesk_api::payments::PaymentMethod,
        /// An instalment number to pay first; repeat for several.
        #[arg(long = "installment", value_name = "N")]
        installments: Vec<u32>,
        /// Transfer: write the EPC QR code, for a banking app, to this PNG.
        #[arg(long, value_name = "FILE.png")]
        qr: Option<PathBuf>,
        /// Transfer: write the instructions as a PDF to this file.
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Set up a SEPA direct-debit mandate on a dossier; prints its UMR.
    Mandate {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        iban: String,
        /// The account holder's name.
        #[arg(long)]
        holder: String,
        /// Day of the month it is collected, 1 to 28.
        #[arg(long, value_name = "N")]
        day: u8,
        /// Collected each month [default: the next instalment, else the balance].
        #[arg(long, value_parser = pay::parse_money)]
        amount: Option<claimdesk_domain::money::Money>,
        #[arg(long)]
        bic: Option<String>,
        /// Your password, read from standard input: asked again to replace
        /// an active mandate's bank details.
        #[arg(long)]
        password_stdin: bool,
        /// Write the mandate as a PDF to this file.
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Record a dividend (répartition) paid on a claim.
    Dividend {
        #[arg(value_name = "CLAIM")]
        claim: i64,
        #[arg(long, value_parser = pay::parse_money)]
        amount: claimdesk_domain::money::Money,
        /// The day of the transfer, YYYY-MM-DD.
        #[arg(long)]
        date: NaiveDate,
        /// The transfer's reference, as on the bank statement.
        #[arg(long)]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// A dossier's payments, newest first.
    Payments {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Save a payment's receipt as a PDF.
    Receipt {
        #[arg(value_name = "PAYMENT_ID")]
        id: i64,
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Make a request about a dossier; prints its id, or `queued` offline
    /// (it is then sent, once, when the server can be reached).
    Request {
        #[arg(value_name = "REF")]
        reference: String,
        /// The request's type (see `claimdesk request-types`).
        #[arg(long = "type", value_name = "TYPE", value_parser = requests::parse_type)]
        kind: claimdesk_api::requests::RequestType,
        /// A field of the type's form; repeat for each.
        #[arg(long = "field", value_name = "NAME=VALUE", value_parser = requests::parse_field)]
        fields: Vec<(String, String)>,
        /// A file to attach, sent first; repeat for several.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
        /// Your password, read from standard input: asked again for new bank details.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Your requests and complaints, of one dossier or all, with unread answers.
    Requests {
        #[arg(value_name = "REF")]
        reference: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A request's thread, oldest message first; marks it read.
    Thread {
        #[arg(value_name = "ID")]
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Write in a request's thread; prints the message's id, or `queued` offline.
    Reply {
        #[arg(value_name = "ID")]
        id: i64,
        #[arg(long)]
        text: String,
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Make a complaint (réclamation) about a dossier; prints its id.
    Complaint {
        #[arg(value_name = "REF")]
        reference: String,
        /// blocked_situation, disputed_amount, hardship,
        /// fraud_or_identity_theft, settlement_proposal or other.
        #[arg(long)]
        reason: String,
        /// What happened.
        #[arg(long)]
        text: String,
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Refer a complaint to the mediator, with its history.
    Escalate {
        #[arg(value_name = "ID")]
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// The request types and their fields (`*` required), for scripts.
    RequestTypes {
        #[arg(long)]
        json: bool,
    },
}

/// `claim:ID` names a claim; anything else a dossier reference.
fn subject(reference: &str) -> anyhow::Result<Subject> {
    match reference.strip_prefix("claim:") {
        Some(id) => Ok(Subject::Claim(id.parse().map_err(|_| {
            anyhow::anyhow!("{reference:?}: a claim is named claim:ID, ID being its number")
        })?)),
        None => Ok(Subject::Dossier(reference.to_owned())),
    }
}

/// Writes a PDF where asked, and says where it came from.
fn write_document(file: &std::path::Path, document: &DocumentFile) -> anyhow::Result<()> {
    std::fs::write(file, &document.bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    eprintln!("{}", render::document_written(file, document));
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLAIMDESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            // Every failure exits 1, usage mistakes included, so scripts test one code.
            return ExitCode::FAILURE;
        }
        Err(help_or_version) => {
            let _ = help_or_version.print();
            return ExitCode::SUCCESS;
        }
    };
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("claimdesk: {}", sentence(&e));
            ExitCode::FAILURE
        }
    }
}

/// One sentence for people, with the way out when there is one.
fn sentence(e: &anyhow::Error) -> String {
    let Some(client) = e.downcast_ref::<ClientError>() else {
        return format!("{e:#}");
    };
    if client.needs_login() {
        return match client {
            ClientError::NotLoggedIn => {
                "not logged in: run `claimdesk login --email <your email>` first".into()
            }
            other => format!("{other}: run `claimdesk login --email <your email>` again"),
        };
    }
    match client {
        ClientError::NeverSynced => "nothing has been synced yet: run `claimdesk sync`".into(),
        ClientError::InvalidFields(problems) => {
            let lang = requests::lang();
            let said = claimdesk_client::requests::problems_sentence(problems, lang);
            match lang {
                claimdesk_client::Lang::Fr => {
                    format!("la demande ne peut pas être envoyée : {said}")
                }
                claimdesk_client::Lang::En => format!("the request cannot be sent: {said}"),
            }
        }
        other => other.to_string(),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let home = Home::locate(cli.home.clone())?;
    let mut desk = Claimdesk::open(home).await?;
    match cli.command {
        Command::Login {
            ref email,
            password_stdin,
        } => {
            let server = login_server(&cli, &desk)?;
            let password = read_password(password_stdin, &format!("Password for {email}: "))?;
            let user = desk.login(&server, email, &password).await?;
            println!("{}", render::signed_in(&server, &user));
        }
        Command::Activate {
            ref reference,
            ref code,
            ref email,
            password_stdin,
        } => {
            let server = login_server(&cli, &desk)?;
            let password = read_password(password_stdin, "Choose a password: ")?;
            let user = desk
                .activate(&server, reference, code, email, &password)
                .await?;
            println!("{}", render::signed_in(&server, &user));
        }
        Command::Sync => {
            check_server(&cli, &desk)?;
            let outcome = desk.sync(progress_printer()).await?;
            match outcome {
                SyncOutcome::Synced(report) => println!("{}", render::sync_summary(&report)),
                SyncOutcome::Offline {
                    server,
                    last_synced_at: Some(at),
                } => {
                    eprintln!(
                        "{} (the server {server} cannot be reached)",
                        render::offline_notice(at)
                    );
                }
                SyncOutcome::Offline {
                    server,
                    last_synced_at: None,
                } => bail!("the server {server} cannot be reached and nothing has been synced yet"),
            }
        }
        Command::Procedures { json } => {
            check_server(&cli, &desk)?;
            let procedures = desk.procedures().await?;
            if json {
                print_json(&procedures)?;
            } else {
                println!("{}", render::procedures(&procedures));
            }
        }
        Command::Claims { procedure, json } => {
            check_server(&cli, &desk)?;
            let claims = desk.claims(procedure).await?;
            if json {
                print_json(&claims)?;
            } else {
                println!("{}", render::claims(&claims));
            }
        }
        Command::Show {
            ref reference,
            json,
        } => {
            check_server(&cli, &desk)?;
            let shown = desk.show(reference).await?;
            if json {
                print_json(&shown)?;
            } else {
                println!("{}", render::shown(&shown));
            }
        }
        Command::Statement {
            ref reference,
            date,
            json,
            ref pdf,
        } => {
            check_server(&cli, &desk)?;
            let subject = subject(reference)?;
            if let Some(file) = pdf {
                let document = desk.statement_pdf(&subject, date).await?;
                write_document(file, &document)?;
            } else {
                let answer = desk.statement(&subject, date).await?;
                if json {
                    print_json(&answer)?;
                } else {
                    println!("{}", render::statement(&answer));
                }
            }
        }
        Command::Rib {
            ref reference,
            ref pdf,
            json,
        } => {
            check_server(&cli, &desk)?;
            let subject = subject(reference)?;
            if let Some(file) = pdf {
                let document = desk.rib_pdf(&subject).await?;
                write_document(file, &document)?;
            } else {
                let answer = desk.rib(&subject).await?;
                if json {
                    print_json(&answer)?;
                } else {
                    println!("{}", render::rib(&answer));
                }
            }
        }
        Command::Attestation {
            ref reference,
            ref pdf,
        } => {
            check_server(&cli, &desk)?;
            let document = desk.attestation_pdf(reference).await?;
            write_document(pdf, &document)?;
        }
        Command::Export { procedure, ref out } => {
            check_server(&cli, &desk)?;
            export::run(&mut desk, procedure, out).await?;
        }
        Command::Status { json } => {
            check_server(&cli, &desk)?;
            let status = desk.status().await?;
            if json {
                print_json(&status)?;
            } else {
                println!("{}", render::status(&status));
            }
            if !status.online {
                match status.last_synced_at {
                    Some(at) => eprintln!("{}", render::offline_notice(at)),
                    None => eprintln!("offline: the server {} cannot be reached", status.server),
                }
            }
        }
        Command::Upload {
            ref reference,
            ref files,
            category,
            ref note,
            as_pdf,
        } => {
            check_server(&cli, &desk)?;
            upload::upload(&mut desk, reference, files, category, note.clone(), as_pdf).await?;
        }
        Command::Outbox { json, ref action } => {
            check_server(&cli, &desk)?;
            upload::outbox(&mut desk, action.as_ref(), json).await?;
        }
        Command::Documents {
            ref reference,
            json,
        } => {
            check_server(&cli, &desk)?;
            upload::documents(&mut desk, reference, json).await?;
        }
        Command::Download { id, ref out } => {
            check_server(&cli, &desk)?;
            upload::download(&mut desk, id, out).await?;
        }
        Command::Due {
            ref reference,
            json,
        } => {
            check_server(&cli, &desk)?;
            pay::due(&desk, reference, json).await?;
        }
        Command::Pay {
            ref reference,
            amount,
            method,
            ref installments,
            ref qr,
            ref pdf,
            json,
        } => {
            check_server(&cli, &desk)?;
            let args = pay::PayArgs {
                reference,
                amount,
                method,
                installments: installments.clone(),
                qr: qr.as_deref(),
                pdf: pdf.as_deref(),
                json,
            };
            pay::pay(&mut desk, args).await?;
        }
        Command::Mandate {
            ref reference,
            ref iban,
            ref holder,
            day,
            amount,
            ref bic,
            password_stdin,
            ref pdf,
            json,
        } => {
            check_server(&cli, &desk)?;
            let password = stdin_password(password_stdin)?;
            let args = pay::MandateArgs {
                reference,
                iban: iban.clone(),
                holder: holder.clone(),
                day,
                amount,
                bic: bic.clone(),
                password,
                pdf: pdf.as_deref(),
                json,
            };
            pay::mandate(&mut desk, args).await?;
        }
        Command::Dividend {
            claim,
            amount,
            date,
            ref reference,
            json,
        } => {
            check_server(&cli, &desk)?;
            pay::dividend(&mut desk, claim, amount, date, reference.clone(), json).await?;
        }
        Command::Payments {
            ref reference,
            json,
        } => {
            check_server(&cli, &desk)?;
            pay::payments(&desk, reference, json).await?;
        }
        Command::Receipt { id, ref output } => {
            check_server(&cli, &desk)?;
            pay::receipt(&mut desk, id, output).await?;
        }
        Command::Request {
            ref reference,
            kind,
            ref fields,
            ref attach,
            password_stdin,
            json,
        } => {
            check_server(&cli, &desk)?;
            let password = stdin_password(password_stdin)?;
            let args = requests::RequestArgs {
                reference: reference.clone(),
                kind,
                fields: fields.clone(),
                attach: attach.clone(),
                password,
                json,
            };
            requests::request(&mut desk, args).await?;
        }
        Command::Requests {
            ref reference,
            json,
        } => {
            check_server(&cli, &desk)?;
            requests::list(&desk, reference.as_deref(), json).await?;
        }
        Command::Thread { id, json } => {
            check_server(&cli, &desk)?;
            requests::thread(&desk, id, json).await?;
        }
        Command::Reply {
            id,
            ref text,
            ref attach,
            json,
        } => {
            check_server(&cli, &desk)?;
            requests::reply(&mut desk, id, text.clone(), attach.clone(), json).await?;
        }
        Command::Complaint {
            ref reference,
            ref reason,
            ref text,
            ref attach,
            json,
        } => {
            check_server(&cli, &desk)?;
            let complaint = requests::Complaint {
                reference: reference.clone(),
                reason: reason.clone(),
                text: text.clone(),
                attach: attach.clone(),
            };
            requests::complaint(&mut desk, complaint, json).await?;
        }
        Command::Escalate { id, json } => {
            check_server(&cli, &desk)?;
            requests::escalate(&mut desk, id, json).await?;
        }
        Command::RequestTypes { json } => requests::types(json)?,
        Command::Logout => {
            check_server(&cli, &desk)?;
            let outcome = desk.logout().await?;
            if outcome.server_reached {
                println!("logged out of {}", outcome.server);
            } else {
                println!("logged out: the token is forgotten on this computer");
                eprintln!(
                    "the server {} was not reached; its session ends at its expiry",
                    outcome.server
                );
            }
        }
    }
    Ok(())
}

/// The server to sign in to: `--server`, else the one last used, else the default.
fn login_server(cli: &Cli, desk: &Claimdesk) -> anyhow::Result<String> {
    let server = cli
        .server
        .as_deref()
        .or(desk.server())
        .unwrap_or(DEFAULT_SERVER);
    Ok(http::normalize_server(server)?)
}

/// Commands on a session refuse a `--server` other than the session's, rather
/// than showing one server's data under another's name.
fn check_server(cli: &Cli, desk: &Claimdesk) -> anyhow::Result<()> {
    let (Some(asked), Some(session)) = (cli.server.as_deref(), desk.session()) else {
        return Ok(());
    };
    let asked = http::normalize_server(asked)?;
    if asked != session.server {
        bail!(
            "signed in to {}, not {asked}: run `claimdesk --server {asked} login --email <your email>`",
            session.server
        );
    }
    Ok(())
}

/// The password asked again for a sensitive change, when given on standard input.
fn stdin_password(given: bool) -> anyhow::Result<Option<String>> {
    given.then(|| read_password(true, "")).transpose()
}

fn read_password(from_stdin: bool, prompt: &str) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("cannot read the password")?
    } else {
        bail!(
            "no terminal to ask the password on: pass it on standard input with --password-stdin"
        );
    };
    if password.is_empty() {
        return Err(anyhow!("the password is empty"));
    }
    Ok(password)
}

/// Sync progress on standard error: one line rewritten in place on a
/// terminal, a line per page otherwise.
fn progress_printer() -> impl FnMut(SyncProgress) + Send {
    let terminal = std::io::stderr().is_terminal();
    move |p: SyncProgress| {
        let mut err = std::io::stderr().lock();
        let line = format!(
            "syncing: page {}, {} changes applied{}",
            p.pages,
            p.changes_applied,
            if p.more { "…" } else { "" }
        );
        let _ = if terminal {
            write!(err, "\r\x1b[2K{line}")
                .and_then(|()| if p.more { Ok(()) } else { writeln!(err) })
        } else {
            writeln!(err, "{line}")
        };
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
