use anyhow::Result;
use clap::Parser as _;
use loupe_engine::services::sign_in::LoginPolicy;
use loupe_server::cli::{Cli, Command, ServeArgs};
use loupe_server::first_admin::FirstAdmin;
use loupe_server::{commands, start};
use tracing_subscriber::EnvFilter;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    // Before the runtime starts its threads, so every arena is made under the settings.
    loupe_server::memory::tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LOUPE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Migrate(database)) => commands::migrate(&database).await,
        Some(Command::User(command)) => commands::user(command).await,
        Some(Command::Keys(command)) => commands::keys(command).await,
        Some(Command::Webhooks(command)) => commands::webhooks(command).await,
        Some(Command::Compile(args)) => {
            // Compiling is synchronous work: this process does nothing else meanwhile.
            if !loupe_server::compile_command::run(args)? {
                std::process::exit(loupe_server::compilation_runner::EXIT_REFUSED);
            }
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    let running = start(&args, listener, LoginPolicy::default()).await?;
    if let FirstAdmin::Created {
        email,
        generated_password,
    } = &running.first_admin
    {
        match generated_password {
            Some(password) => println!(
                "\nCreated the first admin.\n  email:    {email}\n  password: {password}\nThis password is shown only now. Sign in and keep it somewhere safe.\n"
            ),
            None => println!(
                "\nCreated the first admin {email} with the password from LOUPE_ADMIN_PASSWORD.\n"
            ),
        }
    }
    let scheme = if args.public.tls_files().is_some() {
        "https"
    } else {
        "http"
    };
    match &args.public.public_url {
        Some(public) => println!(
            "Loupe is ready at {scheme}://{}, published as {public}",
            running.addr
        ),
        None => println!("Loupe is ready at {scheme}://{}", running.addr),
    }
    tracing::info!(addr = %running.addr, "serving");
    running.server.await??;
    Ok(())
}
