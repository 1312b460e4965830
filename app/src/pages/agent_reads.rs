//! What an agent can read, for an admin reviewing least privilege: each secret granted to it
//! (description, this agent's last read, rotation status, the line that reads it), where to
//! change its access, and the snippet its functions use.

use leptos::prelude::*;

use crate::components::table::ScrollTable;
use crate::components::url::urlencode;
use crate::model::secrets::read_snippet;
use crate::model::AgentRead;
use crate::pages::secrets::detail::SnippetCard;
use crate::time_fmt::format_utc;

#[component]
pub fn AgentReads(ws: String, agent: String, reads: Vec<AgentRead>) -> impl IntoView {
    let matrix = format!("/w/{ws}/secrets/access?aq={}", urlencode(&agent));
    if reads.is_empty() {
        return view! {
            <section class="card" aria-labelledby="reads-title">
                <h2 id="reads-title">"Secrets it can read"</h2>
                <p class="help" data-testid="agent-reads-none">"No secret is granted to this agent. "
                    <a href=matrix>"Grant access in the grant matrix"</a>"."</p>
            </section>
        }
        .into_any();
    }
    let snippet = read_snippet(&reads[0].secret);
    let rows = reads
        .into_iter()
        .map(|r| {
            let href = format!("/w/{ws}/secret/{}", r.secret);
            let last = r
                .last_read_at
                .map(format_utc)
                .unwrap_or_else(|| "never".to_string());
            let call = format!("get_secret(\"{}\")", r.secret);
            view! {
                <tr data-secret=r.secret.clone()>
                    <td class="mono"><a href=href.clone()>{r.secret.clone()}</a></td>
                    <td class="desc">{r.description}</td>
                    <td>
                        {last}
                        {r.unused.then(|| view! { " " <span class="badge badge-due">"unused for 30 days"</span> })}
                    </td>
                    <td><span class=format!("badge badge-{}", r.status.as_str())>{r.status.label()}</span></td>
                    <td><code>{call}</code></td>
                    <td><a href=format!("{href}#access-title")>"Change access"</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="reads-title">
            <h2 id="reads-title">"Secrets it can read"</h2>
            <p class="help">"Every secret granted to this agent, and when this agent last read it. "
                <a href=matrix>"Change its access in the grant matrix"</a>"."</p>
            <ScrollTable label="Secrets it can read" testid="agent-reads">
                <crate::components::table::Columns
                    names=&["Secret", "Description", "Last read by this agent", "Rotation", "Read it with"]
                    actions=true/>
                <tbody>{rows}</tbody>
            </ScrollTable>
        </section>
        <SnippetCard
            id="agent-snippet"
            title="Read them from a function"
            help="With this agent's token in VAULT_AGENT_TOKEN and the vault's address in VAULT_URL:"
            label="Code snippet"
            text=snippet
        />
    }
    .into_any()
}
