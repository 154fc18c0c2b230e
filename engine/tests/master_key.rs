//! A database bound to one master key, on a fresh SQLite file and a fresh PostgreSQL database:
//! the first key's fingerprint is recorded, the same key is taken again, another is refused,
//! and a database from before fingerprints is checked by opening its oldest secret.

use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::key_custody::KeyFingerprint;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::domain::webhooks;
use loupe_engine::services::master_key::{self, Adopted, KeyRefusal};
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{TestDatabase, create_access_key};

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

async fn a_fresh_database_is_bound_to_its_first_key(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let record = master_key::key_record(&*store).await.unwrap();
    assert!(!record.expects_a_key(), "{record:?}");

    let key = MasterKey::generate();
    assert_eq!(
        master_key::adopt(&*store, &key, T0).await.unwrap(),
        Adopted::Recorded
    );
    let record = master_key::key_record(&*store).await.unwrap();
    assert_eq!(record.fingerprint, Some(KeyFingerprint::of(&key)));
    assert!(record.expects_a_key());
    // The same key again, from any process: taken.
    assert_eq!(
        master_key::adopt(&*store, &key, T0).await.unwrap(),
        Adopted::Matched
    );

    // Another key is refused, naming both fingerprints, and changes nothing.
    let other = MasterKey::generate();
    match master_key::adopt(&*store, &other, T0).await {
        Err(KeyRefusal::Mismatch { expected, offered }) => {
            assert_eq!(expected, KeyFingerprint::of(&key));
            assert_eq!(offered, KeyFingerprint::of(&other));
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert_eq!(
        master_key::key_record(&*store).await.unwrap().fingerprint,
        Some(KeyFingerprint::of(&key))
    );
}

async fn the_first_fingerprint_recorded_stays(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let first = KeyFingerprint::of(&MasterKey::generate());
    let second = KeyFingerprint::of(&MasterKey::generate());
    // Two processes racing to record: both learn the winner's.
    assert_eq!(store.record_master_key(&first, T0).await.unwrap(), first);
    assert_eq!(store.record_master_key(&second, T0).await.unwrap(), first);
}

async fn a_database_from_before_fingerprints_is_checked_by_its_oldest_secret(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let key = MasterKey::generate();
    // The server's key sealed the first access key; a stray key sealed a later one.
    create_access_key(&*store, &key, "first", T0).await;
    let stray = MasterKey::generate();
    create_access_key(
        &*store,
        &stray,
        "later",
        Timestamp::from_millis(T0.as_millis() + 1),
    )
    .await;
    let record = master_key::key_record(&*store).await.unwrap();
    assert!(record.fingerprint.is_none());
    assert!(
        record.expects_a_key(),
        "sealed secrets bind the database to a key"
    );

    match master_key::adopt(&*store, &stray, T0).await {
        Err(KeyRefusal::OpensNothing { owner, offered }) => {
            assert!(owner.starts_with("access key LKIA"), "{owner}");
            assert_eq!(offered, KeyFingerprint::of(&stray));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        master_key::key_record(&*store)
            .await
            .unwrap()
            .fingerprint
            .is_none()
    );

    assert_eq!(
        master_key::adopt(&*store, &key, T0).await.unwrap(),
        Adopted::Recorded
    );
    assert!(matches!(
        master_key::adopt(&*store, &stray, T0).await,
        Err(KeyRefusal::Mismatch { .. })
    ));
}

async fn a_webhook_secret_alone_binds_the_database(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let key = MasterKey::generate();
    let (webhook, _) =
        webhooks::prepare(&key, "ops", "https://hooks.example.com/a2i", None, None, T0).unwrap();
    store.create_webhook(&webhook).await.unwrap();
    assert!(
        master_key::key_record(&*store)
            .await
            .unwrap()
            .expects_a_key()
    );
    assert!(matches!(
        master_key::adopt(&*store, &MasterKey::generate(), T0).await,
        Err(KeyRefusal::OpensNothing { ref owner, .. }) if owner == "webhook ops"
    ));
    assert_eq!(
        master_key::adopt(&*store, &key, T0).await.unwrap(),
        Adopted::Recorded
    );
}

test_on_both_backends!(
    a_fresh_database_is_bound_to_its_first_key,
    the_first_fingerprint_recorded_stays,
    a_database_from_before_fingerprints_is_checked_by_its_oldest_secret,
    a_webhook_secret_alone_binds_the_database,
);
