//! Synthetic, deterministic demo data. No real people: names are drawn from short lists of
//! common given and family names and combined at random; emails use example.org.

pub mod content;
mod graph;

use app::db::Db;
use app::domain::accounts::hash_password;
use app::model::taxonomy::{ORG_TYPES, SPECIALTIES};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// The password of every demo account (documented in the README; demo data only).
pub const DEMO_PASSWORD: &str = "rounds-demo-password";

/// How much to seed.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub members: usize,
    pub posts: usize,
    pub seed: u64,
}

/// What was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub members: usize,
    pub connections: usize,
    pub follows: usize,
    pub pending: usize,
    pub content: content::ContentReport,
}

const GIVEN: &[&str] = &[
    "Ada", "Amara", "Ben", "Carmen", "Chen", "Dario", "Elif", "Farah", "Grace", "Hiro", "Ines",
    "Jonas", "Kemi", "Lars", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tariq",
    "Uma", "Viktor", "Wen", "Yara", "Zoe", "Mateo", "Leila", "Noah",
];
const FAMILY: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Haddad",
    "Kowalski",
    "Mensah",
    "Rossi",
    "Silva",
    "Nguyen",
    "Fischer",
    "Patel",
    "Duarte",
    "Ivanova",
    "Kariuki",
    "Novak",
    "Osei",
    "Park",
    "Reyes",
    "Schmidt",
    "Yilmaz",
    "Abbott",
    "Brennan",
    "Castillo",
    "Dubois",
];
const CITIES: &[&str] = &[
    "Lisbon",
    "Nairobi",
    "Toronto",
    "Melbourne",
    "Manchester",
    "Austin",
    "Lyon",
    "Osaka",
    "Bogotá",
    "Accra",
    "Gothenburg",
    "Pune",
    "Denver",
    "Dublin",
    "Cape Town",
];
const WORKPLACE_KIND: &[&str] = &[
    "General Hospital",
    "University Medical Center",
    "Community Clinic",
    "Children's Hospital",
    "Health Centre",
];
const ROLES_BY_SPECIALTY: &[&str] = &[
    "Attending physician",
    "Consultant",
    "Resident",
    "Fellow",
    "Clinical lead",
    "Staff nurse",
    "Nurse practitioner",
    "Clinical pharmacist",
];
const CONDITIONS: &[&str] = &[
    "type 1 diabetes",
    "multiple sclerosis",
    "long COVID",
    "asthma",
    "rheumatoid arthritis",
    "Crohn's disease",
    "epilepsy",
    "heart failure",
];

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

fn professional(rng: &mut StdRng, i: usize, hash: &str) -> Value {
    let (g, f) = (pick(rng, GIVEN), pick(rng, FAMILY));
    let spec = &SPECIALTIES[rng.gen_range(0..SPECIALTIES.len())];
    let sub = spec.subspecialties.choose(rng).map(|s| s.to_string());
    let city = pick(rng, CITIES);
    let workplace = format!("{city} {}", pick(rng, WORKPLACE_KIND));
    let role = pick(rng, ROLES_BY_SPECIALTY);
    let start = rng.gen_range(1998..2022);
    let handle = format!("{}.{}{}", g.to_lowercase(), f.to_lowercase(), i);
    json!({
        "id": format!("s{i}"),
        "email": format!("{handle}@example.org"), "email_key": format!("{handle}@example.org"),
        "handle": handle, "handle_key": handle,
        "display_name": format!("{g} {f}"), "password_hash": hash, "role": "professional",
        "headline": format!("{role}, {}", spec.name), "bio": format!("{} clinician in {city}. Interested in teaching and evidence-based practice.", spec.name),
        "specialty": spec.name, "subspecialty": sub, "location": city, "workplace": workplace,
        "experience": [
            {"title": role, "organization": workplace, "period": format!("{start}–present")},
            {"title": "Resident", "organization": format!("{} University Hospital", pick(rng, CITIES)), "period": format!("{}–{start}", start - 4)},
        ],
        "skills": spec.subspecialties.iter().take(3).collect::<Vec<_>>(),
        "links": [], "conflicts": if rng.gen_bool(0.2) { "Speaker fees from a device manufacturer (2024)." } else { "" },
        "hide_real_name": false,
    })
}

fn patient(rng: &mut StdRng, i: usize, hash: &str) -> Value {
    let (g, f) = (pick(rng, GIVEN), pick(rng, FAMILY));
    let condition = pick(rng, CONDITIONS);
    let handle = format!(
        "{}{}",
        ["hopeful", "steady", "sunny", "quiet", "brave"][i % 5],
        i
    );
    json!({
        "id": format!("s{i}"),
        "email": format!("{handle}@example.org"), "email_key": format!("{handle}@example.org"),
        "handle": handle, "handle_key": handle, "display_name": format!("{g} {f}"),
        "password_hash": hash, "role": "patient",
        "headline": format!("Living with {condition}"), "bio": "Here to learn and to share what helps.",
        "location": pick(rng, CITIES), "hide_real_name": rng.gen_bool(0.6),
    })
}

fn organization(rng: &mut StdRng, i: usize, hash: &str) -> Value {
    let city = pick(rng, CITIES);
    let kind = pick(rng, ORG_TYPES);
    let handle = format!("org{i}.{}", city.to_lowercase().replace([' ', 'á'], ""));
    json!({
        "id": format!("s{i}"),
        "email": format!("{handle}@example.org"), "email_key": format!("{handle}@example.org"),
        "handle": handle, "handle_key": handle, "display_name": format!("{city} {kind} {i}"),
        "password_hash": hash, "role": "organization", "org_type": kind,
        "headline": format!("{kind} serving {city}"), "location": city,
        "bio": "Services, opening hours and prices are listed on our profile.",
    })
}

/// Three named demo accounts that the README mentions.
fn showcase(hash: &str) -> Vec<Value> {
    vec![
        json!({
            "id": "showcase_ada",
            "email": "ada.okafor@example.org", "email_key": "ada.okafor@example.org",
            "handle": "ada.okafor", "handle_key": "ada.okafor", "display_name": "Dr. Ada Okafor",
            "password_hash": hash, "role": "professional", "is_moderator": true,
            "verified": true, "verified_as": "NPI checked",
            "headline": "Cardiologist · heart failure clinic lead",
            "bio": "Consultant cardiologist. I run a heart failure clinic and teach residents.\nViews are my own.",
            "specialty": "Cardiology", "subspecialty": "Heart Failure", "location": "Manchester",
            "workplace": "Manchester University Medical Center",
            "experience": [{"title": "Consultant cardiologist", "organization": "Manchester University Medical Center", "period": "2016–present"}],
            "skills": ["Echocardiography", "Heart failure", "Medical education"],
            "links": [{"title": "Heart failure clinic pathway (example)", "url": "https://example.org/hf-pathway"}],
            "conflicts": "None.",
        }),
        json!({
            "id": "showcase_sunny",
            "email": "sunny.days@example.org", "email_key": "sunny.days@example.org",
            "handle": "sunny.days", "handle_key": "sunny.days", "display_name": "Samira Haddad",
            "password_hash": hash, "role": "patient", "hide_real_name": true,
            "headline": "Type 1 diabetes since 2009", "bio": "Sharing what works for me with pumps and sensors.",
            "location": "Lyon",
        }),
        json!({
            "id": "showcase_clinic",
            "email": "city.clinic@example.org", "email_key": "city.clinic@example.org",
            "handle": "city.clinic", "handle_key": "city.clinic", "display_name": "City Community Clinic",
            "password_hash": hash, "role": "organization", "org_type": "Clinic",
            "verified": true, "verified_as": "Licence checked: Texas Health and Human Services",
            "headline": "Primary care and vaccinations, walk-ins welcome", "location": "Austin",
            "bio": "Sliding-scale fees. Flu shots listed with prices.",
        }),
    ]
}

async fn insert(db: &Db, rows: Vec<Value>) -> Result<(), surrealdb::Error> {
    db.query("INSERT INTO member $rows RETURN NONE;")
        .bind(("rows", Value::Array(rows)))
        .await?
        .check()?;
    Ok(())
}

/// Seeds `opts.members` synthetic members (plus the three showcase accounts) in batches.
pub async fn run(db: &Db, opts: SeedOptions) -> anyhow_like::Result<SeedReport> {
    // One argon2 hash shared by every demo account: hashing 100,000 passwords would take
    // an hour and proves nothing.
    let hash = hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| e.to_string())?;
    let before = stored(db).await?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    insert(db, showcase(&hash))
        .await
        .map_err(|e| e.to_string())?;
    let mut batch = Vec::with_capacity(1000);
    let mut nodes = Vec::with_capacity(opts.members + 3);
    for i in 0..opts.members {
        let row = match i % 10 {
            0..=5 => professional(&mut rng, i, &hash),
            6..=8 => patient(&mut rng, i, &hash),
            _ => organization(&mut rng, i, &hash),
        };
        nodes.push(graph::Node::of(format!("s{i}"), &row));
        batch.push(row);
        if batch.len() == 1000 {
            insert(db, std::mem::take(&mut batch))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    if !batch.is_empty() {
        insert(db, batch).await.map_err(|e| e.to_string())?;
    }
    for row in showcase(&hash) {
        let id = row["id"].as_str().unwrap_or_default().to_string();
        nodes.push(graph::Node::of(id, &row).hub());
    }
    let edges = graph::seed(db, &nodes, &mut rng).await?;
    let content = content(db, opts.posts, opts.seed).await?;
    let report = SeedReport {
        members: opts.members + 3,
        connections: edges.connections,
        follows: edges.follows,
        pending: edges.pending,
        content,
    };
    // What the seeder wrote must be what the database holds: a report of its own
    // intentions would hide a batch that was acknowledged and not stored.
    let after = stored(db).await?;
    let wrote = [
        report.members,
        content.posts,
        content.comments,
        content.reactions,
    ];
    for (i, what) in ["members", "posts", "comments", "reactions"]
        .iter()
        .enumerate()
    {
        let held = after[i] - before[i];
        if held != wrote[i] {
            return Err(format!(
                "seeded {} {what} but the database holds {held} more than before",
                wrote[i]
            ));
        }
    }
    Ok(report)
}

/// How many members, posts, comments and reactions the database holds.
async fn stored(db: &Db) -> anyhow_like::Result<[usize; 4]> {
    let mut res = db
        .query(
            "RETURN (SELECT count() FROM member GROUP ALL)[0].count ?? 0;
             RETURN (SELECT count() FROM post GROUP ALL)[0].count ?? 0;
             RETURN (SELECT count() FROM comment GROUP ALL)[0].count ?? 0;
             RETURN (SELECT count() FROM reaction GROUP ALL)[0].count ?? 0;",
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut n = [0; 4];
    for (i, slot) in n.iter_mut().enumerate() {
        let v: Option<i64> = res.take(i).map_err(|e| format!("count: {e}"))?;
        *slot = v.unwrap_or(0) as usize;
    }
    Ok(n)
}

/// Seeds communities, posts, comments and reactions for the members already stored.
pub async fn content(
    db: &Db,
    posts: usize,
    seed: u64,
) -> anyhow_like::Result<content::ContentReport> {
    let mut res = db
        .query("SELECT record::id(id) AS id, role, specialty FROM member ORDER BY id")
        .await
        .map_err(|e| e.to_string())?;
    let rows: Vec<Value> = res.take(0).map_err(|e| e.to_string())?;
    let authors: Vec<content::Author> = rows
        .iter()
        .map(|r| content::Author {
            id: r["id"].as_str().unwrap_or_default().to_string(),
            role: r["role"].as_str().unwrap_or_default().to_string(),
            specialty: r["specialty"].as_str().map(str::to_string),
        })
        .collect();
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_c0de);
    content::seed(db, &authors, posts, &mut rng).await
}

/// Seeds the demo data set when the database has no members yet.
pub async fn demo_if_empty(db: &Db) -> anyhow_like::Result<Option<SeedReport>> {
    let mut res = db
        .query("SELECT VALUE id FROM member LIMIT 1")
        .await
        .map_err(|e| e.to_string())?;
    let any: Vec<Value> = res.take(0).map_err(|e| e.to_string())?;
    if !any.is_empty() {
        return Ok(None);
    }
    // Several servers may start at once: only the one whose claim is created loads it.
    let claimed = db
        .query("CREATE demo_claim:demo RETURN NONE")
        .await
        .map_err(|e| e.to_string())?
        .check()
        .is_ok();
    if !claimed {
        return Ok(None);
    }
    let report = run(
        db,
        SeedOptions {
            members: 60,
            posts: 240,
            seed: 7,
        },
    )
    .await?;
    safety_showcase(db).await?;
    Ok(Some(report))
}

/// Something for the demo's moderator to work: a pending verification request, a
/// sponsored organization post, and an open report on it.
async fn safety_showcase(db: &Db) -> anyhow_like::Result<()> {
    use app::domain::moderation::{self, NewReport};
    use app::domain::posts::{self, NewPost};
    use app::domain::verification;
    use app::domain::viewer::Viewer;
    use app::model::{MemberId, ReportReason, ReportTarget, Role, check_verification};
    let npi = check_verification("npi", "1245319599", "", "", "Sam Okonkwo-Reyes")
        .map_err(|e| e.message)?;
    verification::submit(db, &MemberId::from("s0"), Role::Professional, &npi)
        .await
        .map_err(|e| e.to_string())?;
    let post = posts::create(
        db,
        &MemberId::from("showcase_clinic"),
        &NewPost {
            body: "Flu shots this week: **$25**, free for children under 5. Walk-ins welcome 8–5, Monday to Friday.".into(),
            visibility: "public".into(),
            sponsored: true,
            ..NewPost::default()
        },
        None,
    )
    .await
    .map_err(|e| e.to_string())?;
    let sunny = Viewer::load(db, Some(&MemberId::from("showcase_sunny")), false)
        .await
        .map_err(|e| e.to_string())?;
    moderation::report(
        db,
        &sunny,
        &NewReport {
            kind: ReportTarget::Post,
            item: &post,
            reason: ReportReason::Promotion,
            note: "Is this an advert? (demo report)",
            confirm_phi: false,
        },
        3,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Seeding errors are reported as text to the CLI.
pub mod anyhow_like {
    pub type Result<T> = std::result::Result<T, String>;
}
