//! [`AsyncConnection`]: one `SOCK_SEQPACKET` connection driven by a reader task. Each
//! request gets its own sequence number; the reader routes the replies carrying it back
//! to that request (up to its ACK, error or `NLMSG_DONE`), and every message with
//! sequence number 0 — `devlink` notifications, watch events — to the unsolicited queue.
//! Clones share the connection; the socket closes when the last clone is dropped.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_seqpacket::UnixSeqpacket;

use devlink_wire::ctrl::{CtrlBody, CtrlMessage};
use devlink_wire::message::{DevlinkBody, Families, Message, Payload};
use devlink_wire::nl::Messages;
use devlink_wire::nl::flags::NLM_F_ACK;
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{DEVLINKD_NLMSG_TRANSPORT, Membership, SetOpt, Transport, opt};

use crate::msg;
use crate::sim::{ClientError, ack_of};

/// The largest datagram the daemon sends is 3 776 bytes; read with libmnl's 4 KiB.
const READ_SIZE: usize = 4096;

/// How many unsolicited messages wait before the reader stops reading the socket (and
/// the daemon's own bounds take over: a watch is cancelled, notifications overrun).
pub const DEFAULT_QUEUE: usize = 1024;

/// The devlink family's name.
const DEVLINK_GENL_NAME: &str = "devlink";

/// An async connection to devlinkd. Cheap to clone: clones share the socket.
#[derive(Debug, Clone)]
pub struct AsyncConnection {
    sock: Arc<UnixSeqpacket>,
    routes: Arc<Mutex<Routes>>,
    seq: Arc<AtomicU32>,
    devlink: Arc<OnceLock<u16>>,
    unsolicited: Arc<Mutex<Option<mpsc::Receiver<Message>>>>,
    _reader: Arc<Reader>,
}

/// A reply, or why one could not be read.
type Routed = Result<Message, ClientError>;

/// Where the reader sends what it reads.
#[derive(Debug, Default)]
struct Routes {
    /// Requests waiting for replies, by sequence number.
    pending: HashMap<u32, mpsc::UnboundedSender<Routed>>,
    /// Messages with sequence number 0.
    unsolicited: Option<mpsc::Sender<Message>>,
    /// The connection is gone: no request can wait for a reply any more.
    closed: bool,
}

/// The reader task, aborted when the last clone of the connection goes.
#[derive(Debug)]
struct Reader(JoinHandle<()>);

impl Drop for Reader {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl AsyncConnection {
    /// Connect to the daemon at `path` with [`DEFAULT_QUEUE`] unsolicited messages of
    /// room.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (the reader is a task).
    pub async fn connect(path: &Path) -> Result<Self, ClientError> {
        Self::connect_with(path, DEFAULT_QUEUE).await
    }

    /// Connect to the daemon at `path`, set the socket up as iproute2 does
    /// (`NETLINK_CAP_ACK`, `NETLINK_EXT_ACK`) and resolve the devlink family. At most
    /// `queue` unsolicited messages wait to be read (at least 1); while that queue is
    /// full the socket is not read, replies included.
    pub async fn connect_with(path: &Path, queue: usize) -> Result<Self, ClientError> {
        let sock = Arc::new(UnixSeqpacket::connect(path).await?);
        let (tx, rx) = mpsc::channel(queue.max(1));
        let routes = Arc::new(Mutex::new(Routes {
            unsolicited: Some(tx),
            ..Routes::default()
        }));
        let devlink = Arc::new(OnceLock::new());
        let reader = tokio::spawn(read_loop(sock.clone(), routes.clone(), devlink.clone()));
        let conn = Self {
            sock,
            routes,
            seq: Arc::new(AtomicU32::new(0)),
            devlink,
            unsolicited: Arc::new(Mutex::new(Some(rx))),
            _reader: Arc::new(Reader(reader)),
        };
        for o in [opt::NETLINK_CAP_ACK, opt::NETLINK_EXT_ACK] {
            let set = Transport::SetOpt(SetOpt {
                opt: o,
                value: 1,
                errno: None,
            });
            match conn.transport(&set).await? {
                Transport::SetOpt(SetOpt { errno: Some(0), .. }) => {}
                other => return Err(ClientError::Protocol(format!("{other:?}"))),
            }
        }
        let id = conn.family(DEVLINK_GENL_NAME).await?;
        let _ = conn.devlink.set(id);
        Ok(conn)
    }

    /// The unsolicited messages (sequence number 0), in the order they came; `None`
    /// after the first call. Closed when the connection is lost.
    pub fn take_unsolicited(&self) -> Option<mpsc::Receiver<Message>> {
        lock(&self.unsolicited).take()
    }

    /// The devlink family's id.
    #[must_use]
    pub fn devlink_family(&self) -> u16 {
        self.devlink.get().copied().unwrap_or_default()
    }

    /// Send the request `build` makes with the sequence number it is given, and read
    /// its replies up to its ACK, error or `NLMSG_DONE` (a dump's parts all come); the
    /// replies before that, in order. A transport request ends with its one reply. No
    /// timeout of its own: wrap it in `tokio::time::timeout` for one.
    pub async fn request(
        &self,
        build: impl FnOnce(u32) -> Vec<u8>,
    ) -> Result<Vec<Message>, ClientError> {
        let (seq, mut rx) = self.route()?;
        // Removes the route however this future ends (dropped half-way included).
        let _route = Route {
            routes: &self.routes,
            seq,
        };
        let datagram = build(seq);
        if datagram.is_empty() {
            return Err(ClientError::Protocol("the request does not encode".into()));
        }
        self.sock.send(&datagram).await?;
        collect(&mut rx).await
    }

    /// A devlink request (`NLM_F_ACK` is added to `flags`): the bodies of its replies.
    pub async fn devlink(
        &self,
        flags: u16,
        cmd: Cmd,
        body: DevlinkBody,
    ) -> Result<Vec<DevlinkBody>, ClientError> {
        let family = self.devlink_family();
        let replies = self
            .request(|seq| msg::devlink_request(family, NLM_F_ACK | flags, seq, cmd, body))
            .await?;
        Ok(replies
            .into_iter()
            .filter_map(|m| match m.payload {
                Payload::Devlink(d) => Some(d.body),
                _ => None,
            })
            .collect())
    }

    /// The id of the generic-netlink family `name` (`CTRL_CMD_GETFAMILY`).
    pub async fn family(&self, name: &'static str) -> Result<u16, ClientError> {
        let replies = self
            .request(|seq| msg::get_family(NLM_F_ACK, seq, name))
            .await;
        let replies = match replies {
            Err(ClientError::Nl { errno: 2, .. }) => return Err(ClientError::NoFamily(name)),
            r => r?,
        };
        replies
            .iter()
            .find_map(|m| match &m.payload {
                Payload::Ctrl(CtrlMessage {
                    body: CtrlBody::NewFamily(f),
                    ..
                }) => Some(f.id),
                _ => None,
            })
            .ok_or(ClientError::NoFamily(name))
    }

    /// A transport request (`docs/transport.md`) and its reply.
    pub async fn transport(&self, t: &Transport) -> Result<Transport, ClientError> {
        let replies = self.request(|seq| msg::transport(seq, t)).await?;
        replies
            .iter()
            .find_map(transport_of)
            .ok_or_else(|| ClientError::Protocol("no transport reply".into()))
    }

    /// Join multicast group `group` (devlink's "config" is 2): its notifications come
    /// as unsolicited messages.
    pub async fn join(&self, group: u32) -> Result<(), ClientError> {
        let join = Transport::Membership(Membership {
            group,
            drop: false,
            errno: None,
        });
        match self.transport(&join).await? {
            Transport::Membership(Membership { errno: Some(0), .. }) => Ok(()),
            Transport::Membership(Membership {
                errno: Some(errno), ..
            }) => Err(ClientError::Nl {
                errno: i32::try_from(errno).unwrap_or(i32::MAX),
                ext: Box::default(),
            }),
            other => Err(ClientError::Protocol(format!("{other:?}"))),
        }
    }

    /// A fresh sequence number (never 0) and the queue its replies come to.
    fn route(&self) -> Result<(u32, mpsc::UnboundedReceiver<Routed>), ClientError> {
        let mut routes = lock(&self.routes);
        if routes.closed {
            return Err(closed());
        }
        let mut seq = 0;
        while seq == 0 || routes.pending.contains_key(&seq) {
            seq = self.seq.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        }
        let (tx, rx) = mpsc::unbounded_channel();
        routes.pending.insert(seq, tx);
        Ok((seq, rx))
    }
}

/// A request's route, removed when the request ends.
struct Route<'a> {
    routes: &'a Mutex<Routes>,
    seq: u32,
}

impl Drop for Route<'_> {
    fn drop(&mut self) {
        lock(self.routes).pending.remove(&self.seq);
    }
}

/// The replies of one request up to its end.
async fn collect(rx: &mut mpsc::UnboundedReceiver<Routed>) -> Result<Vec<Message>, ClientError> {
    let mut replies = Vec::new();
    loop {
        let m = rx.recv().await.ok_or_else(closed)??;
        if let Some(result) = ack_of(&m) {
            return result.map(|()| replies);
        }
        let transport = m.header.ty == DEVLINKD_NLMSG_TRANSPORT;
        replies.push(m);
        if transport {
            return Ok(replies);
        }
    }
}

/// Whether a message ends the request it answers.
fn ends_request(m: &Message) -> bool {
    m.header.ty == DEVLINKD_NLMSG_TRANSPORT || ack_of(m).is_some()
}

/// The transport message `m` carries.
fn transport_of(m: &Message) -> Option<Transport> {
    match &m.payload {
        Payload::Other(p) if m.header.ty == DEVLINKD_NLMSG_TRANSPORT => Transport::decode(p).ok(),
        _ => None,
    }
}

/// Read the socket until it closes, routing every message; then fail what waits.
async fn read_loop(
    sock: Arc<UnixSeqpacket>,
    routes: Arc<Mutex<Routes>>,
    devlink: Arc<OnceLock<u16>>,
) {
    let mut buf = vec![0u8; READ_SIZE];
    loop {
        let n = match sock.recv(&mut buf).await {
            Ok(info) if info.bytes_read() > 0 && !info.truncated() => info.bytes_read(),
            Ok(_) | Err(_) => break,
        };
        let families = Families {
            devlink: devlink.get().copied(),
        };
        for raw in Messages::new(buf.get(..n).unwrap_or_default()) {
            let Ok(raw) = raw else { break };
            let seq = raw.header.seq;
            let m = match Message::decode(&raw, families) {
                Ok(m) => m,
                Err(e) => {
                    // A reply that does not decode ends its request with the reason.
                    if let Some(tx) = lock(&routes).pending.remove(&seq) {
                        let _ = tx.send(Err(ClientError::Protocol(e.to_string())));
                    }
                    continue;
                }
            };
            if seq == 0 {
                let tx = lock(&routes).unsolicited.clone();
                if let Some(tx) = tx
                    && tx.send(m).await.is_err()
                {
                    lock(&routes).unsolicited = None;
                }
                continue;
            }
            let mut r = lock(&routes);
            let end = ends_request(&m);
            if let Some(tx) = r.pending.get(&seq) {
                let _ = tx.send(Ok(m));
                if end {
                    r.pending.remove(&seq);
                }
            }
        }
    }
    let mut r = lock(&routes);
    r.closed = true;
    r.pending.clear();
    r.unsolicited = None;
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn closed() -> ClientError {
    io::Error::from(io::ErrorKind::UnexpectedEof).into()
}
