//! Amazon ECR: finding the image a deploy ships (its digest) by tag.

use serde::{Deserialize, Serialize};

use super::client::{ECR, Operation};

const TARGET_PREFIX: &str = "AmazonEC2ContainerRegistry_V20150921";

fn ecr(name: &'static str, input: &impl Serialize) -> Operation {
    Operation::aws_json(ECR, TARGET_PREFIX, name, input)
}

/// An image by tag or by digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIdentifier {
    /// `sha256:...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_digest: Option<String>,
    /// A tag, e.g. the commit sha.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<String>,
}

impl ImageIdentifier {
    /// The image tagged `tag`.
    pub fn tag(tag: &str) -> Self {
        Self {
            image_digest: None,
            image_tag: Some(tag.to_owned()),
        }
    }
}

/// `DescribeImages` of `repository` for the given images.
pub fn describe_images(repository: &str, image_ids: &[ImageIdentifier]) -> Operation {
    ecr(
        "DescribeImages",
        &serde_json::json!({ "repositoryName": repository, "imageIds": image_ids }),
    )
}

/// `BatchGetImage`: the manifests of the given images.
pub fn batch_get_image(repository: &str, image_ids: &[ImageIdentifier]) -> Operation {
    ecr(
        "BatchGetImage",
        &serde_json::json!({ "repositoryName": repository, "imageIds": image_ids }),
    )
}

/// The answer of `DescribeImages`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeImagesOutput {
    /// The images found.
    #[serde(default)]
    pub image_details: Vec<ImageDetail>,
}

/// One image of a repository.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageDetail {
    /// The registry (account id).
    #[serde(default)]
    pub registry_id: String,
    /// The repository.
    #[serde(default)]
    pub repository_name: String,
    /// `sha256:...`.
    pub image_digest: String,
    /// Its tags.
    #[serde(default)]
    pub image_tags: Vec<String>,
    /// When it was pushed (seconds since the epoch).
    #[serde(default)]
    pub image_pushed_at: Option<f64>,
}

/// The answer of `BatchGetImage`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetImageOutput {
    /// The images found.
    #[serde(default)]
    pub images: Vec<Image>,
    /// The ones not found, and why.
    #[serde(default)]
    pub failures: Vec<ImageFailure>,
}

/// An image with its manifest.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// Which image.
    pub image_id: ImageIdentifier,
    /// The manifest, as JSON text.
    #[serde(default)]
    pub image_manifest: String,
}

/// An image `BatchGetImage` did not return.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageFailure {
    /// Which image.
    pub image_id: ImageIdentifier,
    /// `ImageNotFound`, `ImageTagDoesNotMatchDigest`, ...
    #[serde(default)]
    pub failure_code: String,
    /// Why.
    #[serde(default)]
    pub failure_reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_images_asks_by_tag_on_the_api_endpoint() {
        let op = describe_images("web", &[ImageIdentifier::tag("0123abc")]);
        assert_eq!(op.endpoint_prefix, "api.ecr");
        let body: serde_json::Value = serde_json::from_slice(&op.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"repositoryName": "web", "imageIds": [{"imageTag": "0123abc"}]})
        );
    }
}
