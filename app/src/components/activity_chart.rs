//! Reads and denials per day as a bar chart drawn on the server (SVG, no script needed),
//! readable without colour: denials are hatched and the legend names both. The same numbers
//! are a table for screen readers and for anyone who would rather read them.

use leptos::prelude::*;

use crate::components::table::ScrollTable;
use crate::model::activity::DayActivity;
use crate::time_fmt::format_date;

const WIDTH: i64 = 600;
const PLOT: i64 = 100;
const TOP: i64 = 14;

/// The chart's SVG: numbers and dates this module formats, and `label` escaped.
fn svg(days: &[DayActivity], id: &str, label: &str) -> String {
    let peak = days
        .iter()
        .map(|d| d.reads.max(d.denials))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = WIDTH / days.len().max(1) as i64;
    let bar = ((slot - 4) / 2).max(1);
    let height = |v: i64| if v == 0 { 0 } else { (v * PLOT / peak).max(1) };
    let mut bars = String::new();
    for (i, d) in days.iter().enumerate() {
        let x = i as i64 * slot + 2;
        let (r, n) = (height(d.reads), height(d.denials));
        bars.push_str(&format!(
            "<rect class=\"reads\" x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{r}\"/>\
             <rect class=\"denials\" fill=\"url(#{id}-hatch)\" x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{n}\"/>",
            TOP + PLOT - r,
            x + bar,
            TOP + PLOT - n,
        ));
    }
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let (first, last) = (
        days.first().map(|d| format_date(d.day)).unwrap_or_default(),
        days.last().map(|d| format_date(d.day)).unwrap_or_default(),
    );
    let base = TOP + PLOT;
    format!(
        "<svg viewBox=\"0 0 {WIDTH} 150\" role=\"img\" aria-label=\"{label}\" focusable=\"false\">\
         <defs><pattern id=\"{id}-hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect class=\"hatch-bg\" width=\"4\" height=\"4\"/>\
         <line class=\"hatch-line\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\"/></pattern></defs>\
         <text x=\"0\" y=\"10\">{peak}</text>\
         <line class=\"axis\" x1=\"0\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\"/>{bars}\
         <text x=\"0\" y=\"{}\">{first}</text>\
         <text x=\"{WIDTH}\" y=\"{}\" text-anchor=\"end\">{last}</text>\
         <rect class=\"reads\" x=\"200\" y=\"{}\" width=\"10\" height=\"10\"/>\
         <text x=\"214\" y=\"{}\">Reads</text>\
         <rect class=\"denials\" fill=\"url(#{id}-hatch)\" x=\"280\" y=\"{}\" width=\"10\" height=\"10\"/>\
         <text x=\"294\" y=\"{}\">Denials (hatched)</text></svg>",
        base + 14,
        base + 14,
        base + 26,
        base + 35,
        base + 26,
        base + 35,
    )
}

/// `title` names what is counted ("Runtime reads of stripe_api_key"); `id` is unique on the
/// page.
#[component]
pub fn ActivityChart(days: Vec<DayActivity>, id: &'static str, title: String) -> impl IntoView {
    if days.is_empty() {
        return ().into_any();
    }
    let reads: i64 = days.iter().map(|d| d.reads).sum();
    let denials: i64 = days.iter().map(|d| d.denials).sum();
    let summary = format!(
        "{reads} read(s) and {denials} denial(s) in the last {} days",
        days.len()
    );
    let picture = svg(&days, id, &format!("{title}: {summary}, per day"));
    let rows = days
        .iter()
        .rev()
        .map(|d| {
            view! {
                <tr>
                    <td>{format_date(d.day)}</td>
                    <td>{d.reads}</td>
                    <td>{d.denials}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card chart" aria-labelledby=format!("{id}-title") data-testid=id>
            <h2 id=format!("{id}-title")>{title}</h2>
            <p class="help" data-testid=format!("{id}-summary")>{summary}</p>
            <div class="chart-svg" inner_html=picture></div>
            <details>
                <summary>"Show as a table"</summary>
                <ScrollTable label="Reads and denials per day">
                    <crate::components::table::Columns names=&["Day", "Reads", "Denials"]/>
                    <tbody>{rows}</tbody>
                </ScrollTable>
            </details>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_busiest_day_and_empty_days_draw_nothing() {
        let days: Vec<DayActivity> = (0..30)
            .map(|i| DayActivity {
                day: 1_765_152_000 + i * 86_400,
                reads: if i == 29 { 50 } else { i % 3 },
                denials: i64::from(i == 10),
            })
            .collect();
        let picture = svg(&days, "t", "Reads");
        assert!(
            picture.contains(&format!("height=\"{PLOT}\"")),
            "the peak fills the plot"
        );
        assert!(
            picture.contains("height=\"0\""),
            "a day without reads draws no bar"
        );
        assert!(picture.contains("url(#t-hatch)"));
        assert!(picture.contains(&format_date(days[0].day)));
        assert!(
            svg(&days, "t", "a \"quoted\" <name>").contains("a &quot;quoted&quot; &lt;name&gt;")
        );
        assert_eq!(
            picture.matches("class=\"reads\"").count(),
            31,
            "30 days and the legend"
        );
    }
}
