//! `dev flash` on a terminal: the flash status stream as progress bars (indicatif), one
//! per status message, instead of the status lines iproute2 rewrites in place. Piped
//! or redirected output keeps iproute2's lines exactly (`flash.rs`).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use devlink_wire::devlink::FlashStatus;

/// The bar of the current status message.
#[derive(Default)]
pub(super) struct Bars {
    bar: Option<ProgressBar>,
    /// The component and message the bar shows.
    shown: Option<(Option<String>, Option<String>)>,
}

impl Bars {
    /// One `FLASH_UPDATE_STATUS`.
    pub(super) fn status(&mut self, f: &FlashStatus) {
        let key = (f.component.clone(), f.msg.clone());
        let total = f.progress.map_or(0, |p| p.total);
        if self.shown.as_ref() != Some(&key) {
            self.finish();
            let label = match (&f.component, &f.msg) {
                (Some(c), Some(m)) => format!("[{c}] {m}"),
                (Some(c), None) => format!("[{c}]"),
                (None, m) => m.clone().unwrap_or_default(),
            };
            let bar = if total > 0 {
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stdout());
                if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {percent:>3}%") {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar
            } else {
                // A message without progress: its text alone.
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout());
                if let Ok(style) = ProgressStyle::with_template("{msg}") {
                    bar.set_style(style);
                }
                bar
            };
            bar.set_message(label);
            self.bar = Some(bar);
            self.shown = Some(key);
        }
        if let (Some(bar), Some(p)) = (&self.bar, f.progress) {
            if p.total > 0 {
                bar.set_length(p.total);
            }
            bar.set_position(p.done);
        }
    }

    /// `FLASH_UPDATE_END`, or another message: leave the bar as it stands.
    pub(super) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish();
        }
        self.shown = None;
    }
}
