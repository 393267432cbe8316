//! Amazon ECR: finding the image a deploy ships (its digest) by tag.

use serde::Serialize;
use serde_json::Value;

use crate::deserialize_with_read;
use crate::fields::{FieldError, Obj};

use super::client::{ECR, Operation};

const TARGET_PREFIX: &str = "AmazonEC2ContainerRegistry_V20150921";

fn ecr(name: &'static str, input: &impl Serialize) -> Operation {
    Operation::aws_json(ECR, TARGET_PREFIX, name, input)
}

/// An image by tag or by digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// The registry of account `registry_id` in `region`, as image names start:
/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com`.
pub fn registry_host(registry_id: &str, region: &str) -> String {
    format!(
        "{registry_id}.dkr.ecr.{region}.{}",
        super::dns_suffix(region)
    )
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
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeImagesOutput {
    /// The images found.
    pub image_details: Vec<ImageDetail>,
}

/// One image of a repository.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageDetail {
    /// The registry (account id).
    pub registry_id: String,
    /// The repository.
    pub repository_name: String,
    /// `sha256:...`.
    pub image_digest: String,
    /// Its tags.
    pub image_tags: Vec<String>,
    /// When it was pushed (seconds since the epoch).
    pub image_pushed_at: Option<f64>,
}

/// The answer of `BatchGetImage`.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchGetImageOutput {
    /// The images found.
    pub images: Vec<Image>,
    /// The ones not found, and why.
    pub failures: Vec<ImageFailure>,
}

/// An image with its manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Which image.
    pub image_id: ImageIdentifier,
    /// The manifest, as JSON text.
    pub image_manifest: String,
}

/// An image `BatchGetImage` did not return.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageFailure {
    /// Which image.
    pub image_id: ImageIdentifier,
    /// `ImageNotFound`, `ImageTagDoesNotMatchDigest`, ...
    pub failure_code: String,
    /// Why.
    pub failure_reason: String,
}

// Read by hand (`crate::fields`), as ECS's answers are.
deserialize_with_read!(DescribeImagesOutput, "DescribeImages' answer");
deserialize_with_read!(BatchGetImageOutput, "BatchGetImage's answer");
deserialize_with_read!(ImageIdentifier, "an image id");

impl ImageIdentifier {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            image_digest: o.opt_string("imageDigest")?,
            image_tag: o.opt_string("imageTag")?,
        })
    }
}

impl DescribeImagesOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            image_details: o.list("imageDetails", |d| {
                Ok(ImageDetail {
                    registry_id: d.text("registryId")?,
                    repository_name: d.text("repositoryName")?,
                    image_digest: d.string("imageDigest")?,
                    image_tags: d.strings("imageTags")?,
                    image_pushed_at: d.optional("imagePushedAt", "a number", Value::as_f64)?,
                })
            })?,
        })
    }
}

impl BatchGetImageOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            images: o.list("images", |i| {
                Ok(Image {
                    image_id: ImageIdentifier::read(&i.object("imageId")?)?,
                    image_manifest: i.text("imageManifest")?,
                })
            })?,
            failures: o.list("failures", |f| {
                Ok(ImageFailure {
                    image_id: ImageIdentifier::read(&f.object("imageId")?)?,
                    failure_code: f.text("failureCode")?,
                    failure_reason: f.text("failureReason")?,
                })
            })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_hosts_follow_the_regions_domain() {
        assert_eq!(
            registry_host("123456789012", "eu-west-1"),
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            registry_host("123456789012", "cn-north-1"),
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"
        );
    }

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
