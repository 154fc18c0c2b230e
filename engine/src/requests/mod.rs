//! API requests read into typed values, with every broken member constraint reported the AWS
//! way. Flow definitions and task UIs parse their own Create requests ([`crate::domain::flows`],
//! [`crate::domain::task_uis`]); the runtime's, the work teams' and the
//! control plane's names and list pages are here.

pub mod control_plane;
pub mod human_loops;
pub mod workteams;
