//! iproute2 `devlink`'s output, from decoded devlink messages: the `show` commands and
//! `monitor`, in text, `-j` and `-j -p`, byte for byte as iproute2 6.x prints them.
//!
//! One file per object (mirroring devlink.c's `pr_out_*` functions, named in each
//! renderer's doc); `printer` holds the shared output state and `json_print.c`'s
//! helpers, `json_writer` iproute2's JSON writer.

mod command;
mod dev;
mod dpipe;
mod flash;
mod fmsg;
mod health;
mod info;
mod json_writer;
mod linecard;
mod monitor;
mod names;
mod param;
mod port;
mod printer;
mod rate;
mod region;
mod reload;
mod resource;
mod sb;
mod sb_occ;
mod selftests;
mod time;
mod trap;
mod watch;

pub use command::{Rendered, ShowCmd, ShowError, render_show};
pub use monitor::{Monitor, MonitorError, event_names, monitor_objects};
pub use param::PARAM_VAL_CONV;
pub use printer::{NetdevName, Options};
pub use sb_occ::{OccItem, OccPort, render_occupancy};
pub use time::TimeCtx;
pub use watch::{render_bookmark, render_cancelled, render_event, render_relist, render_snapshot};
