//! A result message that survives one page reload. Pages are rendered on the server and only
//! their forms are islands, so after a change a form reloads the page (every part of it is
//! then fresh) and shows its result once the page is back.

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::components::call::{after_success, Call};

/// The `sessionStorage` key: one pending message for the whole tab.
#[cfg(feature = "hydrate")]
const KEY: &str = "vault-flash";

/// Reloads the page; once it has loaded again, [`use_flash`] with the same `id` shows
/// `message`.
fn reload_with(id: &str, message: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(Some(storage)) = window().session_storage() {
            let _ = storage.set_item(KEY, &format!("{id}\n{message}"));
        }
        let _ = window().location().reload();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, message);
}

/// Reloads the page once `call` has succeeded, leaving `message(output)` for the form `id`.
pub fn reload_on_success<T: DeserializeOwned + 'static>(
    call: Call,
    id: &'static str,
    message: impl Fn(T) -> String + 'static,
) {
    after_success(call, move || {
        let text = call.output::<T>().map(&message);
        reload_with(id, text.as_deref().unwrap_or("Saved."));
    });
}

/// The whole round of a form that reloads the page: reloads once `call` has succeeded (see
/// [`reload_on_success`]) and gives the message the reload before left for the same `id`
/// (see [`use_flash`]).
pub fn reload_and_flash<T: DeserializeOwned + 'static>(
    call: Call,
    id: &'static str,
    message: impl Fn(T) -> String + 'static,
) -> ReadSignal<Option<String>> {
    reload_on_success(call, id, message);
    use_flash(id.into())
}

/// The message the reload before left for `id`, taken once after hydration. The server
/// never has one, so the first render in the browser matches the server's.
pub fn use_flash(id: String) -> ReadSignal<Option<String>> {
    let (message, set_message) = signal(None);
    Effect::new(move |_| {
        if let Some(text) = take(&id) {
            set_message.set(Some(text));
        }
    });
    message
}

#[cfg(feature = "hydrate")]
fn take(id: &str) -> Option<String> {
    let storage = window().session_storage().ok()??;
    let stored = storage.get_item(KEY).ok()??;
    let text = message_for(&stored, id)?.to_string();
    let _ = storage.remove_item(KEY);
    Some(text)
}

/// The message in `stored` (`"{id}\n{message}"`) if it was left for `id`.
#[cfg(any(feature = "hydrate", test))]
fn message_for<'a>(stored: &'a str, id: &str) -> Option<&'a str> {
    let (for_id, message) = stored.split_once('\n')?;
    (for_id == id).then_some(message)
}

#[cfg(not(feature = "hydrate"))]
fn take(_id: &str) -> Option<String> {
    None
}

/// Where a result left for `id` shows, for forms that are replaced by the reload (a row's
/// button).
#[island]
pub fn FlashNote(id: String) -> impl IntoView {
    let message = use_flash(id);
    move || {
        message
            .get()
            .map(|text| view! { <p class="success" role="status">{text}</p> })
    }
}

#[cfg(test)]
mod tests {
    use super::message_for;

    #[test]
    fn a_message_is_shown_only_by_the_form_it_was_left_for() {
        assert_eq!(
            message_for("replace\nSaved as version 2.", "replace"),
            Some("Saved as version 2.")
        );
        assert_eq!(
            message_for("replace\nSaved as version 2.", "rollback"),
            None
        );
        // An id that is a prefix of another is not the same form.
        assert_eq!(message_for("access-list\nNo change.", "access"), None);
        assert_eq!(message_for("garbage", "access"), None);
    }
}
