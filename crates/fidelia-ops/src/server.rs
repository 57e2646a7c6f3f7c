//! Several PCs on one server database (PostgreSQL on the clinic's main PC): what "test the
//! connection" says, for the window (Ajustes → Varios PCs) and the CLI
//! (`fidelia server-check URL`) alike.

use fidelia_core::messages::encode;
use fidelia_core::Lang;
use fidelia_store::server::{self, ServerState};
use serde::{Deserialize, Serialize};

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
