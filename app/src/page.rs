//! The app's pages and how they map to URL fragments.

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Edit and validate an ECS task definition.
    TaskDefinition,
    /// Edit and validate a GitHub Actions workflow; generate the deploy workflow.
    Workflow,
    /// Follow the deployments the worker runs.
    Deployments,
    /// Connect a repository and a service: IAM policy, webhook, configuration.
    Setup,
}

impl Page {
    /// Every page, in navigation order.
    pub const ALL: [Page; 4] = [
        Page::TaskDefinition,
        Page::Workflow,
        Page::Deployments,
        Page::Setup,
    ];

    /// The name shown in the navigation and as the page heading.
    pub fn title(self) -> &'static str {
        match self {
            Page::TaskDefinition => "Task definition",
            Page::Workflow => "Workflow",
            Page::Deployments => "Deployments",
            Page::Setup => "Set up",
        }
    }

    /// The fragment's path segment, e.g. `taskdef` for `#/taskdef`.
    pub fn slug(self) -> &'static str {
        match self {
            Page::TaskDefinition => "taskdef",
            Page::Workflow => "workflow",
            Page::Deployments => "deployments",
            Page::Setup => "setup",
        }
    }

    /// The link to this page, e.g. `#/taskdef`.
    pub fn href(self) -> String {
        format!("#/{}", self.slug())
    }

    /// The page a fragment names; the first page for an empty or unknown fragment.
    pub fn from_hash(hash: &str) -> Page {
        let slug = hash.trim_start_matches('#').trim_start_matches('/');
        let slug = slug.split(['/', '?']).next().unwrap_or_default();
        Page::ALL
            .into_iter()
            .find(|p| p.slug() == slug)
            .unwrap_or(Page::TaskDefinition)
    }

    /// The page the browser's current URL names.
    pub fn from_location() -> Page {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        Page::from_hash(&hash)
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn every_page_round_trips_through_its_fragment() {
        for page in Page::ALL {
            assert_eq!(Page::from_hash(&page.href()), page);
        }
    }

    #[test]
    fn empty_or_unknown_fragments_show_the_first_page() {
        assert_eq!(Page::from_hash(""), Page::TaskDefinition);
        assert_eq!(Page::from_hash("#/"), Page::TaskDefinition);
        assert_eq!(Page::from_hash("#/nope"), Page::TaskDefinition);
    }

    #[test]
    fn trailing_segments_and_queries_are_ignored() {
        assert_eq!(Page::from_hash("#/workflow/deploy.yml"), Page::Workflow);
        assert_eq!(Page::from_hash("#/setup?step=2"), Page::Setup);
    }
}
