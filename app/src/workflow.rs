//! The "Workflow" page.

use leptos::prelude::*;

use crate::{Page, PageIntro};

/// Edit a GitHub Actions workflow and generate the deploy workflow.
#[component]
pub fn WorkflowPage() -> impl IntoView {
    view! {
        <section class="page" data-page="workflow">
            <PageIntro page=Page::Workflow>
                "Edit a GitHub Actions workflow with checks for expressions, deprecated commands, "
                "outdated actions and the inputs of the aws-actions ECS steps, or generate the "
                "workflow that builds your image and lets Hatoba deploy it, with OIDC instead of "
                "stored AWS keys."
            </PageIntro>
        </section>
    }
}
