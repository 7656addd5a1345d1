//! Waiting for a child process with a deadline, so that a test fails instead of hanging.
//! Shared by the tests of `devlinkd`, `devlink-cli` and `devlink-preload` (`#[path]`).

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// Wait for `child` at most `t`; kill it and return None if it runs longer.
pub fn wait_timeout(child: &mut Child, t: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        if start.elapsed() > t {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
