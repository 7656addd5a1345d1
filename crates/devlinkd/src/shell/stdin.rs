//! `--exit-on-stdin-eof`: the daemon shuts down when its standard input, a pipe, reaches
//! end-of-file. A parent that starts the daemon with a pipe on its stdin and keeps the
//! other end (the benchmark, a test harness) takes the daemon with it however it ends,
//! `SIGKILL` included: the kernel closes the parent's end, the daemon reads end-of-file
//! and shuts down as on `SIGTERM` (removing its socket file).

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use tokio::net::unix::pipe;

/// Standard input, watched for end-of-file.
#[derive(Debug)]
pub struct StdinWatch(pipe::Receiver);

impl StdinWatch {
    /// Watch a duplicate of descriptor 0, which tokio makes non-blocking (the pipe's read
    /// end is the daemon's alone). Call inside the runtime.
    ///
    /// # Errors
    /// Standard input is not the read end of a pipe.
    pub fn new() -> io::Result<Self> {
        let fd: OwnedFd = io::stdin().as_fd().try_clone_to_owned()?;
        pipe::Receiver::from_owned_fd(fd)
            .map(Self)
            .map_err(|e| io::Error::new(e.kind(), format!("standard input must be a pipe: {e}")))
    }

    /// Completes at end-of-file (or on a read error); what is read before is discarded.
    pub async fn closed(self) {
        let mut buf = [0u8; 512];
        loop {
            if self.0.readable().await.is_err() {
                return;
            }
            match self.0.try_read(&mut buf) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
        }
    }
}
