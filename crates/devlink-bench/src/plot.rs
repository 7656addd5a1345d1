//! SVG plots of a run (plotters' SVG backend: text as SVG `<text>`, no fonts needed).

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use crate::report::Report;

/// `fanout.svg`, `ports.svg`, `latency.svg` in `dir`, for what the run measured.
pub(crate) fn all(r: &Report, dir: &Path) -> Result<()> {
    let subs = r.subs_list();
    if !subs.is_empty() {
        let series: Vec<(&str, Vec<(f64, f64)>)> = ["devlinkd", "raw", "dbus-daemon"]
            .iter()
            .map(|&t| {
                let pts = subs
                    .iter()
                    .filter_map(|&n| r.fanout_rate(t, n).map(|v| (n as f64, v)))
                    .collect();
                (t, pts)
            })
            .collect();
        loglog(
            &dir.join("fanout.svg"),
            "Fan-out: aggregate messages/s against subscribers",
            "subscribers",
            "messages/s (all subscribers)",
            &series,
        )?;
    }
    let ports = r.ports_list();
    if !ports.is_empty() {
        let by = |kind: &str, f: fn(&crate::report::PortsRow) -> f64| -> Vec<(f64, f64)> {
            ports
                .iter()
                .filter_map(|&p| {
                    r.ports_median(kind, p, |row| Some(f(row)))
                        .map(|v| (f64::from(p), v))
                })
                .collect()
        };
        let series = vec![
            ("storm devlinkd (msg/s)", by("devlinkd", |x| x.rate())),
            ("storm raw (msg/s)", by("raw", |x| x.rate())),
            ("dump devlinkd (msg/s)", by("devlinkd-dump", |x| x.rate())),
            ("dump raw (msg/s)", by("raw-dump", |x| x.rate())),
        ];
        loglog(
            &dir.join("ports.svg"),
            "Registration storm and port dump against ports",
            "ports",
            "messages/s",
            &series,
        )?;
    }
    if !r.latency.is_empty() {
        let series: Vec<(&str, Vec<(f64, f64)>)> = ["devlinkd", "raw", "raw relay"]
            .iter()
            .filter_map(|&t| {
                r.latency_pct(t)
                    .map(|p| (t, vec![(50.0, p[0]), (99.0, p[1]), (99.9, p[2])]))
            })
            .collect();
        loglog(
            &dir.join("latency.svg"),
            "Notification latency percentiles (same rate, same size)",
            "1 / (1 - percentile): 2 = p50, 100 = p99, 1000 = p99.9",
            "latency (µs)",
            &series,
        )?;
    }
    Ok(())
}

fn range(series: &[(&str, Vec<(f64, f64)>)], f: fn(&(f64, f64)) -> f64) -> (f64, f64) {
    let vals = series.iter().flat_map(|(_, p)| p.iter().map(f));
    let (lo, hi) = vals.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        (1.0, 10.0)
    } else {
        (lo.max(1e-3) / 2.0, hi * 2.0)
    }
}

fn loglog(
    path: &Path,
    title: &str,
    x: &str,
    y: &str,
    series: &[(&str, Vec<(f64, f64)>)],
) -> Result<()> {
    let root = SVGBackend::new(path, (800, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let (x0, x1) = range(series, |p| p.0);
    let (y0, y1) = range(series, |p| p.1);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc(x)
        .y_desc(y)
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?
            .label(*name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
