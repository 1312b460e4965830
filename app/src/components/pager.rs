//! A paged table's frame: "Showing 26–31 of 31" above it, previous and next links below.

use leptos::prelude::*;

use super::table::{Columns, ScrollTable};
use crate::model::secrets::SecretList;

/// A page of rows out of a longer list.
pub trait Paging {
    fn page(&self) -> i64;
    fn page_size(&self) -> i64;
    fn shown(&self) -> usize;
    fn total(&self) -> i64;
}

impl Paging for SecretList {
    fn page(&self) -> i64 {
        self.page
    }
    fn page_size(&self) -> i64 {
        self.page_size
    }
    fn shown(&self) -> usize {
        self.items.len()
    }
    fn total(&self) -> i64 {
        self.total
    }
}

/// Which rows of how many a page shows, and where its neighbours are.
pub struct PageSpan {
    pub first: i64,
    pub last: i64,
    pub total: i64,
    /// The previous page's link and its label ("Previous").
    pub prev: Option<(String, &'static str)>,
    /// The next page's link and its label ("Next").
    pub next: Option<(String, &'static str)>,
}

impl PageSpan {
    /// Where `p` stands in its list; `link(n)` is page n's URL, `labels` name the previous
    /// and the next page.
    pub fn of(
        p: &impl Paging,
        link: impl Fn(i64) -> String,
        labels: (&'static str, &'static str),
    ) -> Self {
        let page = p.page();
        let first = page * p.page_size() + 1;
        let last = first + p.shown() as i64 - 1;
        let total = p.total();
        Self {
            first,
            last,
            total,
            prev: (page > 0).then(|| (link(page - 1), labels.0)),
            next: (last < total).then(|| (link(page + 1), labels.1)),
        }
    }
}

#[component]
pub fn Paged(span: PageSpan, children: Children) -> impl IntoView {
    view! {
        <p class="count" role="status">"Showing " {span.first} "–" {span.last} " of " {span.total}</p>
        {children()}
        <nav class="pager" aria-label="Pages">
            {span.prev.map(|(href, label)| view! { <a class="btn" href=href rel="prev">{label}</a> })}
            {span.next.map(|(href, label)| view! { <a class="btn" href=href rel="next">{label}</a> })}
        </nav>
    }
}

/// A paged table: `label` names it for screen readers, `children` are its rows.
#[component]
pub fn PagedTable(
    span: PageSpan,
    label: &'static str,
    columns: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    view! {
        <Paged span>
            <ScrollTable label=label>
                <Columns names=columns/>
                <tbody>{children()}</tbody>
            </ScrollTable>
        </Paged>
    }
}
