//! Hatoba's browser UI: a shell with one page per task, each page a module of its own.
//!
//! Navigation uses the URL fragment (`#/workflow`), so every page has a link that survives a
//! reload and the back button, and the worker never has to guess which paths belong to the UI.

use leptos::prelude::*;

mod deployments;
pub mod editor;
mod page;
mod setup;
mod taskdef;
mod workflow;

pub use page::Page;

/// The whole app: header with navigation, and the current page.
#[component]
pub fn App() -> impl IntoView {
    let (page, set_page) = signal(Page::from_location());
    // Follow the fragment when the user goes back/forward or edits the address bar.
    let on_hashchange = window_event_listener(leptos::ev::hashchange, move |_| {
        set_page.set(Page::from_location());
    });
    on_cleanup(move || on_hashchange.remove());

    view! {
        <header class="topbar">
            <a class="brand" href="#/">
                <img class="mark" src="favicon.svg" alt="" width="24" height="24" />
                {hatoba_core::PRODUCT}
            </a>
            <nav aria-label="Main">
                <ul>
                    {Page::ALL
                        .iter()
                        .map(|&p| view! { <NavEntry page=p current=page /> })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        <main id="page">
            {move || match page.get() {
                Page::TaskDefinition => taskdef::TaskDefinitionPage().into_any(),
                Page::Workflow => workflow::WorkflowPage().into_any(),
                Page::Deployments => deployments::DeploymentsPage().into_any(),
                Page::Setup => setup::SetupPage().into_any(),
            }}
        </main>
        <footer class="footer">"Hatoba "{hatoba_core::VERSION}</footer>
    }
}

/// One entry of the main navigation.
#[component]
fn NavEntry(
    /// The page this entry leads to.
    page: Page,
    /// The page shown now; its entry is marked `aria-current="page"`.
    current: ReadSignal<Page>,
) -> impl IntoView {
    view! {
        <li>
            <a
                href=page.href()
                aria-current=move || (current.get() == page).then_some("page")
            >
                {page.title()}
            </a>
        </li>
    }
}

/// A page's heading and the sentence that says what it is for.
#[component]
fn PageIntro(
    /// The page whose title heads it.
    page: Page,
    /// What the page does, in one or two sentences.
    children: Children,
) -> impl IntoView {
    view! {
        <h1>{page.title()}</h1>
        <p class="intro">{children()}</p>
    }
}

/// Benchmark hook for scripts/bench: checks `text` (`kind` "taskdef" or "workflow") `rounds`
/// times in this browser's wasm and returns `[median, fastest, cold]` time of one check, in
/// milliseconds, then the mean of the first 10 checks (cold, before the optimizing tier).
/// Browsers round `performance.now()` to 0.1 ms without cross-origin isolation,
/// so checks are timed in batches of 10 and the batch means are ranked. Before timing, it
/// checks for `warm_up_ms` untimed: the engine first runs wasm through its baseline compiler
/// and swaps in optimized code from background threads after a while (on a busy two-core
/// machine, a second or so), and an editor that checks on every keystroke runs the latter.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_check(kind: &str, text: &str, rounds: u32, warm_up_ms: f64) -> Vec<f64> {
    const BATCH: u32 = 10;
    let check = match kind {
        "workflow" => hatoba_core::workflow::check,
        _ => hatoba_core::taskdef::check,
    };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return vec![f64::NAN; 3];
    };
    let timed_batch = || {
        let start = performance.now();
        for _ in 0..BATCH {
            std::hint::black_box(check(std::hint::black_box(text)));
        }
        (performance.now() - start) / f64::from(BATCH)
    };
    let cold = timed_batch();
    let start = performance.now();
    while performance.now() - start < warm_up_ms {
        std::hint::black_box(check(std::hint::black_box(text)));
    }
    let mut samples: Vec<f64> = (0..(rounds / BATCH).max(1))
        .map(|_| timed_batch())
        .collect();
    samples.sort_unstable_by(f64::total_cmp);
    vec![samples[samples.len() / 2], samples[0], cold]
}
