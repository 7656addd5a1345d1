//! Device information and flash progress (kernel: `struct devlink_info_req`,
//! `devlink_info_*_put`, `devlink_flash_update_*_notify` in `net/devlink/dev.c`).

use devlink_wire::devlink::{
    FlashProgress, FlashStatus, Info, InfoItem, InfoVersion, InfoVersionKind,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::Devl;

/// What a version is (`enum devlink_info_version_type`): a component can be named by a
/// flash update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionType {
    /// `DEVLINK_INFO_VERSION_TYPE_NONE`.
    #[default]
    None,
    /// `DEVLINK_INFO_VERSION_TYPE_COMPONENT`: flashable on its own.
    Component,
}

/// What [`crate::Driver::info_get`] fills, in the order of the calls (kernel:
/// `struct devlink_info_req`).
#[derive(Debug, Default)]
pub struct InfoReq {
    items: Vec<InfoItem>,
    components: Vec<String>,
}

impl InfoReq {
    /// `devlink_info_serial_number_put`.
    pub fn serial_number_put(&mut self, sn: impl Into<String>) {
        self.items.push(InfoItem::SerialNumber(sn.into()));
    }

    /// `devlink_info_board_serial_number_put`.
    pub fn board_serial_number_put(&mut self, bsn: impl Into<String>) {
        self.items.push(InfoItem::BoardSerialNumber(bsn.into()));
    }

    /// `devlink_info_version_fixed_put`.
    pub fn version_fixed_put(&mut self, name: &str, value: &str) {
        self.version_put(InfoVersionKind::Fixed, name, value, VersionType::None);
    }

    /// `devlink_info_version_running_put_ext` (`_put`: [`VersionType::None`]).
    pub fn version_running_put(&mut self, name: &str, value: &str, ty: VersionType) {
        self.version_put(InfoVersionKind::Running, name, value, ty);
    }

    /// `devlink_info_version_stored_put_ext` (`_put`: [`VersionType::None`]).
    pub fn version_stored_put(&mut self, name: &str, value: &str, ty: VersionType) {
        self.version_put(InfoVersionKind::Stored, name, value, ty);
    }

    /// `devlink_info_version_put`: the type is seen by the component lookup even when the
    /// value is empty; an empty value is not shown.
    fn version_put(&mut self, kind: InfoVersionKind, name: &str, value: &str, ty: VersionType) {
        if ty == VersionType::Component {
            self.components.push(name.to_owned());
        }
        if !value.is_empty() {
            self.items
                .push(InfoItem::Version(InfoVersion::new(kind, name, value)));
        }
    }

    pub(crate) fn has_component(&self, name: &str) -> bool {
        self.components.iter().any(|c| c == name)
    }

    /// The `INFO_GET` reply: the handle, what the driver put, then the driver name.
    pub(crate) fn into_info(self, handle: devlink_wire::devlink::Handle, driver: &str) -> Info {
        let mut items = self.items;
        if !driver.is_empty() {
            items.push(InfoItem::DriverName(driver.to_owned()));
        }
        Info {
            handle,
            items,
            unknown: Vec::new(),
        }
    }
}

/// What a flash update asks of [`crate::Driver::flash_update`] (kernel:
/// `struct devlink_flash_update_params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashParams {
    /// The firmware file, as requested (the kernel passes the loaded file).
    pub file_name: String,
    /// The component to flash: one of the [`VersionType::Component`] versions.
    pub component: Option<String>,
    /// `DEVLINK_FLASH_OVERWRITE_*` bits (value & selector of the request's mask).
    pub overwrite_mask: u32,
}

impl Devl<'_> {
    /// `devlink_flash_update_status_notify`: `FLASH_UPDATE_STATUS` with a message,
    /// component and progress `done`/`total` (timeout 0).
    pub fn flash_update_status(
        &mut self,
        msg: &str,
        component: Option<&str>,
        done: u64,
        total: u64,
    ) {
        self.flash_status_notify(msg, component, done, total, 0);
    }

    /// `devlink_flash_update_timeout_notify`: `FLASH_UPDATE_STATUS` with a message,
    /// component and a timeout in seconds (done and total 0).
    pub fn flash_update_timeout(&mut self, msg: &str, component: Option<&str>, timeout: u64) {
        self.flash_status_notify(msg, component, 0, 0, timeout);
    }

    fn flash_status_notify(
        &mut self,
        msg: &str,
        component: Option<&str>,
        done: u64,
        total: u64,
        timeout: u64,
    ) {
        self.notify(None, Cmd::FlashUpdateStatus, |inst| {
            Some(DevlinkBody::from(FlashStatus {
                handle: inst.handle.clone(),
                msg: Some(msg.to_owned()),
                component: component.map(str::to_owned),
                progress: Some(FlashProgress {
                    done,
                    total,
                    timeout,
                }),
                unknown: Vec::new(),
            }))
        });
    }

    /// `FLASH_UPDATE` (begin) or `FLASH_UPDATE_END`: the handle only.
    pub(crate) fn flash_bracket_notify(&mut self, cmd: Cmd) {
        self.notify(None, cmd, |inst| {
            Some(DevlinkBody::from(FlashStatus::bare(inst.handle.clone())))
        });
    }
}
