//! Statements computed and statement PDFs rendered per second, on one thread.
//!
//! `cargo run --release -p claimdesk-documents --example render_bench [N]`
//! (N statements, default 2000, each a typical 40-line statement).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use claimdesk_documents::statement_pdf;
use claimdesk_domain::statement::compute;

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map(|arg| arg.parse().expect("N is a number of statements"))
        .unwrap_or(2000);
    let ledger = common::trade_ledger(10);
    let params = common::params(common::d(2025, 11, 30));
    let (letterhead, creditor, debtor) =
        (common::letterhead(), common::creditor(), common::debtor());

    let started = Instant::now();
    let mut statements = Vec::with_capacity(count);
    for _ in 0..count {
        statements.push(compute(&ledger, &params).expect("the sample ledger computes"));
    }
    let computing = started.elapsed();
    let lines = statements[0].lines.len();

    // The first document parses the fonts; it is not part of the steady rate.
    let warm = common::statement_document(&letterhead, &creditor, &debtor, &statements[0]);
    statement_pdf(&warm).expect("the statement renders");

    let started = Instant::now();
    let mut bytes = 0;
    for statement in &statements {
        let doc = common::statement_document(&letterhead, &creditor, &debtor, statement);
        bytes += statement_pdf(&doc).expect("the statement renders").len();
    }
    let rendering = started.elapsed();

    println!("{count} statements of {lines} lines, one thread");
    println!(
        "statements: {:.0}/s computed",
        count as f64 / computing.as_secs_f64()
    );
    println!(
        "pdf: {:.0}/s rendered ({} KiB on average)",
        count as f64 / rendering.as_secs_f64(),
        bytes / count / 1024
    );
}
