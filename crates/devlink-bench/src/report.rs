//! The measurements of one run: rows (one per repetition), the side-by-side summary
//! (medians over repetitions, ratios of medians) and the CSV files.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::Fanout;
use crate::devlinkd::Dump;

/// Everything measured in one run.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) fanout: Vec<Row>,
    pub(crate) ports: Vec<PortsRow>,
    pub(crate) latency: Vec<LatRow>,
}

/// One fan-out repetition.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) transport: &'static str,
    pub(crate) subs: usize,
    pub(crate) rep: usize,
    pub(crate) msgs: u64,
    pub(crate) bytes: u64,
    pub(crate) reads: u64,
    pub(crate) secs: f64,
    pub(crate) rate: f64,
    pub(crate) byte_rate: f64,
    pub(crate) cpu_us_per_msg: Option<f64>,
}

impl Row {
    pub(crate) fn new(transport: &'static str, subs: usize, rep: usize, f: &Fanout) -> Self {
        Self {
            transport,
            subs,
            rep,
            msgs: f.msgs,
            bytes: f.bytes,
            reads: f.reads,
            secs: f.secs,
            rate: f.rate(),
            byte_rate: f.byte_rate(),
            cpu_us_per_msg: f.cpu_us_per_msg(),
        }
    }
}

/// One repetition at a port count: a storm (events/s) or a dump (bytes/s).
#[derive(Debug, Clone)]
pub(crate) struct PortsRow {
    pub(crate) kind: &'static str,
    pub(crate) ports: u32,
    pub(crate) rep: usize,
    pub(crate) msgs: u64,
    pub(crate) bytes: u64,
    pub(crate) secs: f64,
    pub(crate) cpu_us_per_msg: Option<f64>,
    /// Daemon RSS growth per port, bytes (dumps only).
    pub(crate) rss_per_port: Option<f64>,
}

impl PortsRow {
    pub(crate) fn storm(kind: &'static str, ports: u32, rep: usize, f: &Fanout) -> Self {
        Self {
            kind,
            ports,
            rep,
            msgs: f.msgs,
            bytes: f.bytes,
            secs: f.secs,
            cpu_us_per_msg: f.cpu_us_per_msg(),
            rss_per_port: None,
        }
    }

    pub(crate) fn dump(kind: &'static str, ports: u32, rep: usize, d: &Dump, t: Duration) -> Self {
        let grown = d.rss_after.saturating_sub(d.rss_before) as f64 * 1024.0;
        Self {
            kind,
            ports,
            rep,
            msgs: d.msgs,
            bytes: d.bytes,
            secs: t.as_secs_f64().max(1e-9),
            cpu_us_per_msg: None,
            rss_per_port: Some(grown / f64::from(ports.max(1))),
        }
    }

    pub(crate) fn rate(&self) -> f64 {
        self.msgs as f64 / self.secs
    }

    pub(crate) fn byte_rate(&self) -> f64 {
        self.bytes as f64 / self.secs
    }
}

/// One latency repetition: percentiles in µs.
#[derive(Debug, Clone)]
pub(crate) struct LatRow {
    pub(crate) transport: &'static str,
    pub(crate) rate: u32,
    pub(crate) rep: usize,
    pub(crate) size: usize,
    pub(crate) n: usize,
    /// p50, p99, p99.9, max.
    pub(crate) pct: [f64; 4],
    /// The daemon's CPU time per event (µs), where there is a daemon.
    pub(crate) cpu_us: Option<f64>,
}

impl LatRow {
    pub(crate) fn new(
        transport: &'static str,
        rate: u32,
        rep: usize,
        size: usize,
        mut ns: Vec<u64>,
    ) -> Self {
        ns.sort_unstable();
        // The nearest-rank percentile, `per_mille` of 1000.
        let at = |per_mille: usize| -> f64 {
            let i = (ns.len() * per_mille).div_ceil(1000).saturating_sub(1);
            ns.get(i).copied().unwrap_or(0) as f64 / 1e3
        };
        Self {
            transport,
            rate,
            rep,
            size,
            n: ns.len(),
            pct: [at(500), at(990), at(999), at(1000)],
            cpu_us: None,
        }
    }
}

/// The median of `v` (0 for none).
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v.get(n / 2).copied().unwrap_or(0.0),
        n => {
            (v.get(n / 2 - 1).copied().unwrap_or(0.0) + v.get(n / 2).copied().unwrap_or(0.0)) / 2.0
        }
    }
}

impl Report {
    /// Median fan-out rate of `transport` at `subs` subscribers.
    pub(crate) fn fanout_rate(&self, transport: &str, subs: usize) -> Option<f64> {
        let v: Vec<f64> = self
            .fanout
            .iter()
            .filter(|r| r.transport == transport && r.subs == subs)
            .map(|r| r.rate)
            .collect();
        (!v.is_empty()).then(|| median(v))
    }

    fn fanout_cpu(&self, transport: &str, subs: usize) -> Option<f64> {
        let v: Vec<f64> = self
            .fanout
            .iter()
            .filter(|r| r.transport == transport && r.subs == subs)
            .filter_map(|r| r.cpu_us_per_msg)
            .collect();
        (!v.is_empty()).then(|| median(v))
    }

    /// Median of `f` over the rows of `kind` at `ports`.
    pub(crate) fn ports_median(
        &self,
        kind: &str,
        ports: u32,
        f: impl Fn(&PortsRow) -> Option<f64>,
    ) -> Option<f64> {
        let v: Vec<f64> = self
            .ports
            .iter()
            .filter(|r| r.kind == kind && r.ports == ports)
            .filter_map(f)
            .collect();
        (!v.is_empty()).then(|| median(v))
    }

    /// Median percentiles of `transport`.
    pub(crate) fn latency_pct(&self, transport: &str) -> Option<[f64; 4]> {
        let rows: Vec<&LatRow> = self
            .latency
            .iter()
            .filter(|r| r.transport == transport)
            .collect();
        if rows.is_empty() {
            return None;
        }
        let mut out = [0.0; 4];
        for (i, o) in out.iter_mut().enumerate() {
            *o = median(rows.iter().filter_map(|r| r.pct.get(i).copied()).collect());
        }
        Some(out)
    }

    pub(crate) fn subs_list(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.fanout.iter().map(|r| r.subs).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub(crate) fn ports_list(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.ports.iter().map(|r| r.ports).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The side-by-side tables.
    pub(crate) fn print(&self) {
        let opt = |v: Option<f64>, scale: f64| {
            v.map_or_else(|| "-".to_owned(), |v| format!("{:.3}", v / scale))
        };
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_owned(),
        };
        if !self.fanout.is_empty() {
            println!("\nfan-out (aggregate M msg/s, medians; CPU µs per delivered message)");
            println!(
                "| subs | devlinkd | raw packed | dbus-daemon | devlinkd/raw | devlinkd/dbus | devlinkd CPU µs | dbus-daemon CPU µs |"
            );
            println!("|---|---|---|---|---|---|---|---|");
            for n in self.subs_list() {
                let (o, r, b) = (
                    self.fanout_rate("devlinkd", n),
                    self.fanout_rate("raw", n),
                    self.fanout_rate("dbus-daemon", n),
                );
                println!(
                    "| {n} | {} | {} | {} | {} | {} | {} | {} |",
                    opt(o, 1e6),
                    opt(r, 1e6),
                    opt(b, 1e6),
                    ratio(o, r),
                    ratio(o, b),
                    opt(self.fanout_cpu("devlinkd", n), 1.0),
                    opt(self.fanout_cpu("dbus-daemon", n), 1.0)
                );
            }
            if let Some(u) = self.fanout_rate("raw-unpacked", 1) {
                println!(
                    "raw, one message per datagram, 1 → 1: {:.3} M msg/s",
                    u / 1e6
                );
            }
        }
        if !self.ports.is_empty() {
            println!(
                "\nports (storm: register + delete, 1 subscriber, M msg/s; dump: MB/s; medians)"
            );
            println!(
                "| ports | storm devlinkd | storm raw | ratio | devlinkd CPU µs/msg | dump ms | dump devlinkd MB/s | dump raw MB/s | ratio | RSS B/port |"
            );
            println!("|---|---|---|---|---|---|---|---|---|---|");
            for p in self.ports_list() {
                let so = self.ports_median("devlinkd", p, |r| Some(r.rate()));
                let sr = self.ports_median("raw", p, |r| Some(r.rate()));
                let cpu = self.ports_median("devlinkd", p, |r| r.cpu_us_per_msg);
                let dt = self.ports_median("devlinkd-dump", p, |r| Some(r.secs * 1e3));
                let d = self.ports_median("devlinkd-dump", p, |r| Some(r.byte_rate()));
                let dr = self.ports_median("raw-dump", p, |r| Some(r.byte_rate()));
                let rss = self.ports_median("devlinkd-dump", p, |r| r.rss_per_port);
                println!(
                    "| {p} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    opt(so, 1e6),
                    opt(sr, 1e6),
                    ratio(so, sr),
                    opt(cpu, 1.0),
                    opt(dt, 1.0),
                    opt(d, 1e6),
                    opt(dr, 1e6),
                    ratio(d, dr),
                    opt(rss, 1.0)
                );
            }
        }
        if !self.latency.is_empty() {
            let rate = self.latency.first().map_or(0, |r| r.rate);
            let size = self.latency.first().map_or(0, |r| r.size);
            println!(
                "\nlatency at {rate} events/s, {size}-byte notifications (µs, medians over repetitions)"
            );
            println!("| | p50 | p99 | p99.9 | max | daemon CPU µs/event |");
            println!("|---|---|---|---|---|---|");
            for t in ["devlinkd", "raw", "raw relay"] {
                if let Some(p) = self.latency_pct(t) {
                    let cpu: Vec<f64> = self
                        .latency
                        .iter()
                        .filter(|r| r.transport == t)
                        .filter_map(|r| r.cpu_us)
                        .collect();
                    let cpu = opt((!cpu.is_empty()).then(|| median(cpu)), 1.0);
                    println!(
                        "| {t} | {:.1} | {:.1} | {:.1} | {:.1} | {cpu} |",
                        p[0], p[1], p[2], p[3]
                    );
                }
            }
        }
    }

    /// `fanout.csv`, `ports.csv`, `latency.csv` in `dir` (one row per repetition).
    pub(crate) fn write_csv(&self, dir: &Path) -> Result<()> {
        let mut s = String::from(
            "transport,subscribers,rep,messages,bytes,reads,seconds,msgs_per_s,bytes_per_s,daemon_cpu_us_per_msg\n",
        );
        for r in &self.fanout {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{:.6},{:.0},{:.0},{}",
                r.transport,
                r.subs,
                r.rep,
                r.msgs,
                r.bytes,
                r.reads,
                r.secs,
                r.rate,
                r.byte_rate,
                r.cpu_us_per_msg
                    .map(|c| format!("{c:.3}"))
                    .unwrap_or_default()
            );
        }
        if !self.fanout.is_empty() {
            std::fs::write(dir.join("fanout.csv"), s)?;
        }
        let mut s = String::from(
            "kind,ports,rep,messages,bytes,seconds,msgs_per_s,bytes_per_s,daemon_cpu_us_per_msg,rss_bytes_per_port\n",
        );
        for r in &self.ports {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{:.6},{:.0},{:.0},{},{}",
                r.kind,
                r.ports,
                r.rep,
                r.msgs,
                r.bytes,
                r.secs,
                r.rate(),
                r.byte_rate(),
                r.cpu_us_per_msg
                    .map(|c| format!("{c:.3}"))
                    .unwrap_or_default(),
                r.rss_per_port
                    .map(|c| format!("{c:.0}"))
                    .unwrap_or_default()
            );
        }
        if !self.ports.is_empty() {
            std::fs::write(dir.join("ports.csv"), s)?;
        }
        let mut s = String::from(
            "transport,rate,rep,size,events,p50_us,p99_us,p999_us,max_us,daemon_cpu_us_per_event\n",
        );
        for r in &self.latency {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{:.1},{:.1},{:.1},{:.1},{}",
                r.transport,
                r.rate,
                r.rep,
                r.size,
                r.n,
                r.pct[0],
                r.pct[1],
                r.pct[2],
                r.pct[3],
                r.cpu_us.map(|c| format!("{c:.1}")).unwrap_or_default()
            );
        }
        if !self.latency.is_empty() {
            std::fs::write(dir.join("latency.csv"), s)?;
        }
        Ok(())
    }
}
