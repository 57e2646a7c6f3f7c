//! How an error crosses IPC: `{ code, message, fields }`, the message already in the user's
//! language. The window branches on `code` only.

use std::collections::BTreeMap;

use fidelia_core::i18n::t;
use fidelia_core::Lang;
use fidelia_ops::server::ServerProblem;
use fidelia_ops::StoreError;
use serde::Serialize;

/// Every `code` an error may carry (docs/ipc.md lists them; a test keeps the two in step).
pub const CODES: &[&str] = &[
    "validation",
    "not_found",
    "refused",
    "conflict",
    "import",
    "cancelled",
    "database",
    "server_down",
    "unavailable",
    "internal",
];

#[derive(Debug, Serialize, PartialEq)]
pub struct IpcError {
    /// One of [`CODES`].
    pub code: &'static str,
    pub message: String,
    /// Form field name -> message, for "validation".
    pub fields: BTreeMap<&'static str, String>,
}

impl IpcError {
    /// An unexpected failure outside the store (logged; the window gets the generic message,
    /// in the clinic's language).
    pub fn internal(detail: &str, lang: Lang) -> IpcError {
        log::error!("internal: {detail}");
        IpcError {
            code: "internal",
            message: t(lang, "err.internal"),
            fields: BTreeMap::new(),
        }
    }

    /// The database could not be used at start-up and waits to be restored.
    pub fn unavailable(lang: Lang) -> IpcError {
        IpcError {
            code: "unavailable",
            message: t(lang, "err.db_unavailable"),
            fields: BTreeMap::new(),
        }
    }

    pub fn from_store(e: StoreError, lang: Lang) -> IpcError {
        let simple = |code, key| IpcError {
            code,
            message: t(lang, key),
            fields: BTreeMap::new(),
        };
        match e {
            StoreError::Invalid(inv) => {
                let mut fields = BTreeMap::new();
                for f in inv.0 {
                    // The first problem of a field is the one shown.
                    fields.entry(f.field).or_insert_with(|| t(lang, f.key));
                }
                IpcError {
                    code: "validation",
                    message: t(lang, "err.invalid_form"),
                    fields,
                }
            }
            StoreError::NotFound => simple("not_found", "err.not_found"),
            StoreError::Refused(message) => IpcError {
                code: "refused",
                message,
                fields: BTreeMap::new(),
            },
            StoreError::Conflict(message) => IpcError {
                code: "conflict",
                message,
                fields: BTreeMap::new(),
            },
            StoreError::Sqlite(e) => {
                log::error!("database: {e}");
                simple("database", "err.database")
            }
            // The clinic's server stopped answering (the connection is made again by the next
            // command): the window says so and keeps what was typed.
            StoreError::Server(ServerProblem::Unreachable(detail)) => {
                log::warn!("server not reachable: {detail}");
                simple("server_down", "err.server_down")
            }
            StoreError::Postgres(e) if e.code().is_none() => {
                log::warn!("server not reachable: {e}");
                simple("server_down", "err.server_down")
            }
            StoreError::Server(p) => IpcError {
                code: "refused",
                message: p.message(lang),
                fields: BTreeMap::new(),
            },
            StoreError::Postgres(e) => {
                log::error!("server database: {e}");
                simple("database", "err.database")
            }
            other => {
                log::error!("internal: {other}");
                simple("internal", "err.internal")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fidelia_core::{FieldError, Invalid};

    #[test]
    fn a_validation_error_crosses_ipc_as_this_exact_json() {
        let inv = Invalid(vec![
            FieldError {
                field: "phone1",
                key: "err.phone_letters",
            },
            FieldError {
                field: "phone1",
                key: "err.contact_required",
            },
            FieldError {
                field: "date",
                key: "err.date_impossible",
            },
        ]);
        let json = serde_json::to_string(&IpcError::from_store(StoreError::Invalid(inv), Lang::Es))
            .unwrap();
        assert_eq!(
            json,
            r#"{"code":"validation","message":"Revise los campos marcados.","fields":{"date":"Esa fecha no existe (revise el día y el mes).","phone1":"El teléfono no puede llevar letras."}}"#
        );
    }

    /// The codes docs/ipc.md lists under "Errors" are exactly the ones the window can get.
    #[test]
    fn the_documented_error_codes_are_the_real_ones() {
        let doc = include_str!("../../docs/ipc.md");
        let errors = doc
            .split("## Errors")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .expect("docs/ipc.md has an Errors section");
        let mut listed: Vec<&str> = errors
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- `\""))
            .chain(errors.split("; `\"").skip(1))
            .filter_map(|l| l.split('"').next())
            .collect();
        listed.sort();
        let mut codes = CODES.to_vec();
        codes.sort();
        assert_eq!(listed, codes, "docs/ipc.md, section Errors");
        // And every code the shell writes is one of them.
        for src in [include_str!("error.rs"), include_str!("commands/import.rs")] {
            let code = src.split("#[cfg(test)]").next().unwrap_or(src);
            for part in code.split("code: ").skip(1) {
                let value = part.split(",\n").next().unwrap_or("");
                for word in value.split('"').skip(1).step_by(2) {
                    assert!(CODES.contains(&word), "code {word:?} is not in CODES");
                }
            }
        }
    }

    /// Another PC changed the record: the window gets "conflict" and the message as the
    /// operation wrote it (already in the clinic's language).
    #[test]
    fn a_conflict_crosses_ipc_with_its_message() {
        let message = fidelia_core::i18n::t(Lang::Es, "err.conflict_call");
        assert!(message.starts_with("Otra persona acaba de cambiar esta llamada"));
        let json = serde_json::to_value(IpcError::from_store(
            StoreError::Conflict(message.clone()),
            Lang::En,
        ))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "conflict", "message": message, "fields": {} })
        );
    }

    #[test]
    fn other_errors_carry_a_code_and_a_translated_message() {
        let json =
            serde_json::to_string(&IpcError::from_store(StoreError::NotFound, Lang::En)).unwrap();
        assert_eq!(
            json,
            r#"{"code":"not_found","message":"The record no longer exists.","fields":{}}"#
        );
    }
}
