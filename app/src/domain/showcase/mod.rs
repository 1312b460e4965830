//! The demo's Secrets tab, populated so that a newcomer's first look shows every feature:
//! secrets of both kinds with descriptions, grants across the agents, a rotation policy with
//! one overdue secret, an expired one, several versions, and some runtime reads and a denial.
//! Written through the same domain functions as the dashboard, as the demo admin; only the
//! clock (version ages) and the runtime reads, which need a running server, are set directly.

use super::admin::{agents, tokens};
use super::db::Pool;
use super::demo::ADMIN;
use super::identity::{access, users};
use super::keys::crypto::Keyring;
use super::secrets::{lifecycle, store, versions};
use super::DomainError;
use crate::model::secrets::{PairInput, ValueInput};

mod history;

use history::{age, date_setup, runtime_event, DAY};

fn single(value: &str) -> ValueInput {
    ValueInput {
        kind: "single".into(),
        value: value.into(),
        pairs: Vec::new(),
    }
}

fn pairs(pairs: &[(&str, &str)]) -> ValueInput {
    ValueInput {
        kind: "pairs".into(),
        value: String::new(),
        pairs: pairs
            .iter()
            .map(|(k, v)| PairInput {
                key: (*k).into(),
                value: (*v).into(),
            })
            .collect(),
    }
}

/// Fills acme's Secrets tab, once: does nothing when acme already has a secret.
pub async fn seed(pool: &Pool, keyring: &Keyring) -> Result<bool, DomainError> {
    let admin = users::find_by_email(pool, ADMIN.email)
        .await?
        .ok_or(DomainError::NotFound("demo admin"))?;
    let who = access::signed_in(pool, Some(admin.id), false).await?;
    let gate = access::require_secrets_admin(pool, &who, "acme").await?;
    let ws = gate.workspace().id;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secrets WHERE workspace_id = $1")
        .bind(ws)
        .fetch_one(pool)
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    // What the demo set up before (agents, members, the flag) happened before all of this.
    let (setup_until,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(id) FROM audit_events WHERE workspace_id = $1")
            .bind(ws)
            .fetch_one(pool)
            .await?;
    let billing = agents::id_of(pool, ws, "billing-worker").await?;
    let support = agents::id_of(pool, ws, "support-bot").await?;
    let create = |name: &'static str,
                  description: &'static str,
                  value: ValueInput,
                  agents: Vec<i64>| {
        let gate = &gate;
        async move { store::create(pool, keyring, gate, name, description, &value, &agents).await }
    };
    create(
        "stripe_api_key",
        "Stripe live secret key: charges and refunds by the billing worker",
        single("sk_live_demo_51Hx0000000000000000000000"),
        vec![billing],
    )
    .await?;
    versions::replace_value(
        pool,
        keyring,
        &gate,
        "stripe_api_key",
        1,
        &single("sk_live_demo_51Hx1111111111111111111111"),
    )
    .await?;
    lifecycle::set_policy(pool, &gate, "stripe_api_key", "90", "").await?;
    create(
        "database_url",
        "Primary PostgreSQL connection string (rotated monthly)",
        single("postgres://billing:demo-password@db.acme.internal:5432/billing"),
        vec![billing],
    )
    .await?;
    lifecycle::set_policy(pool, &gate, "database_url", "30", "").await?;
    age(pool, ws, "database_url", 45).await?;
    create(
        "google_oauth_client",
        "Google OAuth client for staff sign-in to the support console",
        pairs(&[
            ("client_id", "demo-1234.apps.googleusercontent.com"),
            ("client_secret", "GOCSPX-demo"),
        ]),
        vec![support, billing],
    )
    .await?;
    create(
        "sendgrid_api_key",
        "Transactional email (receipts, password resets)",
        single("SG.demo.0000000000000000"),
        vec![support],
    )
    .await?;
    lifecycle::set_policy(pool, &gate, "sendgrid_api_key", "365", "").await?;
    create(
        "legacy_ftp_password",
        "Old partner FTP drop; the partner moved to SFTP",
        single("ftp-demo-password"),
        Vec::new(),
    )
    .await?;
    let yesterday = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    lifecycle::set_policy(
        pool,
        &gate,
        "legacy_ftp_password",
        "none",
        &yesterday.date().to_string(),
    )
    .await?;
    age(pool, ws, "legacy_ftp_password", 200).await?;
    for (name, days) in [
        ("stripe_api_key", 20),
        ("google_oauth_client", 12),
        ("sendgrid_api_key", 60),
    ] {
        age(pool, ws, name, days).await?;
    }
    // The agents' reads, by tokens that exist and are listed on their pages, issued a week ago.
    let mut prefixes = Vec::new();
    for agent in ["billing-worker", "support-bot"] {
        let issued = tokens::issue(pool, gate.admin(), agent, Some(90)).await?;
        prefixes.push(issued.view.prefix);
    }
    sqlx::query(
        "UPDATE agent_tokens SET created_at = created_at - $1 \
         WHERE agent_id IN (SELECT id FROM agents WHERE workspace_id = $2)",
    )
    .bind(7 * DAY)
    .bind(ws)
    .execute(pool)
    .await?;
    sqlx::query(
        "UPDATE audit_events SET created_at = created_at - $1, updated_at = updated_at - $1 \
         WHERE workspace_id = $2 AND action = 'token.issue'",
    )
    .bind(7 * DAY)
    .bind(ws)
    .execute(pool)
    .await?;
    let (billing_token, support_token) = (prefixes[0].as_str(), prefixes[1].as_str());
    date_setup(pool, ws, setup_until.unwrap_or(0), 210).await?;
    // Ten days of steady reads before today's, for the activity charts.
    for day in (1..=10).rev() {
        let at = day * 24 * 60 + 9 * 60;
        for n in 0..(day % 3 + 2) {
            let billing = (billing, "billing-worker", billing_token);
            runtime_event(pool, ws, billing, "stripe_api_key", "ok", at - n * 37).await?;
        }
        let support = (support, "support-bot", support_token);
        runtime_event(pool, ws, support, "google_oauth_client", "ok", at - 90).await?;
        if day % 4 == 0 {
            runtime_event(
                pool,
                ws,
                support,
                "stripe_api_key",
                "missing_access",
                at - 95,
            )
            .await?;
        }
    }
    for (agent, secret, outcome, minutes_ago) in [
        (
            (billing, "billing-worker", billing_token),
            "stripe_api_key",
            "ok",
            3,
        ),
        (
            (billing, "billing-worker", billing_token),
            "database_url",
            "ok",
            5,
        ),
        (
            (support, "support-bot", support_token),
            "google_oauth_client",
            "ok",
            12,
        ),
        (
            (support, "support-bot", support_token),
            "sendgrid_api_key",
            "ok",
            40,
        ),
        (
            (support, "support-bot", support_token),
            "stripe_api_key",
            "missing_access",
            30,
        ),
    ] {
        runtime_event(pool, ws, agent, secret, outcome, minutes_ago).await?;
    }
    Ok(true)
}
