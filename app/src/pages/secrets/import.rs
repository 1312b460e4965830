//! `/w/{ws}/secrets/import`: paste or upload a `.env` file or a JSON object, see what would
//! happen to each entry, then import it all at once.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::secrets::import::ImportSecrets;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::params::use_workspace_slug;
use crate::components::table::{Columns, ScrollTable};
use crate::model::import::{ImportPlan, ImportStatus};

#[component]
pub fn ImportPage() -> impl IntoView {
    let ws = use_workspace_slug().get_untracked();
    view! {
        <Title text="Import secrets · Secrets Vault"/>
        <ImportBody ws/>
    }
}

#[island]
fn ImportBody(ws: String) -> impl IntoView {
    let ws = Signal::stored(ws);
    let text = RwSignal::new(String::new());
    let replace = RwSignal::new(false);
    let accept = RwSignal::new(false);
    let preview = Call::new(ImportSecrets::PATH);
    let run = Call::new(ImportSecrets::PATH);
    let preview_error = preview.error();
    let run_error = run.error();
    // What the preview was made of: the import confirms exactly that.
    let previewed = RwSignal::new(None::<(String, bool, bool)>);
    Effect::new(move |_| {
        if preview.succeeded() {
            previewed.set(Some((
                text.get_untracked(),
                replace.get_untracked(),
                accept.get_untracked(),
            )));
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                leptos::task::spawn_local(async move {
                    if let Ok(read) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        text.set(read.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let flag = |on: bool| if on { "true" } else { "" };
    view! {
        <section class="page">
            <header class="page-head">
                <p class="crumbs"><a href=move || format!("/w/{}/secrets", ws.get())>"Secrets"</a> " / Import"</p>
                <h1>"Import secrets"</h1>
                <p class="lede">"A .env file (NAME=value lines) or a JSON object (string values; an object of strings is a key/value secret). Nothing is written until you confirm, and then all of it at once."</p>
            </header>
            <div class="card">
                <CallForm call=preview>
                    <input type="hidden" name="ws" value=move || ws.get()/>
                    <div class="field">
                        <label for="import-file">"Upload a file"</label>
                        <input id="import-file" type="file" accept=".env,.json,.txt,text/plain,application/json" on:change=on_file/>
                    </div>
                    <div class="field">
                        <label for="import-text">"Or paste it here"</label>
                        <textarea id="import-text" name="text" rows="10" class="mono" spellcheck="false"
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        <FieldError error=preview_error field="text" id="import-text-error"/>
                    </div>
                    <label class="check">
                        <input type="checkbox" name="replace" value="true" prop:checked=move || replace.get()
                            on:change=move |ev| replace.set(event_target_checked(&ev))/>
                        " Replace the value of secrets that already exist (as a new version)"
                    </label>
                    <label class="check">
                        <input type="checkbox" name="accept" value="true" prop:checked=move || accept.get()
                            on:change=move |ev| accept.set(event_target_checked(&ev))/>
                        " Use the suggested names for invalid ones (STRIPE-KEY becomes stripe_key)"
                    </label>
                    <FormError error=preview_error fields=&["text"]/>
                    <button type="submit" class="btn">"Preview"</button>
                </CallForm>
            </div>
            {move || preview.output::<ImportPlan>().map(|plan| {
                let ready = plan.invalid == 0 && plan.new + plan.replaced > 0;
                view! {
                    <PlanTable plan=plan.clone()/>
                    {ready.then(|| {
                        let (t, r, a) = previewed.get().unwrap_or_default();
                        view! {
                            <CallForm call=run>
                                <input type="hidden" name="ws" value=ws.get_untracked()/>
                                <input type="hidden" name="text" value=t/>
                                <input type="hidden" name="replace" value=flag(r)/>
                                <input type="hidden" name="accept" value=flag(a)/>
                                <input type="hidden" name="confirm" value="true"/>
                                <button type="submit" class="btn btn-primary">
                                    {format!("Import {} secret(s)", plan.new + plan.replaced)}
                                </button>
                            </CallForm>
                        }
                    })}
                }
            })}
            <FormError error=run_error fields=&[]/>
            {move || run.output::<ImportPlan>().map(|done| view! {
                <p class="success" role="status">
                    {format!("Imported: {} new, {} replaced, {} skipped.", done.new, done.replaced, done.skipped)} " "
                    <a href=format!("/w/{}/secrets", ws.get_untracked())>"Open the list"</a>
                </p>
            })}
        </section>
    }
}

#[component]
fn PlanTable(plan: ImportPlan) -> impl IntoView {
    view! {
        <p class="count" role="status" data-testid="import-summary">
            {format!("{} new, {} replaced, {} skipped, {} invalid", plan.new, plan.replaced, plan.skipped, plan.invalid)}
        </p>
        {(plan.invalid > 0).then(|| view! {
            <p class="form-error">"Nothing can be imported while an entry is invalid: fix the text or remove those lines, and preview again."</p>
        })}
        <ScrollTable label="Import preview">
            <Columns names=&["Entry", "Name", "Type", "Stored", "Status", "Reason"]/>
            <tbody>
                {plan.rows.into_iter().map(|row| {
                    let class = if row.status == ImportStatus::Invalid { "row-invalid" } else { "" };
                    view! {
                        <tr class=class data-name=row.name.clone()>
                            <td>{row.source}</td>
                            <td class="mono">{row.name.clone()}</td>
                            <td>{row.kind}</td>
                            <td>{row.stored}</td>
                            <td>{row.status.label()}</td>
                            <td>{row.reason.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </ScrollTable>
    }
}
