//! Webhooks: HTTP endpoints that receive the status-change events (spec 7.5), the stand-in
//! for A2I's EventBridge rule.
//!
//! A webhook names a URL, a secret and optionally one flow definition (none: every flow). When
//! a loop ends, the transaction that records its event also records one delivery per matching
//! webhook, so a delivery can be late but never missing. A runner posts each delivery once its
//! `output.json` is written (receivers fetch it), signs the body with the webhook's secret,
//! and retries failures with back-off for a day: at least once, like EventBridge.
//!
//! Pure: the types, the signature and the retry schedule. The posting is in the server.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::domain::clock::Timestamp;
use crate::domain::digest::hex;
use crate::domain::keys::{KeyError, MasterKey, SealedSecret};
use crate::domain::macros::text_newtype;
use crate::domain::names::FlowDefinitionName;

/// The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub const SIGNATURE_HEADER: &str = "X-Loupe-Signature";
/// The header carrying the event's `id`, the same on every retry: receivers drop duplicates.
pub const EVENT_ID_HEADER: &str = "X-Loupe-Event-Id";
/// The header carrying the attempt number, from 1.
pub const ATTEMPT_HEADER: &str = "X-Loupe-Delivery-Attempt";

/// A delivery still failing this long after its event is given up (EventBridge's retry window).
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(10 * 60);
/// Secrets given by the operator are at least this long.
pub const MIN_SECRET_CHARS: usize = 16;

/// Why a webhook setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error(
        "invalid webhook name {0:?}: 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit"
    )]
    Name(String),
    #[error("invalid webhook URL {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error(
        "the webhook secret must be {MIN_SECRET_CHARS} to 256 printable ASCII characters without spaces"
    )]
    Secret,
}

/// A webhook's name, unique in one Loupe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebhookName(String);

impl WebhookName {
    pub fn parse(raw: &str) -> Result<Self, WebhookError> {
        let mut chars = raw.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if first_ok && rest_ok && raw.len() <= 63 {
            Ok(Self(raw.to_owned()))
        } else {
            Err(WebhookError::Name(raw.to_owned()))
        }
    }
}

text_newtype!(WebhookName);

/// An absolute `http` or `https` URL with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(raw: &str) -> Result<Self, WebhookError> {
        let refuse = |reason: &str| WebhookError::Url {
            url: raw.to_owned(),
            reason: reason.to_owned(),
        };
        let url = url::Url::parse(raw).map_err(|e| refuse(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refuse("the scheme must be http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(refuse("a host is required"));
        }
        if url.fragment().is_some() {
            return Err(refuse("a fragment is never sent; remove it"));
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shared secret a receiver checks signatures with.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn parse(raw: &str) -> Result<Self, WebhookError> {
        let printable = raw.chars().all(|c| c.is_ascii_graphic());
        if printable && (MIN_SECRET_CHARS..=256).contains(&raw.len()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(WebhookError::Secret)
        }
    }

    /// 32 random bytes, written `whsec_<base64url>`.
    pub fn generate() -> Self {
        use base64::Engine as _;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(format!(
            "whsec_{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        ))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// A webhook about to be stored.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub name: WebhookName,
    pub url: WebhookUrl,
    /// Sealed with the master key, bound to the name ([`seal_secret`]).
    pub secret: SealedSecret,
    /// Only this flow's events; every flow's when `None`.
    pub flow: Option<FlowDefinitionName>,
    pub created_at: Timestamp,
}

/// A stored webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub flow: Option<String>,
    pub created_at: Timestamp,
}

/// A delivery leased to one runner: everything needed to post it.
#[derive(Debug, Clone)]
pub struct PendingDelivery {
    pub id: i64,
    pub webhook: String,
    pub url: String,
    /// Sealed; [`open_secret`] with the webhook's name.
    pub secret: SealedSecret,
    pub event_id: String,
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempt: i64,
    /// When the event happened: retries stop [`GIVE_UP_AFTER`] later.
    pub created_at: Timestamp,
}

/// A delivery as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub webhook: String,
    pub event_id: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub next_attempt_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    pub gave_up_at: Option<Timestamp>,
}

impl DeliveryRecord {
    pub fn state(&self) -> DeliveryState {
        match (self.delivered_at, self.gave_up_at) {
            (Some(_), _) => DeliveryState::Delivered,
            (None, Some(_)) => DeliveryState::GaveUp,
            (None, None) => DeliveryState::Pending,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    GaveUp,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::GaveUp => "gave up",
        }
    }
}

/// How one attempt ended, as the runner reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// Another status, or no answer (`status` is `None`): try again later, or give up.
    Failed { status: Option<u16>, error: String },
}

/// Seals a webhook's secret for storage, like API secrets: bound to the webhook's name.
pub fn seal_secret(master: &MasterKey, name: &WebhookName, secret: &WebhookSecret) -> SealedSecret {
    master.seal_text(&format!("webhook:{name}"), secret.expose())
}

pub fn open_secret(
    master: &MasterKey,
    name: &str,
    sealed: &SealedSecret,
) -> Result<WebhookSecret, KeyError> {
    let plain = master.open_text(&format!("webhook:{name}"), sealed)?;
    WebhookSecret::parse(&plain).map_err(|_| KeyError::CannotOpen)
}

/// A setting of a new webhook that was refused: which one (`Name`, `Url`, `FlowDefinitionName`
/// or `Secret`, so that a form can put the message at its field), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedSetting {
    pub setting: &'static str,
    pub message: String,
}

/// The setting `setting` when `parsed` failed.
fn setting<T, E: fmt::Display>(
    setting: &'static str,
    parsed: Result<T, E>,
) -> Result<T, RefusedSetting> {
    parsed.map_err(|e| RefusedSetting {
        setting,
        message: e.to_string(),
    })
}

/// A webhook ready to store from what an operator typed, with its secret (given, or made
/// now) to show once. The CLI and the admin UI both add webhooks this way.
pub fn prepare(
    master: &MasterKey,
    name: &str,
    url: &str,
    flow: Option<&str>,
    secret: Option<&str>,
    now: Timestamp,
) -> Result<(NewWebhook, WebhookSecret), RefusedSetting> {
    let name = setting("Name", WebhookName::parse(name))?;
    let url = setting("Url", WebhookUrl::parse(url))?;
    let flow = flow.map(str::trim).filter(|f| !f.is_empty());
    let flow = setting(
        "FlowDefinitionName",
        flow.map(FlowDefinitionName::parse).transpose(),
    )?;
    let secret = match secret {
        Some(raw) => setting("Secret", WebhookSecret::parse(raw))?,
        None => WebhookSecret::generate(),
    };
    let webhook = NewWebhook {
        secret: seal_secret(master, &name, &secret),
        name,
        url,
        flow,
        created_at: now,
    };
    Ok((webhook, secret))
}

/// The `X-Loupe-Signature` value for a body sent at `unix_seconds`.
pub fn sign(secret: &WebhookSecret, unix_seconds: i64, body: &[u8]) -> String {
    format!(
        "t={unix_seconds},v1={}",
        hex(&mac(secret, unix_seconds, body))
    )
}

/// What a receiver does: true when `header` signs `body` with `secret` and its time is within
/// `tolerance` of `now_seconds` (which defeats replays of old deliveries).
pub fn verify(
    secret: &WebhookSecret,
    header: &str,
    body: &[u8],
    now_seconds: i64,
    tolerance: Duration,
) -> bool {
    let mut time = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => time = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let Some(time) = time else { return false };
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now_seconds.abs_diff(time) > tolerance.unsigned_abs() {
        return false;
    }
    let expected = hex(&mac(secret, time, body));
    signatures.into_iter().any(|given| {
        use subtle::ConstantTimeEq as _;
        given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
    })
}

fn mac(secret: &WebhookSecret, unix_seconds: i64, body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// When to try a failed delivery again after attempt number `attempt`: 2 s, 4 s, 8 s … capped
/// at [`MAX_RETRY_DELAY`]; `None` once the next try would fall past [`GIVE_UP_AFTER`] from the
/// event.
pub fn next_attempt(attempt: i64, event_at: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let exponent = u32::try_from(attempt.clamp(1, 20)).unwrap_or(20);
    let delay = Duration::from_secs(2u64.pow(exponent)).min(MAX_RETRY_DELAY);
    let at = now.plus(delay);
    (at <= event_at.plus(GIVE_UP_AFTER)).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> WebhookSecret {
        WebhookSecret::parse("0123456789abcdef-secret").unwrap()
    }

    #[test]
    fn a_refused_setting_is_named() {
        let master = MasterKey::generate();
        let now = Timestamp::from_millis(0);
        let refused = |name, url, flow, secret| {
            prepare(&master, name, url, flow, secret, now)
                .err()
                .map(|r| r.setting)
        };
        let url = "https://hooks.example.com/a2i";
        assert_eq!(refused("a b", url, None, None), Some("Name"));
        assert_eq!(refused("ops", "ftp://x/", None, None), Some("Url"));
        assert_eq!(
            refused("ops", url, Some("Not A Flow"), None),
            Some("FlowDefinitionName")
        );
        assert_eq!(refused("ops", url, None, Some("short")), Some("Secret"));
        assert_eq!(refused("ops", url, Some("  "), None), None);
    }

    #[test]
    fn names_urls_and_secrets_are_checked() {
        assert!(WebhookName::parse("ops-alerts_1.prod").is_ok());
        for bad in ["", "-x", "a b", "é", &"a".repeat(64)] {
            assert!(WebhookName::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            WebhookUrl::parse("https://hooks.example.com/a2i?x=1")
                .unwrap()
                .as_str(),
            "https://hooks.example.com/a2i?x=1"
        );
        for bad in [
            "ftp://example.com/",
            "/relative",
            "https://example.com/#frag",
            "http://",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(WebhookSecret::parse("short"), Err(WebhookError::Secret));
        assert_eq!(
            WebhookSecret::parse("has a space in it!"),
            Err(WebhookError::Secret)
        );
        let generated = WebhookSecret::generate();
        assert!(generated.expose().starts_with("whsec_"));
        assert!(WebhookSecret::parse(generated.expose()).is_ok());
        assert_ne!(generated, WebhookSecret::generate());
        assert!(!format!("{generated:?}").contains("whsec_"));
    }

    #[test]
    fn secrets_are_sealed_to_their_webhook() {
        let master = MasterKey::generate();
        let name = WebhookName::parse("ops").unwrap();
        let sealed = seal_secret(&master, &name, &secret());
        assert!(!sealed.as_str().contains("secret"));
        assert_eq!(open_secret(&master, "ops", &sealed).unwrap(), secret());
        assert!(open_secret(&master, "other", &sealed).is_err());
        assert!(open_secret(&MasterKey::generate(), "ops", &sealed).is_err());
    }

    #[test]
    fn signatures_are_hmac_sha256_over_time_and_body() {
        // Reference value from Python: hmac.new(key, b"1700000000.{}", sha256).hexdigest()
        let header = sign(&secret(), 1_700_000_000, b"{}");
        assert_eq!(
            header,
            "t=1700000000,v1=98c46143285b7e2a97edce2d3e564546f46c6b7f6d8479418b7a0ce3c456a915"
        );
        let tolerance = Duration::from_secs(300);
        assert!(verify(&secret(), &header, b"{}", 1_700_000_100, tolerance));
        assert!(!verify(
            &secret(),
            &header,
            b"{ }",
            1_700_000_100,
            tolerance
        ));
        assert!(!verify(&secret(), &header, b"{}", 1_700_001_000, tolerance));
        let other = WebhookSecret::parse("another-secret-of-16").unwrap();
        assert!(!verify(&other, &header, b"{}", 1_700_000_000, tolerance));
        assert!(!verify(&secret(), "v1=00", b"{}", 1_700_000_000, tolerance));
    }

    #[test]
    fn retries_back_off_and_stop_after_a_day() {
        let start = Timestamp::from_millis(0);
        assert_eq!(
            next_attempt(1, start, start),
            Some(start.plus(Duration::from_secs(2)))
        );
        assert_eq!(
            next_attempt(3, start, start),
            Some(start.plus(Duration::from_secs(8)))
        );
        assert_eq!(
            next_attempt(30, start, start),
            Some(start.plus(MAX_RETRY_DELAY))
        );
        let late = start.plus(GIVE_UP_AFTER - Duration::from_secs(60));
        assert_eq!(next_attempt(100, start, late), None);
    }
}
