//! The administrative subcommands: `migrate`, `user …`, `keys …`, `webhooks …`.

use std::io::BufRead as _;

use anyhow::{Context as _, Result};
use loupe_engine::domain::accounts::{Email, NewPassword, Role};
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{Clock as _, SystemClock};
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::keys::{self, AccessKey, AccessKeyId};
use loupe_engine::domain::teams::WorkteamName;
use loupe_engine::domain::webhooks::{Webhook, WebhookName};
use loupe_engine::services::Reviews;
use loupe_engine::store::{self, Store};
use serde_json::json;

use crate::cli::{
    DEFAULT_ACCOUNT_ID, DEFAULT_REGION, DatabaseArgs, KeyFileArgs, KeysCommand, UserCommand,
    WebhooksCommand,
};
use crate::keyring;

pub async fn open_store(database: &DatabaseArgs) -> Result<std::sync::Arc<dyn Store>> {
    let (store, _) = store::open(&database.database_url).await.with_context(|| {
        format!(
            "opening {}",
            keyring::database_for_messages(&database.database_url)
        )
    })?;
    store.migrate().await?;
    Ok(store)
}

/// The engine over the migrated database. These commands name no ARNs, so the account is the
/// one `serve` uses by default.
async fn open_reviews(database: &DatabaseArgs) -> Result<Reviews> {
    reviews_over(open_store(database).await?)
}

/// [`open_reviews`], with the database's master key (checked against its fingerprint), for the
/// commands that seal secrets.
async fn open_reviews_with_key(
    database: &DatabaseArgs,
    keys: &KeyFileArgs,
) -> Result<(Reviews, keys::MasterKey)> {
    let store = open_store(database).await?;
    let master =
        keyring::open_master_key(keys, &*store, &database.database_url, SystemClock.now()).await?;
    Ok((reviews_over(store)?, master))
}

fn reviews_over(store: std::sync::Arc<dyn Store>) -> Result<Reviews> {
    let account = Account::new(DEFAULT_REGION, DEFAULT_ACCOUNT_ID).map_err(anyhow::Error::msg)?;
    Ok(Reviews::new(
        store,
        std::sync::Arc::new(SystemClock),
        account,
        TaskLimits::default(),
    ))
}

pub async fn migrate(database: &DatabaseArgs) -> Result<()> {
    let store = open_store(database).await?;
    println!("{} database is up to date", store.backend());
    Ok(())
}

pub async fn user(command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            email,
            role,
            teams,
            password_stdin: _,
            database,
        } => {
            let email = Email::parse(&email)?;
            let role = Role::parse(&role)?;
            let teams = teams
                .iter()
                .map(|t| WorkteamName::parse(t))
                .collect::<Result<Vec<_>, _>>()?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let password = NewPassword::parse(line.trim_end_matches(['\r', '\n']).to_owned())?;
            let reviews = open_reviews(&database).await?;
            let user = reviews
                .add_user(email, role, teams.clone(), password)
                .await?;
            let teams: Vec<_> = teams.iter().map(|t| t.to_string()).collect();
            if teams.is_empty() {
                println!("added {} {} (id {})", user.role, user.email, user.id);
            } else {
                println!(
                    "added {} {} (id {}) to {}",
                    user.role,
                    user.email,
                    user.id,
                    teams.join(", ")
                );
            }
        }
        UserCommand::List { database } => {
            let reviews = open_reviews(&database).await?;
            println!(
                "{:<6} {:<32} {:<7} {:<17} TEAMS",
                "ID", "EMAIL", "ROLE", "LAST SIGN-IN"
            );
            for user in reviews.list_users().await? {
                let teams: Vec<_> = reviews
                    .teams_of(user.id)
                    .await?
                    .into_iter()
                    .map(|t| t.name.to_string())
                    .collect();
                let last = user
                    .last_login_at
                    .map(|t| t.to_rfc3339()[..16].replace('T', " "))
                    .unwrap_or_else(|| "never".into());
                println!(
                    "{:<6} {:<32} {:<7} {:<17} {}",
                    user.id,
                    user.email,
                    user.role,
                    last,
                    teams.join(",")
                );
            }
        }
    }
    Ok(())
}

pub async fn keys(command: KeysCommand) -> Result<()> {
    match command {
        KeysCommand::Create {
            name,
            database,
            keys: key_args,
        } => {
            let (reviews, master) = open_reviews_with_key(&database, &key_args).await?;
            let (key, secret) = reviews.issue_access_key(&master, &name).await?;
            let out = json!({ "AccessKey": {
                "AccessKeyId": key.id.as_str(),
                "SecretAccessKey": secret.expose(),
                "Status": key.status.as_str(),
                "CreateDate": key.created_at.to_rfc3339(),
            }});
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        KeysCommand::List { database } => {
            let keys: Vec<_> = open_reviews(&database)
                .await?
                .list_access_keys()
                .await?
                .iter()
                .map(key_metadata)
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "AccessKeyMetadata": keys }))?
            );
        }
        KeysCommand::Revoke { id, database } => {
            let id = AccessKeyId::parse(&id)?;
            let key = open_reviews(&database)
                .await?
                .revoke_access_key(&id)
                .await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "AccessKey": key_metadata(&key) }))?
            );
        }
    }
    Ok(())
}

pub async fn webhooks(command: WebhooksCommand) -> Result<()> {
    match command {
        WebhooksCommand::Add {
            name,
            url,
            flow,
            secret_stdin,
            database,
            keys,
        } => {
            let secret = if secret_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading the secret from standard input")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let (reviews, master) = open_reviews_with_key(&database, &keys).await?;
            let (webhook, secret) = reviews
                .add_webhook(&master, &name, &url, flow.as_deref(), secret.as_deref())
                .await?;
            let mut out = webhook_json(&webhook);
            out["Secret"] = json!(secret.expose());
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "Webhook": out }))?
            );
        }
        WebhooksCommand::List { database } => {
            let hooks: Vec<_> = open_reviews(&database)
                .await?
                .webhooks()
                .await?
                .iter()
                .map(webhook_json)
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "Webhooks": hooks }))?
            );
        }
        WebhooksCommand::Remove { name, database } => {
            let name = WebhookName::parse(&name)?;
            if !open_reviews(&database).await?.remove_webhook(&name).await? {
                anyhow::bail!("no webhook is named {name}");
            }
            println!("removed webhook {name}");
        }
        WebhooksCommand::Deliveries {
            name,
            limit,
            database,
        } => {
            let name = name.map(|n| WebhookName::parse(&n)).transpose()?;
            let rows: Vec<_> = open_reviews(&database)
                .await?
                .deliveries(name.as_ref(), None, limit.clamp(1, 1000))
                .await?
                .iter()
                .map(|d| {
                    json!({
                        "Webhook": d.webhook,
                        "EventId": d.event_id,
                        "State": d.state().as_str(),
                        "Attempts": d.attempts,
                        "LastStatus": d.last_status,
                        "LastError": d.last_error,
                        "CreatedAt": d.created_at.to_rfc3339(),
                        "NextAttemptAt": d.next_attempt_at.to_rfc3339(),
                        "DeliveredAt": d.delivered_at.map(|t| t.to_rfc3339()),
                        "GaveUpAt": d.gave_up_at.map(|t| t.to_rfc3339()),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "Deliveries": rows }))?
            );
        }
    }
    Ok(())
}

fn webhook_json(webhook: &Webhook) -> serde_json::Value {
    json!({
        "Name": webhook.name,
        "Url": webhook.url,
        "FlowDefinitionName": webhook.flow,
        "CreatedAt": webhook.created_at.to_rfc3339(),
    })
}

fn key_metadata(key: &AccessKey) -> serde_json::Value {
    let mut meta = json!({
        "AccessKeyId": key.id.as_str(),
        "Name": key.name,
        "Status": key.status.as_str(),
        "CreateDate": key.created_at.to_rfc3339(),
    });
    if let Some(revoked) = key.revoked_at {
        meta["RevokeDate"] = json!(revoked.to_rfc3339());
    }
    meta
}
