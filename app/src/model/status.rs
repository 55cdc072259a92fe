//! The states records move through, as enums: compared as values in Rust, stored under
//! their serde names (`strum` gives each the same name as a `&'static str` for binding,
//! so the two spellings cannot drift apart). A stored name that is none of an enum's
//! values fails to deserialize with serde's "unknown variant `x`, expected …" error,
//! which the domain reports as an unexpected row, never a panic.

use serde::{Deserialize, Serialize};

/// A stored name for each value of an enum (its serde name): `status.name()` binds it.
pub trait StoredName: Copy + Into<&'static str> {
    fn name(self) -> &'static str {
        self.into()
    }
}

impl<T: Copy + Into<&'static str>> StoredName for T {}

macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize,
            strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        /// Lets a test or a page compare with the stored name (`notice.state == "hidden"`).
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.name() == *other
            }
        }
    };
}

stored_enum!(
    /// A `connected` edge: asked, or accepted by the other member (0002's ASSERT).
    ConnectionStatus {
        Pending,
        Accepted,
    }
);

stored_enum!(
    /// A `member_of` edge: in the community, or asking to join an approval community.
    MembershipStatus {
        Active,
        Pending,
    }
);

stored_enum!(
    /// What moderators did to a post or comment (`mod_state`; none while untouched).
    ModState {
        /// Readers see a notice; the author still sees the text.
        Hidden,
        /// Nobody but moderators sees the text.
        Removed,
    }
);

stored_enum!(
    /// A moderation case: waiting for a moderator, or decided.
    CaseStatus {
        Open,
        Closed,
    }
);

stored_enum!(
    /// A misinformation label: proposed by a verified professional, then decided.
    LabelStatus {
        Proposed,
        Accepted,
        Rejected,
    }
);

stored_enum!(
    /// A verification request: waiting for a moderator, decided, or (once approved) its
    /// badge taken back by a site moderator or by a change of the legal name.
    VerificationStatus {
        Pending,
        Approved,
        Rejected,
        Revoked,
    }
);

stored_enum!(
    /// What a notification is about.
    NotificationKind {
        /// Moderators acted on the member's content or account.
        Moderation,
        /// The outcome of a report the member filed.
        Report,
        /// A decision on the member's verification request.
        Verification,
        /// A decision on a misinformation label the member proposed.
        Label,
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn every_value_round_trips_through_its_stored_name() {
        fn check<T>()
        where
            T: StoredName
                + VariantArray
                + std::str::FromStr
                + PartialEq
                + std::fmt::Debug
                + Serialize
                + serde::de::DeserializeOwned,
        {
            for v in <T as VariantArray>::VARIANTS {
                let name = v.name();
                assert_eq!(name.parse::<T>().ok().as_ref(), Some(v));
                assert_eq!(
                    serde_json::to_value(v).unwrap(),
                    name,
                    "serde and strum agree"
                );
                let back: T = serde_json::from_value(name.into()).unwrap();
                assert_eq!(&back, v);
            }
        }
        check::<ConnectionStatus>();
        check::<MembershipStatus>();
        check::<ModState>();
        check::<CaseStatus>();
        check::<LabelStatus>();
        check::<VerificationStatus>();
        check::<NotificationKind>();
    }

    #[test]
    fn an_unknown_name_is_an_error_that_says_what_was_expected() {
        assert!("maybe".parse::<ConnectionStatus>().is_err());
        let err = serde_json::from_str::<ConnectionStatus>("\"maybe\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown variant `maybe`, expected `pending` or `accepted`"),
            "{err}"
        );
        let serde_err = serde_json::from_str::<ModState>("\"gone\"").unwrap_err();
        assert!(
            serde_err.to_string().contains("unknown variant `gone`"),
            "{serde_err}"
        );
    }
}
