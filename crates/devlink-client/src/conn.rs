//! A blocking connection to the daemon: one `SOCK_SEQPACKET` socket (and, after a
//! `HELLO` with `SYNC`, its completion channel). Plain blocking system calls through
//! `rustix`'s safe API: receive timeouts are `SO_RCVTIMEO`, and the completion channel
//! passed with `SCM_RIGHTS` arrives as an `OwnedFd`.

use std::io::{self, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::Duration;

use rustix::net::{
    AddressFamily, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags, SendFlags,
    SocketAddrUnix, SocketFlags, SocketType, sockopt,
};

use devlink_wire::transport::{Hello, TRANSPORT_VERSION, Transport};

use crate::msg;

/// The largest datagram the daemon sends is 3 776 bytes; read with libmnl's 4 KiB.
const READ_SIZE: usize = 4096;

/// A connection to devlinkd.
#[derive(Debug)]
pub struct Connection {
    sock: OwnedFd,
    sync: Option<OwnedFd>,
}

impl Connection {
    /// Connect to the daemon at `path`.
    pub fn connect(path: &Path) -> io::Result<Self> {
        let sock = rustix::net::socket_with(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )?;
        rustix::net::connect(&sock, &SocketAddrUnix::new(path)?)?;
        Ok(Self { sock, sync: None })
    }

    /// Send one datagram.
    pub fn send(&self, datagram: &[u8]) -> io::Result<()> {
        rustix::net::send(&self.sock, datagram, SendFlags::NOSIGNAL)?;
        Ok(())
    }

    /// Receive one datagram, waiting at most `timeout` (`ErrorKind::TimedOut` then).
    pub fn recv(&self, timeout: Duration) -> io::Result<Vec<u8>> {
        recv_on(&self.sock, timeout, None).map(|(dg, _)| dg)
    }

    /// Receive one datagram from the completion channel.
    pub fn recv_sync(&self, timeout: Duration) -> io::Result<Vec<u8>> {
        let sync = self
            .sync
            .as_ref()
            .ok_or_else(|| io::Error::other("no completion channel"))?;
        recv_on(sync, timeout, None).map(|(dg, _)| dg)
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
        let mut fd = None;
        let (reply, _) = recv_on(&self.sock, timeout, Some(&mut fd))?;
        let fd = fd.ok_or_else(|| io::Error::other("HELLO reply without a channel"))?;
        // The daemon's end of the pair is non-blocking, and the flag belongs to the
        // shared open file: make this end blocking (reads then wait up to SO_RCVTIMEO).
        rustix::io::ioctl_fionbio(&fd, false)?;
        self.sync = Some(fd);
        Transport::parse(&reply)
            .map(|(_, t)| t)
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

/// One datagram from `sock` within `timeout`; with `fd`, the first descriptor passed
/// along with it is stored there.
fn recv_on(
    sock: &OwnedFd,
    timeout: Duration,
    fd: Option<&mut Option<OwnedFd>>,
) -> io::Result<(Vec<u8>, ReturnFlags)> {
    // A zero timeout means "forever" to SO_RCVTIMEO.
    let timeout = timeout.max(Duration::from_micros(1));
    sockopt::set_socket_timeout(sock, sockopt::Timeout::Recv, Some(timeout))?;
    let mut buf = vec![0u8; READ_SIZE];
    let mut space = [MaybeUninit::<u8>::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let got = rustix::net::recvmsg(
        sock,
        &mut [IoSliceMut::new(&mut buf)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )
    .map_err(|e| match e {
        rustix::io::Errno::AGAIN => io::Error::from(io::ErrorKind::TimedOut),
        e => e.into(),
    })?;
    if let Some(slot) = fd {
        for m in control.drain() {
            if let RecvAncillaryMessage::ScmRights(mut fds) = m
                && slot.is_none()
            {
                *slot = fds.next();
            }
        }
    }
    if got.flags.contains(ReturnFlags::TRUNC) {
        return Err(io::Error::other("datagram longer than 4096 bytes"));
    }
    if got.bytes == 0 {
        // A SOCK_SEQPACKET read of 0 bytes: the daemon closed the connection (it never
        // sends an empty datagram). The returned flags are not empty then: the kernel
        // echoes MSG_CMSG_CLOEXEC, so they cannot tell EOF apart.
        return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
    }
    buf.truncate(got.bytes);
    Ok((buf, got.flags))
}
