//! The admin's dashboard on the workspace page: counts that open the filtered lists, and the
//! latest changes and runtime denials.

use leptos::prelude::*;

use crate::components::activity_chart::ActivityChart;

use crate::model::secrets::SecretsOverview;
use crate::model::AuditEventView;
use crate::time_fmt::format_utc;

/// The dashboard of workspace `ws` (the page loads `o` with the workspace frame, so that
/// both hydrate together).
#[component]
pub fn Dashboard(o: SecretsOverview, ws: String) -> impl IntoView {
    let base = format!("/w/{ws}");
    let stat = |count: i64, label: &'static str, path: &'static str, alert: bool| {
        let href = format!("{base}/{path}");
        let class = if alert && count > 0 {
            "card stat stat-alert"
        } else {
            "card stat"
        };
        view! {
            <a class=class href=href data-testid=label>
                <span class="stat-number">{count}</span>
                <span class="stat-label">{label}</span>
            </a>
        }
    };
    view! {
        <h2 class="section-title">"Secrets"</h2>
        <div class="cards">
            {stat(o.secrets, "Secrets", "secrets", false)}
            {stat(o.overdue, "Overdue", "secrets?status=overdue", true)}
            {stat(o.due, "Due within 14 days", "secrets?status=due", true)}
            {stat(o.expired, "Expired", "secrets?status=expired", true)}
            {stat(o.unused_secrets, "Unused secrets", "secrets?status=unused", true)}
            {stat(o.unused_tokens, "Unused tokens", "agents", true)}
        </div>
        <ActivityChart days=o.activity id="workspace-activity" title="Runtime reads".to_string()/>
        <div class="grid-2">
            <Recent title="Recent changes" events=o.recent_changes empty="No changes yet."
                more=format!("{base}/secrets/audit")/>
            <Recent title="Recent runtime denials" events=o.recent_denials empty="No denied reads."
                more=format!("{base}/secrets/audit?action=secret.read_denied")/>
        </div>
    }
}

#[component]
fn Recent(
    title: &'static str,
    events: Vec<AuditEventView>,
    empty: &'static str,
    more: String,
) -> impl IntoView {
    view! {
        <section class="card" aria-label=title>
            <h2>{title}</h2>
            {if events.is_empty() {
                view! { <p class="help">{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="recent">
                        {events.into_iter().map(|e| view! {
                            <li>
                                <span class="by">{format_utc(e.at)}</span> " "
                                {e.actor} " · " <span class="mono">{e.action}</span>
                                {e.secret.map(|s| view! { " · " <span class="mono">{s}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <a href=more>"Open the audit log"</a>
        </section>
    }
}
