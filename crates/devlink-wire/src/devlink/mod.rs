//! Typed devlink message bodies, one file per object (mirroring `net/devlink/*.c`).

pub mod body;
pub mod dev;
pub mod dpipe;
pub mod eswitch;
pub mod flash;
pub mod handle;
pub mod info;
pub mod notify;
pub mod reload;
pub mod resource;
pub mod sb;
pub mod selftests;
pub mod trap;

pub use body::*;
pub use dev::*;
pub use dpipe::*;
pub use eswitch::*;
pub use flash::*;
pub use handle::*;
pub use info::*;
pub use notify::*;
pub use reload::*;
pub use resource::*;
pub use sb::*;
pub use selftests::*;
pub use trap::*;
