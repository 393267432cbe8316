//! The frame around every page: the header with the navigation, the page shown, the footer,
//! and the heading each page opens with.

use leptos::prelude::*;

use crate::page::Page;
use crate::{deployments, setup, taskdef, workflow};

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
pub(crate) fn PageIntro(
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
