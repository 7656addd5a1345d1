//! `get_rate64` of iproute2's lib/utils.c: a rate word (`100mbit`, `1.5GBps`, `12Kibit`,
//! a bare number of bits per second) to bytes per second, as `devlink port function
//! rate add|set … tx_share|tx_max VAL` sends it.

/// The unit suffixes and their scale in bits per second (`suffixes[]`), matched without
/// regard to case (`strcasecmp`).
const SUFFIXES: &[(&str, f64)] = &[
    ("bit", 1.),
    ("Kibit", 1024.),
    ("kbit", 1000.),
    ("mibit", 1024. * 1024.),
    ("mbit", 1_000_000.),
    ("gibit", 1024. * 1024. * 1024.),
    ("gbit", 1_000_000_000.),
    ("tibit", 1024. * 1024. * 1024. * 1024.),
    ("tbit", 1_000_000_000_000.),
    ("Bps", 8.),
    ("KiBps", 8. * 1024.),
    ("KBps", 8000.),
    ("MiBps", 8. * 1024. * 1024.),
    ("MBps", 8_000_000.),
    ("GiBps", 8. * 1024. * 1024. * 1024.),
    ("GBps", 8_000_000_000.),
    ("TiBps", 8. * 1024. * 1024. * 1024. * 1024.),
    ("TBps", 8_000_000_000_000.),
];

/// `get_rate64`: bytes per second, or `None` for a word iproute2 refuses ("Invalid rate
/// value"). The number is what `strtod` reads (decimal, with a fraction and an
/// exponent; hexadecimal, `inf` and `nan` are not accepted here); the C conversion of
/// the final `double` to `__u64` is a saturating one here (C leaves out-of-range values
/// undefined).
pub(crate) fn get_rate64(s: &str) -> Option<u64> {
    let (bps, rest) = strtod(s)?;
    let scale = if rest.is_empty() {
        1.
    } else {
        SUFFIXES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(rest))
            .map(|(_, scale)| *scale)?
    };
    let bytes = bps * scale / 8.;
    // C's double → u64 conversion truncates toward zero.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(bytes as u64)
}

/// The decimal part of `strtod`: leading white space, a sign, digits with an optional
/// fraction, an optional exponent. The value and what follows it; `None` when no
/// digits were read.
fn strtod(s: &str) -> Option<(f64, &str)> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if b.get(i) == Some(&b'.') {
        let frac_start = i + 1;
        let mut j = frac_start;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        digits += j - frac_start;
        if digits > 0 {
            i = j;
        }
    }
    if digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_start = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    let (num, rest) = t.split_at(i);
    num.parse::<f64>().ok().map(|v| (v, rest))
}

#[cfg(test)]
mod tests {
    use super::get_rate64;

    #[test]
    fn units_as_iproute2_scales_them() {
        assert_eq!(get_rate64("800"), Some(100));
        assert_eq!(get_rate64("8bit"), Some(1));
        assert_eq!(get_rate64("1kbit"), Some(125));
        assert_eq!(get_rate64("1KBIT"), Some(125));
        assert_eq!(get_rate64("1Kibit"), Some(128));
        assert_eq!(get_rate64("1mbit"), Some(125_000));
        assert_eq!(get_rate64("1gbit"), Some(125_000_000));
        assert_eq!(get_rate64("1tbit"), Some(125_000_000_000));
        assert_eq!(get_rate64("1bps"), Some(1));
        assert_eq!(get_rate64("1kbps"), Some(1000));
        assert_eq!(get_rate64("1MiBps"), Some(1024 * 1024));
        assert_eq!(get_rate64("1.5mbit"), Some(187_500));
        assert_eq!(get_rate64("1e3bit"), Some(125));
        assert_eq!(get_rate64(" 16"), Some(2));
        assert_eq!(get_rate64("12"), Some(1));
    }

    #[test]
    fn refusals() {
        for bad in ["", "mbit", "10 mbit", "10xbit", "1.2.3", "."] {
            assert_eq!(get_rate64(bad), None, "{bad}");
        }
    }
}
