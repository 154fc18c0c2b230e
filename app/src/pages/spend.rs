//! Spend: what the public crowd earned, by flow, worker and day, with totals and a CSV of every
//! paid task. The period is in the URL, so a view can be bookmarked or shared.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::spend::{SpendLine, spend_report};
use crate::pages::chrome::Loading;

fn table(
    caption: &'static str,
    first: &'static str,
    rows: Vec<SpendLine>,
    total: SpendLine,
    test_id: &'static str,
) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <table class="grid spend" data-testid=test_id>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{first}</th><th scope="col" class="num">"Tasks"</th><th scope="col" class="num">"USD"</th></tr></thead>
            <tbody>
                {empty.then(|| view! { <tr><td colspan="3" class="muted">"No paid or answered tasks in this period."</td></tr> })}
                {rows.into_iter().map(|r| view! {
                    <tr><td>{r.label}</td><td class="num">{r.tasks}</td><td class="num">{format!("${}", r.amount)}</td></tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr><th scope="row">"Total"</th><td class="num">{total.tasks}</td><td class="num">{format!("${}", total.amount)}</td></tr></tfoot>
        </table>
    }
}

#[component]
pub fn SpendPage() -> impl IntoView {
    let query = use_query_map();
    let report = Resource::new(
        move || {
            query.with(|q| {
                (
                    q.get("from").unwrap_or_default(),
                    q.get("to").unwrap_or_default(),
                )
            })
        },
        |(from, to)| spend_report(from, to),
    );
    view! {
        <Title text="Spend" />
        <h1>"Spend"</h1>
        <p class="lead">"What workers earned, per submitted task at the flow's "<code>"PublicWorkforceTaskPrice"</code>". Only the public crowd is paid through Loupe; private-team tasks count as work with no pay."</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                report.await.map(|spend| {
                    let csv = format!("/admin/spend.csv?from={}&to={}", spend.from, spend.to);
                    view! {
                        <form method="get" action="/admin/spend" class="inline-form" data-testid="spend-period">
                            <label for="spend-from">"From"</label>
                            <input id="spend-from" type="date" name="from" value=spend.from.clone() required />
                            <label for="spend-to">"To"</label>
                            <input id="spend-to" type="date" name="to" value=spend.to.clone() required />
                            <button type="submit" class="primary">"Show"</button>
                            <a class="button" href=csv download="" data-testid="spend-csv" rel="external">"Download CSV"</a>
                        </form>
                        {spend.error.clone().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                        <p class="spend-total" data-testid="spend-total">
                            <strong>{format!("${}", spend.total.amount)}</strong>
                            {format!(" for {} task{} from {} to {} (UTC)", spend.total.tasks, if spend.total.tasks == 1 { "" } else { "s" }, spend.from, spend.to)}
                        </p>
                        <div class="spend-tables">
                            {table("By flow definition", "Flow definition", spend.by_flow, spend.total.clone(), "spend-by-flow")}
                            {table("By worker", "Worker", spend.by_worker, spend.total.clone(), "spend-by-worker")}
                            {table("By day", "Day (UTC)", spend.by_day, spend.total.clone(), "spend-by-day")}
                        </div>
                    }
                })
            })}
        </Transition>
    }
}
