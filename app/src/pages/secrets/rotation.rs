//! A secret's life on its page: the rotation status badge of the list, the form that sets
//! the interval and the expiry date, and who still reads it.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::detail_forms::SecretTarget;
use crate::api::secrets::policy::SetRotationPolicy;
use crate::components::call::{Call, CallForm};
use crate::components::field::{FieldError, FormError};
use crate::components::flash::reload_and_flash;
use crate::model::lifecycle::{Rotation, RotationStatus, INTERVALS};
use crate::model::secrets::AgentAccess;
use crate::time_fmt::{format_date, format_utc};

/// What the policy means now, in words: "Overdue since 2027-01-31".
pub fn rotation_text(r: &Rotation) -> String {
    let due = r.due_at.map(format_date);
    let expiry = r.expires_at.map(format_date);
    match (r.status, due, expiry) {
        (RotationStatus::Expired, _, Some(on)) => format!("Expired since {on}"),
        (RotationStatus::Overdue, Some(on), _) => format!("Overdue since {on}"),
        (RotationStatus::Due, Some(on), _) => format!("Due on {on}"),
        (_, Some(on), _) => format!("Next rotation {on}"),
        (_, None, Some(on)) => format!("Expires on {on}"),
        _ => "No policy".to_string(),
    }
}

#[component]
pub fn RotationBadge(rotation: Rotation) -> impl IntoView {
    let class = format!("badge badge-{}", rotation.status.as_str());
    let text = rotation_text(&rotation);
    view! {
        <span class=class data-status=rotation.status.as_str()>{rotation.status.label()}</span>
        " " <span class="by">{text}</span>
    }
}

#[island]
pub fn RotationForm(ws: String, name: String, rotation: Rotation) -> impl IntoView {
    let action = Call::new(SetRotationPolicy::PATH);
    let saved = reload_and_flash(action, "policy", |()| "Policy saved.".into());
    let error = action.error();
    let current = rotation.interval_days;
    // A custom interval set from elsewhere stays selectable.
    let mut choices: Vec<i64> = INTERVALS.to_vec();
    if let Some(days) = current.filter(|d| !INTERVALS.contains(d)) {
        choices.push(days);
    }
    let expires_on = rotation.expires_at.map(format_date).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="rotation-title">
            <h2 id="rotation-title">"Rotation"</h2>
            <p class="help" data-testid="rotation-status">{rotation_text(&rotation)}</p>
            <p class="help">"Every value change restarts the clock. An expired secret stays readable by agents, but each read is audited as expired and answered with a warning."</p>
            <CallForm call=action>
                <SecretTarget ws name/>
                <div class="field">
                    <label for="rotation-interval">"Rotate every"</label>
                    <select id="rotation-interval" name="interval">
                        <option value="none" selected=current.is_none()>"No rotation"</option>
                        {choices.into_iter().map(|days| view! {
                            <option value=days.to_string() selected=current == Some(days)>{format!("{days} days")}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error field="interval" id="rotation-interval-error"/>
                </div>
                <div class="field">
                    <label for="rotation-expires">"Expires on (optional)"</label>
                    <input id="rotation-expires" type="date" name="expires_on" value=expires_on/>
                    <FieldError error field="expires_on" id="rotation-expires-error"/>
                </div>
                <FormError error fields=&["interval", "expires_on"]/>
                <button type="submit" class="btn">"Save policy"</button>
                {move || saved.get().map(|text| view! { <span class="success-inline" role="status">{text}</span> })}
            </CallForm>
        </section>
    }
}

/// The agents with access and when each last read the secret at runtime.
#[component]
pub fn Readers(agents: Vec<AgentAccess>) -> impl IntoView {
    let granted: Vec<AgentAccess> = agents.into_iter().filter(|a| a.granted).collect();
    view! {
        <section class="card" aria-labelledby="readers-title">
            <h2 id="readers-title">"Who reads it"</h2>
            {if granted.is_empty() {
                view! { <p class="help">"No agent has access."</p> }.into_any()
            } else {
                view! {
                    <ul class="readers" data-testid="readers">
                        {granted.into_iter().map(|a| view! {
                            <li data-agent=a.name.clone() data-unused=a.unused.to_string()>
                                <span class="mono">{a.name.clone()}</span> ": "
                                {a.last_read_at.map(|at| format!("last read {}", format_utc(at))).unwrap_or_else(|| "never read".into())}
                                {a.unused.then(|| view! { " " <span class="badge badge-due">"unused for 30 days"</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(status: RotationStatus, due_at: Option<i64>, expires_at: Option<i64>) -> Rotation {
        Rotation {
            interval_days: due_at.map(|_| 90),
            expires_at,
            due_at,
            status,
        }
    }

    #[test]
    fn the_text_names_the_date_that_matters() {
        let day = 1_801_353_600;
        assert_eq!(
            rotation_text(&rotation(RotationStatus::Ok, None, None)),
            "No policy"
        );
        assert_eq!(
            rotation_text(&rotation(RotationStatus::Overdue, Some(day), None)),
            "Overdue since 2027-01-31"
        );
        assert_eq!(
            rotation_text(&rotation(
                RotationStatus::Expired,
                Some(day + 86_400),
                Some(day)
            )),
            "Expired since 2027-01-31"
        );
        assert_eq!(
            rotation_text(&rotation(RotationStatus::Ok, Some(day), None)),
            "Next rotation 2027-01-31"
        );
    }
}
