//! Errors as iproute2 prints them: the extended ACK (`nl_dump_ext_ack`: "Error: …." or
//! "Warning: ….", the missing attribute of newer versions), then the tool's
//! `kernel answers: <strerror>` line.

use std::io::Write;

use devlink_wire::nl::ExtAck;

/// What iproute2 prints for an error reply (`nl_dump_ext_ack`, then the tool's
/// `kernel answers: <strerror>`).
pub(crate) fn print_error(errno: i32, ext: &ExtAck, err: &mut dyn Write) -> std::io::Result<()> {
    print_ext_ack(ext, err)?;
    writeln!(err, "kernel answers: {}", strerror(errno))
}

/// `nl_dump_ext_ack` of an error reply alone (what `dev flash` prints of one: it reads
/// the reply with `mnlu_gen_socket_recv_run`, which has no `kernel answers` line).
pub(crate) fn print_ext_ack(ext: &ExtAck, err: &mut dyn Write) -> std::io::Result<()> {
    if let Some(msg) = ext.msg.as_deref().filter(|m| !m.is_empty()) {
        let dot = if msg.ends_with('.') { "" } else { "." };
        writeln!(err, "Error: {msg}{dot}")?;
    }
    if let Some(t) = ext.miss_type {
        writeln!(err, "Missing required attribute type {t}")?;
    }
    Ok(())
}

/// `strerror(errno)`: the C library's text, without std's " (os error N)".
pub(crate) fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    match text.rfind(" (os error ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_owned(),
        None => text,
    }
}

/// A warning of a request that succeeded (`nl_dump_ext_ack` on an ACK with a message).
pub(crate) fn print_warning(msg: &str, err: &mut dyn Write) -> std::io::Result<()> {
    let dot = if msg.ends_with('.') { "" } else { "." };
    writeln!(err, "Warning: {msg}{dot}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn errors_print_as_iproute2_does() {
        let mut err = Vec::new();
        let ext = ExtAck::msg("no netdevsim device 3");
        print_error(2, &ext, &mut err).unwrap();
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "Error: no netdevsim device 3.\nkernel answers: No such file or directory\n"
        );
        let mut err = Vec::new();
        print_error(1, &ExtAck::default(), &mut err).unwrap();
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "kernel answers: Operation not permitted\n"
        );
    }
}
