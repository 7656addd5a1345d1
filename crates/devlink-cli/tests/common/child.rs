//! `dlctl` as a long-running child process (`watch`, `monitor`) whose standard output
//! and error are collected line by line as it writes them.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::daemon::{DLCTL, Daemon};

/// How long a test waits for the child's output (a liveness bound).
pub(crate) const WAIT: Duration = Duration::from_secs(20);

type Lines = Arc<Mutex<Vec<String>>>;

/// A running `dlctl`; killed on drop.
pub(crate) struct Dlctl {
    pub(crate) child: Child,
    out: Lines,
    err: Lines,
    readers: Vec<JoinHandle<()>>,
    /// Standard output lines already handed out by [`Dlctl::until`].
    read: Cell<usize>,
}

impl Dlctl {
    /// `dlctl ARGS` against `d` (`DEVLINKD_SOCKET`).
    pub(crate) fn start(d: &Daemon, args: &[&str]) -> Self {
        let mut child = Command::new(DLCTL)
            .args(args)
            .env("DEVLINKD_SOCKET", &d.socket)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out, o) = collect(child.stdout.take().unwrap());
        let (err, e) = collect(child.stderr.take().unwrap());
        Self {
            child,
            out,
            err,
            readers: vec![o, e],
            read: Cell::new(0),
        }
    }

    /// Standard output so far.
    pub(crate) fn out(&self) -> Vec<String> {
        self.out.lock().unwrap().clone()
    }

    /// Standard error so far.
    pub(crate) fn err(&self) -> Vec<String> {
        self.err.lock().unwrap().clone()
    }

    /// The output lines after those handed out before, up to and including the first
    /// that starts with `prefix`.
    pub(crate) fn until(&self, prefix: &str) -> Vec<String> {
        let start = Instant::now();
        loop {
            let out = self.out();
            let from = self.read.get();
            let rest = out.get(from..).unwrap_or_default();
            if let Some(i) = rest.iter().position(|l| l.starts_with(prefix)) {
                self.read.set(from + i + 1);
                return rest.iter().take(i + 1).cloned().collect();
            }
            assert!(
                start.elapsed() < WAIT,
                "no {prefix:?} after:\n{}\nstderr: {:?}",
                rest.join("\n"),
                self.err()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait until standard error has `n` lines containing `what`.
    pub(crate) fn wait_err(&self, what: &str, n: usize) {
        let start = Instant::now();
        while self.err().iter().filter(|l| l.contains(what)).count() < n {
            assert!(
                start.elapsed() < WAIT,
                "no {what:?} on stderr: {:?}",
                self.err()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stop it; all it wrote to standard error.
    pub(crate) fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        self.err().iter().map(|l| format!("{l}\n")).collect()
    }
}

impl Drop for Dlctl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Read `r` line by line into a shared list, on a thread of its own.
fn collect(r: impl Read + Send + 'static) -> (Lines, JoinHandle<()>) {
    let lines = Lines::default();
    let l = lines.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            let Ok(line) = line else { break };
            l.lock().unwrap().push(line);
        }
    });
    (lines, reader)
}
