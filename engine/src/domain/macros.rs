//! The two shapes most small domain types take, written once: an enum spelled by its variants'
//! names, and a text newtype whose value is its checked string.

/// An enum whose spelling, stored and on the wire, is its variant's name (`InProgress`): the
/// enum with its derives, `ALL` in declaration order, `as_str`, `parse` and `Display`.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => stringify!($variant)),+ }
            }

            /// The exact spelling, as stored and as on the wire.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use string_enum;

/// What every text newtype (`struct Name(String)`) shares: `as_str`, and `Display` as the text
/// itself. With `parsed by Error`, also the pair serde's `#[serde(try_from = "String", into =
/// "String")]` needs, so that a value read back goes through `Self::parse` like a new one.
macro_rules! text_newtype {
    ($name:ident $(, parsed by $error:ty)?) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        $(
            impl TryFrom<String> for $name {
                type Error = $error;

                fn try_from(raw: String) -> Result<Self, $error> {
                    Self::parse(&raw)
                }
            }

            impl From<$name> for String {
                fn from(value: $name) -> String {
                    value.0
                }
            }
        )?
    };
}

pub(crate) use text_newtype;

/// Checks what [`string_enum!`] promises for every value: `parse` reads back what `Display`
/// (its `as_str`) writes, and serde spells it the same way; and `parse` refuses each of
/// `refused`, the near misses (other case, other words) a caller might send.
#[cfg(test)]
pub(crate) fn assert_spellings<T>(all: &[T], parse: fn(&str) -> Option<T>, refused: &[&str])
where
    T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + serde::Serialize,
{
    for &value in all {
        assert_eq!(parse(&value.to_string()), Some(value));
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            format!("\"{value}\"")
        );
    }
    for raw in refused {
        assert_eq!(parse(raw), None, "{raw:?}");
    }
}
