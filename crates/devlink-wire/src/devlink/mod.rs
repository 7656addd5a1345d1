//! Typed devlink message bodies, one file per object (mirroring `net/devlink/*.c`).

pub mod body;
pub mod dev;
pub mod fmsg;
pub mod handle;
pub mod health;
pub mod linecard;
pub mod param;
pub mod port;
pub mod port_req;
pub mod rate;
pub mod region;
pub mod region_req;

pub use body::*;
pub use dev::*;
pub use fmsg::*;
pub use handle::*;
pub use health::*;
pub use linecard::*;
pub use param::*;
pub use port::*;
pub use port_req::*;
pub use rate::*;
pub use region::*;
pub use region_req::*;
