//! The professional graph as pages see it: relationships, degrees, member cards.

use serde::{Deserialize, Serialize};

use super::Role;

/// Where a connection between the viewer and another member stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ConnectionState {
    #[default]
    None,
    /// The viewer asked; waiting for the other member.
    RequestSent,
    /// The other member asked the viewer.
    RequestReceived,
    Connected,
}

/// The viewer's relationship to another member. Whether the other member blocked the
/// viewer is deliberately not part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Relationship {
    pub following: bool,
    pub follows_you: bool,
    pub connection: ConnectionState,
    pub blocked: bool,
    pub muted: bool,
}

/// Degree of connection between the viewer and a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Degree {
    You,
    First,
    Second,
    ThirdPlus,
}

impl Degree {
    /// The short badge text ("1st", "2nd", "3rd+").
    pub fn label(self) -> &'static str {
        match self {
            Degree::You => "You",
            Degree::First => "1st",
            Degree::Second => "2nd",
            Degree::ThirdPlus => "3rd+",
        }
    }
    /// The words read by screen readers.
    pub fn description(self) -> &'static str {
        match self {
            Degree::You => "This is you",
            Degree::First => "1st-degree connection",
            Degree::Second => "2nd-degree connection",
            Degree::ThirdPlus => "3rd-degree connection or further",
        }
    }
}

/// A member in a list (followers, connections, suggestions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub handle: String,
    pub shown_name: String,
    pub role: Role,
    pub headline: String,
    pub specialty: Option<String>,
    #[serde(default)]
    pub verified: bool,
    /// Mutual connections with the viewer, where computed.
    #[serde(default)]
    pub mutuals: u32,
    /// Degree from the viewer; None for signed-out visitors.
    #[serde(default)]
    pub degree: Option<Degree>,
    /// The viewer's follow and connection state with this member, for the card's buttons;
    /// None for signed-out visitors and for the viewer's own card.
    #[serde(default)]
    pub relationship: Option<Relationship>,
}

/// One page of members with a cursor for the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub items: Vec<MemberCard>,
    /// Pass as `after` to get the next page; None on the last page.
    pub next: Option<String>,
    /// Members of this page who are patients, counted but not listed: a patient's
    /// connections and follows are theirs to know.
    #[serde(default)]
    pub unlisted_patients: u32,
}

/// The graph facts shown on a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphSummary {
    pub followers: u64,
    pub following: u64,
    pub connections: u64,
    /// None for signed-out visitors.
    pub degree: Option<Degree>,
    pub mutual_count: u32,
    /// The first few mutual connections.
    pub mutuals: Vec<MemberCard>,
    /// None for signed-out visitors and on one's own profile.
    pub relationship: Option<Relationship>,
    /// True when the lists (and counts) are hidden from the viewer (a patient's network).
    #[serde(default)]
    pub lists_private: bool,
}

/// A pending connection request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRequest {
    pub member: MemberCard,
    pub note: String,
    /// RFC 3339.
    pub sent_at: String,
}

/// Everything on `/network`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkView {
    pub received: Vec<ConnectionRequest>,
    pub sent: Vec<ConnectionRequest>,
    pub suggestions: Vec<MemberCard>,
}

/// What a member can do to their relationship with another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GraphOp {
    Follow,
    Unfollow,
    Connect,
    Accept,
    Decline,
    Withdraw,
    Remove,
    Block,
    Unblock,
    Mute,
    Unmute,
}

impl GraphOp {
    /// Whether the op can change who a member's people-you-may-know should be
    /// (connections and blocks do; follows and mutes do not).
    pub fn changes_network(self) -> bool {
        !matches!(
            self,
            GraphOp::Follow | GraphOp::Unfollow | GraphOp::Mute | GraphOp::Unmute
        )
    }

    pub const ALL: [GraphOp; 11] = [
        GraphOp::Follow,
        GraphOp::Unfollow,
        GraphOp::Connect,
        GraphOp::Accept,
        GraphOp::Decline,
        GraphOp::Withdraw,
        GraphOp::Remove,
        GraphOp::Block,
        GraphOp::Unblock,
        GraphOp::Mute,
        GraphOp::Unmute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GraphOp::Follow => "follow",
            GraphOp::Unfollow => "unfollow",
            GraphOp::Connect => "connect",
            GraphOp::Accept => "accept",
            GraphOp::Decline => "decline",
            GraphOp::Withdraw => "withdraw",
            GraphOp::Remove => "remove",
            GraphOp::Block => "block",
            GraphOp::Unblock => "unblock",
            GraphOp::Mute => "mute",
            GraphOp::Unmute => "unmute",
        }
    }

    pub fn parse(s: &str) -> Option<GraphOp> {
        GraphOp::ALL.into_iter().find(|op| op.as_str() == s)
    }

    /// The relationship the op leads to, for optimistic display while it is in flight.
    pub fn apply(self, mut r: Relationship) -> Relationship {
        match self {
            GraphOp::Follow => r.following = true,
            GraphOp::Unfollow => r.following = false,
            GraphOp::Connect => {
                r.connection = match r.connection {
                    ConnectionState::RequestReceived | ConnectionState::Connected => {
                        ConnectionState::Connected
                    }
                    _ => ConnectionState::RequestSent,
                }
            }
            GraphOp::Accept => r.connection = ConnectionState::Connected,
            GraphOp::Decline | GraphOp::Withdraw | GraphOp::Remove => {
                r.connection = ConnectionState::None
            }
            GraphOp::Block => {
                r = Relationship {
                    blocked: true,
                    muted: r.muted,
                    ..Relationship::default()
                };
            }
            GraphOp::Unblock => r.blocked = false,
            GraphOp::Mute => r.muted = true,
            GraphOp::Unmute => r.muted = false,
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_round_trip_and_apply_optimistically() {
        for op in GraphOp::ALL {
            assert_eq!(GraphOp::parse(op.as_str()), Some(op));
        }
        assert_eq!(GraphOp::parse("befriend"), None);
        let r = GraphOp::Connect.apply(Relationship::default());
        assert_eq!(r.connection, ConnectionState::RequestSent);
        let received = Relationship {
            connection: ConnectionState::RequestReceived,
            ..Default::default()
        };
        assert_eq!(
            GraphOp::Connect.apply(received).connection,
            ConnectionState::Connected
        );
        let blocked = GraphOp::Block.apply(Relationship {
            following: true,
            ..received
        });
        assert!(
            blocked.blocked && !blocked.following && blocked.connection == ConnectionState::None
        );
    }
}
