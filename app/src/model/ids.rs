//! Typed record ids: a member's id cannot be passed where a post's is meant, and every id
//! from outside (a URL, a form) is parsed here, once, before any rule sees it.
//!
//! An id is the key part of a SurrealDB record id (`member:⟨key⟩` holds `key`). On the
//! wire it is a plain string (`#[serde(transparent)]`), so browsers and stored rows see
//! no change.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// Why a submitted id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{value}” is not a valid {table} id")]
pub struct BadId {
    pub table: &'static str,
    pub value: String,
}

/// The longest key Rounds ever makes (SurrealDB's own are 20 characters, ours 16).
const KEY_MAX: usize = 64;

fn check_key(table: &'static str, key: &str) -> Result<(), BadId> {
    let ok = !key.is_empty()
        && key.len() <= KEY_MAX
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(BadId {
            table,
            value: key.chars().take(KEY_MAX).collect(),
        })
    }
}

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident => $table:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The SurrealDB table whose records this names.
            pub const TABLE: &'static str = $table;

            /// Parses an id that came from outside (a URL, a form field).
            pub fn parse(key: &str) -> Result<Self, BadId> {
                let key = key.trim();
                check_key(Self::TABLE, key)?;
                Ok(Self(key.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The full record id, for binding as a query parameter.
            #[cfg(feature = "ssr")]
            pub fn record(&self) -> surrealdb::types::RecordId {
                surrealdb::types::RecordId::new(Self::TABLE, self.0.clone())
            }
        }

        /// Binds as the plain key (a string), as every query takes it with
        /// `type::record('…', $id)`.
        #[cfg(feature = "ssr")]
        impl surrealdb::types::SurrealValue for $name {
            fn kind_of() -> surrealdb::types::Kind {
                <String as surrealdb::types::SurrealValue>::kind_of()
            }
            fn is_value(value: &surrealdb::types::Value) -> bool {
                <String as surrealdb::types::SurrealValue>::is_value(value)
            }
            fn into_value(self) -> surrealdb::types::Value {
                surrealdb::types::SurrealValue::into_value(self.0)
            }
            fn from_value(
                value: surrealdb::types::Value,
            ) -> Result<Self, surrealdb::types::Error> {
                <String as surrealdb::types::SurrealValue>::from_value(value).map(Self)
            }
        }

        /// From a key the database or Rounds itself produced (a stored row, a new key).
        impl From<String> for $name {
            fn from(key: String) -> Self {
                Self(key)
            }
        }

        impl From<&str> for $name {
            fn from(key: &str) -> Self {
                Self(key.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Lets a `HashSet<MemberId>` answer `contains("key")`.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

record_id!(
    /// A member (professional, patient or organization).
    MemberId => "member"
);
record_id!(
    /// A post.
    PostId => "post"
);
record_id!(
    /// A comment or reply on a post.
    CommentId => "comment"
);
record_id!(
    /// A community.
    CommunityId => "community"
);

/// The unordered key of two members (`a|b`, smaller id first), so a connection is one
/// `connected` record whoever asked: the unique index on `connected.pair` holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PairKey(String);

impl PairKey {
    const SEPARATOR: char = '|';

    /// The key of `a` and `b`, whichever asked.
    pub fn of(a: &str, b: &str) -> PairKey {
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        PairKey(format!("{low}{}{high}", Self::SEPARATOR))
    }

    /// A key as stored in `connected.pair`.
    pub fn from_stored(key: String) -> PairKey {
        PairKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The member of the pair who is not `me` (None when `me` is not in it).
    pub fn other(&self, me: &str) -> Option<MemberId> {
        let (a, b) = self.0.split_once(Self::SEPARATOR)?;
        match (a == me, b == me) {
            (true, _) => Some(MemberId::from(b)),
            (_, true) => Some(MemberId::from(a)),
            _ => None,
        }
    }
}

impl fmt::Display for PairKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_from_outside_is_parsed_once_and_bad_ones_are_named() {
        assert_eq!(PostId::parse(" abc123 ").unwrap().as_str(), "abc123");
        for bad in ["", "a b", "post:abc", "x'; DROP", &"a".repeat(65)] {
            let err = PostId::parse(bad).unwrap_err();
            assert_eq!(err.table, "post");
            assert!(err.to_string().contains("is not a valid post id"), "{err}");
        }
    }

    #[test]
    fn a_pair_is_the_same_whoever_asked_and_names_the_other_member() {
        let ab = PairKey::of("alice", "bob");
        assert_eq!(ab, PairKey::of("bob", "alice"));
        assert_eq!(ab.as_str(), "alice|bob");
        assert_eq!(ab.other("alice"), Some(MemberId::from("bob")));
        assert_eq!(ab.other("bob"), Some(MemberId::from("alice")));
        assert_eq!(ab.other("carol"), None);
    }

    #[test]
    fn ids_compare_with_plain_strings_and_serialize_as_them() {
        let id = MemberId::from("m1");
        assert_eq!(id, "m1");
        assert_eq!(String::from("m1"), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"m1\"");
        let back: MemberId = serde_json::from_str("\"m1\"").unwrap();
        assert_eq!(back, id);
        let set = std::collections::HashSet::from([id]);
        assert!(set.contains("m1"));
    }
}
