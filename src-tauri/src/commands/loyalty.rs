//! Loyalty: the review, thank-you letters written as PDF, condolences, birthday coupons.

use std::path::{Path, PathBuf};

use fidelia_core::i18n::t;
use fidelia_core::*;
use fidelia_letters::{
    render_batch, render_letter, safe_file_name, Greeting, LetterData, Letterhead,
};
use fidelia_store::loyalty::{Coupon, IssuedLetter, Review};
use fidelia_store::Store;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::IpcError;
use crate::state::{clinic_time, AppState};

/// Where letters are written: `$FIDELIA_LETTERS_DIR`, else `<Documents>/Fidelia/Cartas`.
pub fn letters_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("FIDELIA_LETTERS_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("Fidelia")
        .join("Cartas")
}

fn letterhead(
    store: &Store,
) -> Result<(Letterhead, fidelia_core::settings::Settings), fidelia_store::StoreError> {
    let s = store.settings()?;
    let head = Letterhead {
        clinic_name: s.clinic_name.clone(),
        address: s.address.clone(),
        phone: s.phone.clone(),
        email: s.email.clone(),
        logo_data_url: s.logo_data_url.clone(),
    };
    Ok((head, s))
}

fn letter(
    s: &fidelia_core::settings::Settings,
    l: &IssuedLetter,
    date: chrono::NaiveDate,
) -> LetterData {
    LetterData {
        lang: s.language,
        date,
        greeting: match l.title {
            Title::Mrs => Greeting::Female,
            Title::Mr => Greeting::Male,
            Title::None => Greeting::Neutral,
        },
        client_name: l.client_name.clone(),
        body: l.body.clone(),
        signature_name: if s.loyalty.signer_name.is_empty() {
            s.clinic_name.clone()
        } else {
            s.loyalty.signer_name.clone()
        },
        signature_role: s.loyalty.signer_role.clone(),
    }
}

/// Writes `bytes` to `dir/name`, never over an existing file ("name (2).pdf").
fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "pdf"));
    let mut path = dir.join(name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} ({n}).{ext}"));
        n += 1;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Opens a written PDF with the system's viewer, unless `FIDELIA_NO_OPEN` is set (tests).
fn open_pdf<R: Runtime>(app: &AppHandle<R>, path: &Path) {
    if std::env::var_os("FIDELIA_NO_OPEN").is_none() {
        if let Err(e) = app.opener().open_path(path.to_string_lossy(), None::<&str>) {
            log::warn!("could not open {}: {e}", path.display());
        }
    }
}

#[tauri::command]
pub fn loyalty_review(state: State<'_, AppState>) -> Result<Review, IpcError> {
    state.call(|s| s.loyalty_review(clinic_time().today()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueRequest {
    client_ids: Vec<ClientId>,
    /// "" = the clinic's template.
    template: String,
    /// "batch" (one PDF, a letter a page) or "files" (one PDF per client).
    output: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    letters: Vec<IssuedLetter>,
    files: Vec<String>,
    folder: String,
}

/// Issues the thank-you letters: PDFs written first, then recorded (all or nothing), then the
/// first file opened for printing.
#[tauri::command]
pub fn loyalty_issue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: IssueRequest,
) -> Result<Issued, IpcError> {
    let at = clinic_time();
    let today = at.today();
    let mut files: Vec<PathBuf> = Vec::new();
    let folder = letters_dir().join(
        fidelia_core::loyalty::period_of(
            today,
            state
                .store
                .settings()
                .map(|s| s.loyalty.period_months)
                .unwrap_or(3),
        )
        .key,
    );
    let letters = state.call(|store| {
        let (head, settings) = letterhead(store)?;
        store.issue_thanks(
            &request.client_ids,
            &request.template,
            today,
            at.now,
            &mut |issued| {
                let data: Vec<LetterData> =
                    issued.iter().map(|l| letter(&settings, l, today)).collect();
                if request.output == "files" {
                    for d in &data {
                        let pdf = render_letter(&head, d).map_err(|e| e.to_string())?;
                        files.push(write_new(&folder, &safe_file_name(&d.client_name), &pdf)?);
                    }
                } else {
                    let pdf = render_batch(&head, &data).map_err(|e| e.to_string())?;
                    let name = format!(
                        "{}-{}.pdf",
                        t(settings.language, "letter.batch_file"),
                        today.format("%Y-%m-%d")
                    );
                    files.push(write_new(&folder, &name, &pdf)?);
                }
                Ok(())
            },
        )
    })?;
    if let Some(first) = files.first() {
        open_pdf(&app, first);
    }
    Ok(Issued {
        letters,
        files: files.iter().map(|p| p.display().to_string()).collect(),
        folder: folder.display().to_string(),
    })
}

#[tauri::command]
pub fn condolence_draft(
    state: State<'_, AppState>,
    pet_id: PetId,
) -> Result<IssuedLetter, IpcError> {
    state.call(|s| s.condolence_draft(pet_id))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condolence {
    letter: IssuedLetter,
    file: Option<String>,
}

/// Records a condolence letter; with `print`, writes its PDF and opens it.
#[tauri::command]
pub fn condolence_issue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pet_id: PetId,
    body: String,
    print: bool,
) -> Result<Condolence, IpcError> {
    let at = clinic_time();
    let mut file = None;
    let letter_rec = state.call(|s| {
        if print {
            let (head, settings) = letterhead(s)?;
            let draft = IssuedLetter {
                body: body.clone(),
                ..s.condolence_draft(pet_id)?
            };
            let pdf = render_letter(&head, &letter(&settings, &draft, at.today()))
                .map_err(|e| fidelia_store::StoreError::Refused(e.to_string()))?;
            let name = format!(
                "{}-{}",
                t(settings.language, "letter.condolence_file"),
                safe_file_name(&draft.client_name)
            );
            file = Some(
                write_new(&letters_dir(), &name, &pdf)
                    .map_err(fidelia_store::StoreError::Refused)?,
            );
        }
        s.record_condolence(pet_id, &body, print, at.now)
    })?;
    if let Some(f) = &file {
        open_pdf(&app, f);
    }
    Ok(Condolence {
        letter: letter_rec,
        file: file.map(|f| f.display().to_string()),
    })
}

#[tauri::command]
pub fn birthdays_list(
    state: State<'_, AppState>,
) -> Result<Vec<fidelia_core::loyalty::Birthday>, IpcError> {
    state.call(|s| s.birthdays(clinic_time().today(), 7))
}

#[tauri::command]
pub fn coupon_issue(state: State<'_, AppState>, pet_id: PetId) -> Result<Coupon, IpcError> {
    let at = clinic_time();
    state.call(|s| s.issue_coupon(pet_id, at.today(), at.now))
}

#[tauri::command]
pub fn coupon_redeem(state: State<'_, AppState>, code: String) -> Result<Coupon, IpcError> {
    let at = clinic_time();
    state.call(|s| s.redeem_coupon(&code, at.today(), at.now))
}

/// `path` resolved, if it is a PDF inside `dir` (after resolving any ".." and links): the
/// window may only ask to open letters Fidelia wrote.
fn letter_in(dir: &Path, path: &str) -> Option<PathBuf> {
    let p = std::fs::canonicalize(path).ok()?;
    let dir = std::fs::canonicalize(dir).ok()?;
    (p.starts_with(&dir) && p.is_file() && p.extension().is_some_and(|e| e == "pdf")).then_some(p)
}

/// Opens a letter already written (the "Abrir" button).
#[tauri::command]
pub fn letter_open<R: Runtime>(app: AppHandle<R>, path: String) -> Result<(), IpcError> {
    let Some(p) = letter_in(&letters_dir(), &path) else {
        return Err(IpcError::internal(&format!("refused to open {path}")));
    };
    open_pdf(&app, &p);
    Ok(())
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
