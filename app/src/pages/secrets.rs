use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::secrets::load_secrets_overview;
use crate::components::error_panel::ErrorPanel;
use crate::components::params::use_workspace_slug;

/// `/w/{ws}/secrets`: admins of workspaces with the secrets flag on. The server function
/// decides; this page only shows its answer.
#[component]
pub fn SecretsPage() -> impl IntoView {
    let ws = use_workspace_slug();
    let overview = Resource::new(move || ws.get(), load_secrets_overview);
    view! {
        <Title text="Secrets · Secrets Vault"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading secrets…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <section class="page">
                            <header class="page-head">
                                <h1>"Secrets"</h1>
                                <p class="lede">
                                    "API keys, tokens and credentials of " {o.workspace_name}
                                    ", encrypted at rest and read by agents at runtime."
                                </p>
                            </header>
                            <div class="card empty-state">
                                <h2>"No secrets yet"</h2>
                                <p>
                                    "A secret is a named value, such as " <code>"stripe_api_key"</code>
                                    ", that your agents fetch when they run, so that nothing secret sits in code, logs or version history. "
                                    "This workspace has " {o.agent_count} " agent(s) that could be granted access."
                                </p>
                            </div>
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
