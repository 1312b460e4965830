use leptos::prelude::*;

use crate::error::AppError;

/// The error of an action's latest result, for [`FieldError`] and [`FormError`].
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The message for `field` from the latest result of a form's action, shown under the field.
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    field: &'static str,
    id: &'static str,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field_message(field));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" id=id role="alert">{message}</p>
        </Show>
    }
}

/// A form-level error: anything that is not tied to one of `fields`.
#[component]
pub fn FormError(
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    let message = move || {
        error.get().and_then(|e| {
            if fields.iter().any(|f| e.field_message(f).is_some()) {
                None
            } else {
                Some(e.to_string())
            }
        })
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="form-error" role="alert">{message}</p>
        </Show>
    }
}
