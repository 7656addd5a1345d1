//! iproute2 `devlink`'s argument handling (`dl_argv*`, `dl_argv_handle*`, `strtouint*`,
//! `strtobool`): a cursor over the words after the object, prefix matching of keywords
//! (`strcmpx`: `sh` matches `show`), and the tool's error texts, which go to standard
//! error before the command exits with status 1.

use devlink_wire::devlink::Handle;

/// An argument error: the lines iproute2 prints (without their newlines), and the
/// exit status (1; 255 for `invarg`, which calls `exit(-1)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArgError(pub Vec<String>, pub u8);

impl ArgError {
    /// One line.
    pub(crate) fn new(line: impl Into<String>) -> Self {
        Self(vec![line.into()], 1)
    }

    /// Several lines.
    pub(crate) fn lines(lines: Vec<String>) -> Self {
        Self(lines, 1)
    }

    /// `invarg(msg, arg)` of lib/utils.c: `Error: argument "ARG" is wrong: MSG`, exit 255.
    pub(crate) fn invarg(msg: &str, arg: &str) -> Self {
        Self(
            vec![format!("Error: argument \"{arg}\" is wrong: {msg}")],
            255,
        )
    }
}

/// What `DEV`, `DEV/PORT_INDEX` or a netdev name named (`dl_argv_handle_both`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DevOrPort {
    /// `bus/dev`.
    Dev(Handle),
    /// A port.
    Port(PortIdent),
}

/// A port as the command line names it (`dl_argv_handle_port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PortIdent {
    /// `bus/dev/index`.
    Port(Handle, u32),
    /// A netdev name, looked up among the ports' `DEVLINK_ATTR_PORT_NETDEV_NAME`s
    /// (`ifname_map_lookup`).
    Netdev(String),
}

/// The words of a command, consumed left to right.
#[derive(Debug, Clone)]
pub(crate) struct Argv {
    words: Vec<String>,
    pos: usize,
}

impl Argv {
    /// Over `words`.
    pub(crate) fn new(words: Vec<String>) -> Self {
        Self { words, pos: 0 }
    }

    /// `dl_argc`: words left.
    pub(crate) fn argc(&self) -> usize {
        self.words.len().saturating_sub(self.pos)
    }

    /// `dl_no_arg`.
    pub(crate) fn is_empty(&self) -> bool {
        self.argc() == 0
    }

    /// `dl_argv`: the current word.
    pub(crate) fn peek(&self) -> Option<&str> {
        self.words.get(self.pos).map(String::as_str)
    }

    /// `dl_argv_match`: the current word is a prefix of `pattern` (`strcmpx`).
    pub(crate) fn matches(&self, pattern: &str) -> bool {
        self.peek().is_some_and(|w| pattern.starts_with(w))
    }

    /// `dl_arg_inc`.
    pub(crate) fn inc(&mut self) {
        if self.pos < self.words.len() {
            self.pos += 1;
        }
    }

    /// `dl_argv_next`.
    pub(crate) fn next_word(&mut self) -> Option<String> {
        let w = self.words.get(self.pos).cloned();
        self.inc();
        w
    }

    /// `dl_argv_str`.
    pub(crate) fn str(&mut self) -> Result<String, ArgError> {
        self.next_word()
            .ok_or_else(|| ArgError::new("String parameter expected"))
    }

    /// `dl_argv_uint32_t`.
    pub(crate) fn u32(&mut self) -> Result<u32, ArgError> {
        self.number(u64::from(u32::MAX))
            .map(|v| u32::try_from(v).unwrap_or(u32::MAX))
    }

    /// `dl_argv_uint16_t`.
    pub(crate) fn u16(&mut self) -> Result<u16, ArgError> {
        self.number(u64::from(u16::MAX))
            .map(|v| u16::try_from(v).unwrap_or(u16::MAX))
    }

    /// `dl_argv_uint64_t`.
    pub(crate) fn u64(&mut self) -> Result<u64, ArgError> {
        self.number(u64::MAX)
    }

    fn number(&mut self, max: u64) -> Result<u64, ArgError> {
        let s = self
            .next_word()
            .ok_or_else(|| ArgError::new("Unsigned number argument expected"))?;
        strtou(&s, max)
            .ok_or_else(|| ArgError::new(format!("\"{s}\" is not a number or not within range")))
    }

    /// `dl_argv_bool`.
    pub(crate) fn bool(&mut self) -> Result<bool, ArgError> {
        let s = self
            .next_word()
            .ok_or_else(|| ArgError::new("Boolean argument expected"))?;
        strtobool(&s).ok_or_else(|| ArgError::new(format!("\"{s}\" is not a valid boolean value")))
    }

    /// `dl_argv_handle`: `bus/dev`.
    pub(crate) fn handle(&mut self) -> Result<Handle, ArgError> {
        // 6.1's `ident_str_validate(str, 1)`, then the same line for absent and
        // malformed.
        match self.next_word() {
            Some(s) if s.matches('/').count() == 1 => Ok(split_dev(&s)),
            s => Err(malformed(
                s.is_some(),
                "Devlink identification (\"bus_name/dev_name\") expected",
            )),
        }
    }

    /// `dl_argv_handle_port`: `bus/dev/index`, or a netdev name for the caller to
    /// resolve (`PortIdent::Netdev`).
    pub(crate) fn port_ident(&mut self) -> Result<PortIdent, ArgError> {
        let Some(s) = self.next_word() else {
            return Err(ArgError::new(
                "Port identification (\"bus_name/dev_name/port_index\" or \"netdev ifname\") expected.",
            ));
        };
        match s.matches('/').count() {
            0 => Ok(PortIdent::Netdev(s)),
            2 => split_port(&s).map(|(h, i)| PortIdent::Port(h, i)),
            _ => Err(ArgError::lines(vec![
                "Wrong port identification string format.".into(),
                "Expected \"bus_name/dev_name/port_index\" or \"netdev_ifname\".".into(),
            ])),
        }
    }

    /// `dl_argv_handle_both`: `bus/dev`, `bus/dev/index` or a netdev name.
    pub(crate) fn dev_or_port(&mut self) -> Result<DevOrPort, ArgError> {
        let Some(s) = self.next_word() else {
            return Err(ArgError::lines(vec![
                "One of following identifications expected:".into(),
                "Devlink identification (\"bus_name/dev_name\")".into(),
                "Port identification (\"bus_name/dev_name/port_index\" or \"netdev ifname\")"
                    .into(),
            ]));
        };
        match s.matches('/').count() {
            1 => Ok(DevOrPort::Dev(split_dev(&s))),
            2 => split_port(&s).map(|(h, i)| DevOrPort::Port(PortIdent::Port(h, i))),
            0 => Ok(DevOrPort::Port(PortIdent::Netdev(s))),
            _ => Err(ArgError::lines(vec![
                "Wrong port identification string format.".into(),
                "Expected \"bus_name/dev_name\" or \"bus_name/dev_name/port_index\" or \"netdev_ifname\"."
                    .into(),
            ])),
        }
    }

    /// `dl_argv_handle_region`: `bus/dev/region`.
    pub(crate) fn region_handle(&mut self) -> Result<(Handle, String), ArgError> {
        // 6.1's `ident_str_validate(str, 2)`.
        let s = match self.next_word() {
            Some(s) if s.matches('/').count() == 2 => s,
            s => {
                return Err(malformed(
                    s.is_some(),
                    "Expected \"bus_name/dev_name/region\" identification.",
                ));
            }
        };
        let (handle, region) = s.rsplit_once('/').unwrap_or_default();
        Ok((split_dev(handle), region.to_owned()))
    }

    /// `dl_argv_parse`'s loop: every word left must be an option `f` takes (`f` sees the
    /// cursor on the keyword, consumes it and its value, and returns true); the first
    /// one it does not take is an "Unknown option".
    pub(crate) fn options(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<bool, ArgError>,
    ) -> Result<(), ArgError> {
        while !self.is_empty() {
            if !f(self)? {
                return Err(self.unknown());
            }
        }
        Ok(())
    }

    /// [`Argv::options`] with one option, `keyword STRING`: its value, if given.
    pub(crate) fn string_option(&mut self, keyword: &str) -> Result<Option<String>, ArgError> {
        let mut value = None;
        self.options(|a| {
            if a.keyword(keyword) {
                value = Some(a.str()?);
                Ok(true)
            } else {
                Ok(false)
            }
        })?;
        Ok(value)
    }

    /// Consume the keyword under the cursor if it matches `pattern`.
    pub(crate) fn keyword(&mut self, pattern: &str) -> bool {
        let m = self.matches(pattern);
        if m {
            self.inc();
        }
        m
    }

    /// The "Unknown option" error for the current word (`dl_argv_parse`).
    pub(crate) fn unknown(&self) -> ArgError {
        ArgError::new(format!("Unknown option \"{}\"", self.peek().unwrap_or("")))
    }

    /// The "Command not found" error for the current word.
    pub(crate) fn command_not_found(&self) -> ArgError {
        ArgError::new(format!(
            "Command \"{}\" not found",
            self.peek().unwrap_or("")
        ))
    }
}

/// A handle error: `ident_str_validate`'s "Wrong identification string format." first
/// when a word was there but had the wrong number of `/`, then the caller's `line`.
fn malformed(present: bool, line: &str) -> ArgError {
    if present {
        ArgError::lines(vec![
            "Wrong identification string format.".into(),
            line.into(),
        ])
    } else {
        ArgError::new(line)
    }
}

/// `bus/dev` split at its last slash (`strslashrsplit`).
fn split_dev(s: &str) -> Handle {
    let (bus, dev) = s.rsplit_once('/').unwrap_or((s, ""));
    Handle::new(bus, dev)
}

/// `__dl_argv_handle_port`.
fn split_port(s: &str) -> Result<(Handle, u32), ArgError> {
    let invalid = || ArgError::new(format!("Port identification \"{s}\" is invalid"));
    let (handle, port) = s.rsplit_once('/').ok_or_else(invalid)?;
    let index = strtou(port, u64::from(u32::MAX)).ok_or_else(|| {
        ArgError::new(format!(
            "Port index \"{port}\" is not a number or not within range"
        ))
    })?;
    if !handle.contains('/') {
        return Err(invalid());
    }
    Ok((split_dev(handle), u32::try_from(index).unwrap_or(u32::MAX)))
}

/// `strtouint*_t`: `strtoul(s, …, 10)` that must consume the whole word, at most `max`.
/// Like `strtoul`, leading white space and a sign are accepted (`-1` wraps and then fails
/// the range check unless `max` is `u64::MAX`, which iproute2 also lets through).
pub(crate) fn strtou(s: &str, max: u64) -> Option<u64> {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = digits.parse().ok()?;
    let v = if neg { v.wrapping_neg() } else { v };
    (v <= max).then_some(v)
}

/// `strtobool`.
pub(crate) fn strtobool(s: &str) -> Option<bool> {
    match s {
        "true" | "1" | "enable" => Some(true),
        "false" | "0" | "disable" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Argv {
        Argv::new(words.iter().map(|w| (*w).to_owned()).collect())
    }

    #[test]
    fn prefixes_match_as_strcmpx() {
        let a = argv(&["sh"]);
        assert!(a.matches("show"));
        assert!(!a.matches("set"));
        assert!(!argv(&["shows"]).matches("show"));
    }

    #[test]
    fn handles() {
        assert_eq!(
            argv(&["pci/0000:03:00.0"]).handle(),
            Ok(Handle::new("pci", "0000:03:00.0"))
        );
        assert_eq!(
            argv(&["netdevsim/netdevsim0/2"]).dev_or_port(),
            Ok(DevOrPort::Port(PortIdent::Port(
                Handle::new("netdevsim", "netdevsim0"),
                2
            )))
        );
        assert_eq!(
            argv(&["a/b/x"]).port_ident(),
            Err(ArgError::new(
                "Port index \"x\" is not a number or not within range"
            ))
        );
        assert_eq!(
            argv(&["a/b/c"]).region_handle(),
            Ok((Handle::new("a", "b"), "c".to_owned()))
        );
        // iproute2 6.1 (`ident_str_validate`): a malformed handle gets one more line.
        assert_eq!(argv(&[]).handle().unwrap_err().0.len(), 1);
        assert_eq!(
            argv(&["a"]).handle().unwrap_err().0,
            [
                "Wrong identification string format.",
                "Devlink identification (\"bus_name/dev_name\") expected"
            ]
        );
        assert_eq!(
            argv(&["eth0"]).port_ident(),
            Ok(PortIdent::Netdev("eth0".into()))
        );
    }

    #[test]
    fn numbers_as_strtoul() {
        assert_eq!(strtou("12", 255), Some(12));
        assert_eq!(strtou("256", 255), None);
        assert_eq!(strtou("1x", 255), None);
        assert_eq!(strtou("", 255), None);
        assert_eq!(strtobool("enable"), Some(true));
        assert_eq!(strtobool("no"), None);
    }
}
