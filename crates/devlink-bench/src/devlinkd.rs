//! Workloads against a running devlinkd: registration storms fanned out to N `config`
//! subscribers, param churn at a fixed rate for latency, and a port dump.

use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use devlink_client::{SimClient, msg};
use devlink_wire::devlink::{Handle, ParamValue, PortGetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::simctl::{NewDevice, Register};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{Membership, SetOpt, Transport, opt};
use rustix::net::{AddressFamily, SendFlags, SocketAddrUnix, SocketFlags, SocketType, sockopt};

use crate::daemon::Daemon;
use crate::recv::{self, DEVLINK_FAMILY, Framing};
use crate::{Fanout, clock_ns, pace};

/// devlink's multicast group `config`.
const CONFIG: u32 = 2;
/// How long any single read may wait before the run is declared stuck.
const STALL: Duration = Duration::from_secs(30);
/// `NLMSG_ERROR`, `NLMSG_DONE`.
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

/// One subscriber: a connection joined to `config`, its backlog raised to the daemon's
/// cap, left non-blocking for [`recv::receive`].
pub(crate) fn subscriber(path: &Path) -> Result<OwnedFd> {
    let fd = connect(path)?;
    let rcvbuf = Transport::SetOpt(SetOpt {
        opt: opt::SO_RCVBUF,
        value: 1 << 30,
        errno: None,
    });
    expect_ok(&fd, &rcvbuf)?;
    let join = Transport::Membership(Membership {
        group: CONFIG,
        drop: false,
        errno: None,
    });
    expect_ok(&fd, &join)?;
    rustix::io::ioctl_fionbio(&fd, true)?;
    Ok(fd)
}

/// The registration storm: `rounds` times, a simulated device with `ports` ports
/// registers (register last: instance `NEW`, then every object's replay) and is deleted
/// (every object's `DEL`, then the instance's), fanned out to `subs` subscribers.
pub(crate) fn fanout(d: &Daemon, subs: usize, ports: u32, rounds: u32) -> Result<Fanout> {
    let socks = (0..subs)
        .map(|_| subscriber(d.socket()))
        .collect::<Result<Vec<_>>>()?;
    let mut sim = SimClient::connect(d.socket())?;
    let cpu0 = d.cpu()?;
    let start = Instant::now();
    let stats = std::thread::scope(|s| -> Result<_> {
        let rx = s.spawn(|| {
            recv::receive(
                &socks,
                Framing::Netlink {
                    dels: u64::from(rounds),
                },
                STALL,
            )
        });
        for _ in 0..rounds {
            storm_round(&mut sim, ports)?;
        }
        rx.join()
            .map_err(|_| anyhow::anyhow!("receiver panicked"))?
    })?;
    let cpu = d.cpu()?.saturating_sub(cpu0);
    Ok(Fanout::from_stats(&stats, start, Some(cpu)))
}

/// The datagrams one subscriber receives for one round of the storm (not timed): the
/// raw baseline replays exactly these.
pub(crate) fn capture(d: &Daemon, ports: u32) -> Result<Vec<Vec<u8>>> {
    let fd = subscriber(d.socket())?;
    rustix::io::ioctl_fionbio(&fd, false)?;
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Recv, Some(STALL))?;
    let mut sim = SimClient::connect(d.socket())?;
    let mut out = Vec::new();
    std::thread::scope(|s| -> Result<()> {
        let rx = s.spawn(|| -> Result<Vec<Vec<u8>>> {
            let mut got = Vec::new();
            loop {
                let dg = recv_one(&fd)?;
                let end = recv::netlink_messages(&dg)
                    .any(|(ty, cmd, _)| ty == DEVLINK_FAMILY && cmd == recv::CMD_DEL);
                got.push(dg);
                if end {
                    return Ok(got);
                }
            }
        });
        storm_round(&mut sim, ports)?;
        out = rx
            .join()
            .map_err(|_| anyhow::anyhow!("receiver panicked"))??;
        Ok(())
    })?;
    Ok(out)
}

/// Notification latency under param churn: `n` `PARAM_SET`s (`max_macs` of a simulated
/// device, cmode driverinit, a new value each time) at `rate` per second; each
/// `PARAM_NEW` a subscriber receives is matched to its request by order (the daemon
/// keeps one total order) and timed from just before the request's `send` to its
/// receipt, on `CLOCK_MONOTONIC` in this process. Returns the latencies (ns) and the
/// size of one `PARAM_NEW`.
pub(crate) fn latency(d: &Daemon, rate: u32, n: usize) -> Result<(Vec<u64>, usize)> {
    let mut sim = SimClient::connect(d.socket())?;
    sim.new_device(NewDevice {
        id: 7,
        ports: Some(1),
        ..NewDevice::default()
    })?;
    let handle = Handle::new("netdevsim", "netdevsim7");
    let sub = subscriber(d.socket())?;
    rustix::io::ioctl_fionbio(&sub, false)?;
    sockopt::set_socket_timeout(&sub, sockopt::Timeout::Recv, Some(STALL))?;
    let req = connect(d.socket())?;
    let requests: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let seq = u32::try_from(i).unwrap_or(u32::MAX).wrapping_add(1);
            // Values alternate far from the default, so that each set is a change.
            msg::param_set(
                DEVLINK_FAMILY,
                0,
                seq,
                &handle,
                "max_macs",
                ParamValue::U32(seq),
            )
        })
        .collect();
    let sent: Arc<Vec<AtomicU64>> = Arc::new((0..n).map(|_| AtomicU64::new(0)).collect());
    let base = Instant::now();
    std::thread::scope(|s| -> Result<(Vec<u64>, usize)> {
        let sent_rx = Arc::clone(&sent);
        let rx = s.spawn(move || -> Result<(Vec<u64>, usize)> {
            let mut lat = Vec::with_capacity(n);
            let mut size = 0;
            while lat.len() < n {
                let dg = recv_one(&sub)?;
                let now = clock_ns(base);
                for (ty, cmd, m) in recv::netlink_messages(&dg) {
                    if ty == DEVLINK_FAMILY && cmd == Cmd::ParamNew as u8 {
                        let t = sent_rx.get(lat.len()).context("extra PARAM_NEW")?;
                        lat.push(now.saturating_sub(t.load(Ordering::Acquire)));
                        size = m.len();
                    }
                }
            }
            Ok((lat, size))
        });
        let t0 = Instant::now();
        for (i, r) in requests.iter().enumerate() {
            pace(t0, i, rate);
            if let Some(slot) = sent.get(i) {
                slot.store(clock_ns(base), Ordering::Release);
            }
            rustix::net::send(&req, r, SendFlags::NOSIGNAL)?;
        }
        rx.join()
            .map_err(|_| anyhow::anyhow!("receiver panicked"))?
    })
}

/// What a port dump measured.
#[derive(Debug, Clone)]
pub(crate) struct Dump {
    /// Wall time of each repetition, request sent to `NLMSG_DONE` read.
    pub(crate) times: Vec<Duration>,
    /// Bytes and messages of one dump.
    pub(crate) bytes: u64,
    pub(crate) msgs: u64,
    /// The datagrams of one dump (for the raw replay).
    pub(crate) datagrams: Vec<Vec<u8>>,
    /// The daemon's `VmRSS` (KiB) before the device was created and after its dump.
    pub(crate) rss_before: u64,
    pub(crate) rss_after: u64,
}

/// Create a simulated device with `ports` ports, then dump all ports `reps` times
/// (`devlink port show`) after one untimed warm-up that captures the datagrams.
pub(crate) fn dump(d: &Daemon, ports: u32, reps: usize) -> Result<Dump> {
    let rss_before = d.rss_kib()?;
    let mut sim = SimClient::connect(d.socket())?;
    sim.new_device(NewDevice {
        id: 3,
        ports: Some(ports),
        ..NewDevice::default()
    })?;
    let fd = connect(d.socket())?;
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Recv, Some(STALL))?;
    let get = DevlinkBody::from(PortGetReq::default());
    let mut datagrams = Vec::new();
    let (mut bytes, mut msgs) = (0, 0);
    let mut times = Vec::new();
    for rep in 0..=reps {
        let seq = u32::try_from(rep).unwrap_or(0) + 1;
        let req = msg::devlink_request(
            DEVLINK_FAMILY,
            NLM_F_ACK | NLM_F_DUMP,
            seq,
            Cmd::PortGet,
            get.clone(),
        );
        let t = Instant::now();
        rustix::net::send(&fd, &req, SendFlags::NOSIGNAL)?;
        let (b, m) = read_dump(&fd, (rep == 0).then_some(&mut datagrams))?;
        if rep == 0 {
            (bytes, msgs) = (b, m);
        } else {
            times.push(t.elapsed());
        }
    }
    ensure!(
        msgs > u64::from(ports),
        "the dump had {msgs} messages for {ports} ports"
    );
    Ok(Dump {
        times,
        bytes,
        msgs,
        datagrams,
        rss_before,
        rss_after: d.rss_kib()?,
    })
}

/// Read one dump up to its `NLMSG_DONE`: bytes and messages; the datagrams are kept in
/// `keep` if given.
pub(crate) fn read_dump(fd: &OwnedFd, mut keep: Option<&mut Vec<Vec<u8>>>) -> Result<(u64, u64)> {
    let (mut bytes, mut msgs) = (0u64, 0u64);
    let mut buf = vec![0u8; 8192];
    loop {
        let (n, _) = rustix::net::recv(fd, &mut buf[..], rustix::net::RecvFlags::empty())?;
        let dg = buf.get(..n).unwrap_or_default();
        let mut done = false;
        for (ty, _, m) in recv::netlink_messages(dg) {
            bytes += m.len() as u64;
            msgs += 1;
            match ty {
                NLMSG_DONE => done = true,
                NLMSG_ERROR => bail!("the dump failed"),
                _ => {}
            }
        }
        if let Some(k) = keep.as_deref_mut() {
            k.push(dg.to_vec());
        }
        if done {
            return Ok((bytes, msgs));
        }
    }
}

fn storm_round(sim: &mut SimClient, ports: u32) -> Result<()> {
    sim.new_device(NewDevice {
        id: 1,
        ports: Some(ports),
        register: Some(Register::Last),
        ..NewDevice::default()
    })?;
    sim.del_device(1)?;
    Ok(())
}

fn connect(path: &Path) -> Result<OwnedFd> {
    let fd = rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )?;
    rustix::net::connect(&fd, &SocketAddrUnix::new(path)?)?;
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Recv, Some(STALL))?;
    Ok(fd)
}

/// Send a transport op in-band and check its reply says done.
fn expect_ok(fd: &OwnedFd, t: &Transport) -> Result<()> {
    rustix::net::send(fd, &msg::transport(1, t), SendFlags::NOSIGNAL)?;
    let reply = recv_one(fd)?;
    match Transport::parse(&reply) {
        Ok((_, Transport::SetOpt(SetOpt { errno: Some(0), .. })))
        | Ok((_, Transport::Membership(Membership { errno: Some(0), .. }))) => Ok(()),
        other => bail!("transport op {t:?} answered {other:?}"),
    }
}

fn recv_one(fd: &OwnedFd) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; 8192];
    let (n, _) = rustix::net::recv(fd, &mut buf[..], rustix::net::RecvFlags::empty())
        .context("receiving from devlinkd")?;
    buf.truncate(n);
    Ok(buf)
}
