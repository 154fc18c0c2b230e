//! Storage behaviour, run against a fresh SQLite file and a fresh PostgreSQL database.

use std::sync::Arc;
use std::time::Duration;

use loupe_engine::domain::accounts::{self, Email, Role};
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{Clock, ManualClock, SystemClock, Timestamp};
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::keys::{AccessKey, AccessKeyId, KeyStatus, MasterKey, SecretAccessKey};
use loupe_engine::domain::passwords;
use loupe_engine::domain::teams::{Team, WorkteamName};
use loupe_engine::services::Reviews;
use loupe_engine::services::sign_in::{LoginError, LoginPolicy};
use loupe_engine::store::{Backend, NewUser, Store, StoreError};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::TestDatabase;

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const PASSWORD: &str = "a long test password";
/// The address sign-ins come from (TEST-NET-1).
const CLIENT: &str = "192.0.2.1";

/// The engine's front door over `store`, on `clock`: where the sign-in and invitation rules are
/// reached.
fn door<C: Clock + Clone + 'static>(store: &Arc<dyn Store>, clock: &C) -> Reviews {
    Reviews::new(
        store.clone(),
        Arc::new(clock.clone()),
        Account::new("us-east-1", "111122223333").unwrap(),
        TaskLimits::default(),
    )
}

fn quick_policy() -> LoginPolicy {
    LoginPolicy {
        max_failures: 3,
        lockout: Duration::from_secs(600),
        failure_delay: Duration::ZERO,
    }
}

fn new_user(email: &str, role: Role, teams: &[&str], hash: passwords::PasswordHash) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        password_hash: hash,
        role,
        teams: teams
            .iter()
            .map(|t| WorkteamName::parse(t).unwrap())
            .collect(),
        created_at: T0,
    }
}

async fn add_user(store: &dyn Store, email: &str, role: Role, teams: &[&str]) -> accounts::User {
    let hash = passwords::hash(PASSWORD.into()).await;
    store
        .create_user(new_user(email, role, teams, hash))
        .await
        .unwrap()
}

fn team_names(teams: Vec<Team>) -> Vec<String> {
    teams.into_iter().map(|t| t.name.to_string()).collect()
}

async fn users_are_unique_by_normalised_email(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let ann = add_user(&*store, "ann@example.org", Role::Admin, &[]).await;
    assert_eq!(ann.email.as_str(), "ann@example.org");
    assert_eq!(ann.created_at, T0);

    let hash = passwords::hash("another password!".into()).await;
    let again = store
        .create_user(new_user(" ANN@example.org", Role::Worker, &[], hash))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(ref m)) if m.contains("ann@example.org")),
        "{again:?}"
    );
    assert_eq!(store.list_users().await.unwrap(), vec![ann.clone()]);
    assert_eq!(store.find_user(ann.id).await.unwrap(), Some(ann));
    assert_eq!(store.count_admins().await.unwrap(), 1);
}

async fn workers_join_teams_created_on_demand(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let bo = add_user(
        &*store,
        "bo@example.org",
        Role::Worker,
        &["Moderation", "forms"],
    )
    .await;
    let cy = add_user(&*store, "cy@example.org", Role::Worker, &["forms"]).await;
    let teams = store.list_teams().await.unwrap();
    let summary: Vec<_> = teams
        .iter()
        .map(|t| (t.name.as_str(), t.member_count))
        .collect();
    assert_eq!(summary, vec![("Moderation", 1), ("forms", 2)]);
    assert_eq!(
        team_names(store.teams_of(bo.id).await.unwrap()),
        ["Moderation", "forms"]
    );
    assert_eq!(team_names(store.teams_of(cy.id).await.unwrap()), ["forms"]);
}

async fn a_failed_user_creation_leaves_no_team_behind(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    add_user(&*store, "dup@example.org", Role::Worker, &[]).await;
    let hash = passwords::hash(PASSWORD.into()).await;
    let failed = store
        .create_user(new_user("dup@example.org", Role::Worker, &["ghost"], hash))
        .await;
    assert!(failed.is_err());
    assert!(store.list_teams().await.unwrap().is_empty());
}

async fn sign_in_checks_the_password(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let clock = ManualClock::new(T0);
    add_user(&*store, "ann@example.org", Role::Admin, &[]).await;
    let policy = quick_policy();

    let user = door(&store, &clock)
        .log_in(&policy, "Ann@Example.org", PASSWORD, CLIENT)
        .await
        .unwrap();
    assert_eq!(user.last_login_at, Some(T0));
    let wrong = door(&store, &clock)
        .log_in(&policy, "ann@example.org", "nope", CLIENT)
        .await;
    assert!(
        matches!(wrong, Err(LoginError::InvalidCredentials)),
        "{wrong:?}"
    );
    let unknown = door(&store, &clock)
        .log_in(&policy, "who@example.org", PASSWORD, CLIENT)
        .await;
    assert!(
        matches!(unknown, Err(LoginError::InvalidCredentials)),
        "{unknown:?}"
    );
}

async fn repeated_failures_lock_the_account_for_a_while(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let clock = ManualClock::new(T0);
    add_user(&*store, "ann@example.org", Role::Admin, &[]).await;
    let policy = quick_policy();
    let attempt = |password: &'static str| {
        let store = store.clone();
        let clock = clock.clone();
        async move {
            door(&store, &clock)
                .log_in(&policy, "ann@example.org", password, CLIENT)
                .await
        }
    };

    assert!(matches!(
        attempt("bad 1").await,
        Err(LoginError::InvalidCredentials)
    ));
    assert!(matches!(
        attempt("bad 2").await,
        Err(LoginError::InvalidCredentials)
    ));
    let until = match attempt("bad 3").await {
        Err(LoginError::Locked { until }) => until,
        other => panic!("third failure should lock: {other:?}"),
    };
    assert_eq!(until, T0.plus(policy.lockout));
    // While locked, even the right password is refused from that address...
    assert!(matches!(
        attempt(PASSWORD).await,
        Err(LoginError::Locked { .. })
    ));
    // ...but the lock is that address's alone: the person signs in from anywhere else at once,
    // and that success does not lift the lock on the guessing address.
    let elsewhere = door(&store, &clock)
        .log_in(&policy, "ann@example.org", PASSWORD, "198.51.100.7")
        .await;
    assert!(elsewhere.is_ok(), "{elsewhere:?}");
    assert!(matches!(
        attempt(PASSWORD).await,
        Err(LoginError::Locked { .. })
    ));

    clock.advance(policy.lockout + Duration::from_secs(1));
    // After the lock runs out, the count starts again from one.
    assert!(matches!(
        attempt("bad 4").await,
        Err(LoginError::InvalidCredentials)
    ));
    assert!(attempt(PASSWORD).await.is_ok());
    // A success resets the count.
    assert!(matches!(
        attempt("bad 5").await,
        Err(LoginError::InvalidCredentials)
    ));
    assert!(matches!(
        attempt("bad 6").await,
        Err(LoginError::InvalidCredentials)
    ));
    assert!(attempt(PASSWORD).await.is_ok());
    // Failures spread wider apart than the lock-out window never add up to a lock.
    for n in 0..4 {
        assert!(
            matches!(
                attempt("slow guess").await,
                Err(LoginError::InvalidCredentials)
            ),
            "guess {n}"
        );
        clock.advance(policy.lockout + Duration::from_secs(1));
    }
}

async fn a_failed_sign_in_costs_time(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    add_user(&*store, "ann@example.org", Role::Admin, &[]).await;
    let policy = LoginPolicy {
        failure_delay: Duration::from_millis(300),
        ..quick_policy()
    };
    let started = std::time::Instant::now();
    let result = door(&store, &SystemClock)
        .log_in(&policy, "ann@example.org", "bad", CLIENT)
        .await;
    assert!(result.is_err());
    assert!(started.elapsed() >= Duration::from_millis(300));
}

async fn access_keys_are_sealed_listed_and_revoked(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let master = MasterKey::generate();
    let clock = ManualClock::new(T0);
    let id = AccessKeyId::generate();
    let secret = SecretAccessKey::generate();
    let key = AccessKey {
        id: id.clone(),
        name: "ci".into(),
        status: KeyStatus::Active,
        created_at: clock.now(),
        revoked_at: None,
    };
    store
        .create_access_key(&key, &master.seal(&id, &secret))
        .await
        .unwrap();

    assert_eq!(store.list_access_keys().await.unwrap(), vec![key.clone()]);
    let (found, sealed) = store.find_access_key(&id).await.unwrap().unwrap();
    assert_eq!(found, key);
    assert!(
        !sealed.as_str().contains(secret.expose()),
        "the secret must not be stored in clear"
    );
    assert_eq!(master.open(&id, &sealed).unwrap(), secret);

    clock.advance(Duration::from_secs(60));
    let revoked = store.revoke_access_key(&id, clock.now()).await.unwrap();
    assert_eq!(revoked.status, KeyStatus::Inactive);
    assert_eq!(revoked.revoked_at, Some(clock.now()));
    clock.advance(Duration::from_secs(60));
    let again = store.revoke_access_key(&id, clock.now()).await.unwrap();
    assert_eq!(
        again.revoked_at, revoked.revoked_at,
        "the first revocation time stays"
    );

    let missing = store
        .revoke_access_key(&AccessKeyId::generate(), clock.now())
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
}

async fn acknowledged_writes_survive_reopening(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let id = {
        let (store, pool) = db.open().await;
        let user = add_user(&*store, "ann@example.org", Role::Admin, &["t"]).await;
        // No graceful shutdown: the pool is simply dropped.
        drop(store);
        drop(pool);
        user.id
    };
    let (store, _) = db.open().await;
    let user = store
        .find_user(id)
        .await
        .unwrap()
        .expect("user still there");
    assert_eq!(user.email.as_str(), "ann@example.org");
    assert_eq!(store.teams_of(id).await.unwrap().len(), 1);
}

async fn migrating_twice_is_harmless(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    assert_eq!(store.backend(), backend);
}

async fn invitations_set_a_password_once_before_they_run_out(backend: Backend) {
    use loupe_engine::domain::accounts::NewPassword;
    use loupe_engine::services::people::{INVITATION_LIFETIME, InvitationToken, PeopleError};
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let clock = ManualClock::new(T0);
    let reviews = door(&store, &clock);
    let team = WorkteamName::parse("reviewers").unwrap();
    let invited = reviews
        .invite(
            Email::parse("new@example.org").unwrap(),
            Role::Worker,
            vec![team],
        )
        .await
        .unwrap();
    assert_eq!(invited.expires_at, T0.plus(INVITATION_LIFETIME));
    assert_eq!(
        team_names(store.teams_of(invited.user.id).await.unwrap()),
        ["reviewers"]
    );
    assert_eq!(
        store.open_invitations(T0).await.unwrap(),
        vec![(invited.user.id, invited.expires_at)]
    );
    // No password signs in before the invitation is accepted.
    for guess in ["!invited", PASSWORD] {
        let denied = door(&store, &clock)
            .log_in(&quick_policy(), "new@example.org", guess, CLIENT)
            .await;
        assert!(
            matches!(denied, Err(LoginError::InvalidCredentials)),
            "{denied:?}"
        );
    }
    // Only the hash is stored: the token itself finds nothing.
    assert!(
        store
            .find_invitation(invited.token.expose())
            .await
            .unwrap()
            .is_none()
    );

    // A second link replaces the first.
    let again = reviews.reinvite(invited.user.id).await.unwrap();
    assert!(matches!(
        reviews.invitation(&invited.token).await,
        Err(PeopleError::UnknownInvitation)
    ));
    let password = NewPassword::parse("chosen by the worker".into()).unwrap();
    clock.advance(Duration::from_secs(60));
    let user = reviews
        .accept_invitation(&again.token, password.clone())
        .await
        .unwrap();
    assert_eq!(user.id, invited.user.id);
    // A password set through a link ends the sessions that began before it.
    let set_at = T0.plus(Duration::from_secs(60));
    assert_eq!(user.sessions_valid_after, Some(set_at));
    assert!(!user.accepts_session_from(T0) && user.accepts_session_from(set_at));
    let signed_in = door(&store, &clock)
        .log_in(
            &quick_policy(),
            "new@example.org",
            "chosen by the worker",
            CLIENT,
        )
        .await;
    assert_eq!(signed_in.unwrap().id, user.id);
    // Used up.
    assert!(matches!(
        reviews
            .accept_invitation(&again.token, password.clone())
            .await,
        Err(PeopleError::InvitationUsed)
    ));
    assert!(reviews.open_invitations().await.unwrap().is_empty());

    // An expired link says when it ran out and changes nothing.
    let late = reviews.reinvite(user.id).await.unwrap();
    clock.advance(INVITATION_LIFETIME + Duration::from_secs(1));
    assert!(matches!(
        reviews.accept_invitation(&late.token, password).await,
        Err(PeopleError::InvitationExpired(at)) if at == late.expires_at
    ));
    assert!(
        door(&store, &clock)
            .log_in(
                &quick_policy(),
                "new@example.org",
                "chosen by the worker",
                CLIENT,
            )
            .await
            .is_ok()
    );
    assert!(matches!(
        reviews.invitation(&InvitationToken::generate()).await,
        Err(PeopleError::UnknownInvitation)
    ));
    // Inviting an existing email is a conflict that names it.
    let twice = reviews
        .invite(
            Email::parse("new@example.org").unwrap(),
            Role::Worker,
            vec![],
        )
        .await;
    assert!(
        matches!(twice, Err(PeopleError::Conflict(ref m)) if m.contains("new@example.org")),
        "{twice:?}"
    );
}

test_on_both_backends!(
    invitations_set_a_password_once_before_they_run_out,
    users_are_unique_by_normalised_email,
    workers_join_teams_created_on_demand,
    a_failed_user_creation_leaves_no_team_behind,
    sign_in_checks_the_password,
    repeated_failures_lock_the_account_for_a_while,
    a_failed_sign_in_costs_time,
    access_keys_are_sealed_listed_and_revoked,
    acknowledged_writes_survive_reopening,
    migrating_twice_is_harmless,
);
