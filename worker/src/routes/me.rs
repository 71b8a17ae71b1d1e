//! `GET /v1/me`: who the credential says the caller is, and what it may do in
//! each organization it can see (any valid credential). Handy to check a
//! minted token or a new API key; the admin page shows it.

use serde_json::{json, Value};
use worker::Response;

use mdm_core::schema::{array, string, Field, Schema};

use crate::auth::Reach;
use crate::ctx::Ctx;
use crate::db::row;
use crate::db::Param;
use crate::dispatch::Scope;
use crate::http::{ok, ApiError};

/// The most organizations `GET /v1/me` lists (a credential that sees every
/// organization, on a large deployment, would otherwise list thousands).
const MAX_ORGS: i64 = 100;

const ORG: Schema = Schema::Object(&[
    Field::required("id", string().schema(), ""),
    Field::required("slug", string().schema(), ""),
    Field::optional(
        "role",
        string().one_of(mdm_core::roles::NAMES).schema(),
        "The membership's role, if a membership grants access.",
    ),
    Field::required(
        "permissions",
        array(&string().schema()),
        "What the credential may do there (names, `prefix.*` or `*`).",
    ),
]);

/// What `GET /v1/me` answers.
pub const ME: Schema = Schema::Object(&[
    Field::required(
        "subject",
        string().schema(),
        "The credential's subject (an API key is `apiKey:<id>`).",
    ),
    Field::optional("email", string().schema(), "The person's email (OpenID Connect)."),
    Field::required(
        "via",
        string().one_of(&["apiKey", "oidc", "hs256"]).schema(),
        "Which kind of credential.",
    ),
    Field::required(
        "organizations",
        array(&ORG),
        "The organizations it can see (at most 100).",
    ),
]);

row! {
    struct OrgRef {
        id: String,
        slug: String,
    }
}

pub async fn get(ctx: &mut Ctx, scope: Scope) -> Result<Response, ApiError> {
    let p = scope.caller()?;
    let rows: Vec<OrgRef> = match p.reach_any() {
        Reach::All => {
            ctx.db()?
                .all(
                    "SELECT id, slug FROM organizations ORDER BY created_at, id LIMIT ?1",
                    &[Param::Int(MAX_ORGS)],
                )
                .await?
        }
        Reach::Some(refs) if refs.is_empty() => Vec::new(),
        Reach::Some(refs) => {
            // One bound JSON list, however many organizations the credential names.
            let list = Value::from(refs).to_string();
            ctx.db()?
                .all(
                    "SELECT id, slug FROM organizations WHERE id IN (SELECT value FROM json_each(?1)) \
                     OR slug IN (SELECT value FROM json_each(?1)) ORDER BY created_at, id LIMIT ?2",
                    &[Param::Text(list), Param::Int(MAX_ORGS)],
                )
                .await?
        }
    };
    let organizations: Vec<Value> = rows
        .into_iter()
        .map(|o| {
            let mut v = json!({"id": o.id, "slug": o.slug, "permissions": p.perms_in(&o.id, &o.slug)});
            if let Some(role) = p.role_in(&o.id, &o.slug) {
                v["role"] = json!(role);
            }
            v
        })
        .collect();
    let mut me = json!({"subject": p.sub, "via": p.via.name(), "organizations": organizations});
    if let Some(email) = &p.email {
        me["email"] = json!(email);
    }
    ok(&me)
}
