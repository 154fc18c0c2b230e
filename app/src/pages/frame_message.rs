//! Reading the messages a template's frame posts to the page around it (the worker's task page
//! and the admin's preview). Only messages whose source is that page's own frame are read:
//! any other window can post to this one too. And posting a message to that frame.

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

/// Posts `{type: kind, ...fields}` to the page's frame, if it is there.
pub fn post(frame: NodeRef<Iframe>, kind: &str, fields: &[(&str, JsValue)]) {
    let Some(window) = frame.get_untracked().and_then(|f| f.content_window()) else {
        return;
    };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &JsValue::from_str(kind));
    for (name, value) in fields {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(name), value);
    }
    // The frame's origin is opaque, so no target origin can name it.
    let _ = window.post_message(&message, "*");
}
