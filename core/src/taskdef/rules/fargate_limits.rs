//! `fargate-limits`: what Fargate refuses that EC2 allows. From "Amazon ECS task definition
//! differences for Fargate": "The following task definition parameters are not valid in Fargate
//! tasks: disableNetworking, dnsSearchDomains, dnsServers, dockerSecurityOptions, extraHosts,
//! gpu, ipcMode, links, placementConstraints, privileged, maxSwap, swappiness" (`links` is
//! `awsvpc-links`'s, as Fargate is awsvpc); "linuxParameters – ... for capabilities the only
//! capability you can add is CAP_SYS_PTRACE. The devices, sharedMemorySize, and tmpfs parameters
//! are not supported"; "volumes – ... the dockerVolumeConfiguration parameter is not supported";
//! `pidMode` "host" is not supported on Fargate ("task" is, on platform 1.4.0); and log drivers
//! other than awslogs, splunk and awsfirelens.

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "fargate-limits";

const FARGATE_LOG_DRIVERS: [&str; 3] = ["awslogs", "splunk", "awsfirelens"];

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if !td.requires_fargate() {
        return;
    }
    if let Some(node) = td
        .root
        .get("placementConstraints")
        .filter(|p| p.items().is_some_and(|i| !i.is_empty()))
    {
        out.push(Finding::error(
            ID,
            Path::root().key("placementConstraints"),
            node.pos,
            "Fargate tasks take no placement constraints: remove placementConstraints",
        ));
    }
    let mut refuse = |path: Path, node: &crate::source::Node<'_>, what: String| {
        out.push(Finding::error(ID, path, node.pos, what));
    };
    if let Some(node) = td.root.get("ipcMode") {
        refuse(
            Path::root().key("ipcMode"),
            node,
            "Fargate tasks take no ipcMode: remove it".to_owned(),
        );
    }
    if let Some(node) = td
        .root
        .get("pidMode")
        .filter(|m| m.as_str() == Some("host"))
    {
        refuse(
            Path::root().key("pidMode"),
            node,
            "pidMode \"host\" is not available on Fargate: expected \"task\" (platform 1.4.0) or none".to_owned(),
        );
    }
    for (i, volume) in td
        .root
        .get("volumes")
        .and_then(crate::source::Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(node) = volume.get("dockerVolumeConfiguration") {
            refuse(
                Path::root().key("volumes").index(i).key("dockerVolumeConfiguration"),
                node,
                "Fargate volumes are bind mounts or EFS: dockerVolumeConfiguration is not supported".to_owned(),
            );
        }
    }
    for (path, container) in td.containers() {
        for field in [
            "disableNetworking",
            "privileged",
            "dnsSearchDomains",
            "dnsServers",
            "dockerSecurityOptions",
            "extraHosts",
        ] {
            let Some(node) = container.get(field) else {
                continue;
            };
            // false and empty lists ask for nothing.
            let asks = node.as_bool().unwrap_or(true)
                && node.items().is_none_or(|items| !items.is_empty());
            if asks {
                refuse(
                    path.key(field),
                    node,
                    format!("{field} is not valid in Fargate tasks: remove it"),
                );
            }
        }
        for (i, r) in container
            .get("resourceRequirements")
            .and_then(crate::source::Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let Some(kind) = r.get("type").filter(|t| t.as_str() == Some("GPU")) {
                refuse(
                    path.key("resourceRequirements").index(i).key("type"),
                    kind,
                    "Fargate has no GPUs: a GPU resource requirement needs the EC2 launch type"
                        .to_owned(),
                );
            }
        }
        if let Some(linux) = container.get("linuxParameters") {
            let at = path.key("linuxParameters");
            for field in [
                "devices",
                "sharedMemorySize",
                "tmpfs",
                "maxSwap",
                "swappiness",
            ] {
                if let Some(node) = linux.get(field) {
                    refuse(
                        at.key(field),
                        node,
                        format!("linuxParameters.{field} is not supported on Fargate: remove it"),
                    );
                }
            }
            for (i, cap) in linux
                .get("capabilities")
                .and_then(|c| c.get("add"))
                .and_then(crate::source::Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(name) = cap
                    .as_str()
                    .filter(|n| !matches!(*n, "SYS_PTRACE" | "CAP_SYS_PTRACE"))
                {
                    refuse(
                        at.key("capabilities").key("add").index(i),
                        cap,
                        format!("Fargate lets a container add only SYS_PTRACE, not {name}"),
                    );
                }
            }
        }
        let Some(driver) = container
            .get("logConfiguration")
            .and_then(|l| l.get("logDriver"))
        else {
            continue;
        };
        if let Some(name) = driver.as_str().filter(|d| !FARGATE_LOG_DRIVERS.contains(d)) {
            refuse(
                path.key("logConfiguration").key("logDriver"),
                driver,
                format!(
                    "log driver \"{name}\" is not available on Fargate: expected awslogs, splunk or awsfirelens"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn placement_and_log_drivers() {
        let json = r#"{"requiresCompatibilities": ["FARGATE"], "placementConstraints": [{"type": "memberOf"}], "containerDefinitions": [{"name": "a", "logConfiguration": {"logDriver": "json-file"}}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 2);
        assert!(
            found[0].contains("placementConstraints: Fargate tasks take no placement constraints")
        );
        assert!(found[1].contains("log driver \"json-file\" is not available on Fargate"));
        assert!(findings(super::check, &json.replace("FARGATE", "EC2")).is_empty());
    }

    #[test]
    fn parameters_fargate_does_not_take() {
        let json = r#"{"requiresCompatibilities": ["FARGATE"], "ipcMode": "task", "pidMode": "host",
 "volumes": [{"name": "v", "dockerVolumeConfiguration": {"scope": "task"}}],
 "containerDefinitions": [{"name": "a", "privileged": true, "disableNetworking": false, "dnsServers": [],
 "dockerSecurityOptions": ["no-new-privileges"],
 "resourceRequirements": [{"type": "GPU", "value": "1"}],
 "linuxParameters": {"devices": [], "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"]}}}]}"#;
        let found = findings(super::check, json);
        let expected = [
            "ipcMode: Fargate tasks take no ipcMode",
            "pidMode: pidMode \"host\" is not available on Fargate",
            "volumes[0].dockerVolumeConfiguration: Fargate volumes are bind mounts or EFS",
            "containerDefinitions[0].privileged: privileged is not valid in Fargate tasks",
            "containerDefinitions[0].dockerSecurityOptions: dockerSecurityOptions is not valid",
            "containerDefinitions[0].resourceRequirements[0].type: Fargate has no GPUs",
            "containerDefinitions[0].linuxParameters.devices: linuxParameters.devices is not supported on Fargate",
            "containerDefinitions[0].linuxParameters.capabilities.add[1]: Fargate lets a container add only SYS_PTRACE, not NET_ADMIN",
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for (f, e) in found.iter().zip(expected) {
            assert!(f.contains(e), "{f} should contain {e}");
        }
        assert!(findings(super::check, &json.replace("FARGATE", "EC2")).is_empty());
    }
}
