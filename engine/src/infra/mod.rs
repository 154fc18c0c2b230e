//! Machinery the services run on: batching writes into shared transactions, and the server
//! instances whose heartbeats bound the leases on background work.

pub mod group_commit;
pub mod heartbeat;
