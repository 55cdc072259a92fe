//! Test helpers: a fresh in-memory SurrealDB with every migration applied.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use app::db::{self, Db};
use app::domain::accounts::{self, MemberRow, SignUp};
use app::domain::graph;
use app::model::GraphOp;

pub async fn fresh_db() -> Db {
    db::open_memory()
        .await
        .expect("in-memory database opens and migrates")
}

pub fn signup(handle: &str, role: &str) -> SignUp {
    SignUp {
        email: format!("{handle}@example.org"),
        handle: handle.to_string(),
        display_name: format!("Member {handle}"),
        password: "correct horse battery staple".to_string(),
        role: role.to_string(),
    }
}

pub async fn member(db: &Db, handle: &str, role: &str) -> MemberRow {
    accounts::sign_up(db, &signup(handle, role))
        .await
        .expect("sign-up succeeds")
}

/// `a` asks to connect and `b` accepts.
pub async fn connect(db: &Db, a: &str, b: &str) {
    graph::apply(db, a, b, GraphOp::Connect, "").await.unwrap();
    graph::apply(db, b, a, GraphOp::Accept, "").await.unwrap();
}

/// How many records `table` holds.
pub async fn count(db: &Db, table: &str) -> i64 {
    let mut res = db
        .query("RETURN array::len((SELECT VALUE id FROM type::table($table)))")
        .bind(("table", table.to_string()))
        .await
        .expect("count query");
    let n: Option<i64> = res.take(0).expect("count value");
    n.unwrap_or(0)
}
