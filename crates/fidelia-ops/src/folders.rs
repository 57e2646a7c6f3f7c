//! Where Fidelia writes files for people to open: `<Documents>/Fidelia/<name>` (the home folder
//! when the OS has no Documents folder), or the folder an environment variable names.

use std::path::PathBuf;

/// `$var` if set, else `<Documents>/Fidelia/<name>`.
pub fn documents(name: &str, var: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("Fidelia")
        .join(name)
}

/// Letters as PDF: `$FIDELIA_LETTERS_DIR`, else `<Documents>/Fidelia/Cartas`.
pub fn letters() -> PathBuf {
    documents("Cartas", "FIDELIA_LETTERS_DIR")
}

/// Reports (an import's): `$FIDELIA_REPORTS_DIR`, else `<Documents>/Fidelia/Informes`.
pub fn reports() -> PathBuf {
    documents("Informes", "FIDELIA_REPORTS_DIR")
}
