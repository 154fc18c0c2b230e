//! API requests read into typed values, with every broken member constraint reported the AWS
//! way. Flow definitions and task UIs parse their own Create requests ([`crate::domain::flows`],
//! [`crate::domain::task_uis`]); the runtime's and the work teams' requests are here.

pub mod human_loops;
pub mod workteams;
