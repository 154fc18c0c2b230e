//! Read-only views of the AI-service responses the conditions look at, in A2I's camelCase
//! (`moderationLabels[].confidence`, `blocks[].blockType`, ...; spec 4.2).
//!
//! A view is built once per evaluation and borrows from the response, so every leaf of a
//! document shares one pass over the labels or one id index of the blocks.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::compile::LabelSelector;
use super::document::json_kind;

/// The labels of a `DetectModerationLabels` response that some condition names.
#[derive(Debug)]
pub(crate) struct ModerationLabels<'a> {
    pub labels: Vec<ModerationLabel<'a>>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ModerationLabel<'a> {
    /// Index in `moderationLabels`.
    pub index: usize,
    pub name: &'a str,
    /// Which of the document's label names this is, if any.
    pub name_id: Option<usize>,
    pub confidence: f64,
}

impl<'a> ModerationLabels<'a> {
    /// Reads the labels named in `names`, or every label when `every` (a `*` condition). Each
    /// label's name is compared with the document's names once here, so leaves compare numbers.
    /// Labels no condition looks at are not read past their name.
    pub fn read(response: &'a Value, names: &[String], every: bool) -> Result<Self, MlOutputError> {
        let root = expect_object(response, Loc::Root)?;
        let items = required_array(root, Loc::Root, "moderationLabels")?;
        let list = Loc::Root.field("moderationLabels");
        let mut labels = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = list.index(index);
            let label = expect_object(item, path)?;
            let name = required_str(label, path, "name")?;
            let name_id = names.iter().position(|wanted| wanted == name);
            if name_id.is_none() && !every {
                continue;
            }
            let confidence = required(label, path, "confidence")?;
            let confidence = confidence
                .as_f64()
                .ok_or_else(|| wrong_type(path.field("confidence"), "a number", confidence))?;
            labels.push(ModerationLabel {
                index,
                name,
                name_id,
                confidence,
            });
        }
        Ok(Self { labels })
    }

    /// The labels `selector` names, in response order.
    pub fn named(
        &self,
        selector: LabelSelector,
    ) -> impl Iterator<Item = &ModerationLabel<'a>> + Clone {
        self.labels.iter().filter(move |label| match selector {
            LabelSelector::Any => true,
            LabelSelector::Named(wanted) => label.name_id == Some(wanted),
        })
    }
}

/// The form of an `AnalyzeDocument` response: the KEY blocks with the text the conditions match
/// on, and the blocks they relate to.
///
/// Every block is looked at once. Blocks a KEY or VALUE can name are indexed by id, and their
/// members are picked out in one pass (a form has hundreds of blocks of a dozen members each,
/// and looking members up one by one costs several string comparisons apiece). Confidences and
/// texts are checked only where a condition reads them: real forms have far more words outside
/// key-value pairs than inside them. Likewise a key's VALUE block, and the words under it, are
/// looked up only when a condition reads the key's value (see [`Form::read`]).
#[derive(Debug)]
pub(crate) struct Form<'a> {
    pub blocks: &'a [Value],
    pub keys: Vec<FormKeyBlock>,
    members: Vec<BlockMembers<'a>>,
    /// The texts of all keys, back to back; each key holds its range.
    texts: String,
    /// The CHILD blocks of all keys and values, back to back; each key holds its range.
    children: Vec<usize>,
}

/// The members of one block the conditions may read, not yet checked.
#[derive(Debug, Clone, Copy, Default)]
struct BlockMembers<'a> {
    kind: BlockKind,
    confidence: Option<&'a Value>,
    text: Option<&'a Value>,
    relationships: Option<&'a Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum BlockKind {
    KeyValueSet,
    Word,
    SelectionElement,
    #[default]
    Other,
}

impl BlockKind {
    fn of(block_type: &str) -> Self {
        match block_type {
            "KEY_VALUE_SET" => Self::KeyValueSet,
            "WORD" => Self::Word,
            "SELECTION_ELEMENT" => Self::SelectionElement,
            _ => Self::Other,
        }
    }
}

/// A KEY_VALUE_SET block with `EntityTypes` containing `KEY`.
#[derive(Debug)]
pub(crate) struct FormKeyBlock {
    /// Index of the KEY block in `blocks`.
    pub block: usize,
    /// Its CHILD WORD texts joined by single spaces, trimmed: see [`Form::text`].
    text: Range<usize>,
    pub confidence: f64,
    /// Index of its VALUE block, if it has one and its value is read.
    pub value: Option<usize>,
    value_confidence: Option<f64>,
    /// CHILD blocks of the key and, when its value is read, of its value, in that order: see
    /// [`Form::children`].
    children: Range<usize>,
}

impl<'a> Form<'a> {
    /// Reads the form. `reads_value` says, for a key's text, whether a condition reads the
    /// key's value: its VALUE block, the words under it and their confidences. Other keys are
    /// read only as far as their text and confidence, which is all a key name check and
    /// `MissingImportantFormKey` need; their `value` is `None` and their children are the key's
    /// own.
    pub fn read(
        response: &'a Value,
        reads_value: impl Fn(&str) -> bool,
    ) -> Result<Self, MlOutputError> {
        let root = expect_object(response, Loc::Root)?;
        let blocks = required_array(root, Loc::Root, "blocks")?;
        let list = Loc::Root.field("blocks");
        let mut ids: HashMap<BlockId<'a>, usize, IdHashing> =
            HashMap::with_capacity_and_hasher(blocks.len(), IdHashing::new());
        let mut members = Vec::with_capacity(blocks.len());
        let mut key_blocks = Vec::new();
        for (i, block) in blocks.iter().enumerate() {
            let path = list.index(i);
            let object = expect_object(block, path)?;
            let mut found = BlockMembers::default();
            let (mut block_type, mut id, mut entity_types) = (None, None, None);
            for (member, value) in object {
                // Member names of distinct lengths: one length test rejects most of them.
                match member.len() {
                    9 if member == "blockType" => {
                        block_type = Some(value);
                        if let Value::String(name) = value {
                            found.kind = BlockKind::of(name);
                            // A block no condition reads is left at its type, which object
                            // order usually puts first.
                            if found.kind == BlockKind::Other {
                                break;
                            }
                        }
                    }
                    2 if member == "id" => id = Some(value),
                    4 if member == "text" => found.text = Some(value),
                    10 if member == "confidence" => found.confidence = Some(value),
                    11 if member == "entityTypes" => entity_types = Some(value),
                    13 if member == "relationships" => found.relationships = Some(value),
                    _ => {}
                }
            }
            let kind = match block_type {
                Some(Value::String(_)) => found.kind,
                Some(other) => return Err(wrong_type(path.field("blockType"), "a string", other)),
                None => return Err(absent(object, path, "blockType")),
            };
            if kind == BlockKind::Other {
                members.push(BlockMembers::default());
                continue;
            }
            match id {
                Some(Value::String(id)) => ids.insert(BlockId(id), i),
                Some(other) => return Err(wrong_type(path.field("id"), "a string", other)),
                None => return Err(absent(object, path, "id")),
            };
            let is_key = kind == BlockKind::KeyValueSet
                && match entity_types {
                    None => false,
                    Some(Value::Array(types)) => types.iter().any(|t| t.as_str() == Some("KEY")),
                    Some(other) => {
                        return Err(wrong_type(path.field("entityTypes"), "an array", other));
                    }
                };
            if is_key {
                key_blocks.push(i);
            }
            members.push(found);
        }
        let find = |block_path: Loc<'_>, at: IdAt, id: &str| {
            ids.get(&BlockId(id))
                .copied()
                .ok_or_else(|| MlOutputError::UnknownBlockId {
                    path: at.path(block_path),
                    id: id.to_owned(),
                })
        };
        let mut keys = Vec::with_capacity(key_blocks.len());
        let mut texts = String::new();
        let mut children = Vec::new();
        for block in key_blocks {
            let path = list.index(block);
            let first_child = children.len();
            let mut value_id = None;
            related(members[block].relationships, path, |kind, at, id| {
                match kind {
                    "CHILD" => children.push(find(path, at, id)?),
                    "VALUE" if value_id.is_none() => value_id = Some((at, id)),
                    _ => {}
                }
                Ok(())
            })?;
            let text_start = texts.len();
            for &child in &children[first_child..] {
                let word = members[child];
                if word.kind != BlockKind::Word {
                    continue;
                }
                let word = checked_str(word.text, blocks, list.index(child), "text")?.trim();
                if word.is_empty() {
                    continue;
                }
                if texts.len() > text_start {
                    texts.push(' ');
                }
                texts.push_str(word);
            }
            let confidence = checked_number(members[block].confidence, blocks, path, "confidence")?;
            let (mut value, mut value_confidence) = (None, None);
            if let Some((at, id)) = value_id
                && reads_value(&texts[text_start..])
            {
                let found = find(path, at, id)?;
                value = Some(found);
                let value_path = list.index(found);
                value_confidence = match members[found].confidence {
                    None | Some(Value::Null) => None,
                    Some(raw) => Some(raw.as_f64().ok_or_else(|| {
                        wrong_type(value_path.field("confidence"), "a number", raw)
                    })?),
                };
                related(members[found].relationships, value_path, |kind, at, id| {
                    if kind == "CHILD" {
                        children.push(find(value_path, at, id)?);
                    }
                    Ok(())
                })?;
            }
            keys.push(FormKeyBlock {
                block,
                text: text_start..texts.len(),
                confidence,
                value,
                value_confidence,
                children: first_child..children.len(),
            });
        }
        Ok(Self {
            blocks,
            keys,
            members,
            texts,
            children,
        })
    }

    /// A key's text: its CHILD WORD texts joined by single spaces, trimmed.
    pub fn text(&self, key: &FormKeyBlock) -> &str {
        &self.texts[key.text.clone()]
    }

    /// A key's CHILD blocks followed by its value's (when its value is read).
    pub fn children(&self, key: &FormKeyBlock) -> &[usize] {
        &self.children[key.children.clone()]
    }

    /// Confidences of the KEY block and of its VALUE block, when it has one with a confidence.
    pub fn key_value_confidences(&self, key: &FormKeyBlock) -> Vec<f64> {
        let mut confidences = vec![key.confidence];
        confidences.extend(key.value_confidence);
        confidences
    }

    /// Confidences of the WORD blocks under the key and under its value.
    pub fn word_confidences(&self, key: &FormKeyBlock) -> Result<Vec<f64>, MlOutputError> {
        let list = Loc::Root.field("blocks");
        self.children(key)
            .iter()
            .filter(|&&child| self.members[child].kind == BlockKind::Word)
            .map(|&child| {
                let confidence = self.members[child].confidence;
                checked_number(confidence, self.blocks, list.index(child), "confidence")
            })
            .collect()
    }
}

/// A string member picked out earlier; `blocks` is only read to word the error.
fn checked_str<'a>(
    found: Option<&'a Value>,
    blocks: &[Value],
    path: Loc<'_>,
    field: &str,
) -> Result<&'a str, MlOutputError> {
    match found {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(wrong_type(path.field(field), "a string", other)),
        None => Err(absent_in(blocks, path, field)),
    }
}

/// A required number member picked out earlier.
fn checked_number(
    found: Option<&Value>,
    blocks: &[Value],
    path: Loc<'_>,
    field: &str,
) -> Result<f64, MlOutputError> {
    match found {
        Some(value) => value
            .as_f64()
            .ok_or_else(|| wrong_type(path.field(field), "a number", value)),
        None => Err(absent_in(blocks, path, field)),
    }
}

/// `absent` for the block at `path`, which must be `blocks[i]`.
fn absent_in(blocks: &[Value], path: Loc<'_>, field: &str) -> MlOutputError {
    let Loc::Index(_, i) = path else {
        unreachable!("block paths end in an index");
    };
    let object = blocks[i].as_object().expect("every block is an object");
    absent(object, path, field)
}

/// Where an id is in a block: `relationships[relationship].ids[id]`.
#[derive(Debug, Clone, Copy)]
struct IdAt {
    relationship: usize,
    id: usize,
}

impl IdAt {
    fn path(self, block: Loc<'_>) -> String {
        let relationships = block.field("relationships");
        let relationship = relationships.index(self.relationship);
        let ids = relationship.field("ids");
        ids.index(self.id).to_string()
    }
}

/// Calls `found` with the type, and every id with where it is, of a block's `CHILD` and `VALUE`
/// relationships.
fn related<'a>(
    relationships: Option<&'a Value>,
    path: Loc<'_>,
    mut found: impl FnMut(&'a str, IdAt, &'a str) -> Result<(), MlOutputError>,
) -> Result<(), MlOutputError> {
    let Some(relationships) = relationships else {
        return Ok(());
    };
    let list = path.field("relationships");
    let Value::Array(relationships) = relationships else {
        return Err(wrong_type(list, "an array", relationships));
    };
    for (r, relationship) in relationships.iter().enumerate() {
        let r_path = list.index(r);
        let relationship = expect_object(relationship, r_path)?;
        // A relationship has these two members and rarely more: one pass finds both.
        let (mut kind, mut ids) = (None, None);
        for (member, value) in relationship {
            match member.as_str() {
                "type" => kind = Some(value),
                "ids" => ids = Some(value),
                _ => {}
            }
        }
        let kind = match kind {
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => return Err(wrong_type(r_path.field("type"), "a string", other)),
            None => return Err(absent(relationship, r_path, "type")),
        };
        if kind != "CHILD" && kind != "VALUE" {
            continue;
        }
        let ids = match ids {
            Some(Value::Array(ids)) => ids,
            Some(other) => return Err(wrong_type(r_path.field("ids"), "an array", other)),
            None => return Err(absent(relationship, r_path, "ids")),
        };
        let ids_path = r_path.field("ids");
        for (j, id) in ids.iter().enumerate() {
            match id {
                Value::String(id) => found(
                    kind,
                    IdAt {
                        relationship: r,
                        id: j,
                    },
                    id,
                )?,
                other => return Err(wrong_type(ids_path.index(j), "a string", other)),
            }
        }
    }
    Ok(())
}

fn expect_object<'a>(
    value: &'a Value,
    path: Loc<'_>,
) -> Result<&'a Map<String, Value>, MlOutputError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(wrong_type(path, "an object", other)),
    }
}

fn required<'a>(
    object: &'a Map<String, Value>,
    path: Loc<'_>,
    field: &str,
) -> Result<&'a Value, MlOutputError> {
    object.get(field).ok_or_else(|| absent(object, path, field))
}

/// The error for a member that is not there, with a hint when the AWS SDK's casing is.
fn absent(object: &Map<String, Value>, path: Loc<'_>, field: &str) -> MlOutputError {
    let pascal = pascal_case(field);
    if object.contains_key(&pascal) {
        MlOutputError::NotCamelCase {
            path: path.field(field).to_string(),
            found: pascal,
        }
    } else {
        MlOutputError::Missing {
            path: path.field(field).to_string(),
        }
    }
}

fn required_array<'a>(
    object: &'a Map<String, Value>,
    path: Loc<'_>,
    field: &str,
) -> Result<&'a [Value], MlOutputError> {
    match required(object, path, field)? {
        Value::Array(items) => Ok(items),
        other => Err(wrong_type(path.field(field), "an array", other)),
    }
}

fn required_str<'a>(
    object: &'a Map<String, Value>,
    path: Loc<'_>,
    field: &str,
) -> Result<&'a str, MlOutputError> {
    match required(object, path, field)? {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(path.field(field), "a string", other)),
    }
}

fn wrong_type(path: Loc<'_>, expected: &'static str, found: &Value) -> MlOutputError {
    MlOutputError::WrongType {
        path: path.to_string(),
        expected,
        found: json_kind(found),
    }
}

/// A path into the response, built on the stack and formatted only when an error needs it.
#[derive(Debug, Clone, Copy)]
enum Loc<'p> {
    Root,
    Field(&'p Loc<'p>, &'p str),
    Index(&'p Loc<'p>, usize),
}

impl<'p> Loc<'p> {
    fn field(&'p self, name: &'p str) -> Loc<'p> {
        Loc::Field(self, name)
    }

    fn index(&'p self, i: usize) -> Loc<'p> {
        Loc::Index(self, i)
    }
}

impl fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root => f.write_str("aiServiceResponse"),
            Self::Field(parent, name) => write!(f, "{parent}.{name}"),
            Self::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn pascal_case(field: &str) -> String {
    let mut chars = field.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Rewrites an AWS SDK response (`ModerationLabels`, `Blocks[].BlockType`, ...) into the
/// camelCase A2I stores and the conditions read, by lower-casing the first letter of every key.
/// Values are left alone, and keys already in camelCase stay as they are.
pub fn to_a2i_case(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let mut chars = key.chars();
                    let key = match chars.next() {
                        Some(first) => first.to_lowercase().chain(chars).collect(),
                        None => key,
                    };
                    (key, to_a2i_case(value))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(to_a2i_case).collect()),
        other => other,
    }
}

/// A block id as a key of the block-id index: hashed as its bytes alone, once, where `str` also
/// hashes a terminator in a second call to the hasher.
#[derive(PartialEq, Eq)]
struct BlockId<'a>(&'a str);

impl Hash for BlockId<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.0.as_bytes());
    }
}

/// Hashing for the block-id index. Ids are long random strings, so a multiply-and-rotate hash
/// over 8-byte words spreads them well at a third of SipHash's cost, which is most of the
/// index on a 300-block form. The starting state is a per-process random seed, so a caller who
/// wants to slow the index down with colliding ids cannot compute them in advance.
#[derive(Clone)]
struct IdHashing {
    seed: u64,
}

impl IdHashing {
    fn new() -> Self {
        static SEED: OnceLock<u64> = OnceLock::new();
        Self {
            seed: *SEED.get_or_init(|| RandomState::new().hash_one(0u64)),
        }
    }
}

impl BuildHasher for IdHashing {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.seed)
    }
}

struct IdHasher(u64);

impl IdHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for IdHasher {
    /// The bytes in 8-byte words, then their count.
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8-byte chunk")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last 8 bytes, overlapping the words before when there are any; the count
            // below keeps ids of different lengths apart.
            let last = match bytes.len().checked_sub(8) {
                Some(start) => u64::from_le_bytes(bytes[start..].try_into().expect("8 bytes")),
                None => rest
                    .iter()
                    .rev()
                    .fold(0, |word, &byte| (word << 8) | u64::from(byte)),
            };
            self.add(last);
        }
        self.add(bytes.len() as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Why an AI-service response cannot be evaluated. Paths start at `aiServiceResponse`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MlOutputError {
    #[error("{path}: missing")]
    Missing { path: String },
    #[error(
        "{path}: missing, found {found} instead; convert the AWS response to A2I's camelCase first"
    )]
    NotCamelCase { path: String, found: String },
    #[error("{path}: expected {expected}, found {found}")]
    WrongType {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{path}: no KEY_VALUE_SET, WORD or SELECTION_ELEMENT block has the id {id:?}")]
    UnknownBlockId { path: String, id: String },
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn word(id: &str, text: &str, confidence: f64) -> Value {
        json!({"blockType": "WORD", "id": id, "text": text, "confidence": confidence})
    }

    #[test]
    fn key_text_is_the_child_words_joined_by_single_spaces() {
        let response = json!({"blocks": [
            {"blockType": "PAGE", "id": "p"},
            {"blockType": "KEY_VALUE_SET", "id": "k", "entityTypes": ["KEY"], "confidence": 55.0,
             "relationships": [{"type": "VALUE", "ids": ["v"]}, {"type": "CHILD", "ids": ["w1", "w2"]}]},
            {"blockType": "KEY_VALUE_SET", "id": "v", "entityTypes": ["VALUE"], "confidence": 58.0,
             "relationships": [{"type": "CHILD", "ids": ["w3", "s"]}]},
            word("w1", "Pay", 99.0),
            word("w2", " Date ", 80.0),
            word("w3", "2020-01-01", 70.0),
            {"blockType": "SELECTION_ELEMENT", "id": "s", "confidence": 90.0, "selectionStatus": "SELECTED"},
        ]});
        let form = Form::read(&response, |_| true).unwrap();
        assert_eq!(form.keys.len(), 1);
        let key = &form.keys[0];
        assert_eq!(
            (key.block, form.text(key), key.value),
            (1, "Pay Date", Some(2))
        );
        assert_eq!(form.children(key), [3, 4, 5, 6]);
        assert_eq!(form.key_value_confidences(key), vec![55.0, 58.0]);
        assert_eq!(form.word_confidences(key).unwrap(), vec![99.0, 80.0, 70.0]);

        // A key whose value no condition reads is read as far as its own words.
        let form = Form::read(&response, |text| text != "Pay Date").unwrap();
        let key = &form.keys[0];
        assert_eq!((form.text(key), key.value), ("Pay Date", None));
        assert_eq!(form.children(key), [3, 4]);
        assert_eq!(form.key_value_confidences(key), vec![55.0]);
    }

    #[test]
    fn values_are_looked_up_only_where_read() {
        let response = json!({"blocks": [
            {"blockType": "KEY_VALUE_SET", "id": "k", "entityTypes": ["KEY"], "confidence": 55.0,
             "relationships": [{"type": "CHILD", "ids": ["w"]}, {"type": "VALUE", "ids": ["gone"]}]},
            word("w", "Total", 90.0),
        ]});
        assert!(Form::read(&response, |_| false).is_ok());
        assert_eq!(
            Form::read(&response, |_| true).unwrap_err().to_string(),
            "aiServiceResponse.blocks[0].relationships[1].ids[0]: no KEY_VALUE_SET, WORD or SELECTION_ELEMENT block has the id \"gone\""
        );
    }

    #[test]
    fn a_dangling_relationship_is_reported_with_its_path() {
        let response = json!({"blocks": [
            {"blockType": "KEY_VALUE_SET", "id": "k", "entityTypes": ["KEY"], "confidence": 55.0,
             "relationships": [{"type": "CHILD", "ids": ["nope"]}]},
        ]});
        let err = Form::read(&response, |_| true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "aiServiceResponse.blocks[0].relationships[0].ids[0]: no KEY_VALUE_SET, WORD or SELECTION_ELEMENT block has the id \"nope\""
        );
    }

    #[test]
    fn labels_need_a_name_and_a_numeric_confidence() {
        let response =
            json!({"moderationLabels": [{"name": "x", "confidence": "9"}, {"name": "y"}]});
        let err = ModerationLabels::read(&response, &[], true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "aiServiceResponse.moderationLabels[0].confidence: expected a number, found a string"
        );
        // Labels no condition names are not read past their name.
        let y = ModerationLabels::read(&response, &["z".into()], false).unwrap();
        assert!(y.labels.is_empty());
        let err = ModerationLabels::read(&json!({"ModerationLabels": []}), &[], true).unwrap_err();
        assert!(matches!(err, MlOutputError::NotCamelCase { .. }), "{err}");
    }

    #[test]
    fn sdk_responses_convert_to_a2i_case() {
        let sdk = json!({"ModerationLabels": [{"Confidence": 90.5, "Name": "Suggestive", "ParentName": ""}],
                         "ModerationModelVersion": "3.0"});
        assert_eq!(
            to_a2i_case(sdk),
            json!({"moderationLabels": [{"confidence": 90.5, "name": "Suggestive", "parentName": ""}],
                   "moderationModelVersion": "3.0"})
        );
    }
}
