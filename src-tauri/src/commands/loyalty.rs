//! Loyalty: the review, thank-you letters written as PDF, condolences, birthday coupons. The
//! letters are written by `fidelia-ops`; the window only opens them.

use std::path::{Path, PathBuf};

use fidelia_core::*;
use fidelia_ops::letters::{Condolence, Issued, IssuedLetter, Output};
use fidelia_ops::loyalty::Review;
use fidelia_ops::{folders, Coupon};
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// Opens a written PDF with the system's viewer, unless `FIDELIA_NO_OPEN` is set (tests).
fn open_pdf<R: Runtime>(app: &AppHandle<R>, path: &Path) {
    if std::env::var_os("FIDELIA_NO_OPEN").is_none() {
        if let Err(e) = app.opener().open_path(path.to_string_lossy(), None::<&str>) {
            log::warn!("could not open {}: {e}", path.display());
        }
    }
}

#[tauri::command(async)]
pub fn loyalty_review(state: State<'_, AppState>) -> Result<Review, IpcError> {
    state.call(|c| c.loyalty_review(clinic_time().today()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueRequest {
    client_ids: Vec<ClientId>,
    /// "" = the clinic's template.
    template: String,
    /// "batch" (one PDF, a letter a page) or "files" (one PDF per client).
    output: Output,
}

/// Issues the thank-you letters (PDFs written, then recorded, all or nothing), then opens the
/// first file for printing.
#[tauri::command]
pub async fn loyalty_issue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: IssueRequest,
) -> Result<Issued, IpcError> {
    let issued = state
        .long(move |c| {
            c.issue_thanks(
                &request.client_ids,
                &request.template,
                request.output,
                &folders::letters(),
                &clinic_time(),
            )
        })
        .await?;
    if let Some(first) = issued.files.first() {
        open_pdf(&app, first);
    }
    Ok(issued)
}

#[tauri::command(async)]
pub fn condolence_draft(
    state: State<'_, AppState>,
    pet_id: PetId,
) -> Result<IssuedLetter, IpcError> {
    state.call(|c| c.condolence_draft(pet_id))
}

/// Records a condolence letter; with `print`, writes its PDF and opens it.
#[tauri::command(async)]
pub fn condolence_issue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pet_id: PetId,
    body: String,
    print: bool,
) -> Result<Condolence, IpcError> {
    let at = clinic_time();
    let letter = state.call(|c| {
        c.issue_condolence(
            pet_id,
            &body,
            print,
            Some(&folders::letters()),
            at.now,
            at.today(),
        )
    })?;
    if let Some(f) = &letter.file {
        open_pdf(&app, f);
    }
    Ok(letter)
}

#[tauri::command(async)]
pub fn birthdays_list(
    state: State<'_, AppState>,
) -> Result<Vec<fidelia_core::loyalty::Birthday>, IpcError> {
    state.call(|c| c.birthdays(clinic_time().today(), 7))
}

#[tauri::command(async)]
pub fn coupon_issue(state: State<'_, AppState>, pet_id: PetId) -> Result<Coupon, IpcError> {
    let at = clinic_time();
    state.call(|c| c.issue_coupon(pet_id, at.today(), at.now))
}

#[tauri::command(async)]
pub fn coupon_redeem(state: State<'_, AppState>, code: String) -> Result<Coupon, IpcError> {
    let at = clinic_time();
    state.call(|c| c.redeem_coupon(&code, at.today(), at.now))
}

/// `path` resolved, if it is a PDF inside `dir` (after resolving any ".." and links): the
/// window may only ask to open letters Fidelia wrote.
fn letter_in(dir: &Path, path: &str) -> Option<PathBuf> {
    let p = std::fs::canonicalize(path).ok()?;
    let dir = std::fs::canonicalize(dir).ok()?;
    (p.starts_with(&dir) && p.is_file() && p.extension().is_some_and(|e| e == "pdf")).then_some(p)
}

/// Opens a letter already written (the "Abrir" button).
#[tauri::command(async)]
pub fn letter_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> Result<(), IpcError> {
    let Some(p) = letter_in(&folders::letters(), &path) else {
        return Err(state.internal(&format!("refused to open {path}")));
    };
    open_pdf(&app, &p);
    Ok(())
}
/// Writes the owner's report of the month starting on `month` in Documents/Fidelia/Informes,
/// opens it, and returns where it is.
#[tauri::command]
pub async fn report_month<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    month: chrono::NaiveDate,
) -> Result<String, IpcError> {
    let path = state
        .long(move |c| c.write_monthly_report(month, &folders::reports(), &clinic_time()))
        .await?;
    open_pdf(&app, &path);
    Ok(path.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdfs_inside_the_letters_folder_may_be_opened() {
        let root = std::env::temp_dir().join(format!("fidelia-letters-{}", std::process::id()));
        let dir = root.join("Cartas");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("carta.pdf"), b"%PDF").unwrap();
        std::fs::write(root.join("fuera.pdf"), b"%PDF").unwrap();
        std::fs::write(dir.join("nota.txt"), b"x").unwrap();
        let s = |p: PathBuf| p.to_string_lossy().into_owned();
        assert!(letter_in(&dir, &s(dir.join("carta.pdf"))).is_some());
        assert!(
            letter_in(&dir, &s(dir.join("../fuera.pdf"))).is_none(),
            "no way out with .."
        );
        assert!(letter_in(&dir, &s(root.join("fuera.pdf"))).is_none());
        assert!(
            letter_in(&dir, &s(dir.join("nota.txt"))).is_none(),
            "PDFs only"
        );
        assert!(letter_in(&dir, "/etc/passwd").is_none());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
