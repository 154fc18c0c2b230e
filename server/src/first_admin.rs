//! A fresh installation needs someone who can sign in: make sure an admin exists.

use anyhow::{Context as _, Result};
use loupe_engine::domain::accounts::{Email, NewPassword, Role};
use loupe_engine::services::{ReviewError, Reviews};
use rand::Rng as _;

/// What happened at start-up, for the caller to report.
#[derive(Debug)]
pub enum FirstAdmin {
    AlreadyThere,
    Created {
        email: Email,
        generated_password: Option<String>,
    },
}

pub async fn ensure(reviews: &Reviews, email: &str, password: Option<&str>) -> Result<FirstAdmin> {
    if reviews.count_admins().await? > 0 {
        return Ok(FirstAdmin::AlreadyThere);
    }
    let email = Email::parse(email).context("LOUPE_ADMIN_EMAIL")?;
    let (password, generated) = match password {
        Some(given) => (
            NewPassword::parse(given.to_owned()).context("LOUPE_ADMIN_PASSWORD")?,
            None,
        ),
        None => {
            let generated = generate_password();
            (NewPassword::parse(generated.clone())?, Some(generated))
        }
    };
    match reviews
        .add_user(email.clone(), Role::Admin, vec![], password)
        .await
    {
        Ok(_) => Ok(FirstAdmin::Created {
            email,
            generated_password: generated,
        }),
        // Another replica starting at the same moment made it first.
        Err(ReviewError::Conflict(_)) => Ok(FirstAdmin::AlreadyThere),
        Err(err) => Err(err.into()),
    }
}

/// 20 characters from an alphabet without look-alikes (about 114 bits).
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}
