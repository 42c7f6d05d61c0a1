//! The Python type stubs of the code enums and the models: the generated part of
//! `bindings-python/python/cardboss/_native.pyi`, made from what defines them, so the stubs cannot
//! drift from the classes. Each model's fields, types, optionality and docs come from its JSON
//! schema (schemars reads the same serde attributes and doc comments the decoder and `to_dict()`
//! use); which fields are dates and which are coded comes from `py_models!`; the enums from
//! [`crate::codes`].
//!
//! Ours rather than pyo3-stub-gen or pyo3's introspection: the coded and date getters return
//! `Bound<PyAny>` (an `IntEnum` member or the plain value, a `datetime.date` or `None`), which
//! neither can type, and both need an attribute on every class and method of every layer. The
//! clients, iterators and push helpers stay written by hand in the same file, checked by stubtest.
//! `bindings-python/stubs.py --check` (run by `bindings-python/test.sh`) fails on any difference.

use std::fmt::Write as _;

use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::codes::{self, CodeTable};

/// One model as `py_models!` lists it.
pub(super) struct Model {
    pub name: &'static str,
    pub schema: schemars::Schema,
    /// The wire names in declaration order (the schema's properties are sorted).
    pub order: Vec<String>,
    /// Fields shown as `datetime.date` (`yyyy-MM-dd` on the wire).
    pub dates: &'static [&'static str],
    /// Coded fields and the name of their table's enum.
    pub codes: Vec<(&'static str, &'static str)>,
}

/// The members `py_models!` adds to a model in braces (written in `python.rs`), as stubs.
const EXTRA_MEMBERS: &[(&str, &str)] = &[
    (
        "CurrentUsage",
        "    @property\n    def iccid(self) -> str:\n        \"\"\"The card's iccid (the field carries the table's name, `iccids`).\"\"\"\n",
    ),
    (
        "RenewalResult",
        "    def succeeded(self) -> bool:\n        \"\"\"True when the renewal went through (`status == 1`).\"\"\"\n",
    ),
    (
        "SmsReport",
        "    def delivered(self) -> bool:\n        \"\"\"True when the message was delivered (`state == \"DELIVRD\"`).\"\"\"\n",
    ),
    (
        "BulkReport",
        "    def all_done(self) -> bool:\n        \"\"\"True when every card ended done or skipped.\"\"\"\n",
    ),
];

/// What every model has (see the module docs of `python.rs`).
const COMMON_MEMBERS: &str = "    def to_dict(self) -> dict[str, Any]:
        \"\"\"The record as a `dict` keyed by the spec's table names.\"\"\"

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...
";

/// The `extra` field (`#[serde(flatten)]`): the schema shows it as `additionalProperties`.
const EXTRA_DOC: &str = "Fields the spec does not list, as JSON text by name.";

/// The generated section: the code enums, then the models in `py_models!` order.
pub(super) fn render(models: &[Model]) -> String {
    let mut out = String::new();
    out.push_str(
        "# Code tables (the core's `codes`): coded fields are these members, equal to their plain value;\n\
         # a value a table does not list stays a plain int / str.\n",
    );
    for table in codes::INT_TABLES {
        render_enum(&mut out, table, "enum.IntEnum", |v| v.to_string());
    }
    for table in codes::STR_TABLES {
        render_enum(&mut out, table, "str, enum.Enum", |v| format!("{v:?}"));
    }
    out.push_str("\n# ---------------------------------------------------------------------------------------------\n# Results\n");
    for model in models {
        render_model(&mut out, model);
    }
    out
}

/// The keys of `value`'s JSON in the order it writes them (its fields' declaration order; a
/// flattened empty `extra` writes nothing).
pub(super) fn field_order(value: &impl Serialize) -> Vec<String> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                keys.push(key);
            }
            Ok(keys)
        }
    }
    let text = serde_json::to_string(value).expect("a model serializes");
    serde_json::Deserializer::from_str(&text)
        .deserialize_map(Keys)
        .expect("a model serializes to an object")
}

fn render_enum<V>(
    out: &mut String,
    table: &CodeTable<V>,
    bases: &str,
    value: impl Fn(&V) -> String,
) {
    let _ = write!(
        out,
        "\nclass {}({bases}):\n    \"\"\"{}\"\"\"\n",
        table.name, table.doc
    );
    for (name, v) in table.members {
        let _ = writeln!(out, "    {name} = {}", value(v));
    }
}

/// One field: its constructor keyword (the wire name), attribute, types and doc.
struct Field<'a> {
    key: &'a str,
    attribute: &'a str,
    input: String,
    output: String,
    doc: Option<&'a str>,
}

fn render_model(out: &mut String, model: &Model) {
    let root = model.schema.as_value();
    let properties = root.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = root
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let properties = properties.cloned().unwrap_or_default();
    let position = |key: &str| model.order.iter().position(|k| k == key);
    let mut keys: Vec<&String> = properties.keys().collect();
    keys.sort_by_key(|k| position(k).unwrap_or(usize::MAX));
    let mut fields: Vec<Field<'_>> = keys
        .into_iter()
        .map(|key| field(model, key, &properties[key.as_str()]))
        .collect();
    if root
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        fields.push(Field {
            key: "extra",
            attribute: "extra",
            input: "Mapping[str, str]".into(),
            output: "dict[str, str]".into(),
            doc: Some(EXTRA_DOC),
        });
    }

    let _ = write!(out, "\n\n@final\nclass {}:\n", model.name);
    docstring(out, "    ", description(root).unwrap_or(model.name));
    out.push_str("\n    def __new__(\n        cls,\n        *,\n");
    for f in &fields {
        let _ = writeln!(out, "        {}: {} = ...,", f.key, f.input);
    }
    out.push_str("    ) -> Self:\n");
    let required = match required.as_slice() {
        [] => String::new(),
        keys => format!(
            " ({} required)",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    docstring(
        out,
        "        ",
        &format!("Keyword arguments are `to_dict()`'s keys{required}; values are decoded as an answer would be."),
    );
    for f in &fields {
        let _ = write!(
            out,
            "\n    @property\n    def {}(self) -> {}:",
            f.attribute, f.output
        );
        match f.doc {
            Some(doc) => {
                out.push('\n');
                docstring(out, "        ", doc);
            }
            None => out.push_str(" ...\n"),
        }
    }
    for (_, members) in EXTRA_MEMBERS.iter().filter(|(name, _)| *name == model.name) {
        out.push('\n');
        out.push_str(members);
    }
    out.push('\n');
    out.push_str(COMMON_MEMBERS);
}

fn field<'a>(model: &Model, key: &'a str, schema: &'a Value) -> Field<'a> {
    let attribute = schema
        .get("x-attribute")
        .and_then(Value::as_str)
        .unwrap_or(key);
    let (base, nullable) = split_null(schema);
    let none = if nullable { " | None" } else { "" };
    let (input, output) = if model.dates.contains(&attribute) {
        (
            "datetime.date | str | None".to_string(),
            "datetime.date | None".to_string(),
        )
    } else if let Some((_, table)) = model.codes.iter().find(|(f, _)| *f == attribute) {
        let plain = py_type(&base, false);
        (format!("{plain}{none}"), format!("{table} | {plain}{none}"))
    } else if let Some(table) = enum_ref(&base) {
        // A Rust enum named like a code table (`OutcomeStatus`): always a member.
        (format!("{table} | str{none}"), format!("{table}{none}"))
    } else {
        (
            format!("{}{none}", py_type(&base, true)),
            format!("{}{none}", py_type(&base, false)),
        )
    };
    Field {
        key,
        attribute,
        input,
        output,
        doc: description(schema),
    }
}

/// The schema without its `null` alternative, and whether it had one (`Option<T>`: schemars
/// writes `"type": [T, "null"]`, or `anyOf: [T, {"type": "null"}]` around a reference).
fn split_null(schema: &Value) -> (Value, bool) {
    if let Some(types) = schema.get("type").and_then(Value::as_array) {
        let rest: Vec<&Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        if rest.len() < types.len() {
            let mut base = schema.clone();
            base["type"] = match rest.as_slice() {
                [one] => (*one).clone(),
                _ => Value::Array(rest.into_iter().cloned().collect()),
            };
            return (base, true);
        }
    }
    if let Some(any_of) = schema.get("anyOf").and_then(Value::as_array) {
        let rest: Vec<&Value> = any_of
            .iter()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if let ([one], true) = (rest.as_slice(), rest.len() < any_of.len()) {
            return ((*one).clone(), true);
        }
    }
    (schema.clone(), false)
}

/// The name a `$ref` points to (`#/$defs/Card` -> `Card`).
fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.rsplit('/').next()
}

/// A reference to a Rust enum that is a code table's (`OutcomeStatus`).
fn enum_ref(schema: &Value) -> Option<&'static str> {
    let name = ref_name(schema)?;
    codes::STR_TABLES
        .iter()
        .map(|t| t.name)
        .chain(codes::INT_TABLES.iter().map(|t| t.name))
        .find(|t| *t == name)
}

/// The Python type of a (non-null) schema: what a getter returns, or (`input`) what the
/// constructor takes.
fn py_type(schema: &Value, input: bool) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_string();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "str".into(),
        Some("integer") => "int".into(),
        Some("number") => "float".into(),
        Some("boolean") => "bool".into(),
        Some("array") => {
            let items = schema
                .get("items")
                .map_or("Any".into(), |i| py_type(i, input));
            if input {
                format!("Sequence[{items}]")
            } else {
                format!("list[{items}]")
            }
        }
        Some("object") => {
            let values = schema
                .get("additionalProperties")
                .filter(|v| v.is_object())
                .map_or("Any".into(), |v| py_type(v, input));
            if input {
                format!("Mapping[str, {values}]")
            } else {
                format!("dict[str, {values}]")
            }
        }
        other => panic!("no Python type for the schema {schema} ({other:?})"),
    }
}

/// A schema's doc comment (schemars splits a leading paragraph off as the `title`).
fn description(schema: &Value) -> Option<&str> {
    let map: &Map<String, Value> = schema.as_object()?;
    map.get("description")
        .or_else(|| map.get("title"))
        .and_then(Value::as_str)
}

fn docstring(out: &mut String, indent: &str, text: &str) {
    let mut lines = text.lines();
    let _ = write!(out, "{indent}\"\"\"{}", lines.next().unwrap_or_default());
    for line in lines {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = write!(out, "\n{indent}{line}");
        }
    }
    out.push_str("\"\"\"\n");
}
