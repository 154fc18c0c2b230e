//! Work teams, their members and worker groups (`work_teams`, `work_team_members`, `worker_groups`,
//! `work_team_groups`), and the one SQL form of the team-membership rule, [`worker_teams_sql!`].

use async_trait::async_trait;

use crate::domain::accounts::UserId;
use crate::domain::clock::Timestamp;
use crate::domain::teams::{NewTeam, Team, TeamDetails, TeamUpdate, WorkteamName};

use super::StoreError;

#[async_trait]
pub trait TeamStore {
    async fn find_team(&self, name: &WorkteamName) -> Result<Option<Team>, StoreError>;
    /// The teams a worker is in, directly or through a worker group.
    async fn team_names_of(&self, worker: UserId) -> Result<Vec<WorkteamName>, StoreError>;
    /// Creates (or replaces the members of) a named group of workers.
    async fn put_worker_group(
        &self,
        name: &str,
        members: &[UserId],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn create_team(&self, team: &NewTeam) -> Result<Team, StoreError>;
    async fn update_team(
        &self,
        name: &WorkteamName,
        update: &TeamUpdate,
        now: Timestamp,
    ) -> Result<Team, StoreError>;
    /// Refused ([`StoreError::Conflict`]) while a flow definition that is not being deleted
    /// sends work to the team.
    async fn delete_team(&self, name: &WorkteamName) -> Result<(), StoreError>;
    async fn team_details(&self, name: &WorkteamName) -> Result<Option<TeamDetails>, StoreError>;
    async fn add_team_member(
        &self,
        team: &WorkteamName,
        worker: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn remove_team_member(
        &self,
        team: &WorkteamName,
        worker: UserId,
    ) -> Result<(), StoreError>;
    /// Creates the named worker groups that do not exist yet (empty).
    async fn ensure_worker_groups(
        &self,
        names: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Takes a group off a team; its members stay in the group.
    async fn remove_team_group(
        &self,
        team: &WorkteamName,
        group: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn worker_group_members(&self, group: &str) -> Result<Vec<UserId>, StoreError>;
    /// Makes a group's members members of a team.
    async fn add_team_group(
        &self,
        team: &WorkteamName,
        group: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}

/// The lower-cased names of the work teams `$user` (a placeholder such as `"$1"`) is in, directly
/// or through a worker group: a subquery for `flow_definitions.workteam_name IN (...)`.
macro_rules! worker_teams_sql {
    ($user:literal) => {
        concat!(
            "SELECT LOWER(wt.name) FROM work_teams wt \
             JOIN work_team_members m ON m.team_id = wt.id WHERE m.user_id = ",
            $user,
            " UNION SELECT LOWER(wt.name) FROM work_teams wt \
             JOIN work_team_groups g ON g.team_id = wt.id \
             JOIN worker_group_members gm ON gm.group_id = g.group_id \
             WHERE gm.user_id = ",
            $user
        )
    };
}

/// Implements [`TeamStore`] for a backend's store; see [`super::dialect`].
macro_rules! teams_sql {
    ($store:ty, $conn:ty) => {
        impl $store {
            /// Replaces a team's worker groups; every group must exist.
            async fn set_team_groups(
                conn: &mut $conn,
                team: i64,
                groups: &[String],
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("DELETE FROM work_team_groups WHERE team_id = $1")
                    .bind(team)
                    .execute(&mut *conn)
                    .await?;
                for group in groups {
                    let added = sqlx::query(
                        "INSERT INTO work_team_groups (team_id, group_id) \
                         SELECT $1, id FROM worker_groups WHERE name = $2 ON CONFLICT DO NOTHING",
                    )
                    .bind(team)
                    .bind(group)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                    if added == 0 {
                        let exists: Option<i64> =
                            sqlx::query_scalar("SELECT id FROM worker_groups WHERE name = $1")
                                .bind(group)
                                .fetch_optional(&mut *conn)
                                .await?;
                        if exists.is_none() {
                            return Err($crate::store::StoreError::NotFound(format!(
                                "no worker group named {group}"
                            )));
                        }
                    }
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::TeamStore for $store {
            async fn find_team(
                &self,
                name: &$crate::domain::teams::WorkteamName,
            ) -> Result<Option<$crate::domain::teams::Team>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT t.id, t.name, t.description, t.created_at, \
                     (SELECT COUNT(*) FROM work_team_members m WHERE m.team_id = t.id) \
                       AS member_count \
                     FROM work_teams t WHERE LOWER(t.name) = LOWER($1)",
                )
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some($crate::domain::teams::Team {
                    id: $crate::domain::teams::TeamId(row.try_get("id")?),
                    name: $crate::domain::teams::WorkteamName::parse(&row.try_get::<String, _>("name")?)
                        .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                    description: row.try_get("description")?,
                    created_at: $crate::domain::clock::Timestamp::from_millis(row.try_get("created_at")?),
                    member_count: row.try_get("member_count")?,
                }))
            }

            async fn team_names_of(
                &self,
                worker: $crate::domain::accounts::UserId,
            ) -> Result<Vec<$crate::domain::teams::WorkteamName>, $crate::store::StoreError> {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT t.name FROM work_teams t \
                     JOIN work_team_members m ON m.team_id = t.id WHERE m.user_id = $1 \
                     UNION \
                     SELECT t.name FROM work_teams t \
                     JOIN work_team_groups g ON g.team_id = t.id \
                     JOIN worker_group_members gm ON gm.group_id = g.group_id \
                     WHERE gm.user_id = $1 \
                     ORDER BY 1",
                )
                .bind(worker.0)
                .fetch_all(&self.pool)
                .await?;
                rows::parse_each(&names, $crate::domain::teams::WorkteamName::parse)
            }

            async fn put_worker_group(
                &self,
                name: &str,
                members: &[$crate::domain::accounts::UserId],
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO worker_groups (name, created_at) VALUES ($1, $2) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                let group: i64 = sqlx::query_scalar("SELECT id FROM worker_groups WHERE name = $1")
                    .bind(name)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM worker_group_members WHERE group_id = $1")
                    .bind(group)
                    .execute(&mut *tx)
                    .await?;
                for member in members {
                    sqlx::query(
                        "INSERT INTO worker_group_members (group_id, user_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(group)
                    .bind(member.0)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_team(
                &self,
                team: &$crate::domain::teams::NewTeam,
            ) -> Result<$crate::domain::teams::Team, $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let taken: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM work_teams WHERE LOWER(name) = LOWER($1)")
                        .bind(team.name.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict(format!(
                        "a work team named {} already exists",
                        team.name
                    )));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO work_teams (name, description, created_at, notification_topic_arn, \
                       updated_at, member_definitions, worker_access, tags) \
                     VALUES ($1, $2, $3, $4, $3, $5, $6, $7) RETURNING id",
                )
                .bind(team.name.as_str())
                .bind(&team.description)
                .bind(team.created_at.as_millis())
                .bind(team.notification_topic_arn.as_deref())
                .bind(team.member_definitions.as_deref())
                .bind(team.worker_access.as_deref())
                .bind(team.tags.as_deref())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::conflict_on($crate::store::UniqueKey::WorkTeamName, || {
                    format!("a work team named {} already exists", team.name)
                }))?;
                Self::set_team_groups(&mut *tx, id, &team.groups).await?;
                tx.commit().await?;
                self.find_team(&team.name)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("no work team named {}", team.name)))
            }

            async fn update_team(
                &self,
                name: &$crate::domain::teams::WorkteamName,
                update: &$crate::domain::teams::TeamUpdate,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<$crate::domain::teams::Team, $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let id: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM work_teams WHERE LOWER(name) = LOWER($1)")
                        .bind(name.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                let id = id.ok_or_else(|| StoreError::NotFound(format!("no work team named {name}")))?;
                if let Some(groups) = &update.groups {
                    Self::set_team_groups(&mut *tx, id, groups).await?;
                }
                // One statement: what the update leaves out (`None`) stays as it is.
                let topic = update.notification_topic_arn.as_ref();
                sqlx::query(
                    "UPDATE work_teams SET description = COALESCE($2, description), \
                       notification_topic_arn = CASE WHEN $3 = 1 THEN $4 \
                         ELSE notification_topic_arn END, \
                       member_definitions = COALESCE($5, member_definitions), \
                       worker_access = COALESCE($6, worker_access), updated_at = $7 \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(update.description.as_deref())
                .bind(i64::from(topic.is_some()))
                .bind(topic.and_then(|topic| topic.as_deref()))
                .bind(update.member_definitions.as_deref())
                .bind(update.worker_access.as_deref())
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                self.find_team(name)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("no work team named {name}")))
            }

            async fn delete_team(
                &self,
                name: &$crate::domain::teams::WorkteamName,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let in_use: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM flow_definitions WHERE workteam_name = LOWER($1) \
                     AND status <> 'Deleting' ORDER BY name",
                )
                .bind(name.as_str())
                .fetch_all(&mut *tx)
                .await?;
                if !in_use.is_empty() {
                    return Err(StoreError::Conflict(format!(
                        "work team {name} is used by flow definition(s) {}",
                        in_use.join(", ")
                    )));
                }
                let deleted = sqlx::query("DELETE FROM work_teams WHERE LOWER(name) = LOWER($1)")
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                if deleted == 0 {
                    return Err(StoreError::NotFound(format!("no work team named {name}")));
                }
                Ok(())
            }

            async fn team_details(
                &self,
                name: &$crate::domain::teams::WorkteamName,
            ) -> Result<Option<$crate::domain::teams::TeamDetails>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let Some(team) = self.find_team(name).await? else {
                    return Ok(None);
                };
                let row = sqlx::query(
                    "SELECT notification_topic_arn, updated_at, member_definitions, \
                       worker_access, tags FROM work_teams WHERE id = $1",
                )
                .bind(team.id.0)
                .fetch_one(&self.pool)
                .await?;
                let members: Vec<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM work_team_members WHERE team_id = $1 ORDER BY user_id",
                )
                .bind(team.id.0)
                .fetch_all(&self.pool)
                .await?;
                let groups: Vec<String> = sqlx::query_scalar(
                    "SELECT g.name FROM worker_groups g JOIN work_team_groups tg \
                     ON tg.group_id = g.id WHERE tg.team_id = $1 ORDER BY g.name",
                )
                .bind(team.id.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(Some($crate::domain::teams::TeamDetails {
                    notification_topic_arn: row.try_get("notification_topic_arn")?,
                    updated_at: row
                        .try_get::<Option<i64>, _>("updated_at")?
                        .map($crate::domain::clock::Timestamp::from_millis),
                    members: members.into_iter().map($crate::domain::accounts::UserId).collect(),
                    groups,
                    member_definitions: row.try_get("member_definitions")?,
                    worker_access: row.try_get("worker_access")?,
                    tags: row.try_get("tags")?,
                    team,
                }))
            }

            async fn add_team_member(
                &self,
                team: &$crate::domain::teams::WorkteamName,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                let added = sqlx::query(
                    "INSERT INTO work_team_members (team_id, user_id, added_at) \
                     SELECT id, $2, $3 FROM work_teams WHERE LOWER(name) = LOWER($1) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(team.as_str())
                .bind(worker.0)
                .bind(now.as_millis())
                .execute(&self.pool)
                .await?
                .rows_affected();
                drop(_writer);
                if added == 0 && self.find_team(team).await?.is_none() {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no work team named {team}"
                    )));
                }
                Ok(())
            }

            async fn remove_team_member(
                &self,
                team: &$crate::domain::teams::WorkteamName,
                worker: $crate::domain::accounts::UserId,
            ) -> Result<(), $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                sqlx::query(
                    "DELETE FROM work_team_members WHERE user_id = $2 AND team_id IN \
                     (SELECT id FROM work_teams WHERE LOWER(name) = LOWER($1))",
                )
                .bind(team.as_str())
                .bind(worker.0)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn ensure_worker_groups(
                &self,
                names: &[String],
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                for name in names {
                    sqlx::query(
                        "INSERT INTO worker_groups (name, created_at) VALUES ($1, $2) \
                         ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(name)
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn remove_team_group(
                &self,
                team: &$crate::domain::teams::WorkteamName,
                group: &str,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "DELETE FROM work_team_groups WHERE \
                     team_id = (SELECT id FROM work_teams WHERE name = $1) AND \
                     group_id = (SELECT id FROM worker_groups WHERE name = $2)",
                )
                .bind(team.as_str())
                .bind(group)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE work_teams SET updated_at = $2 WHERE name = $1")
                    .bind(team.as_str())
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn worker_group_members(
                &self,
                group: &str,
            ) -> Result<Vec<$crate::domain::accounts::UserId>, $crate::store::StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT m.user_id FROM worker_group_members m \
                     JOIN worker_groups g ON g.id = m.group_id WHERE g.name = $1 ORDER BY m.user_id",
                )
                .bind(group)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::domain::accounts::UserId).collect())
            }

            async fn add_team_group(
                &self,
                team: &$crate::domain::teams::WorkteamName,
                group: &str,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let added = sqlx::query(
                    "INSERT INTO work_team_groups (team_id, group_id) \
                     SELECT t.id, g.id FROM work_teams t, worker_groups g \
                     WHERE t.name = $1 AND g.name = $2 ON CONFLICT DO NOTHING",
                )
                .bind(team.as_str())
                .bind(group)
                .execute(&self.pool)
                .await?
                .rows_affected();
                sqlx::query("UPDATE work_teams SET updated_at = $2 WHERE name = $1")
                    .bind(team.as_str())
                    .bind(now.as_millis())
                    .execute(&self.pool)
                    .await?;
                if added == 0 && self.find_team(team).await?.is_none() {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no work team named {team}"
                    )));
                }
                Ok(())
            }
        }
    };
}

pub(crate) use teams_sql;
pub(crate) use worker_teams_sql;
