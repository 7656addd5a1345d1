//! The flash status stream (kernel: `nsim_dev_flash_update`): its shape between the
//! core's `FLASH_UPDATE` and `FLASH_UPDATE_END`, and the pacing a daemon applies to it.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap or index is a failed test"
)]

mod common;

use std::time::Duration;

use common::{World, nsim};
use devlink_sim::{DeviceOptions, FlashPacing, NSIM_DEV_FLASH_SIZE};
use devlink_wire::devlink::{FlashStatus, FlashUpdateReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

fn flash(w: &mut World, component: Option<&str>) -> Vec<(Cmd, FlashStatus)> {
    let req = FlashUpdateReq {
        handle: nsim(1),
        file_name: "fw.bin".into(),
        component: component.map(Into::into),
        overwrite_mask: None,
        unknown: vec![],
    };
    w.request(Cmd::FlashUpdate, req).unwrap();
    w.settle()
        .into_iter()
        .map(|(c, b)| match b {
            DevlinkBody::FlashStatus(s) => (c, FlashStatus::clone(&s)),
            other => panic!("{other:?}"),
        })
        .collect()
}

/// (message, done, total, timeout) of a status notification.
fn shape(s: &FlashStatus) -> (&str, u64, u64, u64) {
    let p = s.progress.as_ref().unwrap();
    (s.msg.as_deref().unwrap(), p.done, p.total, p.timeout)
}

#[test]
fn stream_has_the_kernel_shape() {
    let mut w = World::with(&DeviceOptions::new(1, 1));
    let stream = flash(&mut w, Some("fw.mgmt"));
    // FLASH_UPDATE, Preparing, 500 progress, final, Flash select, done, FLASH_UPDATE_END.
    assert_eq!(stream.len(), 1 + 1 + 500 + 1 + 1 + 1 + 1);
    assert_eq!(stream[0].0, Cmd::FlashUpdate);
    assert_eq!(stream.last().unwrap().0, Cmd::FlashUpdateEnd);
    let status = &stream[1..stream.len() - 1];
    assert!(status.iter().all(|(c, s)| *c == Cmd::FlashUpdateStatus
        && s.component.as_deref() == Some("fw.mgmt")));
    assert_eq!(shape(&status[0].1), ("Preparing to flash", 0, 0, 0));
    for (i, (_, s)) in status[1..=500].iter().enumerate() {
        let done = u64::try_from(i).unwrap() * 1000;
        assert_eq!(shape(s), ("Flashing", done, NSIM_DEV_FLASH_SIZE, 0));
    }
    assert_eq!(shape(&status[501].1), ("Flashing", 500_000, 500_000, 0));
    assert_eq!(shape(&status[502].1), ("Flash select", 0, 0, 81));
    assert_eq!(shape(&status[503].1), ("Flashing done", 0, 0, 0));
    // Without a component the messages carry none.
    let plain = flash(&mut w, None);
    assert!(plain.iter().all(|(_, s)| s.component.is_none()));
}

#[test]
fn pacing_is_the_daemons_and_adds_up_to_the_kernels_five_seconds() {
    let mut w = World::with(&DeviceOptions {
        flash_chunk_ms: 10,
        ..DeviceOptions::new(1, 1)
    });
    let pacing = w.sim.flash_pacing(&mut w.core, 1).unwrap();
    assert_eq!(pacing, FlashPacing::from_millis(10));
    // The sim never sleeps: the whole stream is queued at once, whatever the pacing.
    let stream = flash(&mut w, None);
    assert_eq!(stream.len(), 506);
    let total: Duration = stream
        .iter()
        .map(|(c, s)| pacing.delay_before(*c, &DevlinkBody::from(s.clone())))
        .sum();
    assert_eq!(total, Duration::from_secs(5));
    assert_eq!(pacing.request_time(), Duration::from_secs(5));
    // The default paces nothing.
    assert_eq!(FlashPacing::default().request_time(), Duration::ZERO);
}
