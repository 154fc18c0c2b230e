//! Reading the messages a template's frame posts to the page around it (the worker's task page
//! and the admin's preview). Only messages whose source is that page's own frame are read:
//! any other window can post to this one too.

use leptos::html::Iframe;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::MessageEvent;

/// A message from the page's own frame: its `type` and its other fields.
pub struct FrameMessage {
    pub kind: String,
    data: JsValue,
}

impl FrameMessage {
    /// The message, when `event` came from `frame` and has a string `type`.
    pub fn read(event: &MessageEvent, frame: NodeRef<Iframe>) -> Option<Self> {
        let window = frame.get_untracked()?.content_window()?;
        let source = event.source()?;
        if JsValue::from(source) != JsValue::from(window) {
            return None;
        }
        let data = event.data();
        let kind = js_sys::Reflect::get(&data, &JsValue::from_str("type"))
            .ok()?
            .as_string()?;
        Some(Self { kind, data })
    }

    pub fn field(&self, name: &str) -> Option<JsValue> {
        js_sys::Reflect::get(&self.data, &JsValue::from_str(name)).ok()
    }
}
