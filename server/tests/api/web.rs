//! The browser-facing HTTP surface, against a real server on port 0 with a fresh SQLite file and
//! a fresh PostgreSQL database.

use std::time::Duration;

use clap::Parser as _;
use loupe_engine::domain::clock::{Clock, SystemClock};
use loupe_engine::domain::passwords;
use loupe_engine::services::sign_in::LoginPolicy;
use loupe_engine::store::{self, Backend};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{TestDatabase, create_worker};
use loupe_server::cli::{Cli, Command};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, SET_COOKIE};

const ADMIN_EMAIL: &str = "admin@test.local";
const ADMIN_PASSWORD: &str = "admin password 123";
const WORKER_EMAIL: &str = "worker@test.local";
const WORKER_PASSWORD: &str = "worker password 123";

struct TestApp {
    base: String,
    _db: TestDatabase,
    _dir: tempfile::TempDir,
}

impl TestApp {
    async fn spawn(backend: Backend) -> Self {
        let db = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("loupe.key");
        let outputs = dir.path().join("outputs");
        let cli = Cli::try_parse_from([
            "loupe",
            "serve",
            "--database-url",
            &db.url,
            "--key-file",
            key_file.to_str().unwrap(),
            "--site-root",
            dir.path().to_str().unwrap(),
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
            "--output-root",
            outputs.to_str().unwrap(),
        ])
        .unwrap();
        let Some(Command::Serve(args)) = cli.command else {
            panic!("serve expected")
        };
        let policy = LoginPolicy {
            max_failures: 3,
            lockout: Duration::from_secs(600),
            failure_delay: Duration::from_millis(20),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let per_address = loupe_server::sign_in_throttle::AddressLimit {
            max_failures: 6,
            window: Duration::from_secs(600),
        };
        let running = loupe_server::start_with(&args, listener, policy, per_address)
            .await
            .unwrap();

        let (store, _) = store::open(&db.url).await.unwrap();
        let password = passwords::hash(WORKER_PASSWORD.into()).await;
        create_worker(
            &*store,
            WORKER_EMAIL,
            &password,
            &["moderators"],
            SystemClock.now(),
        )
        .await;
        Self {
            base: format!("http://{}", running.addr),
            _db: db,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Checks that a browser connecting from another loopback `address` (another client
    /// network) signs in and lands on `home`.
    async fn assert_signs_in_from(&self, address: &str, email: &str, password: &str, home: &str) {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(address.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap();
        let response = self.sign_in(&client, email, password).await;
        assert_eq!(location(&response), home, "signing in from {address}");
    }

    /// Signs in with `client`, which is sent back to a page under `prefix`: that page's text.
    async fn refused_sign_in_page(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
        prefix: &str,
    ) -> String {
        let response = self.sign_in(client, email, password).await;
        self.page_text(client, redirected_to(&response, prefix))
            .await
    }

    /// `GET path` with `client`.
    async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// The body of a page fetched with `client`.
    async fn page_text(&self, client: &reqwest::Client, path: &str) -> String {
        self.get(client, path).await.text().await.unwrap()
    }

    /// The CSRF token the pages hand this client (the sign-in page, or the start page of someone
    /// already signed in).
    async fn csrf_token(&self, client: &reqwest::Client) -> String {
        let mut response = client.get(self.url("/login")).send().await.unwrap();
        if response.status() == StatusCode::SEE_OTHER {
            response = client
                .get(self.url(location(&response)))
                .send()
                .await
                .unwrap();
        }
        let page = response.text().await.unwrap();
        let start = page
            .find("name=\"csrf-token\" content=\"")
            .expect("csrf meta tag")
            + 27;
        page[start..start + page[start..].find('"').unwrap()].to_owned()
    }

    /// Calls the admin area's people server function as a browser would, with the given
    /// `Sec-Fetch-Site`.
    async fn list_people(
        &self,
        client: &reqwest::Client,
        fetch_site: &'static str,
    ) -> reqwest::Response {
        client
            .post(self.url("/api/admin/people"))
            .header("sec-fetch-site", fetch_site)
            .send()
            .await
            .unwrap()
    }

    async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf_token(client).await;
        client
            .post(self.url("/auth/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap()
    }
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Where `response` redirects to, once checked that it starts with `prefix`.
fn redirected_to<'a>(response: &'a reqwest::Response, prefix: &str) -> &'a str {
    let to = location(response);
    assert!(to.starts_with(prefix), "{to}");
    to
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("loupe_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

async fn health_and_readiness_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let healthz = app.get(&client, "/healthz").await;
    assert_eq!(healthz.status(), StatusCode::OK);
    let readyz = app.get(&client, "/readyz").await;
    assert_eq!(readyz.status(), StatusCode::OK);
    assert_eq!(readyz.text().await.unwrap(), "ready");
}

async fn anonymous_visitors_are_sent_to_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    for (path, next) in [
        ("/admin", "%2Fadmin"),
        ("/admin/keys", "%2Fadmin%2Fkeys"),
        ("/work/teams", "%2Fwork%2Fteams"),
    ] {
        let response = app.get(&client, path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), format!("/login?next={next}"));
    }
    let root = app.get(&client, "/").await;
    assert_eq!(location(&root), "/login");
    let api = app.list_people(&client, "same-origin").await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

async fn an_admin_signs_in_and_sees_the_admin_area(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let response = app
        .sign_in(&client, "Admin@Test.local", ADMIN_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin");
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not get Secure cookies: {cookie}"
    );

    let admin = app.get(&client, "/admin").await;
    assert_eq!(admin.status(), StatusCode::OK);
    assert_eq!(admin.headers().get("cache-control").unwrap(), "no-store");
    assert!(admin.text().await.unwrap().contains(ADMIN_EMAIL));
    let people = app.page_text(&client, "/admin/workers").await;
    assert!(
        people.contains(WORKER_EMAIL),
        "the people page lists the worker"
    );
    let teams = app.page_text(&client, "/admin/teams").await;
    assert!(teams.contains("moderators"));
}

async fn a_worker_is_refused_the_admin_area(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let response = app.sign_in(&client, WORKER_EMAIL, WORKER_PASSWORD).await;
    assert_eq!(location(&response), "/work");

    let admin = app.get(&client, "/admin").await;
    assert_eq!(admin.status(), StatusCode::FORBIDDEN);
    assert!(
        admin
            .text()
            .await
            .unwrap()
            .contains("You can't open this page")
    );
    let keys = app.get(&client, "/admin/keys").await;
    assert_eq!(keys.status(), StatusCode::FORBIDDEN);
    let api = app.list_people(&client, "same-origin").await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert!(!api.text().await.unwrap().contains(ADMIN_EMAIL));

    let teams = app.get(&client, "/work/teams").await;
    assert_eq!(teams.status(), StatusCode::OK);
    assert!(teams.text().await.unwrap().contains("moderators"));
}

async fn state_changing_requests_need_csrf_proof(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let token = app.csrf_token(&client).await;
    let login = |extra: &'static [(&'static str, &'static str)], token: String| {
        let mut request = client.post(app.url("/auth/login")).form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("csrf_token", token.as_str()),
        ]);
        for (name, value) in extra {
            request = request.header(*name, HeaderValue::from_static(value));
        }
        request.send()
    };

    let missing = login(&[], String::new()).await.unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let wrong = login(&[], "forged".into()).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let cross_site = login(&[("sec-fetch-site", "cross-site")], token.clone())
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let other_origin = login(&[("origin", "http://evil.example")], token.clone())
        .await
        .unwrap();
    assert_eq!(other_origin.status(), StatusCode::FORBIDDEN);
    // None of those signed anyone in.
    let admin = app.get(&client, "/admin").await;
    assert_eq!(admin.status(), StatusCode::SEE_OTHER);

    // A forged sign-out does not end a real session either.
    let ok = login(&[], token.clone()).await.unwrap();
    assert_eq!(location(&ok), "/admin");
    let forged_logout = client
        .post(app.url("/auth/logout"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged_logout.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&client, "/admin").await.status(), StatusCode::OK);

    // Server functions are covered too: a cross-site call is refused before it runs.
    let cross_site_fn = app.list_people(&client, "cross-site").await;
    assert_eq!(cross_site_fn.status(), StatusCode::FORBIDDEN);
    let same_origin_fn = app.list_people(&client, "same-origin").await;
    assert_eq!(same_origin_fn.status(), StatusCode::OK);
    assert!(same_origin_fn.text().await.unwrap().contains(WORKER_EMAIL));
}

async fn the_session_id_changes_at_sign_in_and_dies_at_sign_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let sign_in = async || {
        let response = app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        session_cookie(response.headers()).unwrap()
    };
    let first = sign_in().await;
    let second = sign_in().await;
    assert_ne!(
        first, second,
        "signing in again must issue a new session id"
    );

    // The first id no longer works for anybody.
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let admin_page_with = |cookie: &str| {
        let request = stranger.get(app.url("/admin")).header("cookie", cookie);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(admin_page_with(&first).await, StatusCode::SEE_OTHER);
    assert_eq!(admin_page_with(&second).await, StatusCode::OK);

    let token = app.csrf_token(&client).await;
    let logout = client
        .post(app.url("/auth/logout"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&logout), "/login?signed_out=1");
    assert_eq!(
        app.get(&client, "/admin").await.status(),
        StatusCode::SEE_OTHER
    );
    // A copy of the cookie kept from before sign-out is worthless too.
    assert_eq!(admin_page_with(&second).await, StatusCode::SEE_OTHER);
}

async fn wrong_passwords_are_reported_and_then_lock(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let wrong = app.sign_in(&client, ADMIN_EMAIL, "not the password").await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    let to = redirected_to(&wrong, "/login?error=invalid&email=admin%40test.local");
    let page = app.page_text(&client, to).await;
    assert!(
        page.contains("don&#x27;t match an account") || page.contains("don't match an account"),
        "{page}"
    );

    app.sign_in(&client, ADMIN_EMAIL, "not the password").await;
    let third = app.sign_in(&client, ADMIN_EMAIL, "not the password").await;
    redirected_to(&third, "/login?error=locked&until=");
    let right_but_locked = app
        .refused_sign_in_page(&client, ADMIN_EMAIL, ADMIN_PASSWORD, "/login?error=locked")
        .await;
    assert!(
        right_but_locked.contains("locked until"),
        "{right_but_locked}"
    );
    // The lock is the guessing address's only: from another network the right password works.
    app.assert_signs_in_from("127.0.0.2", ADMIN_EMAIL, ADMIN_PASSWORD, "/admin")
        .await;
}

async fn one_address_guessing_many_accounts_is_stopped(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    // Six failures spread over accounts, none of them locked on its own.
    for email in [ADMIN_EMAIL, WORKER_EMAIL, "nobody@test.local"] {
        for _ in 0..2 {
            let wrong = app.sign_in(&client, email, "Winter2026!").await;
            redirected_to(&wrong, "/login?error=invalid");
        }
    }
    // Now nothing from this address is checked, not even a right password.
    let stopped = "/login?error=address&until=";
    let page = app
        .refused_sign_in_page(&client, WORKER_EMAIL, WORKER_PASSWORD, stopped)
        .await;
    assert!(page.contains("from your network"), "{page}");
    // Other addresses are not affected.
    app.assert_signs_in_from("127.0.0.3", WORKER_EMAIL, WORKER_PASSWORD, "/work")
        .await;
}

async fn next_after_sign_in_never_leaves_this_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (next, lands) in [
        ("/admin/keys", "/admin/keys"),
        // Browsers drop tabs and line breaks from URLs: these would read as //evil.example.
        ("/\t/evil.example/x", "/admin"),
        ("/\n/evil.example", "/admin"),
        ("/\r\n/evil.example", "/admin"),
        ("/\x0b/evil.example", "/admin"),
        ("/\x0c/evil.example", "/admin"),
        ("/\\evil.example", "/admin"),
        ("//evil.example", "/admin"),
    ] {
        let client = app.browser();
        let token = app.csrf_token(&client).await;
        let response = client
            .post(app.url("/auth/login"))
            .form(&[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("csrf_token", &token),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&response), lands, "{next:?}");
    }
}

async fn unknown_pages_get_a_real_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let anonymous = app.get(&client, "/no/such/page").await;
    assert_eq!(anonymous.status(), StatusCode::NOT_FOUND);
    assert!(anonymous.text().await.unwrap().contains("Page not found"));
    app.sign_in(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let inside = app.get(&client, "/admin/no-such-page").await;
    assert_eq!(inside.status(), StatusCode::NOT_FOUND);
}

test_on_both_backends!(
    health_and_readiness_answer,
    anonymous_visitors_are_sent_to_sign_in,
    an_admin_signs_in_and_sees_the_admin_area,
    a_worker_is_refused_the_admin_area,
    state_changing_requests_need_csrf_proof,
    the_session_id_changes_at_sign_in_and_dies_at_sign_out,
    wrong_passwords_are_reported_and_then_lock,
    one_address_guessing_many_accounts_is_stopped,
    next_after_sign_in_never_leaves_this_site,
    unknown_pages_get_a_real_404,
);
