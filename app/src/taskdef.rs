//! The "Task definition" page.

use leptos::prelude::*;

use crate::{Page, PageIntro};

/// Edit an ECS task definition, validated as you type.
#[component]
pub fn TaskDefinitionPage() -> impl IntoView {
    view! {
        <section class="page" data-page="taskdef">
            <PageIntro page=Page::TaskDefinition>
                "Paste or open a task definition (JSON or YAML, or the output of "
                <code>"aws ecs describe-task-definition"</code>
                ") and Hatoba checks it as you type: read-only fields, Fargate cpu/memory pairs, "
                "port mappings, secrets and roles, with each finding marked at its line. "
                "Render a new image into it, diff it against the original, and download it or its "
                <code>"imagedefinitions.json"</code>"."
            </PageIntro>
        </section>
    }
}
