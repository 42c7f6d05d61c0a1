//! Lists of records (a page of cards, a batch of card details) cross into JS as one JSON text
//! that V8 parses.
//!
//! napi's object conversion sets every field of every record with its own call on the JS thread:
//! for 100,000 card details that blocked the event loop for seconds. Here the records are written
//! as JSON on the tokio worker instead, in exactly the shape the napi objects have (table field
//! names; absent options left out; the fields the spec does not list under `extra`), and the JS
//! thread only runs `JSON.parse`.
//!
//! The core's models serialize with their `extra` map flattened among the declared fields and
//! their absent options as `null` (the wire's shape). [`RecordWriter`] reshapes that on the fly,
//! as a serde `Serializer` in front of serde_json's: one pass, no intermediate tree.
//!
//! The text is pure ASCII: every other character is written as a `\uXXXX` escape
//! ([`AsciiFormatter`]). Measured with `bench/cpu_profile.py`, a text holding the fleet's
//! Chinese package names went through V8's UTF-8 decoder into a two-byte string and its two-byte
//! JSON parser; an ASCII text is handed over as a one-byte (Latin-1) string, a plain copy, and
//! parsed by the one-byte parser, while `JSON.parse` still gives every string its characters.

use std::collections::HashSet;
use std::io::{self, Write};
use std::ptr;
use std::sync::Arc;

use napi::bindgen_prelude::ToNapiValue;
use napi::{check_status, sys};
use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};
use serde_json::Error;

/// Records already encoded as a JSON array, in ASCII (see the module doc).
pub struct JsonRecords(String);

/// serde_json's compact format with every non-ASCII character escaped: `\uXXXX`, a surrogate
/// pair beyond U+FFFF, as JSON allows; what `JSON.parse` reads back is the same string.
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut units = [0u16; 2];
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// `value` as ASCII JSON text, appended to `out`.
fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        out,
        AsciiFormatter,
    ))
}

/// A key as quoted ASCII JSON text.
fn json_key<T: Serialize + ?Sized>(key: &T) -> Result<String, Error> {
    let mut out = Vec::new();
    write_json(&mut out, key)?;
    // ASCII only, by construction.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// The JSON keys (quoted, as serde_json writes them) that a record type declares: its serialized
/// default, whose `extra` is empty. Computed once per stream of records, not per record.
#[derive(Clone)]
pub struct Declared(Arc<HashSet<String>>);

impl Declared {
    pub fn of<T: Serialize + Default>() -> cardboss::Result<Self> {
        let mut keys = HashSet::new();
        let mut out = Vec::new();
        T::default()
            .serialize(RecordWriter::new(&mut out, None, Some(&mut keys)))
            .map_err(failed)?;
        Ok(Declared(Arc::new(keys)))
    }
}

impl JsonRecords {
    /// Encodes `records` like their napi objects (see the module doc).
    pub fn encode<T: Serialize>(records: &[T], declared: &Declared) -> cardboss::Result<Self> {
        let mut out = Vec::with_capacity(records.len() * 768 + 2);
        out.push(b'[');
        for (index, record) in records.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            record
                .serialize(RecordWriter::new(&mut out, Some(&declared.0), None))
                .map_err(failed)?;
        }
        out.push(b']');
        // serde_json writes UTF-8 only.
        String::from_utf8(out)
            .map(JsonRecords)
            .map_err(|e| cardboss::Error::Internal {
                message: format!("encoding records: {e}"),
            })
    }
}

fn failed(e: Error) -> cardboss::Error {
    cardboss::Error::Internal {
        message: format!("encoding records: {e}"),
    }
}

/// Writes one record (a struct, or the map serde makes of a struct with a flattened field) as a
/// JSON object: declared fields at the top without nulls, everything else under `extra`.
/// With `collect`, it records the keys it meets instead (to learn a type's declared keys).
struct RecordWriter<'a> {
    out: &'a mut Vec<u8>,
    declared: Option<&'a HashSet<String>>,
    collect: Option<&'a mut HashSet<String>>,
}

impl<'a> RecordWriter<'a> {
    fn new(
        out: &'a mut Vec<u8>,
        declared: Option<&'a HashSet<String>>,
        collect: Option<&'a mut HashSet<String>>,
    ) -> Self {
        RecordWriter {
            out,
            declared,
            collect,
        }
    }

    fn fields(self) -> RecordFields<'a> {
        self.out.push(b'{');
        RecordFields {
            writer: self,
            first: true,
            key: String::new(),
            value: Vec::with_capacity(64),
            extra: Vec::new(),
        }
    }
}

struct RecordFields<'a> {
    writer: RecordWriter<'a>,
    first: bool,
    /// The current key, as quoted JSON text.
    key: String,
    /// The current value, as JSON text.
    value: Vec<u8>,
    /// `"key":value,...` of the fields not declared.
    extra: Vec<u8>,
}

impl RecordFields<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value.clear();
        write_json(&mut self.value, value)?;
        if let Some(keys) = self.writer.collect.as_deref_mut() {
            keys.insert(std::mem::take(&mut self.key));
            return Ok(());
        }
        let declared = self.writer.declared.is_some_and(|d| d.contains(&self.key));
        let target = if declared {
            if self.value == b"null" {
                return Ok(());
            }
            if !std::mem::take(&mut self.first) {
                self.writer.out.push(b',');
            }
            &mut *self.writer.out
        } else {
            if !self.extra.is_empty() {
                self.extra.push(b',');
            }
            &mut self.extra
        };
        target.extend_from_slice(self.key.as_bytes());
        target.push(b':');
        target.extend_from_slice(&self.value);
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        let out = self.writer.out;
        if self.writer.collect.is_none() {
            if !self.first {
                out.push(b',');
            }
            out.extend_from_slice(b"\"extra\":{");
            out.extend_from_slice(&self.extra);
            out.push(b'}');
        }
        out.push(b'}');
        Ok(())
    }
}

impl SerializeMap for RecordFields<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = json_key(key)?;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.field(value)
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl SerializeStruct for RecordFields<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.key = json_key(key)?;
        self.field(value)
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// Anything but a struct or a map is not a record.
macro_rules! not_a_record {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, Error> {
            Err(ser::Error::custom("a record must be a struct or a map"))
        })*
    };
}

impl<'a> Serializer for RecordWriter<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = RecordFields<'a>;
    type SerializeStruct = RecordFields<'a>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_map(self, _len: Option<usize>) -> Result<RecordFields<'a>, Error> {
        Ok(self.fields())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<RecordFields<'a>, Error> {
        Ok(self.fields())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(ser::Error::custom("a record must be a struct or a map"))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(ser::Error::custom("a record must be a struct or a map"))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(ser::Error::custom("a record must be a struct or a map"))
    }

    not_a_record! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

impl ToNapiValue for JsonRecords {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // ASCII, so Latin-1 is the same bytes: V8 copies them into a one-byte string.
        let mut text = ptr::null_mut();
        check_status!(sys::napi_create_string_latin1(
            env,
            val.0.as_ptr().cast(),
            val.0.len() as isize,
            &mut text
        ))?;
        let mut global = ptr::null_mut();
        check_status!(sys::napi_get_global(env, &mut global))?;
        let mut json = ptr::null_mut();
        check_status!(sys::napi_get_named_property(
            env,
            global,
            c"JSON".as_ptr(),
            &mut json
        ))?;
        let mut parse = ptr::null_mut();
        check_status!(sys::napi_get_named_property(
            env,
            json,
            c"parse".as_ptr(),
            &mut parse
        ))?;
        let mut parsed = ptr::null_mut();
        let args = [text];
        check_status!(sys::napi_call_function(
            env,
            json,
            parse,
            1,
            args.as_ptr(),
            &mut parsed
        ))?;
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn encode<T: Serialize + Default>(records: &[T]) -> Value {
        let declared = Declared::of::<T>().unwrap();
        serde_json::from_str(&JsonRecords::encode(records, &declared).unwrap().0).unwrap()
    }

    #[test]
    fn declared_fields_stay_on_top_nulls_go_and_unknown_fields_nest_under_extra() {
        let detail: cardboss::CardDetail = serde_json::from_value(json!({
            "msisdn": "1064787000001", "iccid": "8986", "state": "1", "balance": "2.5",
            "activedate": null, "expiredate": "2027-01-31", "vendorflag": "x",
            "nested": {"a": [1, "b"]},
        }))
        .unwrap();
        let got = encode(&[detail.clone(), cardboss::CardDetail::default()]);
        let first = got[0].as_object().unwrap();
        assert_eq!(first["msisdn"], "1064787000001");
        assert_eq!(first["state"], 1);
        assert_eq!(first["balance"], 2.5);
        assert_eq!(first["expiredate"], "2027-01-31");
        assert!(
            !first.contains_key("activedate"),
            "an absent option is left out"
        );
        assert!(!first.contains_key("vendorflag") && !first.contains_key("nested"));
        // `extra` holds each unknown field as the core keeps it (text as is, the rest as JSON).
        assert_eq!(
            first["extra"],
            json!({"vendorflag": "x", "nested": "{\"a\":[1,\"b\"]}"})
        );
        assert_eq!(got[1]["extra"], json!({}));
        // The same keys as the napi object: every declared field but the absent options.
        let declared: usize = Declared::of::<cardboss::CardDetail>().unwrap().0.len();
        let options = serde_json::to_value(cardboss::CardDetail::default())
            .unwrap()
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v.is_null())
            .count();
        assert_eq!(got[1].as_object().unwrap().len(), declared - options + 1);
    }

    #[test]
    fn an_empty_list_is_an_empty_array_and_text_is_escaped() {
        assert_eq!(encode::<cardboss::Card>(&[]), json!([]));
        // `Card` is non-exhaustive: built from a default, then changed.
        let mut card = cardboss::Card::default();
        card.msisdn = "a\"b\\c\u{1}中".into();
        assert_eq!(encode(&[card])[0]["msisdn"], "a\"b\\c\u{1}中");
    }

    #[test]
    fn the_text_is_ascii_and_reads_back_the_same_characters() {
        let mut card = cardboss::Card::default();
        // Chinese (three UTF-8 bytes each), an emoji beyond U+FFFF (a surrogate pair), accents.
        card.msisdn = "流量包 😀 é".into();
        card.extra.insert("套餐".into(), "月包".into());
        let declared = Declared::of::<cardboss::Card>().unwrap();
        let text = JsonRecords::encode(&[card], &declared).unwrap().0;
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains(r"\u6d41\u91cf\u5305 \ud83d\ude00 \u00e9"),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0]["msisdn"], "流量包 😀 é");
        assert_eq!(back[0]["extra"]["套餐"], "月包");
    }
}
