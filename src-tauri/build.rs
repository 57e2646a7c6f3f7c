/// The window may call exactly these commands: each gets an `allow-<command>` permission that
/// `capabilities/default.json` grants to the main window (and nothing else is granted).
const COMMANDS: &[&str] = &[
    "app_info",
    "i18n_dictionary",
    "settings_get",
    "settings_save",
    "clinic_reset",
    "search_clients",
    "clients_list",
    "client_get",
    "client_save",
    "pet_save",
    "staff_list",
    "staff_save",
    "visit_save",
    "visit_delete",
    "appointment_save",
    "appointment_cancel",
    "appointments_upcoming",
    "calls_agenda",
    "calls_counts",
    "call_get",
    "call_attempt",
    "call_add_courtesy",
    "call_assign",
    "client_calls",
    "notifications_status",
    "autostart_get",
    "autostart_set",
    "loyalty_review",
    "loyalty_issue",
    "condolence_draft",
    "condolence_issue",
    "birthdays_list",
    "coupon_issue",
    "coupon_redeem",
    "letter_open",
    "import_preview",
    "import_run",
    "import_progress",
    "import_cancel",
    "import_report_save",
    "treatment_save",
    "messages_today",
    "message_open",
    "message_sent",
    "message_skip",
    "client_messages",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
