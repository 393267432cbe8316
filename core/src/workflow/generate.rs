//! Generates the two workflows a team needs: `deploy` (build, push and deploy from Actions with
//! OIDC, the modern form of the classic ECS deploy workflow) and `build` (build and push the
//! image tagged with the commit sha; Hatoba's worker deploys it on `workflow_run`).

use std::fmt::Write as _;

/// What the workflows are generated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTarget {
    /// The ECR repository name (`web`).
    pub ecr_repository: String,
    /// The AWS region.
    pub region: String,
    /// The ECS cluster.
    pub cluster: String,
    /// The ECS service.
    pub service: String,
    /// The container whose image is replaced.
    pub container: String,
    /// The task definition file in the repository.
    pub task_definition: String,
    /// The branch that deploys.
    pub branch: String,
    /// The IAM role GitHub's OIDC token assumes.
    pub role_arn: String,
    /// The GitHub environment (and concurrency group).
    pub environment: String,
    /// The environment the build workflow's job runs in, if any (its OIDC role then trusts the
    /// environment rather than the branch).
    pub build_environment: Option<String>,
}

impl Default for DeployTarget {
    fn default() -> Self {
        Self {
            ecr_repository: "web".into(),
            region: "us-east-1".into(),
            cluster: "default".into(),
            service: "web".into(),
            container: "web".into(),
            task_definition: ".aws/task-definition.json".into(),
            branch: "main".into(),
            role_arn: "arn:aws:iam::123456789012:role/github-deploy".into(),
            environment: "production".into(),
            build_environment: None,
        }
    }
}

/// Which workflow to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Build, push and deploy from GitHub Actions.
    Deploy,
    /// Build and push only; Hatoba deploys.
    Build,
}

/// `text` as a YAML scalar: plain when that reads back as the same string, else double-quoted.
fn scalar(text: &str) -> String {
    // ':' is plain-safe unless followed by a space or at the end (then it starts a mapping).
    let plain_safe = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./@:".contains(&b))
        && !text.ends_with(':')
        && !text.starts_with(['-', '.', '@', ':'])
        && !matches!(
            text,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain_safe {
        return text.to_owned();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The workflow's YAML.
pub fn generate(kind: Kind, t: &DeployTarget) -> String {
    let s = |v: &str| scalar(v);
    let common = "permissions:
  id-token: write   # OIDC: short-lived AWS credentials, no keys stored in GitHub
  contents: read
";
    let build_steps = format!(
        r#"      - uses: actions/checkout@v5
      - uses: aws-actions/configure-aws-credentials@v5
        with:
          role-to-assume: {role}
          aws-region: {region}
      - id: login
        uses: aws-actions/amazon-ecr-login@v2
      - id: build
        env:
          IMAGE: ${{{{ steps.login.outputs.registry }}}}/{repo}:${{{{ github.sha }}}}
        run: |
          docker build --tag "$IMAGE" .
          docker push "$IMAGE"
          echo "image=$IMAGE" >> "$GITHUB_OUTPUT"
"#,
        role = s(&t.role_arn),
        region = s(&t.region),
        repo = t.ecr_repository,
    );
    match kind {
        Kind::Deploy => format!(
            r#"# Builds the image, pushes it to ECR and deploys it to ECS, authenticated by OIDC.
name: Deploy
on:
  push:
    branches: [{branch}]
  workflow_dispatch:
{common}concurrency:
  group: deploy-{environment_group}
  cancel-in-progress: false
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: {environment}
    timeout-minutes: 30
    steps:
{build_steps}      - id: render
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: {task_definition}
          container-name: {container}
          image: ${{{{ steps.build.outputs.image }}}}
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{{{ steps.render.outputs.task-definition }}}}
          cluster: {cluster}
          service: {service}
          wait-for-service-stability: true
"#,
            branch = s(&t.branch),
            environment = s(&t.environment),
            environment_group = t
                .environment
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-"),
            task_definition = s(&t.task_definition),
            container = s(&t.container),
            cluster = s(&t.cluster),
            service = s(&t.service),
        ),
        Kind::Build => format!(
            r#"# Builds the image and pushes it to ECR tagged with the commit sha. Hatoba deploys it when
# this workflow completes (its worker listens for workflow_run).
name: Build
on:
  push:
    branches: [{branch}]
{common}concurrency:
  group: build-${{{{ github.ref }}}}
  cancel-in-progress: true
jobs:
  build:
    runs-on: ubuntu-latest
{environment}    timeout-minutes: 30
    steps:
{build_steps}"#,
            branch = s(&t.branch),
            environment = t
                .build_environment
                .as_deref()
                .map(|e| format!("    environment: {}\n", s(e)))
                .unwrap_or_default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_workflows_pass_hatobas_own_rules() {
        for kind in [Kind::Deploy, Kind::Build] {
            let yaml = generate(kind, &DeployTarget::default());
            assert_eq!(crate::workflow::check(&yaml), [], "{kind:?}:\n{yaml}");
        }
    }

    #[test]
    fn values_are_quoted_when_yaml_would_misread_them() {
        assert_eq!(scalar("main"), "main");
        assert_eq!(scalar("release/1.x"), "release/1.x");
        assert_eq!(
            scalar("arn:aws:iam::123456789012:role/deploy"),
            "arn:aws:iam::123456789012:role/deploy"
        );
        assert_eq!(scalar("key:"), "\"key:\"");
        assert_eq!(scalar("on"), "\"on\"");
        assert_eq!(scalar("1.0"), "\"1.0\"");
        assert_eq!(scalar("a b: c"), "\"a b: c\"");
        let t = DeployTarget {
            branch: "feature: \"x\"".into(),
            environment: "prod eu".into(),
            ..Default::default()
        };
        let yaml = generate(Kind::Deploy, &t);
        let doc = crate::source::parse_yaml(&yaml).unwrap().to_json();
        assert_eq!(doc["on"]["push"]["branches"][0], "feature: \"x\"");
        assert_eq!(doc["jobs"]["deploy"]["environment"], "prod eu");
        assert_eq!(doc["concurrency"]["group"], "deploy-prod-eu");
        assert_eq!(crate::workflow::check(&yaml), []);
    }
}
