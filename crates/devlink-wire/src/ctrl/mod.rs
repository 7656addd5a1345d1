//! The generic netlink controller (`nlctrl`, family id 0x10) that every client asks
//! first: family lookup (`CTRL_CMD_GETFAMILY` → `CTRL_CMD_NEWFAMILY`) and the policy
//! dump (`CTRL_CMD_GETPOLICY`), plus the description of the devlink family a server
//! answers with. Kernel: `net/netlink/genetlink.c`, `net/netlink/policy.c`.

mod attrs;
mod consts;
mod devlink_family;
mod devlink_policy;
mod family;
mod message;
mod nlctrl_family;
mod policy;
mod policy_dump;

pub use consts::attr_kernel_name;
pub use devlink_family::*;
pub use family::*;
pub use message::*;
pub use nlctrl_family::*;
pub use policy::*;
pub use policy_dump::*;
