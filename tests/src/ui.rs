//! What a receptionist does in a form, in a few words: open dialogs, fields, choices, saving.
//! Shared by the end-to-end test files.

use std::time::{Duration, Instant};

use crate::{App, WAIT};

/// `dialog.form-dialog[data-dialog=<form>]`.
pub fn dialog(form: &str) -> String {
    format!("dialog.form-dialog[data-dialog={form}]")
}

/// A control of the open form dialog, by its field name.
pub fn input(form: &str, name: &str) -> String {
    format!("{} form[data-form={form}] [name={name}]", dialog(form))
}

/// The message at the top of the open form dialog (why the save was refused).
pub fn form_error(form: &str) -> String {
    format!("{} p.form-error", dialog(form))
}

/// The message under a field of the open form dialog.
pub fn field_error(form: &str, field: &str) -> String {
    format!("{} p.field-error[data-field={field}]", dialog(form))
}

/// Picks `value` in the `<select>` matching `css`, and checks it took.
pub async fn choose(app: &App, css: &str, value: &str) {
    let select = app.wait_for(css).await;
    select
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choosing {value:?} in {css:?}: {e}"));
    wait_value(app, css, value).await;
}

/// Waits until the control matching `css` holds `expected`.
pub async fn wait_value(app: &App, css: &str, expected: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let got = app.value(css).await;
        if got == expected {
            return;
        }
        if Instant::now() >= deadline {
            panic!("{css:?} holds {got:?}, expected {expected:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks the dialog's "Guardar".
pub async fn submit(app: &App, form: &str) {
    app.click(&format!("{} button[type=submit]", dialog(form)))
        .await;
}

/// Saves the open dialog and waits for it to close (a successful save).
pub async fn save_ok(app: &App, form: &str) {
    submit(app, form).await;
    let deadline = Instant::now() + WAIT;
    while app.exists(&dialog(form)).await {
        if Instant::now() >= deadline {
            let errors = app
                .texts(&format!(
                    "{} .field-error, {} .form-error",
                    dialog(form),
                    dialog(form)
                ))
                .await;
            panic!("the {form} dialog did not close after saving; its messages: {errors:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
