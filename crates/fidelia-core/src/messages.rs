//! Where a message to a client goes: the links that open WhatsApp or the mail client with the
//! text already written. Nothing is sent from Fidelia itself: the receptionist sends it.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters is escaped (spaces as `%20`, never `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `s` as one component of a URL: every character but RFC 3986's unreserved ones escaped.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// WhatsApp's click-to-chat link for an E.164 number (`+34612345678`): the digits without `+`,
/// and the text URL-encoded. `None` for a number that is not E.164.
pub fn whatsapp_link(e164: &str, text: &str) -> Option<String> {
    let digits = e164.strip_prefix('+')?;
    if digits.len() < 8 || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("https://wa.me/{digits}?text={}", encode(text)))
}

/// A `mailto:` link with subject and body (RFC 6068). `None` for an address that is not one
/// (it would let a crafted address add headers).
pub fn mailto_link(address: &str, subject: &str, body: &str) -> Option<String> {
    let address = address.trim();
    let (user, host) = address.split_once('@')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b))
    };
    if !plain(user) || !plain(host) || !host.contains('.') {
        return None;
    }
    Some(format!(
        "mailto:{address}?subject={}&body={}",
        encode(subject),
        encode(body)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "¿Qué tal está Ñoño? Cita: 24/11 a las 10:30 & más";

    #[test]
    fn the_whatsapp_link_is_exact() {
        assert_eq!(
            whatsapp_link("+34612345678", TEXT).unwrap(),
            "https://wa.me/34612345678?text=%C2%BFQu%C3%A9%20tal%20est%C3%A1%20%C3%91o%C3%B1o%3F%20Cita%3A%2024%2F11%20a%20las%2010%3A30%20%26%20m%C3%A1s"
        );
        assert_eq!(whatsapp_link("612 345 678", TEXT), None, "E.164 only");
        assert_eq!(whatsapp_link("+34 612 345 678", TEXT), None);
        assert_eq!(whatsapp_link("+34abc", TEXT), None);
    }

    #[test]
    fn the_mailto_link_is_exact_and_refuses_header_tricks() {
        assert_eq!(
            mailto_link("maria.nunez@ejemplo.es", "Recordatorio", TEXT).unwrap(),
            "mailto:maria.nunez@ejemplo.es?subject=Recordatorio&body=%C2%BFQu%C3%A9%20tal%20est%C3%A1%20%C3%91o%C3%B1o%3F%20Cita%3A%2024%2F11%20a%20las%2010%3A30%20%26%20m%C3%A1s"
        );
        assert_eq!(mailto_link("a@b.es?bcc=x@y.es", "s", "b"), None);
        assert_eq!(
            mailto_link("<img src=x onerror=alert(1)>@x.es", "s", "b"),
            None
        );
        assert_eq!(mailto_link("sin-arroba", "s", "b"), None);
    }
}
