//! The admin dashboard: loops by status, throughput over the last 24 hours as a server-drawn
//! SVG chart, backlog age, median time to complete, spend by flow and the busiest workers.
//! Once hydrated it re-reads the figures every few seconds, without reloading the page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::dashboard::{DashboardView, dashboard};

/// How often the hydrated page refreshes its figures.
const REFRESH_MS: u64 = 5_000;

#[component]
pub fn Dashboard() -> impl IntoView {
    let (tick, set_tick) = signal(0u64);
    let figures = Resource::new(move || tick.get(), |_| dashboard());
    // Effects run only in the browser: the server renders once, the page then keeps itself fresh.
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || set_tick.update(|t| *t += 1),
            std::time::Duration::from_millis(REFRESH_MS),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    });
    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                figures.await.map(|view| view! { <Figures view /> })
            })}
        </Transition>
    }
}

#[component]
fn Figures(view: DashboardView) -> impl IntoView {
    let DashboardView {
        by_status,
        total_loops,
        started,
        completed,
        hours,
        backlog_age,
        median_to_complete,
        spend_today,
        spend_today_total,
        spend_month,
        spend_month_total,
        busiest,
        as_of,
    } = view;
    let started_total: u32 = started.iter().sum();
    let completed_total: u32 = completed.iter().sum();
    view! {
        <p class="muted" data-testid="dashboard-as-of">{format!("As of {as_of} UTC; refreshes every {} s.", REFRESH_MS / 1000)}</p>
        <section class="cards" aria-label="Human loops by status">
            <div class="card-figure">
                <span class="figure" data-testid="loops-total">{total_loops}</span>
                <span class="label">"loops stored"</span>
            </div>
            {by_status.into_iter().map(|(status, count)| {
                let href = format!("/admin/loops?status={status}");
                let test_id = format!("status-{}", status.to_lowercase());
                view! {
                    <A href=href attr:class="card-figure">
                        <span class="figure" data-testid=test_id>{count}</span>
                        <span class="label">{status}</span>
                    </A>
                }
            }).collect_view()}
        </section>
        <section class="cards" aria-label="Waiting and speed">
            <div class="card-figure">
                <span class="figure" data-testid="backlog-age">{backlog_age.unwrap_or_else(|| "none".to_owned())}</span>
                <span class="label">"oldest open loop has waited"</span>
            </div>
            <div class="card-figure">
                <span class="figure" data-testid="median-complete">{median_to_complete.unwrap_or_else(|| "–".to_owned())}</span>
                <span class="label">"median time to complete (24 h)"</span>
            </div>
        </section>
        <section aria-labelledby="throughput">
            <h2 id="throughput">{format!("Last 24 hours: {started_total} started, {completed_total} completed")}</h2>
            <Chart started completed hours />
        </section>
        <div class="columns">
            <section aria-labelledby="spend">
                <h2 id="spend">"Spend (public crowd)"</h2>
                <SpendTable title="Today (UTC)" rows=spend_today total=spend_today_total test_id="spend-today" />
                <SpendTable title="This month" rows=spend_month total=spend_month_total test_id="spend-month" />
            </section>
            <section aria-labelledby="busiest">
                <h2 id="busiest">"Busiest workers (24 h)"</h2>
                {if busiest.is_empty() {
                    view! { <p class="empty">"No tasks submitted in the last 24 hours."</p> }.into_any()
                } else {
                    view! {
                        <table class="grid" data-testid="busiest-workers">
                            <thead><tr><th>"Worker"</th><th>"Tasks"</th></tr></thead>
                            <tbody>
                                {busiest.into_iter().map(|(worker, n)| view! { <tr><td>{worker}</td><td class="num">{n}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

#[component]
fn SpendTable(
    title: &'static str,
    rows: Vec<crate::api::dashboard::SpendRow>,
    total: String,
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <table class="grid spend" data-testid=test_id>
            <caption>{title}</caption>
            <thead><tr><th>"Flow"</th><th>"Spend"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! { <tr><td>{r.flow}</td><td class="num">{r.dollars}</td></tr> }).collect_view()}
                <tr class="total"><td>"Total"</td><td class="num">{total}</td></tr>
            </tbody>
        </table>
    }
}

/// Paired bars per hour, drawn as SVG on the server: no chart library, nothing from a CDN.
#[component]
fn Chart(started: Vec<u32>, completed: Vec<u32>, hours: Vec<String>) -> impl IntoView {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 160.0;
    const BOTTOM: f64 = 20.0;
    let slots = started.len().max(1) as f64;
    let slot = WIDTH / slots;
    let bar = (slot / 2.0 - 2.0).max(1.0);
    let top = started
        .iter()
        .chain(completed.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let scale = (HEIGHT - BOTTOM - 12.0) / top;
    let bars = started
        .iter()
        .zip(completed.iter())
        .zip(hours.iter())
        .enumerate()
        .map(|(i, ((s, c), hour))| {
            let x = i as f64 * slot + 2.0;
            let s_height = f64::from(*s) * scale;
            let c_height = f64::from(*c) * scale;
            let base = HEIGHT - BOTTOM;
            let label = i.is_multiple_of(6).then(|| {
                view! { <text x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - 5.0) class="axis">{hour.clone()}</text> }
            });
            view! {
                <g>
                    <rect class="bar-started" x=format!("{x:.1}") y=format!("{:.1}", base - s_height) width=format!("{bar:.1}") height=format!("{s_height:.1}")>
                        <title>{format!("{hour}: {s} started")}</title>
                    </rect>
                    <rect class="bar-completed" x=format!("{:.1}", x + bar + 1.0) y=format!("{:.1}", base - c_height) width=format!("{bar:.1}") height=format!("{c_height:.1}")>
                        <title>{format!("{hour}: {c} completed")}</title>
                    </rect>
                    {label}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label="Loops started and completed per hour over the last 24 hours"
                data-testid="throughput-chart"
            >
                <line x1="0" x2=format!("{WIDTH}") y1=format!("{}", HEIGHT - BOTTOM) y2=format!("{}", HEIGHT - BOTTOM) class="baseline" />
                <text x="2" y="10" class="axis">{format!("max {top:.0}/h")}</text>
                {bars}
            </svg>
            <figcaption>
                <span class="key key-started"></span>"started "
                <span class="key key-completed"></span>"completed, per hour (UTC)"
            </figcaption>
        </figure>
    }
}
