//! The "Deployments" page.

use leptos::prelude::*;

use crate::{Page, PageIntro};

/// Follow the deployments the worker runs.
#[component]
pub fn DeploymentsPage() -> impl IntoView {
    view! {
        <section class="page" data-page="deployments">
            <PageIntro page=Page::Deployments>
                "Every deploy the worker runs, per target: the commit, each step from the image "
                "lookup to the finished rollout, and the status reported to GitHub. Start a "
                "deploy or roll back to an earlier revision from here."
            </PageIntro>
        </section>
    }
}
