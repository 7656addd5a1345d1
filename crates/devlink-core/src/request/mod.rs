//! Requests: what a client asks (`handle_request`), the replies and dumps it gets, and
//! the errno + extack of every rejection, with the kernel's semantics (one file per
//! object, mirroring `net/devlink/*.c`).

mod dev;
mod dispatch;
mod dpipe;
mod dump;
mod eswitch;
mod health;
mod info;
mod lend;
mod linecard;
mod notify;
mod param;
mod port;
mod port_fn;
mod rate;
mod region;
mod resource;
mod sb;
mod sb_dump;
mod selftests;
mod trap;
mod types;

pub use dispatch::{has_doit, has_dumpit, is_admin_cmd};
pub use dump::{DumpCursor, DumpStep};
pub use notify::NotifyFilter;
pub(crate) use sb_dump::{SbDump, sb_objects};
pub use selftests::SELFTEST_ID_FLASH;
pub(crate) use types::Warning;
pub use types::{Accepted, Rejection, Reply, Request, Response};
