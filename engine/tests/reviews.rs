//! The review engine end to end, through `Reviews`, on a fresh SQLite file and a fresh
//! PostgreSQL database: flows, starts, claims, answers, time limits, expiry, stop, delete,
//! decline, cost lines, output.json and events. Time is a `ManualClock`; nothing sleeps.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use loupe_engine::domain::accounts::{Email, UserId};
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{Clock, ManualClock, Timestamp};
use loupe_engine::domain::dashboard;
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::instances::InstanceId;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::domain::loops::{
    ClaimedTask, ContentClassifier, FailureCode, HumanLoop, HumanLoopStatus, TaskId, TaskStatus,
};
use loupe_engine::domain::names::{FlowDefinitionName, HumanLoopName, HumanTaskUiName};
use loupe_engine::domain::passwords;
use loupe_engine::domain::task_uis::HumanTaskUiStatus;
use loupe_engine::domain::teams::{NewTeam, TeamUpdate, WorkteamName};
use loupe_engine::domain::webhooks::{self, NewWebhook, WebhookName, WebhookSecret, WebhookUrl};
use loupe_engine::lifecycle::worker_id;
use loupe_engine::output::writer::{OutputStore, OutputStoreConfig};
use loupe_engine::services::{ReviewError, Reviews, StartRequest, StartResponse};
use loupe_engine::store::{Backend, LoopQuery, Store, StoreError, SubmitReceipt, TaskRefusal};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{
    TestDatabase, create_worker, custom_flow_request, merge_json, task_ui_request,
};
use serde_json::{Value, json};

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const REGION: &str = "us-west-2";
const ACCOUNT: &str = "111122223333";

struct Bench {
    db: TestDatabase,
    _outputs_dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    reviews: Reviews,
    clock: ManualClock,
    outputs: OutputStore,
    workers: Vec<UserId>,
}

impl Bench {
    /// A database with a UI, a team `reviewers` of `workers` workers and an outsider.
    async fn new(backend: Backend, workers: usize) -> Self {
        let db = TestDatabase::create(backend).await;
        let (store, _) = db.open().await;
        let clock = ManualClock::new(T0);
        let account = Account::new(REGION, ACCOUNT).unwrap();
        let reviews = Reviews::new(
            store.clone(),
            Arc::new(clock.clone()),
            account,
            TaskLimits::default(),
        );
        let hash = passwords::hash("a long test password".into()).await;
        let mut ids = Vec::new();
        for n in 0..workers {
            let email = format!("worker{n}@example.org");
            ids.push(create_worker(&*store, &email, &hash, &["reviewers"], T0).await);
        }
        create_worker(&*store, "outsider@example.org", &hash, &["others"], T0).await;
        reviews
            .create_task_ui(&task_ui_request(
                "classify",
                "<crowd-form><crowd-classifier name=\"category\" \
                 categories=\"['a','b']\"></crowd-classifier></crowd-form>",
            ))
            .await
            .unwrap();
        let outputs_dir = tempfile::tempdir().unwrap();
        let outputs = OutputStore::new(OutputStoreConfig::Directory {
            root: outputs_dir.path().to_owned(),
        })
        .unwrap();
        Self {
            db,
            _outputs_dir: outputs_dir,
            store,
            reviews,
            clock,
            outputs,
            workers: ids,
        }
    }

    /// Two workers, and the loop `item` of a custom flow `flow` with one task, which the first
    /// holds: the second finds nothing to claim.
    async fn with_one_task_held(backend: Backend, flow: &str) -> (Self, ClaimedTask) {
        let b = Self::new(backend, 2).await;
        b.custom_flow_with_loop(flow, 1, "item", json!({})).await;
        let [w1, w2] = b.workers[..] else { panic!() };
        let task = b.claim(w1).await;
        assert_eq!(b.reviews.claim_next(w2, None).await.unwrap(), None);
        (b, task)
    }

    /// A second "replica": its own connection pool and engine on the same database.
    async fn replica(&self) -> Reviews {
        let (other_store, _) = loupe_engine::store::open(&self.db.url).await.unwrap();
        self.engine_on(other_store)
    }

    async fn outsider(&self) -> UserId {
        self.store
            .find_login(&Email::parse("outsider@example.org").unwrap())
            .await
            .unwrap()
            .unwrap()
            .user
            .id
    }

    async fn custom_flow(&self, name: &str, task_count: u8) {
        self.flow(name, task_count, json!({})).await;
    }

    /// A custom flow of `task_count` workers per item, and its loop `name` with `input`.
    async fn custom_flow_with_loop(&self, flow: &str, task_count: u8, name: &str, input: Value) {
        self.custom_flow(flow, task_count).await;
        self.start(flow, name, input).await.unwrap();
    }

    async fn flow(&self, name: &str, task_count: u8, extra: Value) {
        self.flow_with(name, task_count, extra).await.unwrap();
    }

    async fn flow_result(&self, name: &str, task_count: u8) -> Result<(), ReviewError> {
        self.flow_with(name, task_count, json!({})).await
    }

    async fn flow_with(&self, name: &str, task_count: u8, extra: Value) -> Result<(), ReviewError> {
        let mut request = flow_request(name, "reviewers", task_count.into(), "s3://results/a2i/");
        merge_json(
            &mut request,
            json!({"HumanLoopConfig": {
                "TaskAvailabilityLifetimeInSeconds": 3600,
                "TaskTimeLimitInSeconds": 300
            }}),
        );
        merge_json(&mut request, extra);
        self.reviews
            .create_flow_definition(&request, None)
            .await
            .map(|_| ())
    }

    /// A custom flow of `task_count` workers per item, and one loop of it per name, loop n
    /// with input `{"n": n}`.
    async fn custom_flow_with_loops(
        &self,
        flow: &str,
        task_count: u8,
        names: impl Iterator<Item = String>,
    ) {
        self.custom_flow(flow, task_count).await;
        for (n, name) in names.enumerate() {
            self.start(flow, &name, json!({ "n": n })).await.unwrap();
        }
    }

    /// Starts loop `name` of `flow`, declared free of personal data; whether it went to review.
    async fn start(&self, flow: &str, name: &str, input: Value) -> Result<bool, ReviewError> {
        let pii_free = vec![ContentClassifier::FreeOfPersonallyIdentifiableInformation];
        let response = self
            .start_with(flow, name, &input.to_string(), pii_free)
            .await?;
        Ok(response.human_loop_arn.is_some())
    }

    /// Starts loop `name` of `flow` with `input_content` as given, and `content_classifiers`.
    async fn start_with(
        &self,
        flow: &str,
        name: &str,
        input_content: &str,
        content_classifiers: Vec<ContentClassifier>,
    ) -> Result<StartResponse, ReviewError> {
        self.reviews
            .start_human_loop(StartRequest {
                name: HumanLoopName::parse(name).unwrap(),
                flow: FlowDefinitionName::parse(flow).unwrap(),
                input_content: input_content.to_owned(),
                content_classifiers,
            })
            .await
    }

    async fn human_loop(&self, name: &str) -> HumanLoop {
        self.reviews
            .find_human_loop(&HumanLoopName::parse(name).unwrap())
            .await
            .unwrap()
    }

    async fn status(&self, name: &str) -> HumanLoopStatus {
        self.human_loop(name).await.status
    }

    async fn output_of(&self, name: &str) -> Option<Value> {
        let uri = self.human_loop(name).await.output_uri?;
        let bytes = self.outputs.get(&uri).await.unwrap()?;
        Some(serde_json::from_slice(&bytes).unwrap())
    }

    /// `worker` claims the next task of any queue; there must be one.
    async fn claim(&self, worker: UserId) -> ClaimedTask {
        self.reviews
            .claim_next(worker, None)
            .await
            .unwrap()
            .unwrap()
    }

    /// `worker` answers the task they hold (no time spent reported).
    async fn answer(&self, task: TaskId, worker: UserId, answer: &Value) -> SubmitReceipt {
        self.reviews
            .submit(task, worker, answer, None)
            .await
            .unwrap()
    }

    /// `worker` answers the task they hold, reporting `millis` spent on it.
    async fn answer_in_millis(
        &self,
        task: TaskId,
        worker: UserId,
        answer: &Value,
        millis: u64,
    ) -> SubmitReceipt {
        let time_spent = Duration::from_millis(millis);
        self.reviews
            .submit(task, worker, answer, Some(time_spent))
            .await
            .unwrap()
    }

    /// An engine of its own on `store`, with this bench's clock and account.
    fn engine_on(&self, store: Arc<dyn Store>) -> Reviews {
        Reviews::new(
            store,
            Arc::new(self.clock.clone()),
            Account::new(REGION, ACCOUNT).unwrap(),
            TaskLimits::default(),
        )
    }

    /// The newest `limit` loops.
    async fn loops(&self, limit: u32) -> Vec<HumanLoop> {
        self.store
            .list_loops(&LoopQuery {
                limit,
                ..LoopQuery::default()
            })
            .await
            .unwrap()
    }

    /// The cost lines recorded in the minute after T0: (tenths of a cent, flow, loop).
    async fn costs_of_the_first_minute(&self) -> Vec<(i64, String, String)> {
        let minute_later = T0.plus(Duration::from_secs(60));
        let lines = self.store.cost_lines(T0, minute_later).await.unwrap();
        lines
            .into_iter()
            .map(|line| (line.amount_millis, line.flow_name, line.loop_name))
            .collect()
    }

    async fn tick(&self) -> loupe_engine::services::DueWork {
        self.reviews.run_due_work(&self.outputs).await.unwrap()
    }
}

/// Whether a call on a task was refused because the worker does not hold it (any more).
fn is_not_held<T>(result: &Result<T, ReviewError>) -> bool {
    matches!(result, Err(ReviewError::Refused(TaskRefusal::NotHeld)))
}

/// A custom flow in this account, shown with the UI `classify` every bench has.
fn flow_request(name: &str, team: &str, task_count: u32, s3_output_path: &str) -> Value {
    let account = Account::new(REGION, ACCOUNT).unwrap();
    custom_flow_request(&account, name, team, "classify", task_count, s3_output_path)
}

async fn a_loop_completes_when_task_count_distinct_workers_answered(backend: Backend) {
    let b = Bench::new(backend, 3).await;
    b.custom_flow("two-reviews", 2).await;
    assert!(
        b.start("two-reviews", "item-1", json!({"taskObject": "hello"}))
            .await
            .unwrap()
    );
    let [w1, w2, _] = b.workers[..] else { panic!() };

    let first = b.claim(w1).await;
    assert_eq!(first.loop_name.as_str(), "item-1");
    assert_eq!(first.deadline_at, T0.plus(Duration::from_secs(300)));
    // The other task of the same loop is not for the same worker.
    assert_eq!(b.reviews.claim_next(w1, None).await.unwrap(), None);
    let second = b.claim(w2).await;
    assert_eq!(second.loop_id, first.loop_id);

    b.clock.advance(Duration::from_secs(10));
    let category = |label: &str| json!({"category": {"label": label}});
    let receipt = b
        .answer_in_millis(first.task_id, w1, &category("a"), 9_500)
        .await;
    assert_eq!(receipt.loop_status, HumanLoopStatus::InProgress);
    // Answering twice is refused.
    let again = b.reviews.submit(first.task_id, w1, &json!({}), None).await;
    assert!(is_not_held(&again), "{again:?}");
    b.clock.advance(Duration::from_secs(5));
    let receipt = b
        .answer_in_millis(second.task_id, w2, &category("b"), 14_000)
        .await;
    assert_eq!(receipt.loop_status, HumanLoopStatus::Completed);

    let human_loop = b.human_loop("item-1").await;
    assert_eq!(
        human_loop.completed_at,
        Some(T0.plus(Duration::from_secs(15)))
    );
    let uri = human_loop.output_uri.clone().unwrap();
    assert_eq!(
        uri,
        "s3://results/a2i/two-reviews/2027/01/15/08/00/00/item-1/output.json"
    );
    // Written by the scheduled work, not before.
    assert_eq!(b.outputs.get(&uri).await.unwrap(), None);
    let work = b.tick().await;
    assert_eq!(work.outputs_written, 1);
    assert_eq!(b.store.pending_output_count().await.unwrap(), 0);
    let output = b.output_of("item-1").await.unwrap();
    assert_eq!(
        output["flowDefinitionArn"],
        format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:flow-definition/two-reviews")
    );
    assert_eq!(output["humanLoopName"], "item-1");
    assert_eq!(output["inputContent"], json!({"taskObject": "hello"}));
    let answers = output["humanAnswers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["workerId"], worker_id(w1));
    assert_eq!(
        answers[0]["answerContent"],
        json!({"category": {"label": "a"}})
    );
    assert_eq!(answers[0]["acceptanceTime"], "2027-01-15T08:00:00.000Z");
    assert_eq!(answers[0]["submissionTime"], "2027-01-15T08:00:10.000Z");
    assert_eq!(answers[0]["timeSpentInSeconds"], 9.5);
    assert_eq!(answers[1]["workerId"], worker_id(w2));
    assert!(output.get("awsManagedHumanLoopRequestSource").is_none());

    let events = b.store.events_after(0, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    let event: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(
        event["detail-type"],
        "SageMaker A2I HumanLoop Status Change"
    );
    assert_eq!(event["detail"]["humanLoopStatus"], "Completed");
    assert_eq!(event["detail"]["humanLoopOutput"]["outputS3Uri"], uri);
    assert_eq!(event["id"], events[0].event_id);
    // Private team: the work is counted, at no cost.
    let two_reviews = (0, "two-reviews".to_owned(), "item-1".to_owned());
    assert_eq!(b.costs_of_the_first_minute().await, vec![two_reviews; 2]);
}

async fn starts_are_idempotent_and_conflicts_are_refused(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow("once", 1).await;
    assert!(b.start("once", "item", json!({"n": 1})).await.unwrap());
    assert!(b.start("once", "item", json!({"n": 1})).await.unwrap());
    let conflict = b.start("once", "item", json!({"n": 2})).await;
    assert!(
        matches!(conflict, Err(ReviewError::Conflict(ref m)) if m.contains("different InputContent")),
        "{conflict:?}"
    );
    let loops = b.loops(10).await;
    assert_eq!(loops.len(), 1);
    assert_eq!(b.store.tasks_of(loops[0].id).await.unwrap().len(), 1);

    let missing = b.start("no-such-flow", "other", json!({})).await;
    assert!(matches!(missing, Err(ReviewError::NotFound(_))));
    let not_json = b.start_with("once", "bad", "{not json", vec![]).await;
    assert!(
        matches!(not_json, Err(ReviewError::Validation(ref m)) if m.to_string().contains("InputContent"))
    );
}

async fn loop_names_keep_their_case_and_are_unique_ignoring_it(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow("cased", 1).await;
    // AWS's Fraud Detector notebook names its loops so.
    assert!(
        b.start("cased", "Fraud-detector-1", json!({"n": 1}))
            .await
            .unwrap()
    );
    assert!(
        b.start("cased", "Fraud-detector-1", json!({"n": 1}))
            .await
            .unwrap()
    );
    let name = HumanLoopName::parse("Fraud-detector-1").unwrap();
    let described = b.reviews.describe_human_loop(&name).await.unwrap();
    assert_eq!(described.human_loop.name.as_str(), "Fraud-detector-1");
    // Known before the loop ends, in the name's own case (spec 7.1's example keeps it).
    assert_eq!(
        described.output_uri.as_deref(),
        Some("s3://results/a2i/cased/2027/01/15/08/00/00/Fraud-detector-1/output.json")
    );
    let other_case = b.start("cased", "fraud-detector-1", json!({"n": 1})).await;
    assert!(
        matches!(other_case, Err(ReviewError::Conflict(ref m))
            if m.contains("Fraud-detector-1") && m.contains("differ only in case")),
        "{other_case:?}"
    );
    let lookup = HumanLoopName::parse("fraud-detector-1").unwrap();
    assert!(matches!(
        b.reviews.find_human_loop(&lookup).await,
        Err(ReviewError::NotFound(_))
    ));
    // Two cases of one new name at once: one loop, one conflict, whichever commits first.
    let (first, second) = tokio::join!(
        b.start("cased", "Twice", json!({"n": 2})),
        b.start("cased", "twice", json!({"n": 2})),
    );
    let started = [&first, &second]
        .iter()
        .filter(|r| matches!(r, Ok(true)))
        .count();
    let refused = [&first, &second]
        .iter()
        .filter(|r| matches!(r, Err(ReviewError::Conflict(m)) if m.contains("differ only in case")))
        .count();
    assert_eq!((started, refused), (1, 1), "{first:?} {second:?}");
    assert_eq!(b.loops(10).await.len(), 2);
}

async fn loops_are_listed_by_name_prefix_and_page(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow("lists", 1).await;
    for name in ["invoice-1", "invoice-2", "invoice-10", "receipt-1"] {
        assert!(b.start("lists", name, json!({"name": name})).await.unwrap());
    }
    let names = |loops: Vec<HumanLoop>| {
        let mut names: Vec<String> = loops.into_iter().map(|l| l.name.to_string()).collect();
        names.sort();
        names
    };
    let by_prefix = |prefix: &str| LoopQuery {
        name_prefix: Some(prefix.to_owned()),
        limit: 10,
        ..LoopQuery::default()
    };
    assert_eq!(
        names(b.store.list_loops(&by_prefix("invoice")).await.unwrap()),
        ["invoice-1", "invoice-10", "invoice-2"]
    );
    assert_eq!(
        names(b.store.list_loops(&by_prefix("invoice-1")).await.unwrap()),
        ["invoice-1", "invoice-10"]
    );
    // Wildcards typed into the box match themselves only (and names never hold them).
    assert!(b.store.list_loops(&by_prefix("%")).await.unwrap().len() == 4);
    assert!(
        b.store
            .list_loops(&by_prefix("inv_ice"))
            .await
            .unwrap()
            .is_empty()
    );
    // Two pages of two, newest first, with the keyset of the last row.
    let first = b.loops(2).await;
    let last = first.last().unwrap();
    let second = b
        .store
        .list_loops(&LoopQuery {
            limit: 2,
            after: Some((last.created_at, last.id)),
            ..LoopQuery::default()
        })
        .await
        .unwrap();
    let mut all = names(first);
    all.extend(names(second));
    all.sort();
    assert_eq!(all, ["invoice-1", "invoice-10", "invoice-2", "receipt-1"]);
    // A prefix pages too, and combines with the other filters.
    let first = b
        .store
        .list_loops(&LoopQuery {
            limit: 2,
            ..by_prefix("invoice")
        })
        .await
        .unwrap();
    let last = first.last().unwrap();
    let rest = b
        .store
        .list_loops(&LoopQuery {
            after: Some((last.created_at, last.id)),
            ..by_prefix("invoice")
        })
        .await
        .unwrap();
    let mut all = names(first);
    all.extend(names(rest));
    all.sort();
    assert_eq!(all, ["invoice-1", "invoice-10", "invoice-2"]);
    let completed = b
        .store
        .list_loops(&LoopQuery {
            status: Some(HumanLoopStatus::Completed),
            ..by_prefix("invoice")
        })
        .await
        .unwrap();
    assert!(completed.is_empty());
}

async fn concurrent_starts_share_commits_and_keep_their_own_outcomes(backend: Backend) {
    let b = Arc::new(Bench::new(backend, 1).await);
    b.custom_flow("busy", 3).await;
    let mut handles = Vec::new();
    for n in 0..200 {
        let b = b.clone();
        handles.push(tokio::spawn(async move {
            // Every tenth start repeats an earlier name with other input: a conflict.
            let (name, input) = if n % 10 == 9 {
                (format!("item-{}", n - 1), json!({"n": -1}))
            } else {
                (format!("item-{n}"), json!({"n": n}))
            };
            b.start("busy", &name, input).await
        }));
    }
    let mut conflicts = 0;
    for handle in handles {
        match handle.await.unwrap() {
            Ok(true) => {}
            Err(ReviewError::Conflict(_)) => conflicts += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(conflicts, 20);
    let loops = b.loops(500).await;
    assert_eq!(loops.len(), 180);
    for human_loop in loops.iter().take(5) {
        assert_eq!(b.store.tasks_of(human_loop.id).await.unwrap().len(), 3);
    }
}

async fn claims_never_double_book_under_contention(backend: Backend) {
    let b = Arc::new(Bench::new(backend, 12).await);
    b.custom_flow_with_loops("contended", 3, (0..10).map(|n| format!("item-{n}")))
        .await;
    let replica = Arc::new(b.replica().await);
    let mut handles = Vec::new();
    for (n, &worker) in b.workers.iter().enumerate() {
        let reviews = if n % 2 == 0 {
            replica.clone()
        } else {
            Arc::new(b.engine_on(b.store.clone()))
        };
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(task) = reviews.claim_next(worker, None).await.unwrap() {
                mine.push((worker, task.task_id, task.loop_id));
            }
            mine
        }));
    }
    let mut claims = Vec::new();
    for handle in handles {
        claims.extend(handle.await.unwrap());
    }
    assert_eq!(claims.len(), 30, "every task claimed exactly once");
    let tasks: HashSet<_> = claims.iter().map(|(_, task, _)| *task).collect();
    assert_eq!(tasks.len(), 30);
    let pairs: HashSet<_> = claims.iter().map(|(worker, _, l)| (*worker, *l)).collect();
    assert_eq!(pairs.len(), 30, "no worker holds two tasks of one loop");
}

/// Claims and submits share transactions (group commit); each keeps its own outcome. Twelve
/// workers on two engines (two "replicas") answer 20 loops of `TaskCount` 2 at once, while
/// submits for tasks they do not hold are refused in the same batches without harm.
async fn concurrent_claims_and_submits_keep_their_own_outcomes(backend: Backend) {
    let b = Arc::new(Bench::new(backend, 12).await);
    let names: Vec<String> = (0..20).map(|n| format!("item-{n:02}")).collect();
    b.custom_flow_with_loops("batched", 2, names.iter().cloned())
        .await;
    let replica = Arc::new(b.replica().await);
    let mut handles = Vec::new();
    for (n, &worker) in b.workers.iter().enumerate() {
        let b = b.clone();
        let replica = replica.clone();
        handles.push(tokio::spawn(async move {
            let reviews = if n % 2 == 0 { &*replica } else { &b.reviews };
            let mut completed = Vec::new();
            let mut answered = 0;
            while let Some(task) = reviews.claim_next(worker, None).await.unwrap() {
                // Someone else's task, or none at all: refused, and nothing changes.
                let stray = reviews
                    .submit(TaskId(task.task_id.0 + 1_000_000), worker, &json!({}), None)
                    .await;
                assert!(is_not_held(&stray), "{stray:?}");
                let receipt = reviews
                    .submit(task.task_id, worker, &json!({"by": n}), None)
                    .await
                    .unwrap();
                answered += 1;
                if receipt.loop_status == HumanLoopStatus::Completed {
                    completed.push(task.loop_name.to_string());
                }
            }
            (answered, completed)
        }));
    }
    let (answered, mut completed) = answers_and_notes(handles).await;
    assert_eq!(answered, 40, "every task answered exactly once");
    completed.sort();
    assert_eq!(
        completed, names,
        "each loop reported Completed by exactly one submit"
    );
    for name in &names {
        assert_eq!(b.status(name).await, HumanLoopStatus::Completed, "{name}");
        let human_loop = b
            .store
            .find_loop(&HumanLoopName::parse(name).unwrap())
            .await
            .unwrap()
            .unwrap();
        let tasks = b.store.tasks_of(human_loop.id).await.unwrap();
        let workers: HashSet<_> = tasks.iter().map(|t| t.worker).collect();
        assert_eq!(workers.len(), 2, "{name}: two distinct workers");
        assert!(tasks.iter().all(|t| t.status == TaskStatus::Submitted));
    }
    b.tick().await;
    for name in &names {
        let output = b.output_of(name).await.expect("output.json written");
        assert_eq!(output["humanAnswers"].as_array().unwrap().len(), 2);
    }
}

/// Submits of one batch lock their loops in one global order, so batches never deadlock on
/// PostgreSQL. 24 workers on two engines (eight batching writers) answer 300 loops of `TaskCount`
/// 3, so every batch holds submits for several loops that other batches hold too. Every claim
/// and submit succeeds, no loop gets more answers than it asked for, and (on PostgreSQL) the
/// database counted no deadlock.
async fn submits_in_concurrent_batches_never_deadlock(backend: Backend) {
    const LOOPS: usize = 300;
    let b = Arc::new(Bench::new(backend, 24).await);
    b.custom_flow_with_loops("mixed", 3, (0..LOOPS).map(|n| format!("item-{n:03}")))
        .await;
    let stats = match backend {
        Backend::Postgres => {
            use sqlx::Connection as _;
            let mut conn = sqlx::PgConnection::connect(&b.db.url).await.unwrap();
            let others = backends_besides(&mut conn).await;
            let deadlocks = deadlocks_so_far(&mut conn).await;
            Some((conn, others, deadlocks))
        }
        Backend::Sqlite => None,
    };
    // The workers' engines get pools of their own, closed at the end: a PostgreSQL backend
    // flushes its statistics when it exits.
    let mut pools = Vec::new();
    let mut engines = Vec::new();
    for _ in 0..2 {
        let (store, pool) = loupe_engine::store::open(&b.db.url).await.unwrap();
        pools.push(pool);
        engines.push(Arc::new(b.engine_on(store)));
    }
    let mut handles = Vec::new();
    for (n, &worker) in b.workers.iter().enumerate() {
        let reviews = engines[n % 2].clone();
        handles.push(tokio::spawn(async move {
            let mut answered = 0;
            let mut failures = Vec::new();
            loop {
                let task = match reviews.claim_next(worker, None).await {
                    Ok(Some(task)) => task,
                    Ok(None) => break,
                    Err(error) => {
                        failures.push(format!("claim: {error}"));
                        break;
                    }
                };
                match reviews
                    .submit(task.task_id, worker, &json!({"by": n}), None)
                    .await
                {
                    Ok(_) => answered += 1,
                    Err(error) => failures.push(format!("submit: {error}")),
                }
            }
            (answered, failures)
        }));
    }
    let (answered, failures) = answers_and_notes(handles).await;
    drop(engines);
    for pool in pools {
        match pool {
            loupe_engine::store::Pool::Postgres(pool) => pool.close().await,
            loupe_engine::store::Pool::Sqlite(pool) => pool.close().await,
        }
    }
    // The workers' backends are gone (their statistics flushed as they exited); allow for the
    // statistics' delay all the same.
    let deadlocks = match stats {
        Some((mut conn, others, before)) => {
            for _ in 0..100 {
                if backends_besides(&mut conn).await <= others {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let mut after = deadlocks_so_far(&mut conn).await;
            for _ in 0..15 {
                if after != before {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                after = deadlocks_so_far(&mut conn).await;
            }
            after - before
        }
        None => 0,
    };
    assert_eq!(deadlocks, 0, "PostgreSQL counted deadlocks");
    assert_eq!(
        failures,
        Vec::<String>::new(),
        "every claim and submit succeeds"
    );
    assert_eq!(answered, LOOPS * 3, "every task answered once");
    let loops = b.loops(500).await;
    assert_eq!(loops.len(), LOOPS);
    for human_loop in &loops {
        assert_eq!(human_loop.status, HumanLoopStatus::Completed);
        let tasks = b.store.tasks_of(human_loop.id).await.unwrap();
        let answers = tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Submitted)
            .count();
        assert_eq!(
            answers, 3,
            "{}: no more answers than TaskCount",
            human_loop.name
        );
    }
}

/// Waits for the workers' tasks, each counting its answers and noting names down: the answers
/// of all, and all the notes.
async fn answers_and_notes(
    workers: Vec<tokio::task::JoinHandle<(usize, Vec<String>)>>,
) -> (usize, Vec<String>) {
    let mut answered = 0;
    let mut notes = Vec::new();
    for worker in workers {
        let (answers, noted) = worker.await.unwrap();
        answered += answers;
        notes.extend(noted);
    }
    (answered, notes)
}

/// Connections to the test database other than `conn`.
async fn backends_besides(conn: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_one(conn)
    .await
    .unwrap()
}

/// Deadlocks PostgreSQL detected in the test database so far (a fresh snapshot each time).
async fn deadlocks_so_far(conn: &mut sqlx::PgConnection) -> i64 {
    sqlx::query("SELECT pg_stat_clear_snapshot()")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        .fetch_one(conn)
        .await
        .unwrap()
}

/// A submit whose response was lost is sent again by the worker's client: the same worker with
/// an equal answer (as JSON, whatever the key order) is told it succeeded, with the loop's
/// current status, and nothing is written twice. Another answer, or another worker, is refused.
async fn a_retried_submit_succeeds_once_and_writes_nothing_more(backend: Backend) {
    let b = Bench::new(backend, 3).await;
    let [w1, w2, w3] = b.workers[..] else {
        panic!()
    };
    b.custom_flow_with_loop("retried", 1, "single", json!({}))
        .await;
    let task = b.claim(w1).await;
    let answer = json!({"category": {"label": "a"}, "note": "sure"});
    let receipt = b.answer(task.task_id, w1, &answer).await;
    assert_eq!(receipt.loop_status, HumanLoopStatus::Completed);
    let written = |b: &Bench| {
        let store = b.store.clone();
        async move {
            let lines = store
                .cost_lines(T0, T0.plus(Duration::from_secs(3600)))
                .await
                .unwrap()
                .len();
            let events = store.events_after(0, 100).await.unwrap().len();
            let outputs = store.pending_output_count().await.unwrap();
            (lines, events, outputs)
        }
    };
    assert_eq!(written(&b).await, (1, 1, 1));

    b.clock.advance(Duration::from_secs(1));
    let same = json!({"note": "sure", "category": {"label": "a"}});
    let again = b.reviews.submit(task.task_id, w1, &same, None).await;
    assert_eq!(again.unwrap().loop_status, HumanLoopStatus::Completed);
    assert_eq!(
        written(&b).await,
        (1, 1, 1),
        "no second cost line, output or event"
    );
    let other = b
        .reviews
        .submit(task.task_id, w1, &json!({"category": {"label": "b"}}), None)
        .await;
    assert!(is_not_held(&other), "{other:?}");
    let stranger = b.reviews.submit(task.task_id, w2, &answer, None).await;
    assert!(is_not_held(&stranger), "{stranger:?}");

    // The status is the loop's as it is now, not as it was at the first submit.
    b.custom_flow_with_loop("retried-twice", 2, "double", json!({}))
        .await;
    let first = b.claim(w2).await;
    let second = b.claim(w3).await;
    let receipt = b.answer(first.task_id, w2, &answer).await;
    assert_eq!(receipt.loop_status, HumanLoopStatus::InProgress);
    let again = b.reviews.submit(first.task_id, w2, &answer, None).await;
    assert_eq!(again.unwrap().loop_status, HumanLoopStatus::InProgress);
    b.answer(second.task_id, w3, &answer).await;
    let late = b.reviews.submit(first.task_id, w2, &answer, None).await;
    assert_eq!(late.unwrap().loop_status, HumanLoopStatus::Completed);
    assert_eq!(written(&b).await, (3, 2, 2));
    b.tick().await;
    let output = b.output_of("double").await.unwrap();
    assert_eq!(output["humanAnswers"].as_array().unwrap().len(), 2);
}

/// A worker's queue counts the loops they could still take a task of: a loop they hold,
/// answered or declined is not counted for them, a loop of `TaskCount` 2 counts once, and the
/// count stops at its cap.
async fn queue_counts_are_per_worker(backend: Backend) {
    let b = Bench::new(backend, 3).await;
    b.custom_flow_with_loops("counted", 2, (0..3).map(|n| format!("item-{n}")))
        .await;
    let [w1, w2, w3] = b.workers[..] else {
        panic!()
    };
    let count = |worker| {
        let reviews = &b.reviews;
        async move {
            let queues = reviews.queue_summaries(worker).await.unwrap();
            assert_eq!(queues.len(), 1);
            (queues[0].available, queues[0].more_waiting)
        }
    };
    assert_eq!(count(w1).await, (3, false), "three loops, two tasks each");
    let held = b.claim(w1).await;
    assert_eq!(count(w1).await, (2, false), "not the loop they hold");
    assert_eq!(
        count(w2).await,
        (3, false),
        "its other task still waits for others"
    );
    b.answer(held.task_id, w1, &json!({})).await;
    assert_eq!(count(w1).await, (2, false), "not the loop they answered");
    let declined = b.claim(w2).await;
    assert_eq!(declined.loop_id, held.loop_id);
    b.reviews.decline(declined.task_id, w2).await.unwrap();
    assert_eq!(count(w2).await, (2, false), "not the loop they declined");
    assert_eq!(count(w3).await, (3, false));
    let flow = b
        .reviews
        .find_flow_definition(&FlowDefinitionName::parse("counted").unwrap())
        .await
        .unwrap();
    assert_eq!(
        b.store
            .available_for_worker(flow.id, w3, T0, 2)
            .await
            .unwrap(),
        2,
        "the count stops at its cap"
    );
    // Past the loops' availability nothing waits.
    b.clock.advance(Duration::from_secs(86_400 * 30));
    assert_eq!(count(w3).await, (0, false));
}

async fn only_team_members_see_a_flow(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow_with_loop("team-only", 1, "item", json!({}))
        .await;
    let outsider = b.outsider().await;
    assert!(b.reviews.queues_of(outsider).await.unwrap().is_empty());
    assert_eq!(b.reviews.claim_next(outsider, None).await.unwrap(), None);
    let flow = b
        .reviews
        .find_flow_definition(&FlowDefinitionName::parse("team-only").unwrap())
        .await
        .unwrap();
    assert!(matches!(
        b.reviews.claim_next(outsider, Some(flow.id)).await,
        Err(ReviewError::NotFound(_))
    ));
    // A group puts the outsider in the team.
    b.store
        .put_worker_group("night-shift", &[outsider], T0)
        .await
        .unwrap();
    let reviewers = WorkteamName::parse("reviewers").unwrap();
    b.store
        .add_team_group(&reviewers, "night-shift", T0)
        .await
        .unwrap();
    assert_eq!(b.reviews.queues_of(outsider).await.unwrap().len(), 1);
    let held = b
        .reviews
        .claim_next(outsider, Some(flow.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.reviews.held_tasks(outsider).await.unwrap().len(), 1);
    // Out of the team again while holding it: the task is no longer theirs to see or answer.
    b.store
        .remove_team_group(&reviewers, "night-shift", T0)
        .await
        .unwrap();
    assert!(b.reviews.held_tasks(outsider).await.unwrap().is_empty());
    assert!(matches!(
        b.reviews.held_task(held.task_id, outsider).await,
        Err(ReviewError::NotFound(_))
    ));
    assert!(is_not_held(
        &b.reviews
            .submit(held.task_id, outsider, &json!({"late": true}), None)
            .await
    ));
    // The next scheduler pass hands it back at once, not at its deadline; a team member's task
    // stays theirs.
    let [member] = b.workers[..] else { panic!() };
    b.start("team-only", "second", json!({})).await.unwrap();
    let kept = b.claim(member).await;
    assert_ne!(kept.loop_id, held.loop_id);
    let work = b.tick().await;
    assert_eq!((work.tasks_orphaned, work.tasks_returned), (1, 0));
    let task = b.store.find_task(held.task_id).await.unwrap().unwrap();
    assert_eq!((task.status, task.worker), (TaskStatus::Available, None));
    assert_eq!(b.tick().await.tasks_orphaned, 0);
    assert_eq!(b.reviews.held_tasks(member).await.unwrap().len(), 1);
    b.answer(kept.task_id, member, &json!({})).await;
    let again = b.claim(member).await;
    assert_eq!(again.task_id, held.task_id);
}

async fn a_task_past_its_time_limit_returns_to_the_pool(backend: Backend) {
    let (b, task) = Bench::with_one_task_held(backend, "slow").await;
    let [w1, w2] = b.workers[..] else { panic!() };

    b.clock.advance(Duration::from_secs(300));
    // At the deadline the answer is refused, even before the scheduler ran.
    let late = b.reviews.submit(task.task_id, w1, &json!({}), None).await;
    assert!(
        matches!(late, Err(ReviewError::Refused(TaskRefusal::TimeUp))),
        "{late:?}"
    );
    assert_eq!(b.tick().await.tasks_returned, 1);
    let late = b.reviews.submit(task.task_id, w1, &json!({}), None).await;
    assert!(is_not_held(&late), "{late:?}");
    let retaken = b.claim(w2).await;
    assert_eq!(retaken.task_id, task.task_id);
    b.answer(retaken.task_id, w2, &json!({"ok": true})).await;
    assert_eq!(b.status("item").await, HumanLoopStatus::Completed);
}

async fn release_and_decline(backend: Backend) {
    let b = Bench::new(backend, 3).await;
    b.custom_flow_with_loop("choosy", 2, "item", json!({}))
        .await;
    let [w1, w2, w3] = b.workers[..] else {
        panic!()
    };

    let task = b.claim(w1).await;
    b.reviews.release(task.task_id, w1).await.unwrap();
    assert!(is_not_held(&b.reviews.release(task.task_id, w1).await));
    // Released: the same worker may take it again.
    let task = b.claim(w1).await;
    // Another worker cannot let go of it.
    assert!(matches!(
        b.reviews.decline(task.task_id, w2).await,
        Err(ReviewError::Refused(_))
    ));
    b.reviews.decline(task.task_id, w1).await.unwrap();
    // Declined: never offered to w1 again, still there for others.
    assert_eq!(b.reviews.claim_next(w1, None).await.unwrap(), None);
    let t2 = b.claim(w2).await;
    b.reviews.decline(t2.task_id, w2).await.unwrap();
    // As many declines as tasks: the loop fails.
    let human_loop = b.human_loop("item").await;
    assert_eq!(human_loop.status, HumanLoopStatus::Failed);
    assert_eq!(human_loop.failure_code, Some(FailureCode::Expired));
    assert!(human_loop.failure_reason.unwrap().contains("declined"));
    assert_eq!(human_loop.output_uri, None, "no answers, no output");
    assert_eq!(b.reviews.claim_next(w3, None).await.unwrap(), None);
    let statuses: Vec<_> = b
        .store
        .tasks_of(human_loop.id)
        .await
        .unwrap()
        .iter()
        .map(|t| t.status)
        .collect();
    assert_eq!(statuses, vec![TaskStatus::Expired, TaskStatus::Expired]);
}

/// A task page's report that its frame left Loupe's document is kept once per task and worker,
/// counted, and only taken from the worker who holds the task.
async fn frame_departures_are_kept_for_the_holder_only(backend: Backend) {
    let b = Bench::new(backend, 2).await;
    b.custom_flow_with_loop("leaky", 2, "item", json!({})).await;
    let [w1, w2] = b.workers[..] else { panic!() };
    let task = b.claim(w1).await;
    let first = b.clock.now();
    b.reviews
        .report_frame_departure(task.task_id, w1)
        .await
        .unwrap();
    b.clock.advance(Duration::from_secs(30));
    b.reviews
        .report_frame_departure(task.task_id, w1)
        .await
        .unwrap();
    for (task, worker) in [
        (task.task_id, w2),
        (TaskId(task.task_id.0 + 1), w1),
        (TaskId(999_999), w1),
    ] {
        assert!(is_not_held(
            &b.reviews.report_frame_departure(task, worker).await
        ));
    }
    let departures = b.store.frame_departures_of(task.loop_id).await.unwrap();
    assert_eq!(departures.len(), 1);
    let departure = &departures[0];
    assert_eq!(
        (departure.task, departure.slot, departure.worker),
        (task.task_id, 1, w1)
    );
    assert_eq!(departure.times, 2);
    assert_eq!(departure.first_at, first);
    assert_eq!(departure.last_at.as_millis() - first.as_millis(), 30_000);
    // A released task is no longer the worker's to report on; what was kept stays.
    b.reviews.release(task.task_id, w1).await.unwrap();
    assert!(
        b.reviews
            .report_frame_departure(task.task_id, w1)
            .await
            .is_err()
    );
    assert_eq!(
        b.store
            .frame_departures_of(task.loop_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn an_expired_loop_fails_and_keeps_its_answers(backend: Backend) {
    let b = Bench::new(backend, 2).await;
    b.custom_flow_with_loop("short-lived", 3, "item", json!({"x": 1}))
        .await;
    let [w1, w2] = b.workers[..] else { panic!() };
    let t1 = b.claim(w1).await;
    b.answer(t1.task_id, w1, &json!({"answer": 1})).await;
    b.clock.advance(Duration::from_secs(3_500));
    // Held near the end: the deadline is cut to the loop's expiry.
    let t2 = b.claim(w2).await;
    assert_eq!(t2.deadline_at, T0.plus(Duration::from_secs(3_600)));

    b.clock.advance(Duration::from_secs(100));
    let work = b.tick().await;
    assert_eq!(work.loops_expired, 1);
    assert_eq!(work.outputs_written, 1);
    let human_loop = b.human_loop("item").await;
    assert_eq!(human_loop.status, HumanLoopStatus::Failed);
    assert_eq!(human_loop.failure_code, Some(FailureCode::Expired));
    let output = b.output_of("item").await.unwrap();
    assert_eq!(output["humanAnswers"].as_array().unwrap().len(), 1);
    assert_eq!(
        output["humanAnswers"][0]["answerContent"],
        json!({"answer": 1})
    );
    // Nothing is offered any more; a second run finds nothing to do.
    assert_eq!(b.reviews.claim_next(w2, None).await.unwrap(), None);
    assert_eq!(b.tick().await, Default::default());
    let event: Value =
        serde_json::from_str(&b.store.events_after(0, 10).await.unwrap()[0].payload).unwrap();
    assert_eq!(event["detail"]["humanLoopStatus"], "Failed");
    assert_eq!(event["detail"]["failureCode"], "Expired");
}

async fn stop_waits_for_holders_and_delete_needs_a_final_state(backend: Backend) {
    let b = Bench::new(backend, 2).await;
    b.custom_flow_with_loop("stoppable", 2, "idle", json!({}))
        .await;
    let idle = HumanLoopName::parse("idle").unwrap();
    assert!(matches!(
        b.reviews.delete_human_loop(&idle).await,
        Err(ReviewError::Conflict(_))
    ));
    let stopped = b.reviews.stop_human_loop(&idle).await.unwrap();
    assert_eq!(stopped.status, HumanLoopStatus::Stopped);
    assert_eq!(stopped.output_uri, None);

    b.start("stoppable", "busy", json!({})).await.unwrap();
    let [w1, w2] = b.workers[..] else { panic!() };
    let t1 = b.claim(w1).await;
    let t2 = b.claim(w2).await;
    b.answer(t1.task_id, w1, &json!({"done": 1})).await;
    // w2 still works on it: Stopping until w2 is done.
    let busy = HumanLoopName::parse("busy").unwrap();
    assert_eq!(
        b.reviews.stop_human_loop(&busy).await.unwrap().status,
        HumanLoopStatus::Stopping
    );
    assert_eq!(
        b.reviews.stop_human_loop(&busy).await.unwrap().status,
        HumanLoopStatus::Stopping
    );
    b.reviews.release(t2.task_id, w2).await.unwrap();
    assert_eq!(b.status("busy").await, HumanLoopStatus::Stopped);
    // Released on a stopping loop: gone, not back in the pool.
    assert_eq!(b.reviews.claim_next(w2, None).await.unwrap(), None);
    b.tick().await;
    let output = b.output_of("busy").await.unwrap();
    assert_eq!(output["humanAnswers"].as_array().unwrap().len(), 1);

    b.reviews.delete_human_loop(&busy).await.unwrap();
    assert!(matches!(
        b.reviews.find_human_loop(&busy).await,
        Err(ReviewError::NotFound(_))
    ));
    assert!(matches!(
        b.reviews.delete_human_loop(&busy).await,
        Err(ReviewError::NotFound(_))
    ));
    // Both holders answer after a stop: still Stopped, with both answers.
    b.start("stoppable", "late-stop", json!({})).await.unwrap();
    let t1 = b.claim(w1).await;
    let t2 = b.claim(w2).await;
    let late_stop = HumanLoopName::parse("late-stop").unwrap();
    b.reviews.stop_human_loop(&late_stop).await.unwrap();
    b.answer(t1.task_id, w1, &json!({"a": 1})).await;
    let receipt = b.answer(t2.task_id, w2, &json!({"a": 2})).await;
    assert_eq!(receipt.loop_status, HumanLoopStatus::Stopped);
    b.tick().await;
    assert_eq!(
        b.output_of("late-stop").await.unwrap()["humanAnswers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The name is free again.
    assert!(
        b.start("stoppable", "busy", json!({"again": true}))
            .await
            .unwrap()
    );
}

async fn deleting_a_flow_stops_untouched_loops_and_waits_for_the_rest(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow_with_loop("doomed", 1, "untouched", json!({}))
        .await;
    b.start("doomed", "in-hand", json!({})).await.unwrap();
    let w = b.workers[0];
    let held = b.claim(w).await;
    let name = FlowDefinitionName::parse("doomed").unwrap();
    let deletion = b.reviews.delete_flow_definition(&name).await.unwrap();
    assert_eq!(deletion.stopped_loops, 1);
    assert!(!deletion.removed);
    assert!(matches!(
        b.reviews
            .find_human_loop(
                &HumanLoopName::parse(if held.loop_name.as_str() == "untouched" {
                    "in-hand"
                } else {
                    "untouched"
                })
                .unwrap()
            )
            .await,
        Err(ReviewError::NotFound(_))
    ));
    // Deleting flows take no new loops and show no queue.
    assert!(matches!(
        b.start("doomed", "late", json!({})).await,
        Err(ReviewError::Validation(_))
    ));
    assert!(b.reviews.queues_of(w).await.unwrap().is_empty());
    b.answer(held.task_id, w, &json!({})).await;
    assert_eq!(b.tick().await.flows_purged, 1);
    assert!(matches!(
        b.reviews.find_flow_definition(&name).await,
        Err(ReviewError::NotFound(_))
    ));
    // The name can be used again.
    b.custom_flow("doomed", 1).await;
}

async fn public_crowd_work_records_cost_lines(backend: Backend) {
    let b = Bench::new(backend, 2).await;
    b.flow(
        "paid",
        2,
        json!({"HumanLoopConfig": {
            "WorkteamArn": format!("arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default"),
            "PublicWorkforceTaskPrice": {"AmountInUsd": {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}}
        }}),
    )
    .await;
    // Every worker may work on the public crowd's loops.
    assert_eq!(
        b.reviews.queues_of(b.outsider().await).await.unwrap().len(),
        1
    );
    let no_pii_flag = b.start_with("paid", "no-flag", "{}", vec![]).await;
    assert!(
        matches!(no_pii_flag, Err(ReviewError::Validation(ref m)) if m.to_string().contains("FreeOfPersonallyIdentifiableInformation"))
    );
    b.start("paid", "item", json!({})).await.unwrap();
    for &w in &b.workers {
        let task = b.claim(w).await;
        b.answer(task.task_id, w, &json!({})).await;
    }
    let paid = (36, "paid".to_owned(), "item".to_owned());
    assert_eq!(b.costs_of_the_first_minute().await, vec![paid; 2]);
    // Summed in the database by flow, worker and UTC day.
    let spend = b
        .store
        .spend_summary(T0, T0.plus(Duration::from_secs(60)))
        .await
        .unwrap();
    let paid = loupe_engine::domain::spend::SpendRow {
        amount_millis: 72,
        tasks: 2,
    };
    assert_eq!(spend.by_flow, vec![("paid".to_owned(), paid)]);
    assert_eq!(spend.total(), paid);
    assert_eq!(spend.by_day, vec![(T0.as_millis() / 86_400_000, paid)]);
    let mut workers: Vec<UserId> = spend.by_worker.iter().map(|(w, _)| *w).collect();
    workers.sort();
    let mut expected = b.workers.clone();
    expected.sort();
    assert_eq!(workers, expected);
    assert!(
        spend
            .by_worker
            .iter()
            .all(|(_, row)| row.amount_millis == 36 && row.tasks == 1)
    );
    let empty = b
        .store
        .spend_summary(
            T0.plus(Duration::from_secs(60)),
            T0.plus(Duration::from_secs(120)),
        )
        .await
        .unwrap();
    assert_eq!(empty, loupe_engine::domain::spend::SpendSummary::default());
    b.tick().await;
    let output = b.output_of("item").await.unwrap();
    assert!(
        output["humanAnswers"][0].get("workerMetadata").is_none(),
        "public crowd: no identity"
    );

    // The dashboard's figures, on both databases.
    b.start("paid", "still-open", json!({})).await.unwrap();
    let now = loupe_engine::domain::clock::Clock::now(&b.clock);
    let (day, month) = dashboard::day_and_month_start(now);
    let data = b
        .store
        .dashboard_data(dashboard::window_start(now), day, month)
        .await
        .unwrap();
    assert_eq!(
        data.loops_by_status,
        [("Completed".to_owned(), 1), ("InProgress".to_owned(), 1)]
    );
    assert_eq!(
        dashboard::per_hour(&data.started_per_hour, now)
            .iter()
            .sum::<u32>(),
        2
    );
    assert_eq!(
        dashboard::per_hour(&data.completed_per_hour, now)
            .iter()
            .sum::<u32>(),
        1
    );
    assert_eq!(data.completions.len(), 1);
    assert!(data.oldest_open.is_some_and(|at| at <= now));
    assert_eq!(
        data.spend_today,
        [(
            "paid".to_owned(),
            loupe_engine::domain::pricing::MilliUsd::new(72)
        )]
    );
    assert_eq!(data.spend_month, data.spend_today);
    assert_eq!(data.busiest_workers.len(), 2);
    assert!(data.busiest_workers.iter().all(|(_, n)| *n == 1));

    // The counts follow stops and deletes (they are kept by triggers, not recounted).
    let open = HumanLoopName::parse("still-open").unwrap();
    b.reviews.stop_human_loop(&open).await.unwrap();
    b.reviews.delete_human_loop(&open).await.unwrap();
    let data = b
        .store
        .dashboard_data(dashboard::window_start(now), day, month)
        .await
        .unwrap();
    assert_eq!(data.loops_by_status, [("Completed".to_owned(), 1)]);
    assert_eq!(
        dashboard::per_hour(&data.started_per_hour, now)
            .iter()
            .sum::<u32>(),
        2,
        "the history of starts keeps deleted loops"
    );
}

async fn rekognition_flows_start_loops_only_when_conditions_hold(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    let conditions = json!({"Conditions": [{
        "ConditionType": "ModerationLabelConfidenceCheck",
        "ConditionParameters": {"ModerationLabelName": "Suggestive", "ConfidenceLessThan": 98}
    }]});
    b.flow(
        "moderation",
        1,
        json!({
            "HumanLoopRequestSource": {"AwsManagedHumanLoopRequestSource": "AWS/Rekognition/DetectModerationLabels/Image/V3"},
            "HumanLoopActivationConfig": {"HumanLoopActivationConditionsConfig": {
                "HumanLoopActivationConditions": conditions.to_string()}}
        }),
    )
    .await;
    let input = |confidence: f64| {
        json!({
            "aiServiceRequest": {"image": {"s3Object": {"bucket": "b", "name": "i.jpg"}}},
            // PascalCase, as the AWS SDKs return it.
            "aiServiceResponse": {"ModerationLabels": [
                {"Confidence": confidence, "Name": "Suggestive", "ParentName": ""},
                {"Confidence": 91.25, "Name": "Female Swimwear Or Underwear", "ParentName": "Suggestive"}
            ], "ModerationModelVersion": "3.0"}
        })
    };
    let response = b
        .start_with("moderation", "sure", &input(99.5).to_string(), vec![])
        .await
        .unwrap();
    assert_eq!(response.human_loop_arn, None);
    assert!(
        response
            .activation
            .unwrap()
            .human_loop_activation_conditions_evaluation_results
            .is_some()
    );
    assert!(matches!(
        b.reviews
            .find_human_loop(&HumanLoopName::parse("sure").unwrap())
            .await,
        Err(ReviewError::NotFound(_))
    ));

    assert!(b.start("moderation", "unsure", input(96.7)).await.unwrap());
    let w = b.workers[0];
    let task = b.claim(w).await;
    let answer = json!({"AWS/Rekognition/DetectModerationLabels/Image/V3": {"moderationLabels": [{"name": "Suggestive", "parentName": ""}]}});
    b.answer(task.task_id, w, &answer).await;
    b.tick().await;
    let output = b.output_of("unsure").await.unwrap();
    assert_eq!(
        output["awsManagedHumanLoopRequestSource"],
        "AWS/Rekognition/DetectModerationLabels/Image/V3"
    );
    let input = &output["inputContent"];
    assert_eq!(
        input["aiServiceResponse"]["moderationLabels"][0]["confidence"],
        96.7
    );
    assert_eq!(
        input["selectedAiServiceResponse"]["moderationLabels"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        input["humanTaskActivationConditionResults"]["Conditions"][0]["EvaluationResult"],
        true
    );
    assert_eq!(output["humanAnswers"][0]["answerContent"], answer);
    assert_eq!(
        output["humanAnswers"][0]["workerMetadata"]["identityData"]["identityProviderType"],
        "Loupe"
    );
}

async fn invalid_flow_definitions_name_the_member(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    let mut request = flow_request("broken", "nobody", 1, "s3://results");
    let refusal = async |request: &Value| {
        b.reviews
            .create_flow_definition(request, None)
            .await
            .unwrap_err()
    };
    let error = refusal(&request).await;
    assert!(error.to_string().contains("WorkteamArn"), "{error}");
    // The member travels as data, for a form to put the message at its field.
    let ReviewError::Validation(violation) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(violation.member, Some("HumanLoopConfig.WorkteamArn"));
    assert_eq!(violation.message, "work team nobody does not exist");
    request["HumanLoopConfig"]["WorkteamArn"] = json!(format!(
        "arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/reviewers"
    ));
    request["HumanLoopConfig"]["HumanTaskUiArn"] = json!(format!(
        "arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/missing"
    ));
    let error = refusal(&request).await;
    assert!(error.to_string().contains("HumanTaskUiArn"), "{error}");
    assert!(matches!(
        &error,
        ReviewError::Validation(v) if v.member == Some("HumanLoopConfig.HumanTaskUiArn")
    ));
    request["HumanLoopConfig"]["HumanTaskUiArn"] = json!(format!(
        "arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/classify"
    ));
    request["HumanLoopRequestSource"] = json!({"AwsManagedHumanLoopRequestSource": "AWS/Rekognition/DetectModerationLabels/Image/V3"});
    request["HumanLoopActivationConfig"] = json!({"HumanLoopActivationConditionsConfig": {"HumanLoopActivationConditions": "{\"Conditions\": []}"}});
    let error = refusal(&request).await;
    assert!(
        error.to_string().contains("HumanLoopActivationConditions"),
        "{error}"
    );
    assert!(
        b.store.list_flows().await.unwrap().is_empty(),
        "nothing stored"
    );
    // A custom flow with Loupe's JsonLogic rule.
    request
        .as_object_mut()
        .unwrap()
        .remove("HumanLoopRequestSource");
    request
        .as_object_mut()
        .unwrap()
        .remove("HumanLoopActivationConfig");
    b.reviews
        .create_flow_definition(&request, Some(r#"{">": [{"var": "score"}, 900]}"#))
        .await
        .unwrap();
    assert!(
        !b.start("broken", "low", json!({"score": 10}))
            .await
            .unwrap()
    );
    assert!(
        b.start("broken", "high", json!({"score": 990}))
            .await
            .unwrap()
    );
}

/// A team made at T0 from what the console's form holds, without member definitions, access
/// rules or tags.
fn new_team(
    name: &WorkteamName,
    description: &str,
    topic: Option<&str>,
    groups: &[&str],
) -> NewTeam {
    NewTeam {
        name: name.clone(),
        description: description.into(),
        notification_topic_arn: topic.map(Into::into),
        groups: groups.iter().map(|group| group.to_string()).collect(),
        created_at: T0,
        member_definitions: None,
        worker_access: None,
        tags: None,
    }
}

async fn work_teams_have_settings_members_and_groups(backend: Backend) {
    let b = Bench::new(backend, 2).await;
    let [w1, w2] = b.workers[..] else { panic!() };
    let name = WorkteamName::parse("Night-Shift").unwrap();
    b.store.put_worker_group("late", &[w2], T0).await.unwrap();
    let missing_group = b
        .store
        .create_team(&new_team(&name, "after hours", None, &["nobody"]))
        .await;
    assert!(matches!(missing_group, Err(StoreError::NotFound(_))));
    assert!(
        b.store.find_team(&name).await.unwrap().is_none(),
        "nothing half-made"
    );
    b.store
        .create_team(&new_team(
            &name,
            "after hours",
            Some("arn:aws:sns:us-west-2:111122223333:night"),
            &["late"],
        ))
        .await
        .unwrap();
    // Names are unique ignoring case, as ARNs carry them in lower case.
    let twin = b
        .store
        .create_team(&new_team(
            &WorkteamName::parse("night-shift").unwrap(),
            "",
            None,
            &[],
        ))
        .await;
    assert!(matches!(twin, Err(StoreError::Conflict(_))));
    b.store.add_team_member(&name, w1, T0).await.unwrap();
    let details = b
        .store
        .team_details(&WorkteamName::parse("night-shift").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(details.team.name, name);
    assert_eq!(details.members, vec![w1]);
    assert_eq!(details.groups, vec!["late".to_string()]);
    assert_eq!(
        details.notification_topic_arn.as_deref(),
        Some("arn:aws:sns:us-west-2:111122223333:night")
    );
    let mut teams_of_w2 = b.store.team_names_of(w2).await.unwrap();
    teams_of_w2.sort();
    assert!(teams_of_w2.contains(&name), "{teams_of_w2:?}");

    let later = T0.plus(Duration::from_secs(60));
    b.store
        .update_team(
            &name,
            &TeamUpdate {
                description: Some("nights".into()),
                notification_topic_arn: Some(None),
                groups: Some(vec![]),
                ..TeamUpdate::default()
            },
            later,
        )
        .await
        .unwrap();
    b.store.remove_team_member(&name, w1).await.unwrap();
    let details = b.store.team_details(&name).await.unwrap().unwrap();
    assert_eq!(details.team.description, "nights");
    assert_eq!(details.notification_topic_arn, None);
    assert!(details.groups.is_empty() && details.members.is_empty());
    assert_eq!(details.updated_at, Some(later));

    // A team in use by a flow cannot go.
    let reviewers = WorkteamName::parse("reviewers").unwrap();
    b.custom_flow("uses-reviewers", 1).await;
    assert!(matches!(
        b.store.delete_team(&reviewers).await,
        Err(StoreError::Conflict(_))
    ));
    b.store.delete_team(&name).await.unwrap();
    assert!(matches!(
        b.store.delete_team(&name).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn outputs_survive_a_restart_and_a_failing_store(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow_with_loop("durable", 1, "item", json!({"keep": "me"}))
        .await;
    let w = b.workers[0];
    let task = b.claim(w).await;
    b.answer(task.task_id, w, &json!({"answer": "yes"})).await;
    assert_eq!(b.store.pending_output_count().await.unwrap(), 1);

    // The output target is broken: where the bucket's directory should be is a file. The write
    // fails and is kept for later.
    let broken_root = tempfile::tempdir().unwrap();
    std::fs::write(broken_root.path().join("results"), b"x").unwrap();
    let broken = OutputStore::new(OutputStoreConfig::Directory {
        root: broken_root.path().to_owned(),
    })
    .unwrap();
    let work = b.reviews.run_due_work(&broken).await.unwrap();
    assert_eq!((work.outputs_written, work.outputs_failed), (0, 1));
    assert_eq!(b.store.pending_output_count().await.unwrap(), 1);
    // Not due again before the back-off.
    let work = b.reviews.run_due_work(&b.outputs).await.unwrap();
    assert_eq!(work.outputs_written, 0);

    // "Restart": a new engine on the same database, later than the retry back-off.
    let (store, _) = loupe_engine::store::open(&b.db.url).await.unwrap();
    b.clock.advance(Duration::from_secs(120));
    let restarted = b.engine_on(store);
    let work = restarted.run_due_work(&b.outputs).await.unwrap();
    assert_eq!(work.outputs_written, 1);
    assert_eq!(b.store.pending_output_count().await.unwrap(), 0);
    let output = b.output_of("item").await.unwrap();
    assert_eq!(output["inputContent"], json!({"keep": "me"}));
    assert_eq!(
        output["humanAnswers"][0]["answerContent"],
        json!({"answer": "yes"})
    );
}

/// Starts a loop on `flow` and has the first worker answer it: its output waits in the outbox.
async fn answered_loop(b: &Bench, flow: &str, name: &str) {
    b.start(flow, name, json!({"name": name})).await.unwrap();
    let w = b.workers[0];
    let task = b.claim(w).await;
    b.answer(task.task_id, w, &json!({"ok": true})).await;
}

/// Output leases end with their holder. Instance A leases an output.json and dies before
/// writing it (it stops beating its heartbeat): 11 s on, instance B's pass writes it, long
/// before A's 60 s lease would have run out. A live A's lease is left alone, and a restarted A
/// (same id) takes its own lease back at once.
async fn an_output_leased_by_a_gone_instance_is_written_by_another(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow("leased", 1).await;
    let now = || Clock::now(&b.clock);
    let a = InstanceId::parse("replica-a:3000").unwrap();
    let other = InstanceId::parse("replica-b:3000").unwrap();
    let replica_b = b.replica().await.with_instance(other.clone());
    b.store.start_instance(&a, now()).await.unwrap();
    b.store.start_instance(&other, now()).await.unwrap();
    let lease = Duration::from_secs(60);
    // A's pass leasing the outputs waiting: how many it got.
    let leased_by_a = async || {
        let until = now().plus(lease);
        let leased = b.store.lease_outputs(now(), until, 64, Some(&a)).await;
        leased.unwrap().len()
    };

    answered_loop(&b, "leased", "first").await;
    // The first step of A's pass: the file is A's to write now.
    assert_eq!(leased_by_a().await, 1);
    b.clock.advance(Duration::from_secs(11));
    b.store.heartbeat(&a, now()).await.unwrap();
    b.store.heartbeat(&other, now()).await.unwrap();
    let work = replica_b.run_due_work(&b.outputs).await.unwrap();
    assert_eq!(work.outputs_written, 0, "A is alive: its lease holds");
    // A dies: only B beats from now on.
    b.clock.advance(Duration::from_secs(11));
    b.store.heartbeat(&other, now()).await.unwrap();
    let work = replica_b.run_due_work(&b.outputs).await.unwrap();
    assert_eq!(work.outputs_written, 1, "A's lease ended with A");
    assert!(b.output_of("first").await.is_some());
    assert_eq!(b.store.pending_output_count().await.unwrap(), 0);

    // A restarts under the same id: what it leased before is its own again at once.
    answered_loop(&b, "leased", "second").await;
    b.store.heartbeat(&a, now()).await.unwrap();
    assert_eq!(leased_by_a().await, 1);
    let work = replica_b.run_due_work(&b.outputs).await.unwrap();
    assert_eq!(work.outputs_written, 0, "A's lease holds while A lives");
    b.clock.advance(Duration::from_secs(1));
    let restarted = b.replica().await.with_instance(a.clone());
    b.store.start_instance(&a, now()).await.unwrap();
    let work = restarted.run_due_work(&b.outputs).await.unwrap();
    assert_eq!(
        work.outputs_written, 1,
        "a restarted A takes its lease back at once"
    );
    assert!(b.output_of("second").await.is_some());
}

/// Webhook deliveries leased by an instance end with it the same way; this leases through the
/// store as the server's deliverer does.
async fn a_delivery_leased_by_a_gone_instance_goes_to_another(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow("hooked", 1).await;
    let now = || Clock::now(&b.clock);
    let name = WebhookName::parse("ops").unwrap();
    b.store
        .create_webhook(&NewWebhook {
            secret: webhooks::seal_secret(
                &MasterKey::generate(),
                &name,
                &WebhookSecret::generate(),
            ),
            name,
            url: WebhookUrl::parse("http://127.0.0.1:9/hook").unwrap(),
            flow: None,
            created_at: now(),
        })
        .await
        .unwrap();
    let a = InstanceId::parse("replica-a:3000").unwrap();
    let other = InstanceId::parse("replica-b:3000").unwrap();
    b.store.start_instance(&a, now()).await.unwrap();
    b.store.start_instance(&other, now()).await.unwrap();
    answered_loop(&b, "hooked", "item").await;
    // The event waits for its output file.
    b.reviews.run_due_work(&b.outputs).await.unwrap();
    let lease = |holder: &InstanceId| {
        let (store, holder, at) = (b.store.clone(), holder.clone(), now());
        async move {
            store
                .lease_deliveries(at, at.plus(Duration::from_secs(60)), 32, Some(&holder))
                .await
                .unwrap()
                .iter()
                .map(|d| d.attempt)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(lease(&a).await, [1]);
    b.clock.advance(Duration::from_secs(11));
    b.store.heartbeat(&a, now()).await.unwrap();
    b.store.heartbeat(&other, now()).await.unwrap();
    assert_eq!(
        lease(&other).await,
        Vec::<i64>::new(),
        "A is alive: its lease holds"
    );
    b.clock.advance(Duration::from_secs(11));
    b.store.heartbeat(&other, now()).await.unwrap();
    assert_eq!(lease(&other).await, [2], "A's lease ended with A");
    // B restarts under the same id: its lease is its own again at once.
    b.clock.advance(Duration::from_secs(1));
    b.store.start_instance(&other, now()).await.unwrap();
    assert_eq!(
        lease(&other).await,
        [3],
        "a restarted B takes its lease back at once"
    );
}

async fn a_deleted_task_ui_keeps_serving_its_flows_loops(backend: Backend) {
    let b = Bench::new(backend, 1).await;
    b.custom_flow("uses-classify", 1).await;
    b.custom_flow("other", 1).await;
    b.start("uses-classify", "before", json!({})).await.unwrap();
    let w = b.workers[0];
    let task = b.claim(w).await;

    let ui = HumanTaskUiName::parse("classify").unwrap();
    b.reviews.delete_task_ui(&ui).await.unwrap();
    // Gone from the list, still readable (Deleting) for the loops already made.
    assert!(b.store.list_task_uis().await.unwrap().is_empty());
    let retired = b.reviews.find_task_ui(&ui).await.unwrap();
    assert_eq!(retired.status, HumanTaskUiStatus::Deleting);
    assert!(matches!(
        b.reviews.delete_task_ui(&ui).await,
        Err(ReviewError::NotFound(_))
    ));
    // Its flows take no new loops; the loop in hand carries on.
    let refused = b.start("other", "after", json!({})).await;
    assert!(
        matches!(refused, Err(ReviewError::Validation(ref m)) if m.to_string().contains("was deleted")),
        "{refused:?}"
    );
    b.answer(task.task_id, w, &json!({"ok": 1})).await;
    assert_eq!(b.status("before").await, HumanLoopStatus::Completed);
    // No new flow may use it.
    let error = b.flow_result("late", 1).await.unwrap_err();
    assert!(error.to_string().contains("HumanTaskUiArn"), "{error}");

    // It goes for good with the last flow that uses it.
    let flow_removed = async |flow: &str| {
        let name = FlowDefinitionName::parse(flow).unwrap();
        b.reviews
            .delete_flow_definition(&name)
            .await
            .unwrap()
            .removed
    };
    let ui_gone = async |ui: &HumanTaskUiName| {
        matches!(
            b.reviews.find_task_ui(ui).await,
            Err(ReviewError::NotFound(_))
        )
    };
    assert!(flow_removed("other").await);
    assert_eq!(
        b.reviews.find_task_ui(&ui).await.unwrap().status,
        HumanTaskUiStatus::Deleting
    );
    assert!(flow_removed("uses-classify").await);
    assert!(ui_gone(&ui).await);

    // An unused UI goes at once.
    b.reviews
        .create_task_ui(&task_ui_request("spare", "<p>x</p>"))
        .await
        .unwrap();
    let spare = HumanTaskUiName::parse("spare").unwrap();
    b.reviews.delete_task_ui(&spare).await.unwrap();
    assert!(ui_gone(&spare).await);
}

async fn deactivating_a_worker_returns_their_tasks_at_once(backend: Backend) {
    use loupe_engine::services::people::PeopleError;
    use loupe_engine::services::sign_in::{LoginError, LoginPolicy};
    let (b, task) = Bench::with_one_task_held(backend, "held").await;
    let [w1, w2] = b.workers[..] else { panic!() };

    assert!(matches!(
        b.reviews.deactivate(w1, w1).await,
        Err(PeopleError::SelfDeactivation)
    ));
    let returned = b.reviews.deactivate(w1, w2).await.unwrap();
    assert_eq!(returned, 1);
    // Back in the pool without waiting for the time limit, and the answer is refused.
    let retaken = b.claim(w2).await;
    assert_eq!(retaken.task_id, task.task_id);
    assert!(
        b.reviews
            .submit(task.task_id, w1, &json!({}), None)
            .await
            .is_err()
    );
    let user = b.store.find_user(w1).await.unwrap().unwrap();
    assert_eq!(user.deactivated_at, Some(T0));
    let policy = LoginPolicy {
        failure_delay: Duration::ZERO,
        ..LoginPolicy::default()
    };
    let denied = b
        .reviews
        .log_in(
            &policy,
            user.email.as_str(),
            "a long test password",
            "192.0.2.1",
        )
        .await;
    assert!(matches!(denied, Err(LoginError::Deactivated)), "{denied:?}");

    b.reviews.reactivate(w1).await.unwrap();
    // Sessions from before the deactivation stay ended; new ones are fine.
    let user = b.store.find_user(w1).await.unwrap().unwrap();
    assert!(user.is_active());
    assert!(!user.accepts_session_from(Timestamp::from_millis(T0.as_millis() - 1)));
    assert!(user.accepts_session_from(T0));
    assert!(
        b.reviews
            .log_in(
                &policy,
                user.email.as_str(),
                "a long test password",
                "192.0.2.1",
            )
            .await
            .is_ok()
    );
    assert!(matches!(
        b.reviews.reactivate(UserId(999_999)).await,
        Err(PeopleError::UnknownPerson)
    ));
}

test_on_both_backends!(
    loop_names_keep_their_case_and_are_unique_ignoring_it,
    an_output_leased_by_a_gone_instance_is_written_by_another,
    a_delivery_leased_by_a_gone_instance_goes_to_another,
    deactivating_a_worker_returns_their_tasks_at_once,
    a_deleted_task_ui_keeps_serving_its_flows_loops,
    outputs_survive_a_restart_and_a_failing_store,
    work_teams_have_settings_members_and_groups,
    a_loop_completes_when_task_count_distinct_workers_answered,
    starts_are_idempotent_and_conflicts_are_refused,
    loops_are_listed_by_name_prefix_and_page,
    concurrent_starts_share_commits_and_keep_their_own_outcomes,
    claims_never_double_book_under_contention,
    concurrent_claims_and_submits_keep_their_own_outcomes,
    submits_in_concurrent_batches_never_deadlock,
    a_retried_submit_succeeds_once_and_writes_nothing_more,
    queue_counts_are_per_worker,
    only_team_members_see_a_flow,
    a_task_past_its_time_limit_returns_to_the_pool,
    release_and_decline,
    frame_departures_are_kept_for_the_holder_only,
    an_expired_loop_fails_and_keeps_its_answers,
    stop_waits_for_holders_and_delete_needs_a_final_state,
    deleting_a_flow_stops_untouched_loops_and_waits_for_the_rest,
    public_crowd_work_records_cost_lines,
    rekognition_flows_start_loops_only_when_conditions_hold,
    invalid_flow_definitions_name_the_member,
);
