//! The wait between attempts to reach a daemon that went away (`dlctl --reconnect
//! monitor`, `dlctl watch --relist`): [`Backoff::MIN`] doubling to [`Backoff::MAX`], for
//! as long as it takes, so that a daemon being restarted is found within moments and
//! one that stays away is not hammered.

use std::io::ErrorKind;
use std::time::Duration;

/// The wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff(Duration);

impl Backoff {
    /// The first wait.
    pub(crate) const MIN: Duration = Duration::from_millis(20);
    /// The longest.
    pub(crate) const MAX: Duration = Duration::from_secs(2);

    pub(crate) const fn new() -> Self {
        Self(Self::MIN)
    }

    /// Sleep the current wait, and double it for the next time.
    pub(crate) fn pause(&mut self) {
        std::thread::sleep(self.next());
    }

    /// The current wait, doubling it (up to [`Backoff::MAX`]) for the next time; no sleep.
    fn next(&mut self) -> Duration {
        let wait = self.0;
        self.0 = (self.0 * 2).min(Self::MAX);
        wait
    }
}

/// Whether an I/O error of `kind` means the daemon's end of the connection is gone.
pub(crate) const fn connection_lost(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::NotConnected
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_maximum() {
        let mut b = Backoff::new();
        let waits: Vec<u64> = (0..10)
            .map(|_| u64::try_from(b.next().as_millis()).unwrap_or(u64::MAX))
            .collect();
        assert_eq!(
            waits,
            [20, 40, 80, 160, 320, 640, 1280, 2000, 2000, 2000],
            "milliseconds"
        );
    }
}
