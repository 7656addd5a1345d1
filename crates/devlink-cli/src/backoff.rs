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
        std::thread::sleep(self.0);
        self.0 = (self.0 * 2).min(Self::MAX);
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
        let mut waits = vec![b.0];
        for _ in 0..10 {
            b.0 = (b.0 * 2).min(Backoff::MAX);
            waits.push(b.0);
        }
        assert_eq!(waits[1], Duration::from_millis(40));
        assert_eq!(*waits.last().unwrap_or(&Duration::ZERO), Backoff::MAX);
    }
}
