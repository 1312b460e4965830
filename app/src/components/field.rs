use leptos::prelude::*;

use crate::error::AppError;

/// The message for `field` from the latest result of a form's action, shown under the field.
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    field: &'static str,
    #[prop(into)] id: String,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field_message(field));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" id=id.clone() role="alert">{message}</p>
        </Show>
    }
}

/// A required password input with its label, an optional hint and its error message. The
/// input's `name` is also the field its error belongs to.
#[component]
pub fn PasswordField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type="password" autocomplete=autocomplete required
                autofocus=autofocus aria-describedby=described/>
            {hint.map(|text| view! { <p class="hint" id=hint_id>{text}</p> })}
            <FieldError error field=name id=error_id/>
        </div>
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
