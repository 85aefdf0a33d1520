//! Generates the permissions of the app's own commands, so that the capability
//! file grants exactly those and nothing else is callable from the WebView.

/// Every command of `src/commands.rs`; a command missing here cannot be granted.
const COMMANDS: &[&str] = &[
    "app_status",
    "login",
    "activate",
    "logout",
    "sync_now",
    "procedures",
    "procedure",
    "dossiers",
    "dossier",
    "search",
    "get_settings",
    "set_settings",
    "statement",
    "rib",
    "save_statement_pdf",
    "save_rib_pdf",
    "save_attestation_pdf",
    "pick_files",
    "add_documents",
    "outbox",
    "send_outbox",
    "retry_outbox_item",
    "cancel_outbox_item",
    "documents",
    "open_document",
    "save_document",
    "due",
    "payments",
    "order_payment",
    "transfer_qr",
    "create_mandate",
    "save_receipt",
    "save_transfer_instructions",
    "save_mandate_pdf",
    "request_types",
    "check_request",
    "requests",
    "thread",
    "send_request",
    "reply",
    "escalate",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
