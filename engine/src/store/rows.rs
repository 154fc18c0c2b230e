//! The column lists and row decoders of the review tables, one decoder per type, generated once
//! per backend (each backend has its own row type).

/// Column lists and the `rows` module of decoders, for a backend's store; see
/// [`super::dialect`].
macro_rules! rows_sql {
    ($row:ty) => {
        const FLOW_COLUMNS: &str =
            "f.id, f.spec, f.status, f.failure_reason, f.custom_conditions, f.created_at";
        const LOOP_COLUMNS: &str = "l.id, l.name, l.flow_id, f.name AS flow_name, l.status, \
             l.failure_code, l.failure_reason, l.input_content, l.content_classifiers, \
             l.activation, l.task_count, l.time_limit_ms, l.created_at, l.expires_at, \
             l.updated_at, l.completed_at, l.output_uri";
        const TASK_COLUMNS: &str = "id, loop_id, slot, status, worker_id, accepted_at, \
             deadline_at, submitted_at, time_spent_ms, answer";
        const FLOW_RETURNING: &str =
            "id, spec, status, failure_reason, custom_conditions, created_at";
        const UI_COLUMNS: &str = "id, name, template, status, tags, created_at";

        pub(crate) mod rows {
            use serde_json::Value;
            use sqlx::Row as _;

            use $crate::domain::accounts::UserId;
            use $crate::domain::clock::Timestamp;
            use $crate::domain::loops::{
                ContentClassifier, FailureCode, FlowDefinition, FlowId, HumanLoop, HumanLoopStatus,
                LoopId, Task, TaskId, TaskStatus,
            };
            use $crate::store::StoreError;

            pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
                StoreError::Corrupt(what.to_string())
            }

            /// Parses stored texts (names, mostly) with `parse`; one that does not parse is
            /// corrupt data.
            pub fn parse_each<T, E: std::fmt::Display>(
                texts: &[String],
                parse: impl Fn(&str) -> Result<T, E>,
            ) -> Result<Vec<T>, StoreError> {
                texts
                    .iter()
                    .map(|text| parse(text).map_err(corrupt))
                    .collect()
            }

            pub fn ts(row: &$row, column: &str) -> Result<Timestamp, StoreError> {
                Ok(Timestamp::from_millis(row.try_get(column)?))
            }

            fn opt_ts(row: &$row, column: &str) -> Result<Option<Timestamp>, StoreError> {
                Ok(row
                    .try_get::<Option<i64>, _>(column)?
                    .map(Timestamp::from_millis))
            }

            fn opt_json(row: &$row, column: &str) -> Result<Option<Value>, StoreError> {
                row.try_get::<Option<String>, _>(column)?
                    .map(|text| serde_json::from_str(&text).map_err(corrupt))
                    .transpose()
            }

            pub fn flow(row: &$row) -> Result<FlowDefinition, StoreError> {
                let spec: String = row.try_get("spec")?;
                let status: String = row.try_get("status")?;
                Ok(FlowDefinition {
                    id: FlowId(row.try_get("id")?),
                    spec: serde_json::from_str(&spec).map_err(corrupt)?,
                    status: $crate::domain::flows::FlowDefinitionStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("flow definition status {status:?}")))?,
                    failure_reason: row.try_get("failure_reason")?,
                    custom_conditions: row.try_get("custom_conditions")?,
                    created_at: ts(row, "created_at")?,
                })
            }

            pub fn human_loop(row: &$row) -> Result<HumanLoop, StoreError> {
                let name: String = row.try_get("name")?;
                let flow_name: String = row.try_get("flow_name")?;
                let status: String = row.try_get("status")?;
                let classifiers: String = row.try_get("content_classifiers")?;
                let classifiers: Vec<String> =
                    serde_json::from_str(&classifiers).map_err(corrupt)?;
                Ok(HumanLoop {
                    id: LoopId(row.try_get("id")?),
                    name: $crate::domain::names::HumanLoopName::parse(&name).map_err(corrupt)?,
                    flow_id: FlowId(row.try_get("flow_id")?),
                    flow_name: $crate::domain::names::FlowDefinitionName::parse(&flow_name)
                        .map_err(corrupt)?,
                    status: HumanLoopStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("loop status {status:?}")))?,
                    failure_code: row
                        .try_get::<Option<String>, _>("failure_code")?
                        .map(|code| {
                            FailureCode::parse(&code)
                                .ok_or_else(|| corrupt(format!("failure code {code:?}")))
                        })
                        .transpose()?,
                    failure_reason: row.try_get("failure_reason")?,
                    input_content: row.try_get("input_content")?,
                    content_classifiers: classifiers
                        .iter()
                        .map(|c| {
                            ContentClassifier::parse(c)
                                .ok_or_else(|| corrupt(format!("content classifier {c:?}")))
                        })
                        .collect::<Result<_, _>>()?,
                    activation: row
                        .try_get::<Option<String>, _>("activation")?
                        .map(|text| serde_json::from_str(&text).map_err(corrupt))
                        .transpose()?,
                    task_count: u8::try_from(row.try_get::<i64, _>("task_count")?)
                        .map_err(corrupt)?,
                    time_limit_ms: row.try_get("time_limit_ms")?,
                    created_at: ts(row, "created_at")?,
                    expires_at: ts(row, "expires_at")?,
                    updated_at: ts(row, "updated_at")?,
                    completed_at: opt_ts(row, "completed_at")?,
                    output_uri: row.try_get("output_uri")?,
                })
            }

            pub fn task(row: &$row) -> Result<Task, StoreError> {
                let status: String = row.try_get("status")?;
                Ok(Task {
                    id: TaskId(row.try_get("id")?),
                    loop_id: LoopId(row.try_get("loop_id")?),
                    slot: u8::try_from(row.try_get::<i64, _>("slot")?).map_err(corrupt)?,
                    status: TaskStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("task status {status:?}")))?,
                    worker: row.try_get::<Option<i64>, _>("worker_id")?.map(UserId),
                    accepted_at: opt_ts(row, "accepted_at")?,
                    deadline_at: opt_ts(row, "deadline_at")?,
                    submitted_at: opt_ts(row, "submitted_at")?,
                    time_spent_ms: row.try_get("time_spent_ms")?,
                    answer: opt_json(row, "answer")?,
                })
            }

            pub fn task_ui(
                row: &$row,
            ) -> Result<$crate::domain::task_uis::HumanTaskUi, StoreError> {
                use $crate::domain::task_uis::{
                    HumanTaskUi, HumanTaskUiSpec, HumanTaskUiStatus, UiTemplate,
                };
                let name: String = row.try_get("name")?;
                let status: String = row.try_get("status")?;
                let tags: String = row.try_get("tags")?;
                Ok(HumanTaskUi {
                    id: row.try_get("id")?,
                    spec: HumanTaskUiSpec {
                        human_task_ui_name: $crate::domain::names::HumanTaskUiName::parse(&name)
                            .map_err(corrupt)?,
                        ui_template: UiTemplate {
                            content: row.try_get("template")?,
                        },
                        tags: serde_json::from_str(&tags).map_err(corrupt)?,
                    },
                    status: HumanTaskUiStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("task UI status {status:?}")))?,
                    created_at: ts(row, "created_at")?,
                })
            }
        }
    };
}

pub(crate) use rows_sql;
