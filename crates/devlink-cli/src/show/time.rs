//! Local date and time for health dump timestamps, without reading the clock here.
//!
//! devlink.c formats `DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS_NS` (wall-clock ns) with
//! `localtime` + `strftime("%Y-%m-%d")` / `("%H:%M:%S")`, and the older
//! `DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS` (ms since boot) by adding it to
//! `now - sysinfo.uptime`. Both need facts of the machine (its time zone, its boot
//! time); the caller supplies them in [`TimeCtx`] so rendering stays pure.

/// What `localtime` and `sysinfo` would tell iproute2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeCtx {
    /// Seconds east of UTC of the local time zone (0: UTC).
    pub utc_offset_secs: i64,
    /// Wall-clock second the machine booted (`now - sysinfo.uptime`).
    pub boot_time_secs: i64,
}

impl TimeCtx {
    /// `strftime` of `localtime(secs)` as (`%Y-%m-%d`, `%H:%M:%S`).
    pub(crate) fn local_date_time(&self, secs: i64) -> (String, String) {
        let t = secs.saturating_add(self.utc_offset_secs);
        let days = t.div_euclid(86_400);
        let sod = t.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (
            format!("{y:04}-{m:02}-{d:02}"),
            format!("{:02}:{:02}:{:02}", sod / 3600, sod % 3600 / 60, sod % 60),
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) — Howard
/// Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_strftime() {
        let t = TimeCtx::default();
        assert_eq!(
            t.local_date_time(0),
            ("1970-01-01".into(), "00:00:00".into())
        );
        // 2024-02-29 23:59:59 UTC, then shifted one hour east.
        assert_eq!(
            t.local_date_time(1_709_251_199),
            ("2024-02-29".into(), "23:59:59".into())
        );
        let east = TimeCtx {
            utc_offset_secs: 3600,
            ..TimeCtx::default()
        };
        assert_eq!(
            east.local_date_time(1_709_251_199),
            ("2024-03-01".into(), "00:59:59".into())
        );
    }
}
