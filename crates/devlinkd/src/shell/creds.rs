//! Who may run `GENL_ADMIN_PERM` commands: uid 0, or a member (primary or supplementary
//! group) of the admin group. Credentials are the peer's at `connect` (`SO_PEERCRED`);
//! supplementary groups come from `/proc/PID/status`.

use tokio_seqpacket::UnixSeqpacket;

/// The admin rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AdminPolicy {
    /// `--admin-group`, resolved to its gid.
    pub group: Option<u32>,
}

impl AdminPolicy {
    /// Whether the peer of `sock` is an admin, and its process id.
    #[must_use]
    pub fn check(&self, sock: &UnixSeqpacket) -> (bool, Option<u32>) {
        let Ok(cred) = sock.peer_cred() else {
            return (false, None);
        };
        let pid = cred.pid().and_then(|p| u32::try_from(p).ok());
        if cred.uid() == 0 {
            return (true, pid);
        }
        let Some(admin_gid) = self.group else {
            return (false, pid);
        };
        if cred.gid() == admin_gid {
            return (true, pid);
        }
        let member = pid.is_some_and(|p| supplementary_groups(p).contains(&admin_gid));
        (member, pid)
    }
}

/// The `Groups:` line of `/proc/PID/status` (empty if unreadable).
fn supplementary_groups(pid: u32) -> Vec<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Groups:"))
        .map(|g| {
            g.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A group given by number or by name (looked up in `/etc/group`).
#[must_use]
pub fn group_id(group: &str) -> Option<u32> {
    if let Ok(gid) = group.parse() {
        return Some(gid);
    }
    let file = std::fs::read_to_string("/etc/group").ok()?;
    file.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        let gid = f.nth(1)?;
        (name == group).then(|| gid.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_number_and_name() {
        assert_eq!(group_id("1234"), Some(1234));
        assert_eq!(group_id("root"), Some(0));
        assert_eq!(group_id("no-such-group-here"), None);
    }

    #[test]
    fn own_supplementary_groups_are_read() {
        // Our own status always has a Groups: line (maybe empty); this must not fail.
        let _ = supplementary_groups(std::process::id());
    }
}
