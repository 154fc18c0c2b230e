//! A2I's own Liquid filters (spec 5.1) next to the standard library: `skip_autoescape`,
//! `to_json`, `grant_read_access`, Loupe's `template_asset`, and the autoescape filter the
//! rewrite appends. `escape` and
//! `escape_once` are the standard ones, whose output matches the developer guide's examples.

use std::fmt;
use std::sync::Arc;

use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{Filter, FilterReflection, ParseFilter, Result, Runtime, Value, ValueView};

use super::assets::AssetLinks;
use super::autoescape::AUTOESCAPE_FILTER;

/// Turns an S3 reference (`s3://bucket/key` or an S3 HTTPS URL) into a short-lived link a
/// browser can load; the error message is shown to whoever renders the template.
pub trait ReadGrants: Send + Sync {
    fn grant(&self, reference: &str) -> std::result::Result<String, String>;
}

pub(super) fn parser(
    grants: Arc<dyn ReadGrants>,
    assets: Arc<AssetLinks>,
) -> Result<liquid::Parser> {
    liquid::ParserBuilder::with_stdlib()
        .filter(Plain::new(
            AUTOESCAPE_FILTER,
            "HTML-escapes output (A2I's default)",
            escape,
        ))
        .filter(Plain::new(
            "skip_autoescape",
            "Leaves output unescaped, as HTML",
            |input| Ok(input.to_value()),
        ))
        .filter(Plain::new("to_json", "Writes a value as JSON", to_json))
        .filter(GrantReadAccess { grants })
        .filter(TemplateAssetFilter { assets })
        .build()
}

fn escape(input: &dyn ValueView) -> Result<Value> {
    if input.is_nil() {
        return Ok(Value::scalar(""));
    }
    // Arrays and objects print as JSON, as A2I's built-in templates expect of
    // `initial-value="{{ task.input.selectedAiServiceResponse.blocks }}"`.
    let text = if input.is_array() || input.is_object() {
        json_text(input)?
    } else {
        input.to_kstr().to_string()
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    Ok(Value::scalar(out))
}

fn to_json(input: &dyn ValueView) -> Result<Value> {
    Ok(Value::scalar(json_text(input)?))
}

fn json_text(input: &dyn ValueView) -> Result<String> {
    serde_json::to_value(input.to_value())
        .and_then(|value| serde_json::to_string(&value))
        .map_err(|e| liquid_core::Error::with_msg(format!("to_json: {e}")))
}

/// A filter without arguments, from a function.
#[derive(Clone)]
struct Plain {
    name: &'static str,
    description: &'static str,
    apply: fn(&dyn ValueView) -> Result<Value>,
}

impl Plain {
    fn new(
        name: &'static str,
        description: &'static str,
        apply: fn(&dyn ValueView) -> Result<Value>,
    ) -> Self {
        Self {
            name,
            description,
            apply,
        }
    }
}

impl FilterReflection for Plain {
    fn name(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        self.description
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for Plain {
    fn parse(&self, mut arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        no_arguments(self.name, &mut arguments)?;
        Ok(Box::new(PlainFilter {
            name: self.name,
            apply: self.apply,
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

fn no_arguments(name: &str, arguments: &mut FilterArguments) -> Result<()> {
    if arguments.positional.next().is_some() || arguments.keyword.next().is_some() {
        return Err(liquid_core::Error::with_msg(format!(
            "the {name} filter takes no arguments"
        )));
    }
    Ok(())
}

struct PlainFilter {
    name: &'static str,
    apply: fn(&dyn ValueView) -> Result<Value>,
}

impl fmt::Debug for PlainFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Display for PlainFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Filter for PlainFilter {
    fn evaluate(&self, input: &dyn ValueView, _runtime: &dyn Runtime) -> Result<Value> {
        (self.apply)(input)
    }
}

#[derive(Clone)]
struct GrantReadAccess {
    grants: Arc<dyn ReadGrants>,
}

impl FilterReflection for GrantReadAccess {
    fn name(&self) -> &str {
        "grant_read_access"
    }
    fn description(&self) -> &str {
        "Turns an S3 URI into a short-lived link served by Loupe"
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for GrantReadAccess {
    fn parse(&self, mut arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        no_arguments("grant_read_access", &mut arguments)?;
        Ok(Box::new(GrantFilter {
            grants: self.grants.clone(),
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

struct GrantFilter {
    grants: Arc<dyn ReadGrants>,
}

impl fmt::Debug for GrantFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("grant_read_access")
    }
}

impl fmt::Display for GrantFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("grant_read_access")
    }
}

impl Filter for GrantFilter {
    fn evaluate(&self, input: &dyn ValueView, _runtime: &dyn Runtime) -> Result<Value> {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        let reference = input.to_kstr();
        self.grants
            .grant(reference.trim())
            .map(Value::scalar)
            .map_err(|e| liquid_core::Error::with_msg(format!("grant_read_access: {e}")))
    }
}

/// `{{ "name.js" | template_asset }}`: the URL Loupe serves this template's asset at.
#[derive(Clone)]
struct TemplateAssetFilter {
    assets: Arc<AssetLinks>,
}

impl FilterReflection for TemplateAssetFilter {
    fn name(&self) -> &str {
        "template_asset"
    }
    fn description(&self) -> &str {
        "The URL of a file uploaded for this template"
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for TemplateAssetFilter {
    fn parse(&self, mut arguments: FilterArguments) -> Result<Box<dyn Filter>> {
        no_arguments("template_asset", &mut arguments)?;
        Ok(Box::new(AssetFilter {
            assets: self.assets.clone(),
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

struct AssetFilter {
    assets: Arc<AssetLinks>,
}

impl fmt::Debug for AssetFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("template_asset")
    }
}

impl fmt::Display for AssetFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("template_asset")
    }
}

impl Filter for AssetFilter {
    fn evaluate(&self, input: &dyn ValueView, _runtime: &dyn Runtime) -> Result<Value> {
        let name = input.to_kstr();
        self.assets
            .url_of(name.trim())
            .map(|url| Value::scalar(url.to_owned()))
            .map_err(|e| liquid_core::Error::with_msg(format!("template_asset: {e}")))
    }
}
