//! Compilation jobs in storage, on a fresh SQLite file and a fresh PostgreSQL database: names are
//! unique ignoring case, the open-job limit holds, stop and delete follow the job's status, one
//! runner at a time holds a job, and a job whose runner died is taken up by another.

use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::compilation::jobs::MAX_ATTEMPTS;
use loupe_engine::domain::compilation::{
    CompilationJobSpec, CompilationJobStatus, RunOutcome, StopStep,
};
use loupe_engine::domain::instances::InstanceId;
use loupe_engine::domain::names::CompilationJobName;
use loupe_engine::store::{Backend, JobCreation, JobFilter, Store};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::TestDatabase;
use serde_json::json;

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_millis(T0.as_millis() + seconds * 1000)
}

fn spec(name: &str) -> CompilationJobSpec {
    CompilationJobSpec::parse(&json!({
        "CompilationJobName": name,
        "RoleArn": "arn:aws:iam::123456789012:role/NeoRole",
        "InputConfig": {"S3Uri": "s3://models/mlp.tar.gz", "Framework": "ONNX",
                        "DataInputConfig": "{\"input\": [1, 64]}"},
        "OutputConfig": {"S3OutputLocation": "s3://models/out", "TargetDevice": "sitara_am57x"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 900}
    }))
    .unwrap()
}

fn name(raw: &str) -> CompilationJobName {
    CompilationJobName::parse(raw).unwrap()
}

fn instance(raw: &str) -> InstanceId {
    InstanceId::parse(raw).unwrap()
}

async fn status_of(store: &dyn Store, job: &str) -> CompilationJobStatus {
    store
        .compilation_job(&name(job))
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn names_are_unique_ignoring_case_and_open_jobs_are_capped(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    assert_eq!(
        store
            .create_compilation_job(&spec("Edge-1"), T0, 2)
            .await
            .unwrap(),
        JobCreation::Created
    );
    assert_eq!(
        store
            .create_compilation_job(&spec("edge-1"), T0, 2)
            .await
            .unwrap(),
        JobCreation::NameTaken
    );
    let job = store
        .compilation_job(&name("EDGE-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.name().as_str(), "Edge-1", "kept as created");
    assert_eq!(job.status, CompilationJobStatus::Starting);
    assert_eq!(job.spec, spec("Edge-1"));
    assert_eq!(
        store
            .create_compilation_job(&spec("edge-2"), at(1), 2)
            .await
            .unwrap(),
        JobCreation::Created
    );
    assert_eq!(
        store
            .create_compilation_job(&spec("edge-3"), at(2), 2)
            .await
            .unwrap(),
        JobCreation::TooManyOpen(2)
    );
    // An ended job no longer counts.
    store
        .stop_compilation_job(&name("edge-2"), at(3))
        .await
        .unwrap();
    assert_eq!(
        store
            .create_compilation_job(&spec("edge-3"), at(4), 2)
            .await
            .unwrap(),
        JobCreation::Created
    );
    let all = store.compilation_jobs(&JobFilter::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    let stopped = store
        .compilation_jobs(&JobFilter {
            status: Some(CompilationJobStatus::Stopped),
            ..JobFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(stopped.len(), 1);
    assert_eq!(stopped[0].name.as_str(), "edge-2");
    let recent = store
        .compilation_jobs(&JobFilter {
            created_after: Some(at(1)),
            modified_before: Some(at(5)),
            ..JobFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].name.as_str(), "edge-3");
}

async fn a_run_goes_from_claim_to_completed_with_its_log(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let me = instance("runner-a:1");
    store.start_instance(&me, T0).await.unwrap();
    store
        .create_compilation_job(&spec("cnn"), T0, 10)
        .await
        .unwrap();
    let claimed = store
        .claim_compilation_job(&me, at(1), T0)
        .await
        .unwrap()
        .expect("a new job is free");
    assert_eq!(claimed.attempt, 1);
    assert_eq!(claimed.started_at, at(1));
    assert_eq!(claimed.spec, spec("cnn"));
    // Nobody else gets it while this runner beats.
    let other = instance("runner-b:1");
    store.start_instance(&other, at(1)).await.unwrap();
    assert!(
        store
            .claim_compilation_job(&other, at(2), T0)
            .await
            .unwrap()
            .is_none()
    );

    let status = store
        .record_compilation_progress(claimed.id, &me, Some("Optimising"), Some("optimising"))
        .await
        .unwrap();
    assert_eq!(status, Some(CompilationJobStatus::Inprogress));
    // Another runner cannot report on it.
    assert_eq!(
        store
            .record_compilation_progress(claimed.id, &other, Some("Writing"), None)
            .await
            .unwrap(),
        None
    );
    let job = store.compilation_job(&name("cnn")).await.unwrap().unwrap();
    assert_eq!(job.phase.as_deref(), Some("Optimising"));
    assert_eq!(job.claimed_by.as_deref(), Some("runner-a:1"));
    let outcome = RunOutcome::Compiled {
        artifact_digest: "sha256:abc".into(),
        manifest: json!({"target_device": "sitara_am57x"}),
        peak_memory_bytes: Some(42 << 20),
    };
    assert_eq!(
        store
            .finish_compilation_job(claimed.id, &other, &outcome, at(3))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .finish_compilation_job(claimed.id, &me, &outcome, at(3))
            .await
            .unwrap(),
        Some(CompilationJobStatus::Completed)
    );
    let job = store.compilation_job(&name("cnn")).await.unwrap().unwrap();
    assert_eq!(job.status, CompilationJobStatus::Completed);
    assert_eq!(job.started_at, Some(at(1)));
    assert_eq!(job.ended_at, Some(at(3)));
    assert_eq!(job.last_modified_at, at(3));
    assert_eq!(job.artifact_digest.as_deref(), Some("sha256:abc"));
    assert_eq!(job.manifest, Some(json!({"target_device": "sitara_am57x"})));
    assert_eq!(job.peak_memory_bytes, Some(42 << 20));
    assert_eq!(job.claimed_by, None);
    assert!(job.log.contains("claimed by runner-a:1") && job.log.contains("optimising"));
    assert!(job.log.ends_with("compiled\n"), "{}", job.log);
    // Ended: finishing again changes nothing.
    assert_eq!(
        store
            .finish_compilation_job(claimed.id, &me, &outcome, at(4))
            .await
            .unwrap(),
        None
    );
}

async fn stop_and_delete_follow_the_status(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let me = instance("runner-a:1");
    store.start_instance(&me, T0).await.unwrap();
    store
        .create_compilation_job(&spec("waiting"), T0, 10)
        .await
        .unwrap();
    store
        .create_compilation_job(&spec("running"), at(1), 10)
        .await
        .unwrap();
    assert!(
        store
            .stop_compilation_job(&name("nope"), at(1))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .delete_compilation_job(&name("nope"))
            .await
            .unwrap()
            .is_none()
    );

    // Not claimed yet: stopped at once, and then deletable.
    assert_eq!(
        store
            .stop_compilation_job(&name("waiting"), at(2))
            .await
            .unwrap(),
        Some(Ok(StopStep::StopNow))
    );
    assert_eq!(
        status_of(&*store, "waiting").await,
        CompilationJobStatus::Stopped
    );

    let claimed = store
        .claim_compilation_job(&me, at(3), T0)
        .await
        .unwrap()
        .unwrap();
    let refused = store
        .delete_compilation_job(&name("running"))
        .await
        .unwrap()
        .unwrap();
    assert!(refused.is_err(), "a running job is not deleted");
    assert_eq!(
        store
            .stop_compilation_job(&name("running"), at(4))
            .await
            .unwrap(),
        Some(Ok(StopStep::AskRunnerToStop))
    );
    assert_eq!(
        store
            .stop_compilation_job(&name("running"), at(5))
            .await
            .unwrap(),
        Some(Ok(StopStep::AlreadyStopping))
    );
    // The runner learns of the stop from its next report, and its result gives way to it.
    assert_eq!(
        store
            .record_compilation_progress(claimed.id, &me, Some("Verifying"), None)
            .await
            .unwrap(),
        Some(CompilationJobStatus::Stopping)
    );
    let outcome = RunOutcome::Stopped;
    assert_eq!(
        store
            .finish_compilation_job(claimed.id, &me, &outcome, at(6))
            .await
            .unwrap(),
        Some(CompilationJobStatus::Stopped)
    );
    let stopped = store
        .stop_compilation_job(&name("running"), at(7))
        .await
        .unwrap();
    assert_eq!(stopped, Some(Ok(StopStep::AlreadyStopping)));
    assert_eq!(
        store
            .delete_compilation_job(&name("RUNNING"))
            .await
            .unwrap(),
        Some(Ok(()))
    );
    assert!(
        store
            .compilation_job(&name("running"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .delete_compilation_job(&name("waiting"))
            .await
            .unwrap(),
        Some(Ok(()))
    );
}

async fn a_job_whose_runner_died_is_taken_up_and_fails_after_too_many_tries(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    store
        .create_compilation_job(&spec("fragile"), T0, 10)
        .await
        .unwrap();
    let mut started = None;
    for attempt in 1..=MAX_ATTEMPTS {
        let runner = instance(&format!("runner-{attempt}:1"));
        let now = at(attempt * 100);
        store.start_instance(&runner, now).await.unwrap();
        // Every runner before this one stopped beating 100 seconds ago.
        let claimed = store
            .claim_compilation_job(&runner, now, at(attempt * 100 - 10))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("attempt {attempt} claims the job"));
        assert_eq!(claimed.attempt, attempt);
        // MaxRuntimeInSeconds counts from the first start.
        assert_eq!(
            *started.get_or_insert(claimed.started_at),
            claimed.started_at
        );
    }
    let last = instance("runner-last:1");
    let now = at(1000);
    store.start_instance(&last, now).await.unwrap();
    assert!(
        store
            .claim_compilation_job(&last, now, at(990))
            .await
            .unwrap()
            .is_none()
    );
    let job = store
        .compilation_job(&name("fragile"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, CompilationJobStatus::Failed);
    assert!(
        job.failure_reason.contains("interrupted 3 times"),
        "{}",
        job.failure_reason
    );
    assert!(job.log.contains("again (attempt 3)"), "{}", job.log);
}

async fn a_restarted_runner_takes_its_own_job_back_and_a_dead_stop_is_stopped(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    let me = instance("runner-a:1");
    store.start_instance(&me, T0).await.unwrap();
    store
        .create_compilation_job(&spec("mine"), T0, 10)
        .await
        .unwrap();
    store
        .create_compilation_job(&spec("stopping"), at(1), 10)
        .await
        .unwrap();
    let first = store
        .claim_compilation_job(&me, at(2), T0)
        .await
        .unwrap()
        .unwrap();
    let second = store
        .claim_compilation_job(&me, at(2), T0)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first.id, second.id);
    store
        .stop_compilation_job(&name("stopping"), at(3))
        .await
        .unwrap();
    // The same instance starts again (a restart): what it ran is free again at once.
    store.start_instance(&me, at(4)).await.unwrap();
    let again = store
        .claim_compilation_job(&me, at(4), at(3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.attempt, 2);
    // The job being stopped is stopped, not run again.
    assert!(
        store
            .claim_compilation_job(&me, at(5), at(4))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        status_of(&*store, "stopping").await,
        CompilationJobStatus::Stopped
    );
}

async fn concurrent_runners_never_share_a_job(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let (store, _) = db.open().await;
    for i in 0..20 {
        store
            .create_compilation_job(&spec(&format!("job-{i}")), at(i), 100)
            .await
            .unwrap();
    }
    let mut runners = Vec::new();
    for r in 0..4 {
        // Replicas start one by one (starting is not what this test races).
        let me = instance(&format!("runner-{r}:1"));
        store.start_instance(&me, T0).await.unwrap();
        let store = store.clone();
        runners.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = loop {
                    match store.claim_compilation_job(&me, at(30), T0).await {
                        Ok(claimed) => break claimed,
                        Err(error) if error.is_transient() => continue,
                        Err(error) => panic!("{error}"),
                    }
                };
                match claimed {
                    Some(job) => mine.push(job.id),
                    None => break mine,
                }
            }
        }));
    }
    let mut all = Vec::new();
    for runner in runners {
        all.extend(runner.await.unwrap());
    }
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "a job was claimed twice");
    assert_eq!(all.len(), 20);
}

test_on_both_backends!(
    names_are_unique_ignoring_case_and_open_jobs_are_capped,
    a_run_goes_from_claim_to_completed_with_its_log,
    stop_and_delete_follow_the_status,
    a_job_whose_runner_died_is_taken_up_and_fails_after_too_many_tries,
    a_restarted_runner_takes_its_own_job_back_and_a_dead_stop_is_stopped,
    concurrent_runners_never_share_a_job,
);
