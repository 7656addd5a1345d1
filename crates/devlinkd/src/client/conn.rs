//! A blocking connection to the daemon: one `SOCK_SEQPACKET` socket (and, after a
//! `HELLO` with `SYNC`, its completion channel), driven by a private current-thread
//! runtime.

use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio_seqpacket::UnixSeqpacket;
use tokio_seqpacket::ancillary::OwnedAncillaryMessage;

use devlink_wire::transport::{Hello, TRANSPORT_VERSION, Transport};

use super::msg;

/// The largest datagram the daemon sends is 3 776 bytes; read with libmnl's 4 KiB.
const READ_SIZE: usize = 4096;

/// A connection to devlinkd.
#[derive(Debug)]
pub struct Connection {
    rt: Runtime,
    sock: UnixSeqpacket,
    sync: Option<UnixSeqpacket>,
}

impl Connection {
    /// Connect to the daemon at `path`.
    pub fn connect(path: &Path) -> io::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let sock = rt.block_on(UnixSeqpacket::connect(path))?;
        Ok(Self {
            rt,
            sock,
            sync: None,
        })
    }

    /// Send one datagram.
    pub fn send(&self, datagram: &[u8]) -> io::Result<()> {
        self.rt.block_on(self.sock.send(datagram)).map(|_| ())
    }

    /// Receive one datagram, waiting at most `timeout`.
    pub fn recv(&self, timeout: Duration) -> io::Result<Vec<u8>> {
        recv_on(&self.rt, &self.sock, timeout)
    }

    /// Receive one datagram from the completion channel.
    pub fn recv_sync(&self, timeout: Duration) -> io::Result<Vec<u8>> {
        let sync = self
            .sync
            .as_ref()
            .ok_or_else(|| io::Error::other("no completion channel"))?;
        recv_on(&self.rt, sync, timeout)
    }

    /// `HELLO` with `SYNC`: returns the daemon's `HELLO` reply; its completion channel
    /// (passed with `SCM_RIGHTS` on the reply) is kept for [`Connection::recv_sync`].
    pub fn hello_sync(&mut self, pid: Option<u32>, timeout: Duration) -> io::Result<Transport> {
        let hello = Transport::Hello(Hello {
            version: TRANSPORT_VERSION,
            sync: true,
            pid,
        });
        self.send(&msg::transport(1, &hello))?;
        let mut buf = vec![0u8; READ_SIZE];
        let mut space = [0u8; 64];
        let (n, fd) = self.rt.block_on(async {
            let fut = self.sock.recv_with_ancillary(&mut buf, &mut space);
            let (info, anc) = tokio::time::timeout(timeout, fut)
                .await
                .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
            let mut fd: Option<OwnedFd> = None;
            for m in anc.into_messages() {
                if let OwnedAncillaryMessage::FileDescriptors(fds) = m {
                    fd = fds.into_iter().next();
                }
            }
            Ok::<_, io::Error>((info.bytes_read(), fd))
        })?;
        let fd = fd.ok_or_else(|| io::Error::other("HELLO reply without a channel"))?;
        let channel = {
            let _guard = self.rt.enter();
            UnixSeqpacket::try_from(fd)?
        };
        self.sync = Some(channel);
        let reply = buf.get(..n).unwrap_or_default();
        Transport::parse(reply)
            .map(|(_, t)| t)
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

fn recv_on(rt: &Runtime, sock: &UnixSeqpacket, timeout: Duration) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; READ_SIZE];
    let info = rt.block_on(async {
        tokio::time::timeout(timeout, sock.recv(&mut buf))
            .await
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
    })?;
    if info.truncated() {
        return Err(io::Error::other("datagram longer than 4096 bytes"));
    }
    buf.truncate(info.bytes_read());
    Ok(buf)
}
