//! Misinformation labels: a short note with evidence links shown above a post. Site
//! moderators attach them directly; verified professionals propose them and a moderator
//! accepts or rejects. Every step is audited; the author and the proposer are told.

use serde::Deserialize;

use super::audit::{EFFECTS_SQL, Effects};
use super::moderation::ModError;
use super::phi::guard_phi;
use super::viewer::{Audience, Viewer};
use super::{check_tx, new_key, one, retrying, rows};
use crate::db::Db;
use crate::error::AppError;
use crate::model::{
    CommunityId, LabelProposal, LabelStatus, MemberId, NotificationKind, PostId, StoredName,
    Visibility, check_label,
};

#[derive(Deserialize)]
struct PostFacts {
    author: MemberId,
    community: Option<CommunityId>,
    visibility: Visibility,
    deleted: bool,
}

/// The post's author, if the viewer may see the (live) post.
async fn visible_post(db: &Db, viewer: &Viewer, post: &PostId) -> Result<MemberId, ModError> {
    let p: PostFacts = one(
        db,
        "SELECT record::id(author) AS author,
            IF community != NONE THEN record::id(community) ELSE NONE END AS community,
            visibility, deleted_at != NONE AS deleted
         FROM ONLY type::record('post', $id)",
        post,
    )
    .await?
    .ok_or(ModError::NotFound)?;
    let seen = viewer.may_see(Audience {
        author: &p.author,
        community: p.community.as_ref(),
        visibility: p.visibility,
    });
    if p.deleted || !seen {
        return Err(ModError::NotFound);
    }
    Ok(p.author)
}

/// Labels a post: a site moderator's label shows at once (the author is told); a verified
/// professional's is a proposal for moderators to review; anyone else is refused.
pub async fn label(
    db: &Db,
    viewer: &Viewer,
    post: &PostId,
    note: &str,
    evidence: &str,
    confirm_phi: bool,
) -> Result<(), ModError> {
    let me = viewer.id.clone().ok_or(ModError::NotFound)?;
    if !viewer.moderator && !viewer.verified_professional {
        return Err(ModError::Forbidden(
            "Only verified professionals can propose misinformation labels.",
        ));
    }
    let (note, evidence) = check_label(note, evidence)?;
    let author = visible_post(db, viewer, post).await?;
    let accepted = viewer.moderator;
    if author == me && !accepted {
        return Err(AppError::invalid("note", "You cannot label your own post.").into());
    }
    // Readers see the note above the post: it must not name the patient the post is about.
    let phi = guard_phi("note", &note, confirm_phi)?;
    let target = format!("post:{post}");
    let effects = if accepted {
        Effects::new()
            .audit(Some(&me), "label.attached", &target, &note)
            .notify(
                &author,
                NotificationKind::Moderation,
                &format!("Moderators added a misinformation label to your post: {note}"),
                &format!("/p/{post}"),
            )
    } else {
        Effects::new().audit(Some(&me), "label.proposed", &target, &note)
    };
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $p = type::record('post', $post);
         CREATE type::record('misinfo_label', $id) CONTENT {{
            post: $p, note: $note, evidence: $evidence,
            status: IF $accepted {{ 'accepted' }} ELSE {{ 'proposed' }},
            proposed_by: type::record('member', $me),
            decided_by: IF $accepted {{ type::record('member', $me) }} ELSE {{ NONE }},
            phi_confirmed: IF array::len($phi) > 0 {{ $phi }} ELSE {{ NONE }}
         }};
         IF $accepted {{ UPDATE $p SET misinfo = {{ note: $note, evidence: $evidence }} }};
         {EFFECTS_SQL}
         COMMIT TRANSACTION;"
    );
    let id = new_key();
    // The post is written by concurrent reactions and comments: retry conflicts.
    retrying(|| async {
        let q = db
            .query(&sql)
            .bind(("id", id.clone()))
            .bind(("post", post.to_string()))
            .bind(("note", note.clone()))
            .bind(("evidence", evidence.clone()))
            .bind(("me", me.to_string()))
            .bind(("accepted", accepted))
            .bind(("phi", phi.clone()));
        effects.bind(q).await.and_then(check_tx)
    })
    .await?;
    Ok(())
}

/// Proposals waiting for a moderator, oldest first.
pub async fn proposals(db: &Db) -> Result<Vec<LabelProposal>, ModError> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, record::id(post) AS post,
                string::slice(post.body, 0, 280) AS excerpt, note, evidence,
                proposed_by.handle AS proposed_by
             FROM misinfo_label WHERE status = 'proposed' ORDER BY created_at ASC LIMIT 100",
        )
        .await?;
    Ok(rows(&mut res, 0)?)
}

/// A moderator accepts (the label then shows on the post) or rejects a proposal.
pub async fn decide(db: &Db, moderator: &MemberId, id: &str, accept: bool) -> Result<(), ModError> {
    #[derive(Deserialize)]
    struct Proposal {
        post: String,
        author: MemberId,
        proposer: MemberId,
        note: String,
        status: LabelStatus,
    }
    let p: Proposal = one(
        db,
        "SELECT record::id(post) AS post, record::id(post.author) AS author,
            record::id(proposed_by) AS proposer, note, status
         FROM ONLY type::record('misinfo_label', $id)",
        id,
    )
    .await?
    .ok_or(ModError::NotFound)?;
    if p.status != LabelStatus::Proposed {
        return Err(AppError::conflict("id", "This proposal was already decided.").into());
    }
    let link = format!("/p/{}", p.post);
    let mut effects = Effects::new()
        .audit(
            Some(moderator),
            if accept {
                "label.accepted"
            } else {
                "label.rejected"
            },
            &format!("post:{}", p.post),
            &p.note,
        )
        .notify(
            &p.proposer,
            NotificationKind::Label,
            &if accept {
                format!("Moderators accepted your misinformation label: {}", p.note)
            } else {
                format!(
                    "Moderators reviewed your proposed label and did not add it: {}",
                    p.note
                )
            },
            &link,
        );
    if accept {
        effects = effects.notify(
            &p.author,
            NotificationKind::Moderation,
            &format!(
                "Moderators added a misinformation label to your post: {}",
                p.note
            ),
            &link,
        );
    }
    // The proposal is decided only while it is still proposed, inside the transaction:
    // two moderators deciding at once conflict, and the retry of the second finds it decided.
    let sql = format!(
            "BEGIN TRANSACTION;
             LET $l = type::record('misinfo_label', $id);
             LET $decided = UPDATE $l SET status = $status, decided_by = type::record('member', $moderator)
                WHERE status = 'proposed' RETURN VALUE id;
             IF array::len($decided) = 0 {{ THROW '{ALREADY_DECIDED}' }};
             IF $accept {{
                UPDATE type::record('post', $post) SET misinfo = {{ note: $l.note, evidence: $l.evidence }};
             }};
             {EFFECTS_SQL}
             COMMIT TRANSACTION;"
    );
    let status = if accept {
        LabelStatus::Accepted
    } else {
        LabelStatus::Rejected
    };
    // The post is written by concurrent reactions and comments: retry conflicts.
    retrying(|| async {
        let q = db
            .query(&sql)
            .bind(("id", id.to_string()))
            .bind(("status", status.name()))
            .bind(("moderator", moderator.to_string()))
            .bind(("accept", accept))
            .bind(("post", p.post.clone()));
        effects.bind(q).await.and_then(check_tx)
    })
    .await
    .map_err(|e| match e.message().contains(ALREADY_DECIDED) {
        true => AppError::conflict("id", "This proposal was already decided.").into(),
        false => ModError::from(e),
    })?;
    Ok(())
}

/// What a decision's transaction throws when another moderator decided first.
const ALREADY_DECIDED: &str = "label already decided";
