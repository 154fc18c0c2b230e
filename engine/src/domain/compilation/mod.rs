//! SageMaker Neo's model compilation jobs (spec 3.5), as plain types: what a caller asks for,
//! what Loupe's compiler serves, and the life of a job.
//!
//! * [`spec`]: a `CreateCompilationJob` request read into [`CompilationJobSpec`].
//! * [`targets`]: every `TargetDevice` and `TargetPlatform`, and the CPU each is compiled for.
//! * [`frameworks`]: `Framework`, and which model files the compiler reads.
//! * [`data_input`]: `DataInputConfig`'s three forms.
//! * [`jobs`]: the stored job, its status, and the rules for stopping, deleting and finishing.
//! * [`listing`]: `ListCompilationJobs`' filters, sort and pages.

pub mod data_input;
pub mod frameworks;
pub mod jobs;
pub mod listing;
pub mod spec;
pub mod targets;

pub use data_input::{InputShape, InputShapes};
pub use frameworks::{Framework, ModelFormat};
pub use jobs::{
    CompilationJob, CompilationJobStatus, CompilationJobSummary, RunOutcome, StatusRefusal,
    StopStep,
};
pub use listing::JobQuery;
pub use spec::CompilationJobSpec;
pub use targets::{CpuArch, Serving, Target, TargetDevice, TargetPlatform};
