//! Serializing an attribute object while measuring each attribute, so the Track API
//! limits are checked without parsing the output again.

use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeStruct};

use super::body::{as_integer, write_json};
use super::error::{check_limit, Error, Limit};
use super::limits::check_timestamp;
use crate::Timestamp;

/// Attribute keys Customer.io reads as Unix-seconds timestamps.
const TIMESTAMP_ATTRIBUTES: [&str; 2] = ["created_at", "_timestamp"];

/// Appends `value` as a JSON object, checking every attribute on the way: names of
/// at most 150 bytes, values of at most 1,000 bytes, at most 300 attributes,
/// `created_at`/`_timestamp` in seconds.
pub(crate) fn write_attributes<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), Error> {
    let mut failure = None;
    let result = value.serialize(TopLevel {
        out,
        failure: &mut failure,
    });
    match (failure, result) {
        (Some(error), _) => Err(error),
        (None, Ok(count)) => check_limit(Limit::AttributeCount, count, None),
        (None, Err(e)) => Err(Error::Serialize(e.to_string())),
    }
}

/// The error that stops serialization; the real one waits in `failure`.
#[derive(Debug)]
struct Stop(String);

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        Stop(msg.to_string())
    }
}

fn not_an_object() -> Stop {
    Stop("attributes must serialize to a JSON object".to_owned())
}

struct TopLevel<'a> {
    out: &'a mut Vec<u8>,
    failure: &'a mut Option<Error>,
}

struct Members<'a> {
    out: &'a mut Vec<u8>,
    failure: &'a mut Option<Error>,
    count: usize,
    key: String,
}

impl Members<'_> {
    fn fail(&mut self, error: Error) -> Stop {
        let stop = Stop(error.to_string());
        *self.failure = Some(error);
        stop
    }

    fn write_key(&mut self, key: &str) -> Result<(), Stop> {
        if self.count > 0 {
            self.out.push(b',');
        }
        if let Err(e) = check_limit(Limit::AttributeName, key.len(), Some(key)) {
            return Err(self.fail(e));
        }
        write_json(self.out, key).map_err(|e| self.fail(e))?;
        self.out.push(b':');
        Ok(())
    }

    fn write_value<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Stop> {
        let start = self.out.len();
        write_json(self.out, value).map_err(|e| self.fail(e))?;
        let written = &self.out[start..];
        if let Err(e) = check_limit(Limit::AttributeValue, written.len(), Some(key)) {
            return Err(self.fail(e));
        }
        if TIMESTAMP_ATTRIBUTES.contains(&key) {
            if let Some(secs) = as_integer(written) {
                if let Err(e) = check_timestamp(key, Timestamp::from_unix(secs)) {
                    return Err(self.fail(e));
                }
            }
        }
        self.count += 1;
        Ok(())
    }
}

impl<'a> SerializeStruct for Members<'a> {
    type Ok = usize;
    type Error = Stop;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.write_key(key)?;
        self.write_value(key, value)
    }

    fn end(self) -> Result<usize, Stop> {
        self.out.push(b'}');
        Ok(self.count)
    }
}

impl<'a> SerializeMap for Members<'a> {
    type Ok = usize;
    type Error = Stop;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        let text = serde_json::to_value(key).map_err(|e| Stop(e.to_string()))?;
        let key = match text {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => return Err(Stop("attribute names must be strings".to_owned())),
        };
        self.write_key(&key)?;
        self.key = key;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = std::mem::take(&mut self.key);
        self.write_value(&key, value)
    }

    fn end(self) -> Result<usize, Stop> {
        self.out.push(b'}');
        Ok(self.count)
    }
}

macro_rules! refuse {
    ($($name:ident($($arg:ty),*);)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<usize, Stop> { Err(not_an_object()) })*
    };
}

impl<'a> ser::Serializer for TopLevel<'a> {
    type Ok = usize;
    type Error = Stop;
    type SerializeSeq = Impossible<usize, Stop>;
    type SerializeTuple = Impossible<usize, Stop>;
    type SerializeTupleStruct = Impossible<usize, Stop>;
    type SerializeTupleVariant = Impossible<usize, Stop>;
    type SerializeMap = Members<'a>;
    type SerializeStruct = Members<'a>;
    type SerializeStructVariant = Impossible<usize, Stop>;

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<usize, Stop> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<usize, Stop> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<usize, Stop> {
        Err(not_an_object())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Stop> {
        Err(not_an_object())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Stop> {
        Err(not_an_object())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Stop> {
        Err(not_an_object())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Stop> {
        Err(not_an_object())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Members<'a>, Stop> {
        self.out.push(b'{');
        Ok(Members {
            out: self.out,
            failure: self.failure,
            count: 0,
            key: String::new(),
        })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Members<'a>, Stop> {
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Stop> {
        Err(not_an_object())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(value: &serde_json::Value) -> Result<String, Error> {
        let mut out = Vec::new();
        write_attributes(&mut out, value)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[derive(serde::Serialize)]
    struct Typed {
        a: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
        c: Vec<u8>,
    }

    #[test]
    fn output_matches_serde_json() {
        let typed = Typed {
            a: 1,
            b: None,
            c: vec![1, 2],
        };
        let mut out = Vec::new();
        write_attributes(&mut out, &typed).unwrap();
        assert_eq!(out, serde_json::to_vec(&typed).unwrap());
        let map = json!({"x": {"y": [1, "z"]}, "é\"": null});
        assert_eq!(write(&map).unwrap(), serde_json::to_string(&map).unwrap());
        assert_eq!(write(&json!({})).unwrap(), "{}");
    }

    #[test]
    fn limits() {
        assert!(matches!(
            write(&json!({"n".repeat(151): 1})),
            Err(Error::Limit {
                limit: Limit::AttributeName,
                size: 151,
                ..
            })
        ));
        assert!(matches!(
            write(&json!({"a": "v".repeat(999)})),
            Err(Error::Limit {
                limit: Limit::AttributeValue,
                size: 1001,
                ..
            })
        ));
        let many: serde_json::Map<String, serde_json::Value> =
            (0..301).map(|i| (format!("a{i}"), json!(i))).collect();
        assert!(matches!(
            write(&serde_json::Value::Object(many)),
            Err(Error::Limit {
                limit: Limit::AttributeCount,
                size: 301,
                max: 300,
                ..
            })
        ));
        assert!(matches!(
            write(&json!({"created_at": 1_700_000_000_000_i64})),
            Err(Error::MillisecondTimestamp {
                value: 1_700_000_000_000,
                ..
            })
        ));
        assert!(write(&json!({"created_at": 1_700_000_000})).is_ok());
        assert!(matches!(write(&json!([1])), Err(Error::Serialize(_))));
        assert!(matches!(write(&json!("x")), Err(Error::Serialize(_))));
    }
}
