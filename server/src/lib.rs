//! The `loupe` server: configuration, HTTP routing, sessions and the administrative commands.

pub mod auth;
pub mod aws;
pub mod blobs;
pub mod body_limits;
pub mod cli;
pub mod client_address;
pub mod commands;
pub mod compilation_runner;
pub mod compile_command;
pub mod connections;
pub mod csrf;
pub mod event_stream;
pub mod first_admin;
pub mod keyring;
pub mod memory;
pub mod router;
pub mod scheduler;
pub mod sessions;
pub mod sign_in_throttle;
pub mod spend_export;
pub mod task_frame;
pub mod template_assets;
pub mod tls;
pub mod webhook_delivery;
pub mod worker_api;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{Clock, SystemClock};
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::domain::public_url::Origins;
use loupe_engine::output::writer::OutputStore;
use loupe_engine::services::Reviews;
use loupe_engine::services::compilation::CompilationJobs;
use loupe_engine::services::sign_in::LoginPolicy;
use loupe_engine::store;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion as _;

use crate::cli::ServeArgs;
use crate::first_admin::FirstAdmin;
use crate::sessions::Sessions;

/// Everything a request handler may need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub clock: Arc<dyn Clock>,
    pub login_policy: LoginPolicy,
    pub master_key: MasterKey,
    /// Cookies are `Secure`: see [`ServeArgs::reached_over_https`].
    pub secure_cookies: bool,
    /// Where absolute links point: the public URL, or each request's `Host`.
    pub origins: Origins,
    pub region: String,
    pub account_id: String,
    pub reviews: Arc<Reviews>,
    pub outputs: Arc<OutputStore>,
    /// Accept API requests without a signature (development only).
    pub allow_unsigned_api: bool,
    pub audit: aws::audit::AuditLog,
    /// Status-change events as they happen, for the event streams.
    pub events: event_stream::EventHub,
    /// Request bodies' caps, deadline and shared budget.
    pub body_limits: body_limits::BodyLimits,
    /// Where a request came from, for sign-in limits.
    pub client_addresses: client_address::ClientAddresses,
    /// Failed sign-ins per client address, across accounts.
    pub sign_in_throttle: sign_in_throttle::AddressThrottle,
    /// API requests per access key.
    pub api_rate: Arc<aws::rate_limit::KeyRateLimit>,
    /// Where proxied Textract and Rekognition calls go on to.
    pub ai_services: Arc<aws::ml_proxy::Upstreams>,
    /// SageMaker compilation jobs.
    pub compilations: Arc<CompilationJobs>,
    /// Wakes this replica's compilation runner when a job is created here.
    pub compilation_wake: Arc<tokio::sync::Notify>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// A server that is accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    pub first_admin: FirstAdmin,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Opens and migrates the database, makes sure an admin exists, and starts serving on
/// `listener`. Tests call this with a listener on port 0.
pub async fn start(
    args: &ServeArgs,
    listener: TcpListener,
    login_policy: LoginPolicy,
) -> Result<Running> {
    start_with(args, listener, login_policy, Default::default()).await
}

/// [`start`] with the per-address sign-in limit chosen (tests use a small one).
pub async fn start_with(
    args: &ServeArgs,
    listener: TcpListener,
    login_policy: LoginPolicy,
    address_limit: sign_in_throttle::AddressLimit,
) -> Result<Running> {
    // The TLS files first: a bad one is reported before anything is written.
    let tls = args
        .public
        .tls_files()
        .map(|(cert, key)| tls::acceptor(cert, key))
        .transpose()?;
    let database_url = &args.database.database_url;
    let (store, pool) = store::open_with_cache(database_url, args.limits.page_cache_bytes())
        .await
        .with_context(|| {
            format!(
                "opening the database at {}",
                keyring::database_for_messages(database_url)
            )
        })?;
    store.migrate().await.context("migrating the database")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let master_key =
        keyring::open_master_key(&args.keys, &*store, database_url, clock.now()).await?;

    let account = Account::new(&args.region, &args.account_id)
        .map_err(|e| anyhow::anyhow!("region and account id: {e}"))?;
    // Before any background work: what an earlier run of this instance leased is free again.
    let instance = args.instance_id.clone().unwrap_or_else(|| {
        loupe_engine::domain::instances::InstanceId::for_this_host(
            listener.local_addr().map_or(0, |addr| addr.port()),
        )
    });
    store
        .start_instance(&instance, clock.now())
        .await
        .context("recording this instance")?;
    tokio::spawn(loupe_engine::infra::heartbeat::beat(
        store.clone(),
        clock.clone(),
        instance.clone(),
    ));
    tracing::info!(%instance, "instance started");
    let reviews = Arc::new(
        Reviews::new(
            store.clone(),
            clock.clone(),
            account.clone(),
            TaskLimits::default(),
        )
        .with_instance(instance.clone()),
    );
    let first_admin =
        first_admin::ensure(&reviews, &args.admin_email, args.admin_password.as_deref()).await?;
    let outputs = Arc::new(
        OutputStore::new(args.outputs.store_config()).context("opening the output store")?,
    );
    tokio::spawn(scheduler::run(
        reviews.clone(),
        outputs.clone(),
        scheduler::INTERVAL,
    ));

    let compilations = Arc::new(
        CompilationJobs::new(store.clone(), clock.clone(), account.clone())
            .with_max_open(args.compilation.max_open_compilation_jobs),
    );
    let compilation_wake = Arc::new(tokio::sync::Notify::new());
    let at_once = args.compilation.at_once();
    if at_once > 0 {
        tokio::spawn(compilation_runner::run(compilation_runner::Runner {
            jobs: compilations.clone(),
            outputs: outputs.clone(),
            instance: instance.clone(),
            compiler: args
                .compilation
                .compiler()
                .context("finding the compiler executable")?,
            at_once,
            wake: compilation_wake.clone(),
        }));
    } else {
        tracing::info!("--compilation-jobs-at-once 0: this replica runs no compilation jobs");
    }

    tokio::spawn(webhook_delivery::run(
        reviews.clone(),
        master_key.clone(),
        webhook_delivery::HttpPoster::default(),
        webhook_delivery::INTERVAL,
    ));

    let addr = listener.local_addr()?;
    let leptos_options = LeptosOptions::builder()
        .output_name("loupe")
        .site_root(args.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let audit = aws::audit::AuditLog::spawn(reviews.clone());
    let events = event_stream::EventHub::spawn(reviews.clone(), clock.clone()).await?;
    let state = AppState {
        leptos_options,
        clock,
        login_policy,
        master_key,
        secure_cookies: args.reached_over_https(),
        origins: args.origins(),
        region: args.region.clone(),
        account_id: args.account_id.clone(),
        reviews,
        outputs,
        allow_unsigned_api: args.allow_unsigned_api,
        audit,
        events,
        body_limits: args.limits.body_limits(),
        client_addresses: client_address::ClientAddresses {
            trusted_proxy_hops: args.limits.trusted_proxy_hops,
        },
        sign_in_throttle: sign_in_throttle::AddressThrottle::new(address_limit),
        api_rate: Arc::new(aws::rate_limit::KeyRateLimit::new(
            args.limits.api_requests_per_second,
        )),
        ai_services: Arc::new(args.upstream.upstreams(&args.region)?),
        compilations,
        compilation_wake,
    };
    if args.allow_unsigned_api {
        tracing::warn!(
            "--allow-unsigned-api is on: anyone who can reach this port can start, stop and \
             delete human loops without a key. Use it only on a machine of your own."
        );
    }
    let sessions = Sessions::for_pool(&pool);
    tokio::spawn(
        sessions
            .clone()
            .continuously_delete_expired(Duration::from_secs(300)),
    );
    let health = router::health_only(state.clone());
    let app = router::build(state, sessions);
    connections::raise_open_file_limit();
    loupe_engine::domain::passwords::configure(args.limits.hashes_at_once());
    let limits = args.limits.connections();
    match &args.public.public_url {
        Some(public) => tracing::info!(%public, tls = tls.is_some(), "public URL"),
        None => tracing::info!(
            tls = tls.is_some(),
            "no --public-url: links follow the Host each request was sent to"
        ),
    }
    tracing::info!(
        connections = limits.effective_max(),
        body_budget_bytes = args.limits.body_bytes_in_flight(),
        hashes_at_once = args.limits.hashes_at_once(),
        "client limits"
    );
    let server = tokio::spawn(connections::serve(
        listener,
        tls,
        app,
        health,
        limits,
        shutdown_signal(),
    ));
    Ok(Running {
        addr,
        first_admin,
        server,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
