//! Several PCs on one server database (PostgreSQL on the clinic's main PC): what "test the
//! connection" says, and moving the clinic's data to the server (and back to a file), for the
//! window (Ajustes → Varios PCs) and the CLI (`fidelia server-check URL`, `fidelia
//! move-to-server URL`, `fidelia move-to-file PATH`) alike.

use fidelia_core::i18n::t;
use fidelia_core::messages::encode;
use fidelia_core::Lang;
use fidelia_store::copy::{self, Sums};
pub use fidelia_store::server::ServerProblem;
use fidelia_store::server::{self, ServerState};
pub use fidelia_store::server::{runs_here, without_password};
use fidelia_store::{Location, Result, Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::Clinic;

/// A server database as the window asks for it, field by field.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerForm {
    pub host: String,
    pub port: Option<u16>,
    pub database: String,
    pub user: String,
    pub password: String,
}

impl ServerForm {
    /// `postgres://user:password@host:port/database`, user, password and database
    /// percent-encoded (a password may hold `@` or `/`).
    pub fn url(&self) -> String {
        format!(
            "postgres://{}:{}@{}:{}/{}",
            encode(self.user.trim()),
            encode(&self.password),
            self.host.trim(),
            self.port.unwrap_or(5432),
            encode(self.database.trim()),
        )
    }
}

/// The answer to "test the connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    /// The database can be used: Fidelia's (this version or older), or empty.
    pub ok: bool,
    pub state: Option<ServerState>,
    /// What was found, in plain words, in the clinic's language.
    pub message: String,
}

/// Reaches the server database at `url` and says what it is; writes nothing.
pub fn test_connection(url: &str, lang: Lang) -> ConnectionTest {
    match server::check(url) {
        Ok(state) => ConnectionTest {
            ok: true,
            message: state.message(lang),
            state: Some(state),
        },
        Err(problem) => {
            log::info!("server check: {problem}");
            ConnectionTest {
                ok: false,
                state: None,
                message: problem.message(lang),
            }
        }
    }
}

/// This PC's choice of the clinic's server database (Ajustes → Varios PCs), kept in
/// [`CHOICE_FILE`] beside the database file this PC would use on its own: its address, never
/// its password (that is in the OS credential store: [`keep_password`]). Fidelia, the window
/// and the CLI alike, then opens the server instead of the file ([`resolve`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerChoice {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
}

/// The file that says this PC uses the clinic's server, beside its own database file.
pub const CHOICE_FILE: &str = "servidor.json";

impl ServerChoice {
    pub fn from_form(form: &ServerForm) -> ServerChoice {
        ServerChoice {
            host: form.host.trim().to_owned(),
            port: form.port.unwrap_or(5432),
            database: form.database.trim().to_owned(),
            user: form.user.trim().to_owned(),
        }
    }

    /// The server's URL with `password`.
    pub fn url(&self, password: &str) -> String {
        ServerForm {
            host: self.host.clone(),
            port: Some(self.port),
            database: self.database.clone(),
            user: self.user.clone(),
            password: password.to_owned(),
        }
        .url()
    }

    /// The credential store's name for this server's password.
    fn credential(&self) -> std::result::Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(
            fidelia_store::APP_ID,
            &format!(
                "{}@{}:{}/{}",
                self.user, self.host, self.port, self.database
            ),
        )
    }

    /// The choice saved beside `db` (this PC's own database file), if any.
    pub fn saved(db: &std::path::Path) -> Option<ServerChoice> {
        let text = std::fs::read_to_string(choice_file(db)).ok()?;
        match serde_json::from_str(&text) {
            Ok(choice) => Some(choice),
            Err(e) => {
                log::warn!("{CHOICE_FILE} cannot be read, the server is not used: {e}");
                None
            }
        }
    }

    /// Saves the choice beside `db`: from the next start, this PC opens the server.
    pub fn save(&self, db: &std::path::Path) -> std::io::Result<()> {
        let file = choice_file(db);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(file, serde_json::to_string_pretty(self)?)
    }

    /// Forgets the choice saved beside `db` (and its password): this PC opens its own file
    /// again.
    pub fn forget(db: &std::path::Path) -> std::io::Result<()> {
        if let Some(choice) = ServerChoice::saved(db) {
            if let Ok(entry) = choice.credential() {
                let _ = entry.delete_credential();
            }
        }
        match std::fs::remove_file(choice_file(db)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Keeps the password in the OS credential store; `false` when this PC has none (then
    /// Fidelia asks for it at each start).
    pub fn keep_password(&self, password: &str) -> bool {
        match self.credential().and_then(|e| e.set_password(password)) {
            Ok(()) => true,
            Err(e) => {
                log::warn!("no credential store on this PC, the password is not kept: {e}");
                false
            }
        }
    }

    /// The password kept in the OS credential store, if any.
    pub fn kept_password(&self) -> Option<String> {
        match self.credential().and_then(|e| e.get_password()) {
            Ok(p) => Some(p),
            Err(keyring::Error::NoEntry) => None,
            Err(e) => {
                log::warn!("the credential store cannot be read: {e}");
                None
            }
        }
    }
}

fn choice_file(db: &std::path::Path) -> std::path::PathBuf {
    Location::File(db.to_owned())
        .local_folder()
        .join(CHOICE_FILE)
}

/// Where Fidelia opens the clinic.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// This database.
    At(Location),
    /// The server this PC chose, whose password is not in the credential store: to be asked
    /// for (the window), or given with `--db` (the CLI).
    NeedsPassword(ServerChoice),
}

/// Where Fidelia opens the clinic when told `db` (`--db`, `FIDELIA_DB` or the default file): a
/// server as given; a file, unless this PC chose the clinic's server beside it
/// ([`ServerChoice::save`]).
pub fn resolve(db: Location) -> Resolved {
    let Location::File(path) = &db else {
        return Resolved::At(db);
    };
    match ServerChoice::saved(path) {
        None => Resolved::At(db),
        Some(choice) => match choice.kept_password() {
            Some(password) => Resolved::At(Location::Server(choice.url(&password))),
            None => Resolved::NeedsPassword(choice),
        },
    }
}

/// A clinic copied to another database: each table's rows and checksum, found equal on both
/// sides.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    /// Where the copy is (a server's address without its password).
    pub to: String,
    pub tables: Sums,
    pub millis: u64,
}

impl Clinic {
    /// Copies the whole clinic into `target`, once: an empty server database (made Fidelia's
    /// first) or a new file. Nothing is written to this clinic's database, which stays as it
    /// was; its write lock is held while the copy runs, so the copy is one moment of it (a
    /// write of another connection waits, and then goes to this database only: the window
    /// stops its own work meanwhile, `AppState::switch_by`). Then each table's row count and checksum are compared on both sides; any
    /// difference is an error. A file that could not be filled is removed.
    pub fn move_to(&self, target: &Location) -> Result<Moved> {
        let started = std::time::Instant::now();
        let lang = self.language();
        let refused = |key: &str| StoreError::Refused(t(lang, key));
        match target {
            Location::File(p) if p.exists() => return Err(refused("server.move_file_exists")),
            Location::Server(url) => {
                server::check(url).map_err(StoreError::Server)?;
            }
            Location::File(_) => {}
        }
        let moved = (|| {
            let to = Store::open_at(target)?;
            if !to.read(copy::is_empty)? {
                return Err(refused("server.move_not_empty"));
            }
            let ours = self.store.rehearse(|from| {
                to.write(|into| copy::clinic(from, into))?;
                copy::sums(from)
            })?;
            let theirs = to.read(copy::sums)?;
            if ours != theirs {
                let differ: Vec<&str> = ours
                    .iter()
                    .filter(|(name, sum)| theirs.get(*name) != Some(sum))
                    .map(|(name, _)| name.as_str())
                    .collect();
                log::error!("moved clinic differs in {differ:?}");
                return Err(StoreError::Refused(
                    t(lang, "server.move_differs").replace("{tables}", &differ.join(", ")),
                ));
            }
            Ok(ours)
        })();
        match moved {
            Ok(tables) => {
                log::info!("clinic moved to {target}");
                Ok(Moved {
                    to: target.to_string(),
                    tables,
                    millis: started.elapsed().as_millis() as u64,
                })
            }
            Err(e) => {
                if let Location::File(p) = target {
                    for side in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{side}", p.display()));
                    }
                }
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_make_a_url_whatever_the_password_holds() {
        let form = ServerForm {
            host: " recepcion.local ".into(),
            port: None,
            database: "fidelia".into(),
            user: "clínica".into(),
            password: "p@ss/wo:rd ñ".into(),
        };
        assert_eq!(
            form.url(),
            "postgres://cl%C3%ADnica:p%40ss%2Fwo%3Ard%20%C3%B1@recepcion.local:5432/fidelia"
        );
        let config: postgres::Config = form.url().parse().expect("a valid address");
        assert_eq!(config.get_password(), Some("p@ss/wo:rd ñ".as_bytes()));
        assert_eq!(config.get_user(), Some("clínica"));
    }

    #[test]
    fn nothing_listening_is_said_in_plain_spanish() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let t = test_connection(&format!("postgres://a:b@127.0.0.1:{port}/x"), Lang::Es);
        assert!(!t.ok);
        assert!(
            t.message.starts_with("No se puede llegar al servidor"),
            "{}",
            t.message
        );
    }
}
