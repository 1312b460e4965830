use leptos::prelude::*;

use crate::components::field::FieldError;
use crate::error::AppError;
use crate::model::secrets::AgentAccess;

/// The value part of a secret form: a single value or key/value rows. Which one is used
/// follows the radio buttons (pure CSS, so it works before the WebAssembly loads).
#[component]
pub fn ValueFields(
    error: Signal<Option<AppError>>,
    prefix: &'static str,
    legend: &'static str,
) -> impl IntoView {
    let next_id = StoredValue::new(1usize);
    let rows = RwSignal::new(vec![0usize]);
    let add_row = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        rows.update(|r| r.push(id));
    };
    view! {
        <fieldset class="value-fields">
            <legend>{legend}</legend>
            <div class="kind-choice">
                <label><input type="radio" name="kind" value="single" checked/> " Single value"</label>
                <label><input type="radio" name="kind" value="pairs"/> " Key/value pairs"</label>
            </div>
            <FieldError error field="kind" id=prefix/>
            <div class="single-value field">
                <label for=format!("{prefix}-value")>"Secret value"</label>
                <SecretInput id=format!("{prefix}-value") name="value".to_string() multiline=true/>
                <p class="help">"Write-only: after saving, the value is never shown again."</p>
                <FieldError error field="value" id="value-error"/>
            </div>
            <div class="pair-values field">
                <For each=move || rows.get() key=|id| *id let:id>
                    <div class="pair-row">
                        <label>
                            <span class="sr-only">"Key of row " {id + 1}</span>
                            <input name=format!("pairs[{id}][key]") placeholder="client_id" autocomplete="off" spellcheck="false"/>
                        </label>
                        <span>
                            <label class="sr-only" for=format!("{prefix}-pair-{id}")>"Value of row " {id + 1}</label>
                            <SecretInput id=format!("{prefix}-pair-{id}") name=format!("pairs[{id}][value]") multiline=false/>
                        </span>
                        <button type="button" class="btn btn-small btn-quiet" on:click=move |_| rows.update(|r| r.retain(|x| *x != id))>
                            "Remove"
                        </button>
                    </div>
                </For>
                <button type="button" class="btn btn-small" on:click=add_row>"Add row"</button>
                <FieldError error field="pairs" id="pairs-error"/>
            </div>
        </fieldset>
    }
}

/// A value as it is typed: masked (`-webkit-text-security`, which Chromium, WebKit and Gecko
/// since 114 all apply) and never offered to a password manager (not a password field, and
/// marked for the common extensions to ignore). Once the page is interactive it shows the
/// value while it has focus, or while its "Show" toggle is pressed, and masks it again when
/// focus leaves. Without the WebAssembly the value stays masked and the toggle is hidden.
#[component]
pub fn SecretInput(id: String, name: String, multiline: bool) -> impl IntoView {
    let focused = RwSignal::new(false);
    let shown = RwSignal::new(false);
    let revealed = move || (focused.get() || shown.get()).then_some("");
    let on_focus = move |_| focused.set(true);
    let on_blur = move |_| {
        focused.set(false);
        shown.set(false);
    };
    let field = if multiline {
        view! {
            <textarea id=id.clone() name=name rows="3" autocomplete="off" spellcheck="false"
                class="secret-input" data-revealed=revealed data-1p-ignore="" data-lpignore="true"
                data-bwignore="" data-form-type="other" on:focus=on_focus on:blur=on_blur></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name placeholder="value" autocomplete="off" spellcheck="false"
                class="secret-input" data-revealed=revealed data-1p-ignore="" data-lpignore="true"
                data-bwignore="" data-form-type="other" on:focus=on_focus on:blur=on_blur/>
        }
        .into_any()
    };
    view! {
        <span class="secret-field">
            {field}
            <button type="button" class="btn btn-small btn-quiet reveal" aria-controls=id
                aria-label="Show the value" aria-pressed=move || shown.get().to_string()
                on:mousedown=|e| e.prevent_default()
                on:click=move |_| shown.update(|s| *s = !*s)
                on:blur=move |_| shown.set(false)>
                "Show"
            </button>
        </span>
    }
}

/// Check boxes over the workspace's agents.
#[component]
pub fn AgentPicker(agents: Vec<AgentAccess>, legend: &'static str) -> impl IntoView {
    if agents.is_empty() {
        return view! { <p class="help">"This workspace has no agents yet: add one on the Agents tab."</p> }.into_any();
    }
    view! {
        <fieldset class="agent-picker">
            <legend>{legend}</legend>
            {agents
                .into_iter()
                .enumerate()
                .map(|(i, a)| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("agents[{i}]") value=a.id.to_string() checked=a.granted/>
                        " " <span class="mono">{a.name}</span>
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}
