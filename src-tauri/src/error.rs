//! How an error crosses IPC: `{ code, message, fields }`, the message already in the user's
//! language. The window branches on `code` only.

use std::collections::BTreeMap;

use fidelia_core::i18n::t;
use fidelia_core::Lang;
use fidelia_ops::StoreError;
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq)]
pub struct IpcError {
    /// "validation", "not_found", "database" or "internal".
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
            StoreError::Sqlite(e) => {
                log::error!("database: {e}");
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
