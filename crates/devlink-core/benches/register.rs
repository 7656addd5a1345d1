//! Notifications per second for registering a device that already has N ports (driver
//! registers **last**): `register` queues the instance `NEW` and N `PORT_NEW`s.
//! `register_last` times their generation (the brief's "notifications generated"; the
//! queue is checked and dropped outside the timed part), `register_last_drained` also
//! drains them with `poll_notification`. Building the device is setup, not timed.
//!
//! `cargo bench -p devlink-core --bench register`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure here is a bug to see at once"
)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use devlink_core::{Core, InstanceId, NoopDriver, PortAttrs};
use devlink_wire::devlink::Handle;

fn device(ports: u32) -> (Core, InstanceId) {
    let mut core = Core::new();
    let id = build(&mut core, ports);
    (core, id)
}

/// A device with `ports` eth ports, allocated and built in `core`, not registered.
fn build(core: &mut Core, ports: u32) -> InstanceId {
    let id = core.alloc(Handle::new("pci", "0000:03:00.0"), Box::new(NoopDriver));
    let mut devl = core.devl(id).unwrap();
    for i in 0..ports {
        devl.port_register(i, PortAttrs::physical(i + 1)).unwrap();
        devl.port_type_eth_set(i, Some((1000 + i, format!("eth{i}"))))
            .unwrap();
    }
    id
}

fn register_last(c: &mut Criterion) {
    let mut g = c.benchmark_group("register_last");
    for ports in [1_000u32, 10_000, 100_000, 1_000_000] {
        g.throughput(Throughput::Elements(u64::from(ports) + 1));
        if ports >= 100_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::from_parameter(ports), &ports, |b, &ports| {
            b.iter_batched(
                || device(ports),
                |(mut core, id)| {
                    core.register(id).unwrap();
                    core
                },
                BatchSize::PerIteration,
            );
        });
    }
    g.finish();
    let (mut core, id) = device(1000);
    core.register(id).unwrap();
    assert_eq!(core.pending_notifications(), 1001);
}

fn register_last_drained(c: &mut Criterion) {
    let mut g = c.benchmark_group("register_last_drained");
    for ports in [1_000u32, 10_000, 100_000, 1_000_000] {
        g.throughput(Throughput::Elements(u64::from(ports) + 1));
        if ports >= 100_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::from_parameter(ports), &ports, |b, &ports| {
            b.iter_batched(
                || device(ports),
                |(mut core, id)| {
                    core.register(id).unwrap();
                    let mut n = 0u64;
                    while core.poll_notification().is_some() {
                        n += 1;
                    }
                    assert_eq!(n, u64::from(ports) + 1);
                    core
                },
                BatchSize::PerIteration,
            );
        });
    }
    g.finish();
}

/// Generation in a long-lived core, as in the daemon: the queue's memory is reused from
/// one registration to the next. Per iteration (untimed): a new device with N ports in
/// the same core; timed: `register`; untimed again: drain, unregister, drain, free.
fn register_last_steady(c: &mut Criterion) {
    let mut g = c.benchmark_group("register_last_steady");
    for ports in [1_000u32, 10_000, 100_000, 1_000_000] {
        g.throughput(Throughput::Elements(u64::from(ports) + 1));
        if ports >= 100_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::from_parameter(ports), &ports, |b, &ports| {
            let mut core = Core::new();
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let id = build(&mut core, ports);
                    let start = std::time::Instant::now();
                    core.register(id).unwrap();
                    total += start.elapsed();
                    while core.poll_notification().is_some() {}
                    core.unregister(id).unwrap();
                    while core.poll_notification().is_some() {}
                    core.free(id).unwrap();
                }
                total
            });
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    register_last,
    register_last_drained,
    register_last_steady
);
criterion_main!(benches);
