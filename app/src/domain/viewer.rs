//! Who is reading, and the one rule that decides which posts they may see. Every read path
//! (feed, profile, community, single post, comments, counts) loads a [`Viewer`] and asks
//! [`Viewer::may_see`]; nothing filters posts any other way.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use crate::db::Db;
use crate::domain::accounts::MemberRow;
use crate::domain::graph::closeness::ACCEPTED_KEYS_OF_V;
use crate::model::{CommunityId, MemberId, PairKey, Visibility};

/// The reader's side of every visibility decision.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Member id; None for a signed-out visitor.
    pub id: Option<MemberId>,
    /// A professional whose credential a moderator checked. A verified organization is
    /// not one: it reads no "verified professionals" posts, and its reports and label
    /// proposals weigh like anyone's.
    pub verified_professional: bool,
    /// A site moderator: may read hidden and removed content (to review it).
    pub moderator: bool,
    pub connections: HashSet<MemberId>,
    /// Communities the viewer is an active member of and may read: a professionals-only
    /// community counts only while the viewer is a verified professional.
    pub communities: HashSet<CommunityId>,
    /// Members with a block either way.
    pub blocked: HashSet<MemberId>,
    pub muted: HashSet<MemberId>,
    /// Members the viewer follows (loaded only when asked: the feed's merge needs it).
    pub following: HashSet<MemberId>,
    pub following_loaded: bool,
    /// False for a viewer from [`Viewer::load_lean`]: `connections` then holds only those
    /// looked up with [`Viewer::add_connections_among`], and a connections-only post by
    /// anyone else is hidden (never shown by mistake).
    pub connections_complete: bool,
}

/// Whether `$v` is a verified professional: what the session already knows (`$known_vp`),
/// else read from the member record. Spelt inline twice in the load rather than in a
/// `LET`, which would make the load two statements (each costs a parse, a plan and a
/// transaction).
const VP: &str =
    "(IF $known THEN $known_vp ELSE $v.verified = true AND $v.role = 'professional' END)";

/// The `extra` of a load that needs nothing more.
const NOTHING: &str = "NONE";

/// What the session already says about the viewer, so the member record is not read again.
#[derive(Debug, Clone, Copy)]
struct Known {
    verified_professional: bool,
    moderator: bool,
}

impl Known {
    fn of(me: &MemberRow) -> Known {
        Known {
            verified_professional: me.verified_professional(),
            moderator: me.is_site_moderator(),
        }
    }
}

/// The facts about a post that decide who may see it.
#[derive(Debug, Clone, Copy)]
pub struct Audience<'a> {
    pub author: &'a MemberId,
    pub community: Option<&'a CommunityId>,
    pub visibility: Visibility,
}

impl Viewer {
    /// A signed-out visitor.
    pub fn anonymous() -> Viewer {
        Viewer {
            connections_complete: true,
            ..Viewer::default()
        }
    }

    /// Loads a member's side (connections, communities, blocks, mutes; follows if
    /// `with_following`).
    pub async fn load(
        db: &Db,
        member: Option<&MemberId>,
        with_following: bool,
    ) -> Result<Viewer, surrealdb::Error> {
        let (viewer, _) =
            Self::load_with::<()>(db, member, None, with_following, true, NOTHING).await?;
        Ok(viewer)
    }

    /// A member's side without their connections — for a page that shows a few posts and
    /// then asks [`Viewer::add_connections_among`] about those posts' authors. A
    /// well-connected clinician has hundreds of connection edges; reading them all was
    /// half the database time of a home feed page. `me` is the session's member row, which
    /// already says whether they are verified or a moderator: the member record is not read
    /// again.
    pub async fn load_lean(db: &Db, me: &MemberRow) -> Result<Viewer, surrealdb::Error> {
        Ok(Self::load_lean_with::<()>(db, me, NOTHING).await?.0)
    }

    /// [`Viewer::load_lean`], and in the same statement the value of `extra`: a SurrealQL
    /// expression over `$id` (the member's id) that the module owning it exports as a
    /// constant (the home feed's [`TIMELINE_READ`](crate::domain::timeline::TIMELINE_READ)),
    /// read as `T`; None when it is NONE or not a `T`.
    pub async fn load_lean_with<T: DeserializeOwned>(
        db: &Db,
        me: &MemberRow,
        extra: &'static str,
    ) -> Result<(Viewer, Option<T>), surrealdb::Error> {
        Self::load_with(db, Some(&me.id), Some(Known::of(me)), false, false, extra).await
    }

    /// [`Viewer::load`] for the session's member (see [`Viewer::load_lean`]).
    pub async fn load_member(
        db: &Db,
        me: Option<&MemberRow>,
        with_following: bool,
    ) -> Result<Viewer, surrealdb::Error> {
        let member = me.map(|m| &m.id);
        let known = me.map(Known::of);
        let (viewer, _) =
            Self::load_with::<()>(db, member, known, with_following, true, NOTHING).await?;
        Ok(viewer)
    }

    /// This viewer with everything loaded — connections and whom they follow, which the
    /// feed's merge needs — keeping what is already known about them (the member record is
    /// not read again). A viewer that has it all already is returned as it is.
    pub async fn completed(&self, db: &Db) -> Result<Viewer, surrealdb::Error> {
        if self.following_loaded && self.connections_complete {
            return Ok(self.clone());
        }
        let known = Known {
            verified_professional: self.verified_professional,
            moderator: self.moderator,
        };
        let member = self.id.as_ref();
        let (viewer, _) =
            Self::load_with::<()>(db, member, Some(known), true, true, NOTHING).await?;
        Ok(viewer)
    }

    /// Adds which of `authors` the viewer is connected with: one unique-index lookup per
    /// author (`connected.pair`), however many connections the viewer has.
    pub async fn add_connections_among(
        &mut self,
        db: &Db,
        authors: &[&MemberId],
    ) -> Result<(), surrealdb::Error> {
        let Some(me) = self.id.clone() else {
            return Ok(());
        };
        let mut pairs: Vec<String> = authors
            .iter()
            .filter(|a| ***a != me && !self.connections.contains(**a))
            .map(|a| PairKey::of(&me, a).to_string())
            .collect();
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return Ok(());
        }
        let mut res = db
            .query("SELECT VALUE pair FROM connected WHERE pair IN $pairs AND status = 'accepted'")
            .bind(("pairs", pairs))
            .await?;
        let found: Vec<String> = res.take(0)?;
        for pair in found {
            if let Some(other) = PairKey::from_stored(pair).other(&me) {
                self.connections.insert(other);
            }
        }
        Ok(())
    }

    async fn load_with<T: DeserializeOwned>(
        db: &Db,
        member: Option<&MemberId>,
        known: Option<Known>,
        with_following: bool,
        with_connections: bool,
        extra: &'static str,
    ) -> Result<(Viewer, Option<T>), surrealdb::Error> {
        let Some(id) = member else {
            return Ok((Viewer::anonymous(), None));
        };
        // One statement (`$v` is bound, not LET): each statement costs a parse, a plan
        // and a transaction. Communities, blocks and mutes are read over the graph's edge
        // pointers rather than by index-range SELECTs, each of which costs a fixed set-up
        // on a large store even when it finds nothing (docs/benchmarks.md).
        let mut res = db
            .query(format!(
                "RETURN {{
                    verified_professional: {VP},
                    moderator: IF $known THEN false ELSE $v.is_moderator = true OR $v.is_admin = true END,
                    connections: IF $with_connections {{ {ACCEPTED_KEYS_OF_V} }} ELSE {{ [] }},
                    communities: IF {VP} {{ $v->member_of[WHERE status = 'active']->community }}
                        ELSE {{ $v->member_of[WHERE status = 'active' AND out.access != 'professionals']->community }}
                        .map(|$c| record::id($c)),
                    blocked: array::union($v->blocks->member, $v<-blocks<-member).map(|$m| record::id($m)),
                    muted: $v->mutes->member.map(|$m| record::id($m)),
                    following: IF $with_following {{ (SELECT VALUE record::id(out) FROM follows WHERE in = $v) }} ELSE {{ [] }},
                    extra: {extra}
                 }};",
            ))
            .bind(("id", id.to_string()))
            .bind(("v", id.record()))
            .bind(("with_following", with_following))
            .bind(("with_connections", with_connections))
            .bind(("known", known.is_some()))
            .bind(("known_vp", known.is_some_and(|k| k.verified_professional)))
            .await?;
        #[derive(serde::Deserialize)]
        struct Facts {
            verified_professional: bool,
            moderator: bool,
            connections: HashSet<MemberId>,
            communities: HashSet<CommunityId>,
            blocked: HashSet<MemberId>,
            muted: HashSet<MemberId>,
            following: HashSet<MemberId>,
            #[serde(default)]
            extra: Option<serde_json::Value>,
        }
        let facts: Option<serde_json::Value> = res.take(0)?;
        let f: Facts = facts
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| surrealdb::Error::internal("viewer facts missing".into()))?;
        let known = known.unwrap_or(Known {
            verified_professional: f.verified_professional,
            moderator: f.moderator,
        });
        let viewer = Viewer {
            id: Some(id.clone()),
            verified_professional: known.verified_professional,
            moderator: known.moderator,
            connections: f.connections,
            communities: f.communities,
            blocked: f.blocked,
            muted: f.muted,
            following: f.following,
            following_loaded: with_following,
            connections_complete: with_connections,
        };
        let extra = f.extra.and_then(|v| serde_json::from_value(v).ok());
        Ok((viewer, extra))
    }

    pub fn is(&self, member: &str) -> bool {
        self.id.as_ref().is_some_and(|id| id == member)
    }

    /// Whether the viewer may read a post with this audience. Authors always see their
    /// own; a block either way hides everything; otherwise the post's visibility decides.
    pub fn may_see(&self, post: Audience<'_>) -> bool {
        if self.is(post.author) {
            return true;
        }
        if self.blocked.contains(post.author) {
            return false;
        }
        match post.visibility {
            Visibility::Public => true,
            Visibility::Connections => self.connections.contains(post.author),
            Visibility::Community => post.community.is_some_and(|c| self.communities.contains(c)),
            Visibility::Verified => self.verified_professional,
        }
    }

    /// Whether posts by `author` belong in the viewer's feeds (not muted or blocked).
    pub fn wants_in_feed(&self, author: &str) -> bool {
        !self.muted.contains(author) && !self.blocked.contains(author)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static AUTHOR: std::sync::LazyLock<MemberId> = std::sync::LazyLock::new(|| "author".into());
    static CLUB: std::sync::LazyLock<CommunityId> = std::sync::LazyLock::new(|| "club".into());

    fn audience(visibility: Visibility) -> Audience<'static> {
        Audience {
            author: &AUTHOR,
            community: Some(&CLUB),
            visibility,
        }
    }

    #[test]
    fn each_viewer_kind_sees_exactly_what_it_may() {
        let stranger = Viewer {
            id: Some("stranger".into()),
            ..Viewer::default()
        };
        let connection = Viewer {
            id: Some("conn".into()),
            connections: HashSet::from(["author".into()]),
            ..Viewer::default()
        };
        let member = Viewer {
            id: Some("member".into()),
            communities: HashSet::from(["club".into()]),
            ..Viewer::default()
        };
        let verified = Viewer {
            id: Some("doc".into()),
            verified_professional: true,
            ..Viewer::default()
        };
        let author = Viewer {
            id: Some("author".into()),
            ..Viewer::default()
        };
        let blocked = Viewer {
            id: Some("blocked".into()),
            verified_professional: true,
            connections: HashSet::from(["author".into()]),
            communities: HashSet::from(["club".into()]),
            blocked: HashSet::from(["author".into()]),
            ..Viewer::default()
        };
        use Visibility::*;
        let cases: [(&Viewer, [bool; 4]); 7] = [
            (&Viewer::anonymous(), [true, false, false, false]),
            (&stranger, [true, false, false, false]),
            (&connection, [true, true, false, false]),
            (&member, [true, false, true, false]),
            (&verified, [true, false, false, true]),
            (&author, [true, true, true, true]),
            (&blocked, [false, false, false, false]),
        ];
        for (viewer, expected) in cases {
            let got =
                [Public, Connections, Community, Verified].map(|v| viewer.may_see(audience(v)));
            assert_eq!(got, expected, "{:?}", viewer.id);
        }
    }
}
