//! `image-reference`: a container image is `[registry/]repository[:tag][@digest]` as Docker
//! parses it: lowercase repository path, a tag of at most 128 characters, a sha256 digest of 64
//! hex digits.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "image-reference";

/// Why `image` is not a valid reference, if it is not.
pub(crate) fn problem(image: &str) -> Option<String> {
    if image.is_empty() {
        return Some("is empty".to_owned());
    }
    if image.chars().any(char::is_whitespace) {
        return Some("contains whitespace".to_owned());
    }
    let (name_tag, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    if let Some(d) = digest {
        let hex = d.strip_prefix("sha256:").unwrap_or("");
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Some(format!(
                "has digest \"{d}\": expected sha256: and 64 lowercase hex digits"
            ));
        }
    }
    // A ':' after the last '/' starts the tag; one before it is a registry port.
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_tag[last_slash..].find(':') {
        Some(i) => (
            &name_tag[..last_slash + i],
            Some(&name_tag[last_slash + i + 1..]),
        ),
        None => (name_tag, None),
    };
    if let Some(tag) = tag {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !valid {
            return Some(format!(
                "has tag \"{tag}\": expected up to 128 letters, digits, _ . - (not starting with . or -)"
            ));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    // The first component is a registry when it has a '.', a ':' or is localhost.
    if components.len() > 1 && (components[0].contains(['.', ':']) || components[0] == "localhost")
    {
        components.remove(0);
    }
    for component in components {
        let valid = !component.is_empty()
            && component
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && component
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && component
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if !valid {
            return Some(format!(
                "has repository path component \"{component}\": expected lowercase letters, digits and . _ - separators"
            ));
        }
    }
    None
}

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (path, container) in td.containers() {
        let Some(node) = container.get("image") else {
            continue;
        };
        let Some(image) = node.as_str() else { continue };
        if let Some(problem) = problem(image) {
            out.push(Finding::error(
                ID,
                path.key("image"),
                node.pos,
                format!("image \"{image}\" {problem}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn docker_references() {
        for ok in [
            "nginx",
            "nginx:1.27-alpine",
            "public.ecr.aws/docker/library/python:3.12-slim",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:5779607b49aab1200488439f02372c57b4f75444",
            "localhost:5000/team/app@sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
            "ghcr.io/octo-org/octo_repo:v1",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        assert!(problem("Nginx").unwrap().contains("component \"Nginx\""));
        assert!(problem("nginx:").unwrap().contains("has tag \"\""));
        assert!(problem("nginx:.bad").unwrap().contains("has tag"));
        assert!(
            problem("web@sha256:abc")
                .unwrap()
                .contains("64 lowercase hex digits")
        );
        assert!(problem("my image").unwrap().contains("whitespace"));
    }
}
