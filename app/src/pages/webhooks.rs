//! `/w/{ws}/webhooks`: admins register URLs that receive signed change events, see each
//! webhook's last delivery and the recent deliveries, and delete webhooks.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::webhooks::{list_webhooks, CreateWebhook, DeleteWebhook, ListWebhooks};
use crate::components::call::{refetched, Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::loaded::Loaded;
use crate::components::params::use_workspace_slug;
use crate::components::reauth::ReauthPrompt;
use crate::components::table::{Columns, ScrollTable};
use crate::components::url::urlencode;
use crate::model::webhooks::{
    CreatedWebhook, DeliveryView, WebhookView, WebhooksPage as WebhooksData,
};
use crate::time_fmt::format_utc;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let page = Resource::new(move || ws.get(), list_webhooks);
    view! {
        <Title text="Webhooks · Secrets Vault"/>
        <section class="page">
            <header class="page-head">
                <h1>"Webhooks"</h1>
                <p class="lede">
                    "Each change to this workspace's secrets, grants, tokens and feature flag is sent to the URLs below as a signed JSON POST. Values are never sent."
                </p>
            </header>
            <Loaded data=page loading="Loading webhooks…" let:page>
                <WebhooksBody ws=ws.get_untracked() page/>
            </Loaded>
        </section>
    }
}

/// The form and the tables. The page does not reload after a change, so that a new
/// webhook's signing secret, shown once, stays on screen: the tables are fetched again.
#[island]
fn WebhooksBody(ws: String, page: WebhooksData) -> impl IntoView {
    let create = Call::new(CreateWebhook::PATH);
    let delete = Call::new(DeleteWebhook::PATH);
    let events = page.events.clone();
    let current = refetched(
        ListWebhooks::PATH,
        format!("ws={}", urlencode(&ws)),
        page,
        &[create, delete],
    );
    view! {
        <CreateWebhookForm ws=ws.clone() events action=create/>
        <FormError error=delete.error() fields=&[]/>
        {move || {
            let p = current();
            view! {
                <WebhookTable webhooks=p.webhooks.clone() ws=ws.clone() delete/>
                <h2>"Recent deliveries"</h2>
                <DeliveryTable deliveries=p.deliveries webhooks=p.webhooks/>
            }
        }}
    }
}

#[component]
fn CreateWebhookForm(ws: String, events: Vec<String>, action: Call) -> impl IntoView {
    let error = action.error();
    let pending = action.pending();
    let created = move || action.output::<CreatedWebhook>();
    view! {
        <div class="card form-card">
            <h2>"Add a webhook"</h2>
            <CallForm call=action>
                <input type="hidden" name="ws" value=ws/>
                <div class="field">
                    <label for="webhook-url">"URL"</label>
                    <input id="webhook-url" name="url" type="url" required maxlength="2000"
                        placeholder="https://hooks.example.com/vault" aria-describedby="webhook-url-error"/>
                    <FieldError error field="url" id="webhook-url-error"/>
                </div>
                <fieldset class="field">
                    <legend>"Events"</legend>
                    <div class="checks">
                        {events
                            .into_iter()
                            .enumerate()
                            .map(|(i, e)| view! {
                                <label class="check">
                                    <input type="checkbox" name=format!("events[{i}]") value=e.clone() checked=true/>
                                    <span class="mono">{e}</span>
                                </label>
                            })
                            .collect_view()}
                    </div>
                    <FieldError error field="events" id="webhook-events-error"/>
                </fieldset>
                <FormError error fields=&["url", "events"]/>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add webhook" }}
                </button>
            </CallForm>
            <ReauthPrompt call=action/>
            {move || created().map(|c| view! {
                <div class="token-once" role="status">
                    <p>"Webhook to " <span class="mono">{c.webhook.url.clone()}</span> " added."</p>
                    <p><strong>"Copy its signing secret now: it is not shown again."</strong></p>
                    <label for="webhook-secret" class="sr-only">"Signing secret"</label>
                    <input id="webhook-secret" readonly class="mono" value=c.secret.clone() data-testid="webhook-secret"/>
                </div>
            })}
        </div>
    }
}

fn describe(d: &DeliveryView) -> String {
    let mut text = d.state.clone();
    if let Some(status) = d.last_status {
        text.push_str(&format!(" (HTTP {status})"));
    } else if !d.last_error.is_empty() {
        text.push_str(&format!(" ({})", d.last_error));
    }
    text
}

#[component]
fn WebhookTable(webhooks: Vec<WebhookView>, ws: String, delete: Call) -> impl IntoView {
    if webhooks.is_empty() {
        return view! { <p class="empty">"No webhooks yet."</p> }.into_any();
    }
    view! {
        <ScrollTable label="Webhooks">
            <Columns names=&["URL", "Events", "Last delivery", "Added"] actions=true/>
            <tbody>
                {webhooks
                    .into_iter()
                    .map(|w| {
                        let ws = ws.clone();
                        view! {
                            <tr>
                                <td class="mono">{w.url.clone()}</td>
                                <td>{w.events.join(", ")}</td>
                                <td>{w.last.as_ref().map_or_else(|| "none yet".to_string(), describe)}</td>
                                <td>{format_utc(w.created_at)} " by " {w.created_by.clone()}</td>
                                <td>
                                    <CallForm call=delete>
                                        <input type="hidden" name="ws" value=ws/>
                                        <input type="hidden" name="id" value=w.id.to_string()/>
                                        <button type="submit" class="btn btn-danger" aria-label=format!("Delete the webhook to {}", w.url)>"Delete"</button>
                                    </CallForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </ScrollTable>
    }
    .into_any()
}

#[component]
fn DeliveryTable(deliveries: Vec<DeliveryView>, webhooks: Vec<WebhookView>) -> impl IntoView {
    if deliveries.is_empty() {
        return view! { <p class="empty">"No deliveries yet."</p> }.into_any();
    }
    view! {
        <ScrollTable label="Recent deliveries">
            <Columns names=&["When", "Event", "To", "Status", "Attempts"]/>
            <tbody>
                {deliveries
                    .into_iter()
                    .map(|d| {
                        let to = webhooks
                            .iter()
                            .find(|w| w.id == d.webhook_id)
                            .map(|w| w.url.clone())
                            .unwrap_or_default();
                        view! {
                            <tr>
                                <td>{format_utc(d.created_at)}</td>
                                <td class="mono">{d.event.clone()}</td>
                                <td class="mono">{to}</td>
                                <td>{describe(&d)}</td>
                                <td>{d.attempts}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </ScrollTable>
    }
    .into_any()
}
