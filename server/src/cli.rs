//! The `loupe` command line. Every option can also come from a `LOUPE_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The region ARNs name when the operator sets none.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The account id ARNs name when the operator sets none.
pub const DEFAULT_ACCOUNT_ID: &str = "000000000000";

#[derive(Debug, Parser)]
#[command(
    name = "loupe",
    version,
    about = "Self-hosted human review workbench that speaks Amazon A2I"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// `loupe` with no command serves, with these options.
    #[command(flatten)]
    pub serve: ServeArgs,
}

// Parsed once at start-up, so the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate(DatabaseArgs),
    /// Manage the people who sign in.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage access keys for the AWS-compatible API.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage webhooks that receive loop status-change events.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Compile a model archive for a device, as a compilation job does, without a server.
    Compile(crate::compile_command::CompileArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (an embedded file, created if missing) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "LOUPE_DATABASE_URL",
        default_value = "sqlite://data/loupe.db"
    )]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct KeyFileArgs {
    /// File holding the master key that seals API secrets at rest. Made on first use only for a
    /// database that holds no secrets yet; the database records the key's fingerprint and
    /// refuses any other key. Ignored when LOUPE_MASTER_KEY is set.
    #[arg(long, env = "LOUPE_KEY_FILE", default_value = "data/loupe.key")]
    pub key_file: PathBuf,

    /// The master key itself, base64 of 32 bytes; give every replica the same one.
    #[arg(long = "master-key", env = "LOUPE_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub keys: KeyFileArgs,

    /// Address and port to listen on.
    #[arg(long, env = "LOUPE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Directory with the built browser assets (`pkg/`, favicon).
    #[arg(long, env = "LOUPE_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// AWS region named in ARNs.
    #[arg(long, env = "LOUPE_REGION", default_value = DEFAULT_REGION, value_parser = parse_region)]
    pub region: String,

    /// 12-digit account id named in ARNs.
    #[arg(long, env = "LOUPE_ACCOUNT_ID", default_value = DEFAULT_ACCOUNT_ID, value_parser = parse_account_id)]
    pub account_id: String,

    /// Mark cookies `Secure` and build links with https:// even though Loupe serves plain HTTP
    /// (behind a TLS proxy). On by itself with --tls-cert or an https:// --public-url.
    #[arg(long, env = "LOUPE_SECURE_COOKIES")]
    pub secure_cookies: bool,

    #[command(flatten)]
    pub public: PublicArgs,

    /// Email of the first admin, created when the database has no admin.
    #[arg(long, env = "LOUPE_ADMIN_EMAIL", default_value = "admin@loupe.local")]
    pub admin_email: String,

    /// Password of the first admin; generated and printed once when not given.
    #[arg(long, env = "LOUPE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    #[command(flatten)]
    pub outputs: OutputArgs,

    #[command(flatten)]
    pub limits: LimitArgs,

    #[command(flatten)]
    pub upstream: crate::aws::ml_proxy::UpstreamArgs,

    #[command(flatten)]
    pub compilation: crate::compilation_runner::CompilationArgs,

    /// Accept AWS API requests without a SigV4 signature. For local experiments only; the
    /// start-up log warns while it is on.
    #[arg(long, env = "LOUPE_ALLOW_UNSIGNED_API")]
    pub allow_unsigned_api: bool,

    /// This process's id among the replicas sharing the database; default `<hostname>:<port>`,
    /// so a restarted replica keeps it. Background work a replica leased goes to the others
    /// about 10 s after it stops, and back to it at once when it starts again. Every live
    /// replica needs its own.
    #[arg(long, env = "LOUPE_INSTANCE_ID", value_parser = loupe_engine::domain::instances::InstanceId::parse)]
    pub instance_id: Option<loupe_engine::domain::instances::InstanceId>,
}

impl ServeArgs {
    /// Clients reach this server over HTTPS: its own TLS, an https:// public URL, or
    /// `--secure-cookies` (a TLS proxy in front of plain HTTP). Cookies are then `Secure`, and
    /// links built from a request's `Host` use https://.
    pub fn reached_over_https(&self) -> bool {
        self.secure_cookies
            || self.public.tls_files().is_some()
            || self
                .public
                .public_url
                .as_ref()
                .is_some_and(|url| url.is_https())
    }

    pub fn origins(&self) -> loupe_engine::domain::public_url::Origins {
        loupe_engine::domain::public_url::Origins {
            public: self.public.public_url.clone(),
            https: self.reached_over_https(),
        }
    }
}

/// How clients reach this server: the URL they use, and TLS on its own listener.
#[derive(Debug, Clone, Args)]
pub struct PublicArgs {
    /// The URL people and SDKs reach Loupe by, such as https://review.example.com (the root of
    /// a host: no path). Invitation links, signed links and API answers' URLs start with it,
    /// and DescribeWorkteam's SubDomain is its host[:port]. Without it they follow the Host
    /// each request was sent to.
    #[arg(long, env = "LOUPE_PUBLIC_URL", value_parser = loupe_engine::domain::public_url::PublicUrl::parse)]
    pub public_url: Option<loupe_engine::domain::public_url::PublicUrl>,

    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first), for
    /// installs without a TLS proxy in front. Needs --tls-key.
    #[arg(
        long,
        env = "LOUPE_TLS_CERT",
        requires = "tls_key",
        value_name = "FILE"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1). Needs --tls-cert.
    #[arg(
        long,
        env = "LOUPE_TLS_KEY",
        requires = "tls_cert",
        value_name = "FILE"
    )]
    pub tls_key: Option<PathBuf>,
}

impl PublicArgs {
    /// The certificate and key files, when TLS is on (clap makes sure both or neither are set).
    pub fn tls_files(&self) -> Option<(&std::path::Path, &std::path::Path)> {
        self.tls_cert.as_deref().zip(self.tls_key.as_deref())
    }
}

/// What one server lets its clients use: memory, connections, time.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Memory for the work clients cause, in MiB: a quarter is the budget for request bodies
    /// held at once, a quarter for password hashes computed at once (19 MiB each, at most one
    /// per core), a quarter for SQLite's page cache. The default fits a 2 GB machine.
    #[arg(long, env = "LOUPE_MEMORY_BUDGET_MIB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(32..))]
    pub memory_budget_mib: u64,

    /// Connections served at once (never more than the open-file limit allows); more are
    /// answered 503 at once. A few more are kept for `/healthz` and `/readyz`.
    #[arg(long, env = "LOUPE_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Seconds a client may take to send a request's head, on a new connection and between
    /// requests on a kept-alive one (so also the idle keep-alive limit).
    #[arg(long, env = "LOUPE_HEADER_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,

    /// Seconds a client may take to send a whole request body.
    #[arg(long, env = "LOUPE_BODY_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_secs: u64,

    /// Proxies in front of Loupe that append the client's address to `X-Forwarded-For`; the
    /// address that many entries from the right is the client's. 0 (the default) trusts no
    /// header and uses the connection's peer.
    #[arg(long, env = "LOUPE_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,

    /// API requests per second one access key may make to this server (bursts of twice that
    /// pass); more are refused with `ThrottlingException`. 0 turns the limit off.
    #[arg(long, env = "LOUPE_API_REQUESTS_PER_SECOND", default_value_t = 1000)]
    pub api_requests_per_second: u32,
}

/// Size of one argon2id hash's memory (the crate's default, OWASP's advice).
const HASH_MIB: u64 = 19;

impl LimitArgs {
    pub fn body_bytes_in_flight(&self) -> usize {
        self.quarter_of_budget()
    }

    /// SQLite's page cache, all connections together.
    pub fn page_cache_bytes(&self) -> usize {
        self.quarter_of_budget()
    }

    fn quarter_of_budget(&self) -> usize {
        usize::try_from(self.memory_budget_mib * 1024 * 1024 / 4).unwrap_or(usize::MAX)
    }

    /// Password hashes at once: a quarter of the budget, at most one per core, at least one.
    pub fn hashes_at_once(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let by_memory = usize::try_from(self.memory_budget_mib / 4 / HASH_MIB).unwrap_or(1);
        by_memory.clamp(1, cores)
    }

    pub fn connections(&self) -> crate::connections::ConnectionLimits {
        crate::connections::ConnectionLimits {
            max_connections: self.max_connections,
            header_timeout: std::time::Duration::from_secs(self.header_timeout_secs),
        }
    }

    pub fn body_limits(&self) -> crate::body_limits::BodyLimits {
        crate::body_limits::BodyLimits::new(
            self.body_bytes_in_flight(),
            std::time::Duration::from_secs(self.body_timeout_secs),
        )
    }
}

/// Where output.json files go. Without an S3 endpoint, `s3://bucket/key` is written to
/// `<output-root>/bucket/key`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Directory standing in for S3 when no endpoint is configured.
    #[arg(long, env = "LOUPE_OUTPUT_ROOT", default_value = "data/outputs")]
    pub output_root: PathBuf,

    /// An S3-compatible endpoint (MinIO, Ceph, AWS S3: https://s3.us-east-1.amazonaws.com) to
    /// write outputs to instead of the directory.
    #[arg(long, env = "LOUPE_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// Region to sign S3 requests for.
    #[arg(long, env = "LOUPE_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    #[arg(long, env = "LOUPE_S3_ACCESS_KEY_ID", requires = "s3_endpoint")]
    pub s3_access_key_id: Option<String>,

    #[arg(
        long,
        env = "LOUPE_S3_SECRET_ACCESS_KEY",
        hide_env_values = true,
        requires = "s3_endpoint"
    )]
    pub s3_secret_access_key: Option<String>,
}

impl OutputArgs {
    pub fn store_config(&self) -> loupe_engine::output::writer::OutputStoreConfig {
        use loupe_engine::output::writer::OutputStoreConfig;
        match &self.s3_endpoint {
            None => OutputStoreConfig::Directory {
                root: self.output_root.clone(),
            },
            Some(endpoint) => OutputStoreConfig::S3 {
                endpoint: endpoint.clone(),
                region: self.s3_region.clone(),
                access_key_id: self.s3_access_key_id.clone().unwrap_or_default(),
                secret_access_key: self.s3_secret_access_key.clone().unwrap_or_default(),
                allow_http: endpoint.starts_with("http://"),
            },
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// admin or worker
        #[arg(long)]
        role: String,
        /// Work team to join (created if missing); repeat for several.
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Read the password from the first line of standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List everyone who can sign in.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create an access key; prints it as `aws iam create-access-key` does. The secret is shown
    /// only this once.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        keys: KeyFileArgs,
    },
    /// List access keys (never their secrets).
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Make an access key inactive; requests signed with it are refused from then on.
    Revoke {
        id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Add a webhook; prints it with its signing secret, shown only this once.
    Add {
        /// A name of your choice (letters, digits, '-', '_', '.').
        #[arg(long)]
        name: String,
        /// The http(s) URL events are posted to.
        #[arg(long)]
        url: String,
        /// Only this flow definition's events (default: every flow's).
        #[arg(long)]
        flow: Option<String>,
        /// Read the signing secret from standard input instead of generating one.
        #[arg(long)]
        secret_stdin: bool,
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        keys: KeyFileArgs,
    },
    /// List webhooks (never their secrets).
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Remove a webhook and its delivery history.
    Remove {
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Recent delivery attempts, newest first.
    Deliveries {
        /// Only this webhook's.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn parse_account_id(raw: &str) -> Result<String, String> {
    if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit()) {
        Ok(raw.to_owned())
    } else {
        Err("an account id is exactly 12 digits".to_owned())
    }
}

fn parse_region(raw: &str) -> Result<String, String> {
    let ok = !raw.is_empty()
        && raw.len() <= 32
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err("a region is lower-case letters, digits and hyphens, such as us-east-1".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve_with_defaults() {
        let cli = Cli::try_parse_from(["loupe", "--bind", "127.0.0.1:0"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.region, "us-east-1");
        assert_eq!(cli.serve.account_id, "000000000000");
    }

    #[test]
    fn bad_account_ids_and_regions_are_refused() {
        assert!(Cli::try_parse_from(["loupe", "serve", "--account-id", "12345"]).is_err());
        assert!(Cli::try_parse_from(["loupe", "serve", "--region", "US East"]).is_err());
    }

    #[test]
    fn a_public_url_is_checked_at_start() {
        let cli =
            Cli::try_parse_from(["loupe", "--public-url", "https://review.example.com/"]).unwrap();
        let public = cli.serve.public.public_url.unwrap();
        assert_eq!(public.origin(), "https://review.example.com");
        let refused = Cli::try_parse_from(["loupe", "--public-url", "https://h.example/loupe"])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("root of a host"), "{refused}");
        assert!(Cli::try_parse_from(["loupe", "--public-url", "h.example"]).is_err());
    }

    #[test]
    fn tls_takes_both_files_or_neither() {
        let both = ["loupe", "--tls-cert", "c.pem", "--tls-key", "k.pem"];
        let cli = Cli::try_parse_from(both).unwrap();
        assert!(cli.serve.public.tls_files().is_some());
        assert!(
            Cli::try_parse_from(["loupe"])
                .unwrap()
                .serve
                .public
                .tls_files()
                .is_none()
        );
        for half in [
            ["loupe", "--tls-cert", "c.pem"],
            ["loupe", "--tls-key", "k.pem"],
        ] {
            let error = Cli::try_parse_from(half).unwrap_err().to_string();
            assert!(error.contains("--tls-"), "{error}");
        }
    }

    #[test]
    fn an_instance_id_is_optional_and_never_blank() {
        let cli = Cli::try_parse_from(["loupe", "--instance-id", "web-2:3000"]).unwrap();
        assert_eq!(cli.serve.instance_id.unwrap().as_str(), "web-2:3000");
        assert!(Cli::try_parse_from(["loupe", "--instance-id", " "]).is_err());
    }
}
