//! Who may call the AWS-compatible API: keys from the store, on SQLite and PostgreSQL.

use axum::http::{HeaderMap, HeaderValue};
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::SystemClock;
use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::keys::{AccessKey, AccessKeyId, KeyStatus, MasterKey};
use loupe_engine::services::Reviews;
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{TestDatabase, create_access_key};
use loupe_server::aws::authn::{Authenticator, Caller};
use loupe_server::aws::error::ErrorKind;
use loupe_server::aws::sigv4::{self, Credential, RequestParts};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-26 12:00:00 UTC);
const BODY: &[u8] = br#"{"HumanLoopName": "item-1"}"#;

fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("127.0.0.1:3000"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert(
        "x-amz-date",
        HeaderValue::from_str(&sigv4::amz_date(NOW)).unwrap(),
    );
    headers
}

fn request<'a>(headers: &'a HeaderMap) -> RequestParts<'a> {
    RequestParts {
        method: "POST",
        path: "/human-loops/stop",
        query: None,
        headers,
        body: BODY,
    }
}

fn signed(id: &str, secret: &str, region: &str) -> HeaderMap {
    let mut headers = headers();
    let credential = Credential {
        access_key_id: id.to_owned(),
        date: "20261126".to_owned(),
        region: region.to_owned(),
        service: "sagemaker".to_owned(),
    };
    let value = sigv4::sign(
        &request(&headers),
        &["content-type", "host", "x-amz-date"],
        &credential,
        secret,
    )
    .unwrap();
    headers.insert("authorization", HeaderValue::from_str(&value).unwrap());
    headers
}

async fn only_active_keys_with_the_right_secret_get_in(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let master = MasterKey::generate();
    let (key, secret) =
        create_access_key(&*store, &master, "ingest", Timestamp::from_millis(0)).await;
    let reviews = Reviews::new(
        store.clone(),
        std::sync::Arc::new(SystemClock),
        Account::new("us-east-1", "111122223333").unwrap(),
        TaskLimits::default(),
    );
    let auth = Authenticator {
        reviews: &reviews,
        master_key: &master,
        region: "us-east-1",
        allow_unsigned: false,
    };
    let kind = |result: Result<Caller, loupe_server::aws::error::AwsError>| {
        result.map(|_| ()).map_err(|e| e.kind)
    };

    let good = signed(key.id.as_str(), secret.expose(), "us-east-1");
    assert_eq!(
        auth.authenticate(&request(&good), NOW).await.unwrap(),
        Caller::Key(key.id.clone())
    );
    let wrong_secret = signed(key.id.as_str(), "not-the-secret", "us-east-1");
    assert_eq!(
        kind(auth.authenticate(&request(&wrong_secret), NOW).await),
        Err(ErrorKind::InvalidSignature)
    );
    let wrong_region = signed(key.id.as_str(), secret.expose(), "eu-west-1");
    assert_eq!(
        kind(auth.authenticate(&request(&wrong_region), NOW).await),
        Err(ErrorKind::InvalidSignature)
    );
    let unknown = signed(
        AccessKeyId::generate().as_str(),
        secret.expose(),
        "us-east-1",
    );
    assert_eq!(
        kind(auth.authenticate(&request(&unknown), NOW).await),
        Err(ErrorKind::UnrecognizedClient)
    );
    let not_ours = signed("AKIAIOSFODNN7EXAMPLE", secret.expose(), "us-east-1");
    assert_eq!(
        kind(auth.authenticate(&request(&not_ours), NOW).await),
        Err(ErrorKind::UnrecognizedClient)
    );
    // Unsigned: refused unless the operator allowed it.
    let bare = headers();
    assert_eq!(
        kind(auth.authenticate(&request(&bare), NOW).await),
        Err(ErrorKind::MissingAuthenticationToken)
    );
    let lenient = Authenticator {
        allow_unsigned: true,
        ..auth
    };
    assert_eq!(
        lenient.authenticate(&request(&bare), NOW).await.unwrap(),
        Caller::Unsigned
    );
    // A malformed header is incomplete, whatever the flag says.
    let mut garbled = headers();
    garbled.insert(
        "authorization",
        HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=x"),
    );
    assert_eq!(
        kind(lenient.authenticate(&request(&garbled), NOW).await),
        Err(ErrorKind::IncompleteSignature)
    );
    // A revoked key stops working at once.
    store
        .revoke_access_key(&key.id, Timestamp::from_millis(1))
        .await
        .unwrap();
    assert_eq!(
        kind(auth.authenticate(&request(&good), NOW).await),
        Err(ErrorKind::UnrecognizedClient)
    );
    // Another server's master key cannot open the secret.
    let other_master = MasterKey::generate();
    let key2 = AccessKey {
        id: AccessKeyId::generate(),
        ..key.clone()
    };
    store
        .create_access_key(
            &AccessKey {
                status: KeyStatus::Active,
                ..key2.clone()
            },
            &other_master.seal(&key2.id, &secret),
        )
        .await
        .unwrap();
    let foreign = signed(key2.id.as_str(), secret.expose(), "us-east-1");
    assert_eq!(
        kind(auth.authenticate(&request(&foreign), NOW).await),
        Err(ErrorKind::InternalServer)
    );
}

test_on_both_backends!(only_active_keys_with_the_right_secret_get_in);
