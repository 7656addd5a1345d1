//! Line cards (kernel: `net/devlink/linecard.c`).

use devlink_wire::devlink::{Linecard, NestedHandle};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, LinecardState};

use crate::Devl;
use crate::error::{CoreError, LinecardError};
use crate::nested::RelObj;

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = devlink_wire::watch::WatchKind::Linecard.bit();

impl Devl<'_> {
    /// `devl_linecard_create`: state `UNPROVISIONED`; `LINECARD_NEW`.
    pub fn linecard_create(
        &mut self,
        index: u32,
        supported_types: Vec<String>,
    ) -> Result<(), CoreError> {
        if self.inst.objects.linecards.iter().any(|l| l.index == index) {
            return Err(LinecardError::Exists(index).into());
        }
        self.inst.objects.linecards.push(Linecard {
            handle: self.inst.handle.clone(),
            index,
            state: LinecardState::Unprovisioned,
            lc_type: None,
            supported_types: (!supported_types.is_empty()).then_some(supported_types),
            nested: None,
            unknown: Vec::new(),
        });
        self.changed_kinds(WATCHED);
        self.linecard_notify(index, Cmd::LinecardNew);
        Ok(())
    }

    /// `devl_linecard_destroy`. Ports on the card go first (each with its `PORT_DEL`),
    /// then `LINECARD_DEL`.
    pub fn linecard_destroy(&mut self, index: u32) -> Result<(), CoreError> {
        if !self.inst.objects.linecards.iter().any(|l| l.index == index) {
            return Err(LinecardError::NotFound(index).into());
        }
        let ports: Vec<u32> = self
            .inst
            .objects
            .ports
            .values()
            .filter(|p| p.linecard_index == Some(index))
            .map(|p| p.index)
            .collect();
        for p in ports {
            self.port_unregister(p)?;
        }
        self.linecard_notify(index, Cmd::LinecardDel);
        self.inst.objects.linecards.retain(|l| l.index != index);
        self.rels.drop_object(self.id, RelObj::Linecard(index));
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// A state transition (`devlink_linecard_provision_set`, `_clear`, `_fail`,
    /// `_activate`, `_deactivate`), with the type it now has; `LINECARD_NEW`.
    pub fn linecard_state_set(
        &mut self,
        index: u32,
        state: LinecardState,
        lc_type: Option<String>,
    ) -> Result<(), CoreError> {
        let cards = self.inst.objects.linecards.iter_mut();
        let Some(card) = cards.into_iter().find(|l| l.index == index) else {
            return Err(LinecardError::NotFound(index).into());
        };
        card.state = state;
        card.lc_type = lc_type;
        self.changed_kinds(WATCHED);
        self.linecard_notify(index, Cmd::LinecardNew);
        Ok(())
    }

    /// The line card's `NESTED_DEVLINK` now shows `shown` (the nested instance
    /// registered or is gone); `LINECARD_NEW` if that changed anything.
    pub(crate) fn linecard_nested_show(&mut self, index: u32, shown: Option<NestedHandle>) {
        let cards = self.inst.objects.linecards.iter_mut();
        let Some(card) = cards.into_iter().find(|l| l.index == index) else {
            return;
        };
        if card.nested != shown {
            card.nested = shown;
            self.changed_kinds(WATCHED);
            self.linecard_notify(index, Cmd::LinecardNew);
        }
    }

    fn linecard_notify(&mut self, index: u32, cmd: Cmd) {
        self.notify(None, cmd, |inst| {
            let l = inst.objects.linecards.iter().find(|l| l.index == index);
            l.cloned().map(DevlinkBody::from)
        });
    }
}
