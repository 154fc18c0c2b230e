//! Noticing that a template's frame no longer shows Loupe's frame document.
//!
//! The sandbox keeps a template away from the page around it, but a template can still navigate
//! its own frame (a script setting `location`, or a plain link), and such a navigation can carry
//! the task's input or the worker's answers to another host. No browser setting forbids it, so
//! the page notices instead: after every load of the frame it posts `loupe:ping`, which Loupe's
//! crowd bundle answers with `loupe:here`. A frame that stays silent shows some other document;
//! the page blanks it and calls `on_left`. (A page built to answer pings would pass: this
//! catches templates that leave, not a hostile host that imitates the bundle.)

use std::time::Duration;

use leptos::html::Iframe;
use leptos::prelude::*;

/// How long a loaded frame has to answer. The bundle's listener exists before the load event
/// fires, so a real frame answers within milliseconds; this allows for a busy machine.
const ANSWER_WAIT: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
pub struct FrameWatch {
    frame: NodeRef<Iframe>,
    /// Counts the frame's loads, so that a timer only judges the load it was set for.
    loads: StoredValue<u32>,
    answered: StoredValue<bool>,
    /// Set once the frame was seen to leave; loads are ignored until [`FrameWatch::rearm`].
    left: StoredValue<bool>,
    on_left: StoredValue<Box<dyn Fn()>, LocalStorage>,
}

impl FrameWatch {
    pub fn new(frame: NodeRef<Iframe>, on_left: impl Fn() + 'static) -> Self {
        Self {
            frame,
            loads: StoredValue::new(0),
            answered: StoredValue::new(false),
            left: StoredValue::new(false),
            on_left: StoredValue::new_local(Box::new(on_left)),
        }
    }

    /// The frame's `load` event: ask it whether it is still Loupe's document.
    pub fn loaded(self) {
        if self.left.try_get_value().unwrap_or(true) {
            return;
        }
        self.loads.update_value(|loads| *loads += 1);
        let load = self.loads.get_value();
        self.answered.set_value(false);
        crate::pages::frame_message::post(self.frame, "loupe:ping", &[]);
        set_timeout(
            move || {
                let still_this_load = self.loads.try_get_value() == Some(load);
                let silent = self.answered.try_get_value() == Some(false);
                if still_this_load && silent && self.left.try_get_value() == Some(false) {
                    self.left.set_value(true);
                    self.blank();
                    self.on_left.with_value(|on_left| on_left());
                }
            },
            ANSWER_WAIT,
        );
    }

    /// A message of `kind` from this page's own frame.
    pub fn heard(self, kind: &str) {
        if matches!(kind, "loupe:here" | "loupe:ready") {
            self.answered.try_set_value(true);
        }
    }

    /// The page is about to load the frame itself again: watch the loads that follow.
    pub fn rearm(self) {
        self.left.try_set_value(false);
    }

    fn blank(self) {
        if let Some(frame) = self.frame.get_untracked() {
            frame.set_src("about:blank");
        }
    }
}
