//! The password prompt of dangerous actions. When an action answers `ReauthRequired`, the
//! prompt appears next to it; once the password is confirmed the action is sent again
//! with the same input, so the person does not have to start over.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::account::Reauthenticate;
use crate::components::field::{last_error, FormError, PasswordField};
use crate::error::AppError;

/// A callback that sends `action` again with the input it was last dispatched with.
pub fn retry_last<S>(action: ServerAction<S>) -> Callback<()>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let last = StoredValue::new(None::<S>);
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            last.set_value(Some(input));
        }
    });
    Callback::new(move |_| {
        if let Some(input) = last.get_value() {
            action.dispatch(input);
        }
    })
}

/// Shown while `error` is `ReauthRequired`: asks for the password, then runs `retry`.
#[component]
pub fn ReauthPrompt(error: Signal<Option<AppError>>, retry: Callback<()>) -> impl IntoView {
    let reauth = ServerAction::<Reauthenticate>::new();
    let reauth_error = last_error(reauth.value());
    Effect::new(move |seen: Option<usize>| {
        let version = reauth.version().get();
        let succeeded = matches!(reauth.value().get_untracked(), Some(Ok(())));
        if seen.is_some_and(|seen| seen != version) && succeeded {
            retry.run(());
        }
        version
    });
    let needed = move || matches!(error.get(), Some(AppError::ReauthRequired));
    view! {
        <Show when=needed>
            <div class="card reauth" role="dialog" aria-labelledby="reauth-title">
                <p id="reauth-title"><strong>"Confirm your password"</strong></p>
                <p class="hint">"This action is sensitive and your sign-in is not recent."</p>
                <ActionForm action=reauth>
                    <PasswordField id="reauth-password" name="password" label="Password"
                        autocomplete="current-password" error=reauth_error autofocus=true/>
                    <FormError error=reauth_error fields=&["password"]/>
                    <button type="submit" class="btn btn-primary">"Confirm and continue"</button>
                </ActionForm>
            </div>
        </Show>
    }
}
