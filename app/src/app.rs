//! The HTML shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::pages::secrets::{
    audit::AuditPageView, detail::SecretDetailPage, import::ImportPage, list::SecretsListPage,
    matrix::GrantMatrixPage, new::NewSecretPage, trash::TrashPage,
};
use crate::pages::{
    account::AccountPage, agent::AgentPage, agents::AgentsPage, home::HomePage, invite::InvitePage,
    login::LoginPage, not_found::NotFoundPage, operator::OperatorPage, reauth::ReauthPage,
    second_step::SecondStepPage, users::UsersPage, webhooks::WebhooksPage,
    workspace::WorkspaceHome, workspace::WorkspaceLayout,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::csp::provide();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                {island_scripts(options.clone())}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The islands' loader (see `island_scripts`); only the server renders the shell.
fn island_scripts(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    return view! { <crate::island_scripts::IslandScripts options/> };
    #[cfg(not(feature = "ssr"))]
    let _ = options;
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title text="Secrets Vault"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/reauth") view=ReauthPage ssr=SsrMode::Async/>
                <Route path=path!("/login/code") view=SecondStepPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/operator") view=OperatorPage ssr=SsrMode::Async/>
                // Every page below renders `Async` too: a route takes the most restrictive mode on
                // its path, and this one is the most restrictive.
                <ParentRoute path=path!("/w/:ws") view=WorkspaceLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=WorkspaceHome/>
                    <Route path=path!("agents") view=AgentsPage/>
                    <Route path=path!("agents/:agent") view=AgentPage/>
                    <Route path=path!("users") view=UsersPage/>
                    <Route path=path!("webhooks") view=WebhooksPage/>
                    <Route path=path!("secrets") view=SecretsListPage/>
                    <Route path=path!("secrets/new") view=NewSecretPage/>
                    <Route path=path!("secrets/import") view=ImportPage/>
                    <Route path=path!("secrets/trash") view=TrashPage/>
                    <Route path=path!("secrets/access") view=GrantMatrixPage/>
                    <Route path=path!("secrets/audit") view=AuditPageView/>
                    <Route path=path!("secret/:name") view=SecretDetailPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
