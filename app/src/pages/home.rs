use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::auth::current_user;
use crate::components::error_panel::ErrorPanel;
use crate::pages::workspace::SignOutButton;

/// `/`: sends a signed-in user to their first workspace (an operator without one to the
/// Operator page), anyone else to sign-in.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => match me.workspaces.first() {
                        Some(first) => {
                            view! { <Redirect path=format!("/w/{}", first.slug)/> }.into_any()
                        }
                        None if me.operator => view! { <Redirect path="/operator"/> }.into_any(),
                        None => {
                            view! {
                                <main class="content narrow">
                                    <section class="panel">
                                        <h1>"No workspace yet"</h1>
                                        <p>
                                            "You are signed in as " {me.email}
                                            ", but you do not belong to any workspace. Ask an operator to add you."
                                        </p>
                                        <SignOutButton/>
                                    </section>
                                </main>
                            }
                                .into_any()
                        }
                    },
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
