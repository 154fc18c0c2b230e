//! The queries both backends share, instantiated once per backend by `sql_store!`.

/// Implements [`super::Store`] for `$store` (which has a `pool` field and inherent `migrate_pool`
/// method), decoding rows of type `$row`.
macro_rules! sql_store {
    ($store:ty, $row:ty, $backend:expr) => {
        const USER_COLUMNS: &str =
            "id, email, role, created_at, last_login_at, deactivated_at, sessions_valid_after";
        const TEAM_COLUMNS: &str = "t.id, t.name, t.description, t.created_at, \
             (SELECT COUNT(*) FROM work_team_members m WHERE m.team_id = t.id) AS member_count";
        const KEY_COLUMNS: &str = "id, name, status, created_at, revoked_at, sealed_secret";

        fn user_from_row(row: &$row) -> Result<$crate::domain::accounts::User, $crate::store::StoreError> {
            use sqlx::Row as _;
            use $crate::store::StoreError;
            let email: String = row.try_get("email")?;
            let role: String = row.try_get("role")?;
            Ok($crate::domain::accounts::User {
                id: $crate::domain::accounts::UserId(row.try_get("id")?),
                email: $crate::domain::accounts::Email::parse(&email)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                role: $crate::domain::accounts::Role::parse(&role)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                created_at: $crate::domain::clock::Timestamp::from_millis(row.try_get("created_at")?),
                last_login_at: row
                    .try_get::<Option<i64>, _>("last_login_at")?
                    .map($crate::domain::clock::Timestamp::from_millis),
                deactivated_at: row
                    .try_get::<Option<i64>, _>("deactivated_at")?
                    .map($crate::domain::clock::Timestamp::from_millis),
                sessions_valid_after: row
                    .try_get::<Option<i64>, _>("sessions_valid_after")?
                    .map($crate::domain::clock::Timestamp::from_millis),
            })
        }

        fn team_from_row(row: &$row) -> Result<$crate::domain::teams::Team, $crate::store::StoreError> {
            use sqlx::Row as _;
            let name: String = row.try_get("name")?;
            Ok($crate::domain::teams::Team {
                id: $crate::domain::teams::TeamId(row.try_get("id")?),
                name: $crate::domain::teams::WorkteamName::parse(&name)
                    .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                description: row.try_get("description")?,
                created_at: $crate::domain::clock::Timestamp::from_millis(row.try_get("created_at")?),
                member_count: row.try_get("member_count")?,
            })
        }

        fn key_from_row(
            row: &$row,
        ) -> Result<($crate::domain::keys::AccessKey, $crate::domain::keys::SealedSecret), $crate::store::StoreError> {
            use sqlx::Row as _;
            let id: String = row.try_get("id")?;
            let status: String = row.try_get("status")?;
            let key = $crate::domain::keys::AccessKey {
                id: $crate::domain::keys::AccessKeyId::parse(&id)
                    .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                name: row.try_get("name")?,
                status: $crate::domain::keys::KeyStatus::from_stored(&status),
                created_at: $crate::domain::clock::Timestamp::from_millis(row.try_get("created_at")?),
                revoked_at: row
                    .try_get::<Option<i64>, _>("revoked_at")?
                    .map($crate::domain::clock::Timestamp::from_millis),
            };
            Ok((key, $crate::domain::keys::SealedSecret::from_stored(row.try_get("sealed_secret")?)))
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }

            async fn migrate(&self) -> Result<(), $crate::store::StoreError> {
                Ok(MIGRATOR.run(&self.pool).await?)
            }

            async fn ping(&self) -> Result<(), $crate::store::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_user(
                &self,
                user: $crate::store::NewUser,
            ) -> Result<$crate::domain::accounts::User, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let email = user.email.clone();
                let row = sqlx::query(&format!(
                    "INSERT INTO users (email, password_hash, role, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING {USER_COLUMNS}"
                ))
                .bind(user.email.as_str())
                .bind(user.password_hash.as_str())
                .bind(user.role.as_str())
                .bind(user.created_at.as_millis())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::conflict_on($crate::store::UniqueKey::UserEmail, || {
                    format!("a user with email {email} already exists")
                }))?;
                let created = user_from_row(&row)?;
                for team in &user.teams {
                    sqlx::query(
                        "INSERT INTO work_teams (name, description, created_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(team.as_str())
                    .bind(format!("Work team {team}"))
                    .bind(user.created_at.as_millis())
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO work_team_members (team_id, user_id, added_at) \
                         SELECT id, $2, $3 FROM work_teams WHERE name = $1 \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(team.as_str())
                    .bind(created.id.0)
                    .bind(user.created_at.as_millis())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(created)
            }

            async fn find_user(
                &self,
                id: $crate::domain::accounts::UserId,
            ) -> Result<Option<$crate::domain::accounts::User>, $crate::store::StoreError> {
                let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(user_from_row).transpose()
            }

            async fn find_login(
                &self,
                email: &$crate::domain::accounts::Email,
            ) -> Result<Option<$crate::domain::accounts::LoginRecord>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let row = sqlx::query(&format!(
                    "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
                ))
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some($crate::domain::accounts::LoginRecord {
                    user: user_from_row(&row)?,
                    password_hash: $crate::domain::passwords::PasswordHash::from_stored(
                        row.try_get("password_hash")?,
                    ),
                }))
            }

            async fn list_users(
                &self,
            ) -> Result<Vec<$crate::domain::accounts::User>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(user_from_row).collect()
            }

            async fn count_admins(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn record_login_success(
                &self,
                id: $crate::domain::accounts::UserId,
                client: &str,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM sign_in_locks WHERE user_id = $1 AND client = $2")
                    .bind(id.0)
                    .bind(client)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn sign_in_lock(
                &self,
                id: $crate::domain::accounts::UserId,
                client: &str,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<Option<$crate::domain::clock::Timestamp>, $crate::store::StoreError> {
                let until: Option<i64> = sqlx::query_scalar(
                    "SELECT locked_until FROM sign_in_locks \
                     WHERE user_id = $1 AND client = $2 AND locked_until > $3",
                )
                .bind(id.0)
                .bind(client)
                .bind(now.as_millis())
                .fetch_optional(&self.pool)
                .await?
                .flatten();
                Ok(until.map($crate::domain::clock::Timestamp::from_millis))
            }

            async fn record_login_failure(
                &self,
                failure: &$crate::store::SignInFailure<'_>,
            ) -> Result<Option<$crate::domain::clock::Timestamp>, $crate::store::StoreError> {
                // One statement, so concurrent failures from several replicas all count. A lock
                // that has run out, or failures older than the window, start the count afresh;
                // every right-hand side reads the row as it was before the update.
                let locked: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO sign_in_locks \
                       (user_id, client, failures, last_failure_at, locked_until) \
                     VALUES ($1, $2, 1, $3, CASE WHEN 1 >= $5 THEN $6 ELSE NULL END) \
                     ON CONFLICT (user_id, client) DO UPDATE SET \
                       failures = CASE \
                         WHEN sign_in_locks.locked_until <= $3 \
                           OR sign_in_locks.last_failure_at <= $4 THEN 1 \
                         ELSE sign_in_locks.failures + 1 END, \
                       locked_until = CASE \
                         WHEN sign_in_locks.locked_until <= $3 \
                           OR sign_in_locks.last_failure_at <= $4 \
                           THEN CASE WHEN 1 >= $5 THEN $6 ELSE NULL END \
                         WHEN sign_in_locks.failures + 1 >= $5 \
                           THEN COALESCE(sign_in_locks.locked_until, $6) \
                         ELSE sign_in_locks.locked_until END, \
                       last_failure_at = $3 \
                     RETURNING locked_until",
                )
                .bind(failure.user.0)
                .bind(failure.client)
                .bind(failure.at.as_millis())
                .bind(failure.forget_before.as_millis())
                .bind(i64::from(failure.max_failures))
                .bind(failure.lock_until.as_millis())
                .fetch_one(&self.pool)
                .await?;
                Ok(locked.map($crate::domain::clock::Timestamp::from_millis))
            }

            async fn list_teams(
                &self,
            ) -> Result<Vec<$crate::domain::teams::Team>, $crate::store::StoreError> {
                let rows =
                    sqlx::query(&format!("SELECT {TEAM_COLUMNS} FROM work_teams t ORDER BY t.name"))
                        .fetch_all(&self.pool)
                        .await?;
                rows.iter().map(team_from_row).collect()
            }

            async fn teams_of(
                &self,
                user: $crate::domain::accounts::UserId,
            ) -> Result<Vec<$crate::domain::teams::Team>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {TEAM_COLUMNS} FROM work_teams t \
                     JOIN work_team_members me ON me.team_id = t.id AND me.user_id = $1 \
                     ORDER BY t.name"
                ))
                .bind(user.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(team_from_row).collect()
            }

            async fn create_access_key(
                &self,
                key: &$crate::domain::keys::AccessKey,
                sealed: &$crate::domain::keys::SealedSecret,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO access_keys (id, name, sealed_secret, status, created_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(key.id.as_str())
                .bind(&key.name)
                .bind(sealed.as_str())
                .bind(key.status.as_str())
                .bind(key.created_at.as_millis())
                .bind(key.revoked_at.map(|t| t.as_millis()))
                .execute(&self.pool)
                .await
                .map_err($crate::store::conflict_on($crate::store::UniqueKey::AccessKeyId, || format!("access key {} already exists", key.id)))?;
                Ok(())
            }

            async fn list_access_keys(
                &self,
            ) -> Result<Vec<$crate::domain::keys::AccessKey>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {KEY_COLUMNS} FROM access_keys ORDER BY created_at, id"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|row| key_from_row(row).map(|(key, _)| key)).collect()
            }

            async fn find_access_key(
                &self,
                id: &$crate::domain::keys::AccessKeyId,
            ) -> Result<Option<($crate::domain::keys::AccessKey, $crate::domain::keys::SealedSecret)>, $crate::store::StoreError>
            {
                let row = sqlx::query(&format!("SELECT {KEY_COLUMNS} FROM access_keys WHERE id = $1"))
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(key_from_row).transpose()
            }

            async fn revoke_access_key(
                &self,
                id: &$crate::domain::keys::AccessKeyId,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<$crate::domain::keys::AccessKey, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "UPDATE access_keys SET status = 'Inactive', revoked_at = COALESCE(revoked_at, $2) \
                     WHERE id = $1 RETURNING {KEY_COLUMNS}"
                ))
                .bind(id.as_str())
                .bind(now.as_millis())
                .fetch_optional(&self.pool)
                .await?;
                match row {
                    Some(row) => Ok(key_from_row(&row)?.0),
                    None => Err($crate::store::StoreError::NotFound(format!("no access key {id}"))),
                }
            }

            async fn set_deactivated(
                &self,
                id: $crate::domain::accounts::UserId,
                at: Option<$crate::domain::clock::Timestamp>,
            ) -> Result<bool, $crate::store::StoreError> {
                // Deactivating also ends every session begun so far; reactivating leaves that be.
                let done = sqlx::query(
                    "UPDATE users SET deactivated_at = $2, \
                     sessions_valid_after = COALESCE($2, sessions_valid_after) WHERE id = $1",
                )
                .bind(id.0)
                .bind(at.map(|t| t.as_millis()))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_invitation(
                &self,
                invitation: &$crate::store::Invitation,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM invitations WHERE user_id = $1 AND accepted_at IS NULL")
                    .bind(invitation.user.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO invitations (token_hash, user_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&invitation.token_hash)
                .bind(invitation.user.0)
                .bind(invitation.created_at.as_millis())
                .bind(invitation.expires_at.as_millis())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_invitation(
                &self,
                token_hash: &str,
            ) -> Result<
                Option<($crate::store::Invitation, $crate::domain::accounts::User)>,
                $crate::store::StoreError,
            > {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT i.token_hash, i.created_at AS invited_at, i.expires_at, i.accepted_at, \
                            u.id, u.email, u.role, u.created_at, u.last_login_at, \
                            u.deactivated_at, u.sessions_valid_after \
                     FROM invitations i JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let user = user_from_row(&row)?;
                let ts = $crate::domain::clock::Timestamp::from_millis;
                Ok(Some((
                    $crate::store::Invitation {
                        token_hash: row.try_get("token_hash")?,
                        user: user.id,
                        created_at: ts(row.try_get("invited_at")?),
                        expires_at: ts(row.try_get("expires_at")?),
                        accepted_at: row.try_get::<Option<i64>, _>("accepted_at")?.map(ts),
                    },
                    user,
                )))
            }

            async fn accept_invitation(
                &self,
                token_hash: &str,
                password_hash: &$crate::domain::passwords::PasswordHash,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<Option<$crate::domain::accounts::User>, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let user: Option<i64> = sqlx::query_scalar(
                    "UPDATE invitations SET accepted_at = $2 \
                     WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2 \
                     RETURNING user_id",
                )
                .bind(token_hash)
                .bind(now.as_millis())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(user) = user else { return Ok(None) };
                // A fresh password also clears the sign-in locks.
                sqlx::query("DELETE FROM sign_in_locks WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                let row = sqlx::query(&format!(
                    "UPDATE users SET password_hash = $2, sessions_valid_after = $3 \
                     WHERE id = $1 RETURNING {USER_COLUMNS}"
                ))
                .bind(user)
                .bind(password_hash.as_str())
                .bind(now.as_millis())
                .fetch_one(&mut *tx)
                .await?;
                let user = user_from_row(&row)?;
                tx.commit().await?;
                Ok(Some(user))
            }

            async fn open_invitations(
                &self,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<Vec<($crate::domain::accounts::UserId, $crate::domain::clock::Timestamp)>, $crate::store::StoreError>
            {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT user_id, MAX(expires_at) FROM invitations \
                     WHERE accepted_at IS NULL AND expires_at > $1 GROUP BY user_id",
                )
                .bind(now.as_millis())
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, until)| {
                        (
                            $crate::domain::accounts::UserId(id),
                            $crate::domain::clock::Timestamp::from_millis(until),
                        )
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use sql_store;
