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

/// Benchmark hook for scripts/bench: checks `text` (`kind` "taskdef" or "workflow") `times`
/// times in this browser's wasm and returns the number of findings. The bench times calls from
/// JavaScript (`tests/bench/wasm_check.mjs`), so the app carries no timing code of its own; the
/// text crosses into wasm once per call, not once per check.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_check(kind: &str, text: &str, times: u32) -> usize {
    let check = match kind {
        "workflow" => hatoba_core::workflow::check,
        _ => hatoba_core::taskdef::check,
    };
    let mut found = 0;
    for _ in 0..times {
        found = std::hint::black_box(check(std::hint::black_box(text))).len();
    }
    found
}
