//! `container-limits`: what RegisterTaskDefinition refuses in a container beyond the shape of
//! the API model, each constraint from the ECS API reference ("ContainerDefinition",
//! "PortMapping", "Ulimit") or the task definition parameters page:
//!
//! - "Your task definition must contain at least one container definition" and a container
//!   needs `name` and `image` ("image: ... Required: Yes", "name: ... Required: Yes"), which the
//!   model leaves optional;
//! - ports: "containerPort ... valid port numbers ... 0 to 65535"; the same for `hostPort`;
//!   `containerPortRange` is "start-end" with "the starting port ... less than the ending port"
//!   and both in range;
//! - "ulimits ... softLimit ... must be less than or equal to hardLimit", both non-negative;
//! - "cpu: ... The maximum valid CPU share value that the Linux kernel allows is 262144";
//! - "memory: ... The Docker 20.10.0 or later daemon reserves a minimum of 6 MiB of memory for a
//!   container. So, don't specify less than 6 MiB of memory for your containers", the same for
//!   `memoryReservation`.

use crate::finding::Finding;
use crate::source::{Node, Path};
use crate::taskdef::TaskDefinition;
use crate::taskdef::units::Num;

pub(crate) const ID: &str = "container-limits";

fn range(
    out: &mut Vec<Finding>,
    node: Option<&Node<'_>>,
    path: Path,
    what: &str,
    min: f64,
    max: f64,
    why: &str,
) {
    if let Some(node) = node
        && let Some(v) = node.as_f64()
        && !(min..=max).contains(&v)
    {
        out.push(Finding::error(
            ID,
            path,
            node.pos,
            if max.is_infinite() {
                format!("{what} {} is below {}{why}", Num(v), Num(min))
            } else {
                format!(
                    "{what} {} is out of range: expected {} to {}{why}",
                    Num(v),
                    Num(min),
                    Num(max)
                )
            },
        ));
    }
}

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if let Some(list) = td.root.get("containerDefinitions")
        && list.items().is_some_and(<[Node<'_>]>::is_empty)
    {
        out.push(Finding::error(
            ID,
            Path::root().key("containerDefinitions"),
            list.pos,
            "a task definition needs at least one container definition",
        ));
    }
    for (path, c) in td.containers() {
        for field in ["name", "image"] {
            if c.get(field).is_none() {
                out.push(Finding::error(
                    ID,
                    path.key(field),
                    c.pos,
                    format!("a container needs `{field}`: ECS requires it though the API's shape leaves it optional"),
                ));
            }
        }
        range(
            out,
            c.get("cpu"),
            path.key("cpu"),
            "cpu",
            0.0,
            262_144.0,
            " (Linux CPU shares)",
        );
        for field in ["memory", "memoryReservation"] {
            range(
                out,
                c.get(field),
                path.key(field),
                field,
                6.0,
                f64::INFINITY,
                " MiB: Docker reserves at least 6 MiB for a container",
            );
        }
        for (i, pm) in c
            .get("portMappings")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let at = path.key("portMappings").index(i);
            for field in ["containerPort", "hostPort"] {
                range(out, pm.get(field), at.key(field), field, 0.0, 65_535.0, "");
            }
            if let Some(node) = pm.get("containerPortRange")
                && let Some(text) = node.as_str()
            {
                let ports: Option<(u32, u32)> = text
                    .split_once('-')
                    .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
                let ok = ports.is_some_and(|(a, b)| a < b && b <= 65_535);
                if !ok {
                    out.push(Finding::error(
                        ID,
                        at.key("containerPortRange"),
                        node.pos,
                        format!("containerPortRange \"{text}\" is not START-END with START below END, both from 1 to 65535"),
                    ));
                }
            }
        }
        for (i, u) in c
            .get("ulimits")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let at = path.key("ulimits").index(i);
            // -1 is Docker's "unlimited" (AWS's own examples set memlock to -1): it compares
            // as the largest limit.
            let limit = |v: f64| if v == -1.0 { f64::INFINITY } else { v };
            let soft = u.get("softLimit").and_then(Node::as_f64);
            let hard = u.get("hardLimit").and_then(Node::as_f64);
            for (field, v) in [("softLimit", soft), ("hardLimit", hard)] {
                if let (Some(v), Some(node)) = (v, u.get(field))
                    && v < 0.0
                    && v != -1.0
                {
                    out.push(Finding::error(
                        ID,
                        at.key(field),
                        node.pos,
                        format!(
                            "ulimit {field} {} is negative: expected a limit, or -1 for unlimited",
                            Num(v)
                        ),
                    ));
                }
            }
            if let (Some(s), Some(h), Some(node)) = (soft, hard, u.get("softLimit"))
                && limit(s) > limit(h)
            {
                out.push(Finding::error(
                    ID,
                    at.key("softLimit"),
                    node.pos,
                    format!("ulimit softLimit {} is above hardLimit {}: the soft limit must be at most the hard one", Num(s), Num(h)),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn no_container_is_refused() {
        assert_eq!(
            findings(
                super::check,
                r#"{"family": "x", "containerDefinitions": []}"#
            ),
            [
                "1:41 containerDefinitions: a task definition needs at least one container definition"
            ]
        );
    }

    #[test]
    fn numbers_and_members_aws_refuses() {
        let json = r#"{"containerDefinitions": [{"name": "a", "cpu": 300000, "memory": 4,
 "portMappings": [{"containerPort": 70000, "hostPort": -1}, {"containerPortRange": "9000-8000"}],
 "ulimits": [{"name": "nofile", "softLimit": 2048, "hardLimit": 1024}]}]}"#;
        let found = findings(super::check, json);
        let expected = [
            "containerDefinitions[0].image: a container needs `image`",
            "containerDefinitions[0].cpu: cpu 300000 is out of range: expected 0 to 262144",
            "containerDefinitions[0].memory: memory 4 is below 6 MiB",
            "containerDefinitions[0].portMappings[0].containerPort: containerPort 70000 is out of range: expected 0 to 65535",
            "containerDefinitions[0].portMappings[0].hostPort: hostPort -1 is out of range",
            "containerDefinitions[0].portMappings[1].containerPortRange: containerPortRange \"9000-8000\" is not START-END",
            "containerDefinitions[0].ulimits[0].softLimit: ulimit softLimit 2048 is above hardLimit 1024",
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for (f, e) in found.iter().zip(expected) {
            assert!(f.contains(e), "{f} should contain {e}");
        }
        let fine = r#"{"containerDefinitions": [{"name": "a", "image": "nginx", "cpu": 256, "memory": 512,
 "portMappings": [{"containerPort": 8080, "hostPort": 8080}, {"containerPortRange": "9000-9010"}],
 "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}]}]}"#;
        assert_eq!(findings(super::check, fine), Vec::<String>::new());
    }
}
