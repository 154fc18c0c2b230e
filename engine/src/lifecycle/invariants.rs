//! The lifecycle's rules, tested without a database: worked examples, then random runs of
//! events against one loop (proptest) that check the invariants after every event.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::Ending;
use super::transitions::{
    self, Answer, LetGo, LoopState, Payment, Step, SubmitOutcome, TaskRefusal,
};
use crate::domain::accounts::UserId;
use crate::domain::arns::Account;
use crate::domain::clock::Timestamp;
use crate::domain::flows::{FlowDefinitionSpec, FlowDefinitionStatus, TaskLimits};
use crate::domain::loops::{
    FailureCode, FlowDefinition, FlowId, HumanLoop, HumanLoopStatus, LoopId, Task, TaskId,
    TaskStatus,
};
use crate::domain::names::{FlowDefinitionName, HumanLoopName};

const EXPIRES_AT: i64 = 20_000;
const TIME_LIMIT_MS: i64 = 3_000;
/// $0.036 per task on the public crowd: 36 thousandths of a dollar.
const PRICE_MILLIS: u64 = 36;

fn flow(task_count: u8, public: bool) -> FlowDefinition {
    let account = Account::new("us-west-2", "111122223333").unwrap();
    let mut config = json!({
        "WorkteamArn": "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/reviewers",
        "HumanTaskUiArn": "arn:aws:sagemaker:us-west-2:111122223333:human-task-ui/sentiment",
        "TaskTitle": "Review sentiment",
        "TaskDescription": "Choose the sentiment the text conveys",
        "TaskCount": task_count
    });
    if public {
        config["WorkteamArn"] =
            json!("arn:aws:sagemaker:us-west-2:394669845002:workteam/public-crowd/default");
        config["PublicWorkforceTaskPrice"] =
            json!({"AmountInUsd": {"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}});
    }
    let request = json!({
        "FlowDefinitionName": "sentiment-review",
        "HumanLoopConfig": config,
        "OutputConfig": {"S3OutputPath": "s3://bucket/a2i-results"},
        "RoleArn": "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-A2I"
    });
    FlowDefinition {
        id: FlowId(1),
        spec: FlowDefinitionSpec::parse(&request, &account, &TaskLimits::default()).unwrap(),
        status: FlowDefinitionStatus::Active,
        failure_reason: None,
        custom_conditions: None,
        created_at: Timestamp::from_millis(0),
    }
}

fn fresh_loop(task_count: u8) -> LoopState {
    let human_loop = HumanLoop {
        id: LoopId(1),
        name: HumanLoopName::parse("item-1").unwrap(),
        flow_id: FlowId(1),
        flow_name: FlowDefinitionName::parse("sentiment-review").unwrap(),
        status: HumanLoopStatus::InProgress,
        failure_code: None,
        failure_reason: None,
        input_content: r#"{"taskObject":"x"}"#.into(),
        content_classifiers: Vec::new(),
        activation: None,
        task_count,
        time_limit_ms: TIME_LIMIT_MS,
        created_at: Timestamp::from_millis(0),
        expires_at: Timestamp::from_millis(EXPIRES_AT),
        updated_at: Timestamp::from_millis(0),
        completed_at: None,
        output_uri: None,
    };
    let tasks = (1..=task_count)
        .map(|slot| Task {
            id: TaskId(i64::from(slot) + 100),
            loop_id: LoopId(1),
            slot,
            status: TaskStatus::Available,
            worker: None,
            accepted_at: None,
            deadline_at: None,
            submitted_at: None,
            time_spent_ms: None,
            answer: None,
        })
        .collect();
    LoopState { human_loop, tasks }
}

/// The state once `step` is written, as the store writes it: the model of `loop_state`.
fn after(state: &LoopState, step: &Step, now: Timestamp) -> LoopState {
    let mut next = state.clone();
    for change in &step.tasks {
        if let Some(task) = next.tasks.iter_mut().find(|t| t.id == change.task.id) {
            *task = change.task.clone();
        }
    }
    if let Some(status) = step.status {
        next.human_loop.status = status;
        next.human_loop.updated_at = now;
    }
    if let Some(ending) = &step.ending {
        let human_loop = &mut next.human_loop;
        human_loop.status = ending.status();
        human_loop.failure_code = ending.failure_code();
        human_loop.failure_reason = ending.failure_reason().map(str::to_owned);
        human_loop.completed_at = Some(now);
        human_loop.updated_at = now;
    }
    next
}

/// A loop under test, with what the store keeps beside it.
struct Run {
    state: LoopState,
    flow: FlowDefinition,
    declined: Vec<UserId>,
    payments: Vec<Payment>,
    now: Timestamp,
}

impl Run {
    fn new(task_count: u8, public: bool) -> Self {
        Self {
            state: fresh_loop(task_count),
            flow: flow(task_count, public),
            declined: Vec::new(),
            payments: Vec::new(),
            now: Timestamp::from_millis(1_000),
        }
    }

    fn apply(&mut self, step: &Step) {
        for change in &step.tasks {
            let before = self.state.task(change.task.id).expect("a task of the loop");
            assert_eq!(
                change.from, before.status,
                "a change starts from the task's status"
            );
        }
        if let Some(worker) = step.declined_by
            && !self.declined.contains(&worker)
        {
            self.declined.push(worker);
        }
        self.payments.extend(step.payment);
        self.state = after(&self.state, step, self.now);
    }

    /// Claims as the store does: the queue's offer, then the claim.
    fn claim(&mut self, worker: UserId) -> Option<TaskId> {
        let offer = self.state.offer_for(worker, &self.declined, self.now)?;
        let hold = transitions::claim(&offer, worker, self.now)?;
        let task = self.state.task(offer.task).unwrap().clone();
        let step = Step {
            tasks: vec![transitions::TaskChange {
                from: task.status,
                task: Task {
                    status: TaskStatus::Accepted,
                    worker: Some(hold.worker),
                    accepted_at: Some(hold.accepted_at),
                    deadline_at: Some(hold.deadline_at),
                    ..task
                },
            }],
            ..Step::default()
        };
        self.apply(&step);
        Some(offer.task)
    }

    fn held_by(&self, worker: UserId) -> Option<TaskId> {
        self.state
            .tasks
            .iter()
            .find(|t| t.worker == Some(worker) && t.status == TaskStatus::Accepted)
            .map(|t| t.id)
    }

    fn submit(
        &mut self,
        task: TaskId,
        worker: UserId,
        answer: &Value,
        may_work: bool,
    ) -> Result<SubmitOutcome, TaskRefusal> {
        let outcome = transitions::submit(
            &self.state,
            &self.flow,
            Answer {
                task,
                worker,
                answer,
                time_spent_ms: Some(1_200),
                now: self.now,
                may_work,
            },
        );
        if let Ok(SubmitOutcome::Accepted(step)) = &outcome {
            let step = step.clone();
            self.apply(&step);
        }
        outcome
    }

    fn run(&mut self, step: Option<Step>) -> bool {
        match step {
            Some(step) => {
                self.apply(&step);
                true
            }
            None => false,
        }
    }
}

#[test]
fn the_task_count_th_answer_completes_the_loop_and_each_is_paid() {
    let mut run = Run::new(2, true);
    let (ann, bob) = (UserId(1), UserId(2));
    let a = run.claim(ann).unwrap();
    let b = run.claim(bob).unwrap();
    assert_ne!(a, b);
    assert_eq!(run.claim(UserId(3)), None, "both tasks are held");
    let answer = json!({"sentiment": "positive"});
    assert!(matches!(
        run.submit(a, ann, &answer, true),
        Ok(SubmitOutcome::Accepted(_))
    ));
    assert_eq!(run.state.human_loop.status, HumanLoopStatus::InProgress);
    let Ok(SubmitOutcome::Accepted(last)) = run.submit(b, bob, &answer, true) else {
        panic!("the second answer is taken");
    };
    assert_eq!(last.ending, Some(Ending::Completed));
    assert_eq!(run.state.human_loop.status, HumanLoopStatus::Completed);
    assert_eq!(
        run.payments,
        vec![
            Payment {
                worker: ann,
                amount_millis: PRICE_MILLIS
            },
            Payment {
                worker: bob,
                amount_millis: PRICE_MILLIS
            }
        ]
    );
    let answers = run.state.answers_with(&[]);
    assert_eq!(
        answers.iter().map(|a| a.worker).collect::<Vec<_>>(),
        [ann, bob]
    );
}

#[test]
fn a_retried_submit_is_already_in_and_a_different_one_is_refused() {
    let mut run = Run::new(2, false);
    let ann = UserId(1);
    let task = run.claim(ann).unwrap();
    let answer = json!({"ok": true});
    run.submit(task, ann, &answer, true).unwrap();
    assert_eq!(
        run.submit(task, ann, &answer, true),
        Ok(SubmitOutcome::AlreadyIn)
    );
    assert_eq!(
        run.submit(task, ann, &json!({"ok": false}), true),
        Err(TaskRefusal::NotHeld)
    );
    assert_eq!(
        run.payments,
        vec![Payment {
            worker: ann,
            amount_millis: 0
        }],
        "private teams are paid 0, once"
    );
}

#[test]
fn the_deadline_is_the_time_limit_cut_short_by_the_expiry_and_late_answers_are_refused() {
    let mut run = Run::new(1, false);
    run.now = Timestamp::from_millis(EXPIRES_AT - 1_000);
    let task = run.claim(UserId(1)).unwrap();
    let held = run.state.task(task).unwrap();
    assert_eq!(held.deadline_at, Some(Timestamp::from_millis(EXPIRES_AT)));
    run.now = Timestamp::from_millis(EXPIRES_AT);
    assert_eq!(
        run.submit(task, UserId(1), &json!(1), true),
        Err(TaskRefusal::TimeUp)
    );
    assert_eq!(
        run.claim(UserId(2)),
        None,
        "nothing is offered once expired"
    );
}

#[test]
fn someone_removed_from_the_team_cannot_submit() {
    let mut run = Run::new(1, false);
    let task = run.claim(UserId(1)).unwrap();
    assert_eq!(
        run.submit(task, UserId(1), &json!(1), false),
        Err(TaskRefusal::NotHeld)
    );
    assert!(run.payments.is_empty());
}

#[test]
fn a_stop_waits_for_the_holder_whose_answer_ends_it_stopped() {
    let mut run = Run::new(3, false);
    let task = run.claim(UserId(1)).unwrap();
    assert!(run.run(transitions::stop(&run.state)));
    assert_eq!(run.state.human_loop.status, HumanLoopStatus::Stopping);
    assert_eq!(run.state.count(TaskStatus::Cancelled), 2);
    assert_eq!(run.claim(UserId(2)), None);
    assert_eq!(
        transitions::stop(&run.state),
        None,
        "stopping again changes nothing"
    );
    run.submit(task, UserId(1), &json!("late but in time"), true)
        .unwrap();
    assert_eq!(run.state.human_loop.status, HumanLoopStatus::Stopped);
    assert_eq!(run.state.answers_with(&[]).len(), 1);
}

#[test]
fn a_stop_with_nobody_working_stops_at_once() {
    let mut run = Run::new(2, false);
    let step = transitions::stop(&run.state).unwrap();
    assert_eq!(step.ending, Some(Ending::Stopped));
    run.apply(&step);
    assert_eq!(run.state.count(TaskStatus::Cancelled), 2);
}

#[test]
fn a_loop_declined_by_task_count_workers_expires() {
    let mut run = Run::new(2, false);
    let a = run.claim(UserId(1)).unwrap();
    let step = transitions::decline(&run.state, a, UserId(1), &run.declined, run.now).unwrap();
    assert_eq!(step.ending, None);
    run.apply(&step);
    assert_eq!(
        run.claim(UserId(1)),
        None,
        "a decliner is not offered the loop again"
    );
    let b = run.claim(UserId(2)).unwrap();
    let step = transitions::decline(&run.state, b, UserId(2), &run.declined, run.now).unwrap();
    assert_eq!(
        step.ending,
        Some(Ending::expired("2 workers declined the task"))
    );
    run.apply(&step);
    assert_eq!(run.state.count(TaskStatus::Expired), 2);
    assert_eq!(
        run.state.human_loop.failure_code,
        Some(FailureCode::Expired)
    );
}

#[test]
fn expiry_reports_the_answers_it_had_and_a_stopping_loop_stops_instead() {
    let mut run = Run::new(2, false);
    let task = run.claim(UserId(1)).unwrap();
    run.submit(task, UserId(1), &json!(1), true).unwrap();
    assert_eq!(transitions::expire(&run.state, run.now), None, "not yet");
    run.now = Timestamp::from_millis(EXPIRES_AT);
    let step = transitions::expire(&run.state, run.now).unwrap();
    assert_eq!(
        step.ending,
        Some(Ending::expired(
            "TaskAvailabilityLifetimeInSeconds passed with 1 answer(s) of the required TaskCount"
        ))
    );

    let mut stopping = Run::new(2, false);
    stopping.claim(UserId(1)).unwrap();
    stopping.run(transitions::stop(&stopping.state));
    stopping.now = Timestamp::from_millis(EXPIRES_AT);
    let step = transitions::expire(&stopping.state, stopping.now).unwrap();
    assert_eq!(step.ending, Some(Ending::Stopped));
    stopping.apply(&step);
    assert_eq!(stopping.state.count(TaskStatus::Cancelled), 2);
}

#[test]
fn a_timed_out_task_goes_back_to_the_pool_and_only_once_its_deadline_passed() {
    let mut run = Run::new(1, false);
    let task = run.claim(UserId(1)).unwrap();
    assert_eq!(
        transitions::let_go(&run.state, task, LetGo::TimeOut, run.now),
        None
    );
    run.now = Timestamp::from_millis(run.now.as_millis() + TIME_LIMIT_MS);
    assert!(run.run(transitions::let_go(
        &run.state,
        task,
        LetGo::TimeOut,
        run.now
    )));
    let back = run.state.task(task).unwrap();
    assert_eq!((back.status, back.worker), (TaskStatus::Available, None));
    assert_eq!(
        run.claim(UserId(1)),
        Some(task),
        "its holder may take it again"
    );
}

#[test]
fn only_untouched_loops_are_abandoned_and_only_ended_loops_deleted() {
    let run = Run::new(2, false);
    assert!(transitions::deletable(&run.state.human_loop).is_err());
    assert_eq!(
        transitions::abandon(&run.state).unwrap().ending,
        Some(Ending::Stopped)
    );
    let mut touched = Run::new(2, false);
    touched.claim(UserId(1));
    assert_eq!(transitions::abandon(&touched.state), None);
    touched.run(transitions::stop(&touched.state));
    let held = touched.held_by(UserId(1)).unwrap();
    touched.run(transitions::let_go(
        &touched.state,
        held,
        LetGo::Release(UserId(1)),
        touched.now,
    ));
    assert_eq!(touched.state.human_loop.status, HumanLoopStatus::Stopped);
    assert!(transitions::deletable(&touched.state.human_loop).is_ok());
}

/// One event in a random run; workers are 1 to 4.
#[derive(Debug, Clone)]
enum Event {
    Claim(i64),
    /// The worker answers the task they hold (or, when they hold none, the first task), with
    /// answer 0 or 1, still in the team or not.
    Submit(i64, u8, bool),
    Release(i64),
    Decline(i64),
    TimeOut,
    Expire,
    Stop,
    Abandon,
    Wait(i64),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => (1..=4i64).prop_map(Event::Claim),
        4 => (1..=4i64, 0..2u8, prop::bool::weighted(0.9))
            .prop_map(|(w, a, m)| Event::Submit(w, a, m)),
        1 => (1..=4i64).prop_map(Event::Release),
        1 => (1..=4i64).prop_map(Event::Decline),
        1 => Just(Event::TimeOut),
        1 => Just(Event::Expire),
        1 => Just(Event::Stop),
        1 => Just(Event::Abandon),
        2 => (0..4_000i64).prop_map(Event::Wait),
    ]
}

/// What must hold of a loop after any event.
fn check_state(run: &Run) {
    let state = &run.state;
    let human_loop = &state.human_loop;
    let task_count = usize::from(human_loop.task_count);
    let answers = state.count(TaskStatus::Submitted);
    assert!(answers <= task_count, "never more answers than TaskCount");
    let mut workers: Vec<UserId> = state.tasks.iter().filter_map(|t| t.worker).collect();
    let on_tasks = workers.len();
    workers.sort();
    workers.dedup();
    assert_eq!(workers.len(), on_tasks, "never one worker twice on a loop");
    for task in &state.tasks {
        if task.status == TaskStatus::Submitted {
            let (submitted, deadline) = (task.submitted_at.unwrap(), task.deadline_at.unwrap());
            assert!(submitted < deadline, "nothing submitted after the deadline");
            assert!(submitted < human_loop.expires_at);
        }
    }
    assert_eq!(
        run.payments.len(),
        answers,
        "one cost line per accepted answer, and only for those"
    );
    let open = state.count(TaskStatus::Available) + state.count(TaskStatus::Accepted);
    match human_loop.status {
        HumanLoopStatus::Completed => assert_eq!(answers, task_count),
        HumanLoopStatus::Stopping => {
            assert_eq!(state.count(TaskStatus::Available), 0);
            assert!(state.count(TaskStatus::Accepted) > 0);
        }
        HumanLoopStatus::InProgress => assert!(answers < task_count),
        HumanLoopStatus::Failed | HumanLoopStatus::Stopped => {}
    }
    if human_loop.status.is_terminal() {
        assert_eq!(open, 0, "an ended loop has no open task");
        assert!(human_loop.completed_at.is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn every_run_keeps_the_invariants(
        task_count in 1..=3u8,
        public in any::<bool>(),
        events in prop::collection::vec(event(), 1..40),
    ) {
        let mut run = Run::new(task_count, public);
        for event in events {
            let before = run.state.clone();
            let ended_before = before.human_loop.status.is_terminal();
            let changed = match event {
                Event::Claim(w) => run.claim(UserId(w)).is_some(),
                Event::Submit(w, a, may_work) => {
                    let worker = UserId(w);
                    let task = run.held_by(worker).unwrap_or(run.state.tasks[0].id);
                    let held = run.state.task(task).map(|t| (t.status, t.worker, t.deadline_at));
                    let outcome = run.submit(task, worker, &json!({"answer": a}), may_work);
                    if let Ok(SubmitOutcome::Accepted(step)) = &outcome {
                        // Only a holder in time and in the team gets an answer in.
                        let (status, holder, deadline) = held.unwrap();
                        prop_assert_eq!(status, TaskStatus::Accepted);
                        prop_assert_eq!(holder, Some(worker));
                        prop_assert!(deadline.unwrap() > run.now && may_work);
                        prop_assert_eq!(step.payment.map(|p| p.worker), Some(worker));
                        let expected = if public { PRICE_MILLIS } else { 0 };
                        prop_assert_eq!(step.payment.map(|p| p.amount_millis), Some(expected));
                    }
                    matches!(outcome, Ok(SubmitOutcome::Accepted(_)))
                }
                Event::Release(w) => {
                    let worker = UserId(w);
                    match run.held_by(worker) {
                        Some(task) => {
                            let step = transitions::let_go(&run.state, task, LetGo::Release(worker), run.now);
                            run.run(step)
                        }
                        None => false,
                    }
                }
                Event::Decline(w) => {
                    let worker = UserId(w);
                    match run.held_by(worker) {
                        Some(task) => {
                            let step = transitions::decline(&run.state, task, worker, &run.declined, run.now);
                            run.run(step)
                        }
                        None => false,
                    }
                }
                Event::TimeOut => {
                    let ids: Vec<TaskId> = run.state.tasks.iter().map(|t| t.id).collect();
                    let mut any = false;
                    for id in ids {
                        let step = transitions::let_go(&run.state, id, LetGo::TimeOut, run.now);
                        any |= run.run(step);
                    }
                    any
                }
                Event::Expire => {
                    let step = transitions::expire(&run.state, run.now);
                    run.run(step)
                }
                Event::Stop => {
                    let step = transitions::stop(&run.state);
                    run.run(step)
                }
                Event::Abandon => {
                    let step = transitions::abandon(&run.state);
                    run.run(step)
                }
                Event::Wait(ms) => {
                    run.now = Timestamp::from_millis(run.now.as_millis() + ms);
                    false
                }
            };
            if ended_before {
                prop_assert!(!changed, "an ended loop takes no answers and changes no more");
                prop_assert_eq!(&run.state, &before);
            }
            check_state(&run);
        }
    }
}
