//! The life of a human loop and its tasks (spec 6.2, 6.3, 7), as pure functions.
//!
//! * [`transitions`]: what each event does to a loop and its tasks (claim, submit, release,
//!   decline, time-out, expiry, stop, a deleted flow) and the [`Step`] of writes it produces.
//! * [`Ending`]: how a loop ends.
//! * [`finish`]: what an ending leaves behind, `output.json` and the status-change event.
//!
//! The store only locks a loop, loads its [`LoopState`], asks a transition for the step and
//! writes it; every decision is made here, where it is tested without a database.
//!
//! Loupe's decisions where AWS is silent (docs/semantics.md, "Lifecycle"):
//! * A loop ends `Completed` when `TaskCount` distinct workers have submitted.
//! * A loop whose availability lifetime passes ends `Failed` with `Expired`; a loop that as many
//!   workers declined as it has tasks ends `Failed` with `Expired` too (Ground Truth's rule).
//! * Answers are never thrown away: a loop that ends `Failed` or `Stopped` with at least one
//!   answer still gets an `output.json` holding the answers it has, and its `HumanLoopOutput`.
//!   A loop with no answers has no output file.

mod ending;
pub mod finish;
pub mod transitions;

#[cfg(test)]
mod invariants;

pub use ending::Ending;
pub use finish::{
    FinishRecord, Finisher, LoopSnapshot, OutputFile, OutputFinisher, task_input, worker_id,
};
pub use transitions::{LetGo, LoopState, Payment, Step, SubmitOutcome, TaskChange, TaskRefusal};
