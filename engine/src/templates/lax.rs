//! `task.input` as Liquid sees it, with Shopify's lax lookups.
//!
//! The `liquid` crate fails a render on a missing variable or key (`{{ task.input.note }}` when
//! the input has no `note`). A2I's Liquid, like Shopify's, prints nothing, and templates rely
//! on it for optional fields. This view answers a missing key, at any depth, with nil instead.

use std::collections::BTreeMap;
use std::fmt;

use liquid_core::model::{
    ArrayView, DisplayCow, KStringCow, ObjectView, ScalarCow, State, Value, ValueView,
};
use serde_json::Value as Json;

/// A JSON document with lax lookups.
#[derive(Debug)]
pub enum LaxValue {
    /// Absent, or JSON `null`.
    Nil,
    Scalar(Value),
    Array(Vec<LaxValue>),
    Object(BTreeMap<String, LaxValue>),
}

static NIL: LaxValue = LaxValue::Nil;

impl LaxValue {
    pub fn from_json(json: &Json) -> Self {
        match json {
            Json::Null => Self::Nil,
            Json::Bool(b) => Self::Scalar(Value::scalar(*b)),
            Json::Number(n) => Self::Scalar(match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Value::scalar(i),
                (None, Some(f)) => Value::scalar(f),
                (None, None) => Value::scalar(n.to_string()),
            }),
            Json::String(s) => Self::Scalar(Value::scalar(s.clone())),
            Json::Array(items) => Self::Array(items.iter().map(Self::from_json).collect()),
            Json::Object(fields) => Self::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }

    fn to_json_text(&self) -> String {
        serde_json::to_value(self.as_liquid())
            .and_then(|json| serde_json::to_string(&json))
            .unwrap_or_default()
    }

    fn as_liquid(&self) -> Value {
        match self {
            Self::Nil => Value::Nil,
            Self::Scalar(value) => value.clone(),
            Self::Array(items) => Value::Array(items.iter().map(Self::as_liquid).collect()),
            Self::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone().into(), v.as_liquid()))
                    .collect(),
            ),
        }
    }
}

impl ValueView for LaxValue {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }

    /// Arrays and objects print as JSON: A2I's built-in templates hand them to elements that
    /// way (`initial-value="{{ task.input.selectedAiServiceResponse.blocks }}"`).
    fn render(&self) -> DisplayCow<'_> {
        match self {
            Self::Nil => DisplayCow::Owned(Box::new("")),
            Self::Scalar(value) => value.render(),
            _ => DisplayCow::Owned(Box::new(self.to_json_text())),
        }
    }

    fn source(&self) -> DisplayCow<'_> {
        match self {
            Self::Nil => DisplayCow::Owned(Box::new("nil")),
            Self::Scalar(value) => value.source(),
            _ => DisplayCow::Owned(Box::new(self.as_liquid().source().to_string())),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Self::Nil => "nil",
            Self::Scalar(value) => value.type_name(),
            Self::Array(_) => "array",
            Self::Object(_) => "object",
        }
    }

    fn query_state(&self, state: State) -> bool {
        match self {
            Self::Nil => !matches!(state, State::Truthy),
            Self::Scalar(value) => value.query_state(state),
            Self::Array(items) => match state {
                State::Truthy => true,
                _ => items.is_empty(),
            },
            Self::Object(fields) => match state {
                State::Truthy => true,
                _ => fields.is_empty(),
            },
        }
    }

    fn to_kstr(&self) -> KStringCow<'_> {
        match self {
            Self::Nil => KStringCow::from_static(""),
            Self::Scalar(value) => value.to_kstr(),
            _ => KStringCow::from_string(self.to_json_text()),
        }
    }

    fn to_value(&self) -> Value {
        self.as_liquid()
    }

    fn as_scalar(&self) -> Option<ScalarCow<'_>> {
        match self {
            Self::Scalar(value) => value.as_scalar(),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&dyn ArrayView> {
        matches!(self, Self::Array(_)).then_some(self as &dyn ArrayView)
    }

    /// Nil is also an empty object, so that a lookup below a missing key finds nil again.
    fn as_object(&self) -> Option<&dyn ObjectView> {
        matches!(self, Self::Object(_) | Self::Nil).then_some(self as &dyn ObjectView)
    }

    fn is_object(&self) -> bool {
        matches!(self, Self::Object(_))
    }

    fn is_nil(&self) -> bool {
        matches!(self, Self::Nil)
    }
}

impl ArrayView for LaxValue {
    fn as_value(&self) -> &dyn ValueView {
        self
    }

    fn size(&self) -> i64 {
        match self {
            Self::Array(items) => i64::try_from(items.len()).unwrap_or(i64::MAX),
            _ => 0,
        }
    }

    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        match self {
            Self::Array(items) => Box::new(items.iter().map(|v| v as &dyn ValueView)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn contains_key(&self, index: i64) -> bool {
        ArrayView::get(self, index).is_some()
    }

    fn get(&self, index: i64) -> Option<&dyn ValueView> {
        let Self::Array(items) = self else {
            return None;
        };
        let len = i64::try_from(items.len()).ok()?;
        let index = if index < 0 { len + index } else { index };
        usize::try_from(index)
            .ok()
            .and_then(|i| <[LaxValue]>::get(items, i))
            .map(|v| v as &dyn ValueView)
    }
}

impl ObjectView for LaxValue {
    fn as_value(&self) -> &dyn ValueView {
        self
    }

    fn size(&self) -> i64 {
        match self {
            Self::Object(fields) => i64::try_from(fields.len()).unwrap_or(i64::MAX),
            _ => 0,
        }
    }

    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        match self {
            Self::Object(fields) => Box::new(fields.keys().map(|k| KStringCow::from_ref(k))),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        match self {
            Self::Object(fields) => Box::new(fields.values().map(|v| v as &dyn ValueView)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        match self {
            Self::Object(fields) => Box::new(
                fields
                    .iter()
                    .map(|(k, v)| (KStringCow::from_ref(k), v as &dyn ValueView)),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    /// Every key is there: a missing one is nil.
    fn contains_key(&self, _index: &str) -> bool {
        true
    }

    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        match self {
            Self::Object(fields) => Some(fields.get(index).unwrap_or(&NIL)),
            _ => Some(&NIL),
        }
    }
}

/// The render's globals: `task.input`, and nil for anything else.
pub struct Globals {
    root: LaxValue,
}

impl Globals {
    pub fn new(input: &Json) -> Self {
        let mut task = BTreeMap::new();
        task.insert("input".to_owned(), LaxValue::from_json(input));
        let mut root = BTreeMap::new();
        root.insert("task".to_owned(), LaxValue::Object(task));
        Self {
            root: LaxValue::Object(root),
        }
    }

    pub fn view(&self) -> &LaxValue {
        &self.root
    }
}
