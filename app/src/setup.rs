//! The "Set up" page.

use leptos::prelude::*;

use crate::{Page, PageIntro};

/// Connect a repository to a service.
#[component]
pub fn SetupPage() -> impl IntoView {
    view! {
        <section class="page" data-page="setup">
            <PageIntro page=Page::Setup>
                "Describe a deploy target (region, cluster, service, container, ECR repository) "
                "and get the least-privilege IAM policy with its Terraform, the webhook to add on "
                "GitHub, and the worker configuration."
            </PageIntro>
        </section>
    }
}
