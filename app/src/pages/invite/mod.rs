//! `/invite/{token}`: an invitation's link. Shows the workspace, the role and the invited
//! email, or why the link no longer works (naming no workspace), and the way in for whoever
//! opens it: Join (signed in as the invited email), sign out (signed in as someone else),
//! sign in first (the email has an account) or create the account (`join`), with a password
//! or by continuing with a single sign-on provider (whose verified email must be the invited
//! one; the flow comes back here and joins).

mod join;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use self::join::{JoinButton, NewAccountForm, SignedInElsewhere};
use crate::api::auth::Logout;
use crate::api::invitations::load_invitation;
use crate::api::sso::sso_providers;
use crate::components::loaded::Loaded;
use crate::components::url::urlencode;
use crate::model::invitations::{InvitationDetails, InvitationPage, InvitationProblem, Visitor};
use crate::model::Role;
use crate::time_fmt::format_utc;

#[component]
pub fn InvitePage() -> impl IntoView {
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let source = token.clone();
    let page = Resource::new(move || source.clone(), load_invitation);
    view! {
        <Title text="Invitation · Secrets Vault"/>
        <main class="auth">
            <div class="card auth-card invite-card">
                <p class="brand brand-large">"Secrets Vault"</p>
                <Loaded data=page loading="Loading the invitation…" let:page>
                    {match page {
                        InvitationPage::Pending(details) => {
                            view! { <Pending details token=token.clone()/> }.into_any()
                        }
                        InvitationPage::Unusable(problem) => view! { <Unusable problem/> }.into_any(),
                    }}
                </Loaded>
            </div>
        </main>
    }
}

#[component]
fn Unusable(problem: InvitationProblem) -> impl IntoView {
    view! {
        <h1>"This invitation cannot be used"</h1>
        <p class="form-error" role="alert">{problem.message()}</p>
        <p class="hint">"Ask an admin of the workspace to invite you again."</p>
        <a class="btn btn-block" href="/" rel="external">"Go to Secrets Vault"</a>
    }
}

#[component]
fn Pending(details: InvitationDetails, token: String) -> impl IntoView {
    let InvitationDetails {
        workspace,
        email,
        role,
        expires_at,
        visitor,
    } = details;
    let as_role = match role {
        Role::Admin => "an admin",
        Role::Member => "a member",
    };
    let here = format!("/invite/{token}");
    let way_in = match visitor {
        Visitor::Invitee => view! { <JoinButton token workspace=workspace.clone()/> }.into_any(),
        Visitor::OtherAccount(other) => view! {
            <p class="note">
                "You are signed in as " <strong>{other}</strong> ", but this invitation is for "
                <strong>{email.clone()}</strong> ". Sign out, then open the link again."
            </p>
            <form method="post" action=Logout::PATH>
                <input type="hidden" name="next" value=here/>
                <button type="submit" class="btn btn-primary btn-block">"Sign out"</button>
            </form>
        }
        .into_any(),
        Visitor::HasAccount => view! {
            <SignedInElsewhere/>
            <p class="hint">"An account with this email exists: sign in with it to accept."</p>
            <a class="btn btn-primary btn-block" rel="external"
                href=format!("/login?next={}", urlencode(&here))>"Sign in to accept"</a>
        }
        .into_any(),
        Visitor::NewAccount => view! {
            <SignedInElsewhere/>
            <SsoContinue here=here.clone()/>
            <NewAccountForm token email=email.clone()/>
        }
        .into_any(),
    };
    view! {
        <h1>{format!("Join {workspace}")}</h1>
        <p class="lede">
            "You are invited to join " <strong>{workspace.clone()}</strong> " as " {as_role} "."
        </p>
        <dl class="facts">
            <dt>"Invited email"</dt>
            <dd data-testid="invited-email">{email.clone()}</dd>
            <dt>"Role"</dt>
            <dd>{role.label()}</dd>
            <dt>"Link valid until"</dt>
            <dd>{format_utc(expires_at)}</dd>
        </dl>
        {way_in}
    }
}

/// "Continue with {provider}": single sign-on creates the account of the invited email
/// (which the provider must have verified) and joins through this invitation.
#[component]
fn SsoContinue(here: String) -> impl IntoView {
    let providers = Resource::new(|| (), |_| sso_providers());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let next = urlencode(&here);
                Suspend::new(async move {
                    let list = providers.await.unwrap_or_default();
                    let any = !list.is_empty();
                    let links = list
                        .into_iter()
                        .map(|p| {
                            let href = format!("/auth/oidc/{}/start?next={next}", p.id);
                            view! {
                                <a class="btn btn-block btn-sso" href=href>"Continue with " {p.name}</a>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="sso-buttons">{links}</div>
                        {any.then(|| view! { <p class="divider"><span>"or choose a password"</span></p> })}
                    }
                })
            }}
        </Suspense>
    }
}
