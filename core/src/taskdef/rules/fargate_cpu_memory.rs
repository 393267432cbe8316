//! `fargate-cpu-memory`: a Fargate task needs task-level `cpu` and `memory`, and the pair must
//! be one Fargate offers (0.25 to 16 vCPU; units such as "1 vCPU" and "2 GB" understood).

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;
use crate::taskdef::units::{FARGATE_CPU, cpu_units, fargate_memory_for_cpu, memory_mib};

pub(crate) const ID: &str = "fargate-cpu-memory";

fn gb(mib: u32) -> String {
    if mib.is_multiple_of(1024) {
        format!("{} GB", mib / 1024)
    } else {
        format!("{mib} MiB")
    }
}

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if !td.requires_fargate() {
        return;
    }
    let (cpu_node, memory_node) = (td.root.get("cpu"), td.root.get("memory"));
    for (name, node) in [("cpu", cpu_node), ("memory", memory_node)] {
        if node.is_none() {
            out.push(Finding::error(
                ID,
                Path::root().key(name),
                td.root.pos,
                format!("Fargate needs a task-level `{name}`: e.g. \"cpu\": \"256\", \"memory\": \"512\""),
            ));
        }
    }
    let (Some(cpu_node), Some(memory_node)) = (cpu_node, memory_node) else {
        return;
    };
    let (Some(cpu_text), Some(memory_text)) = (cpu_node.as_str(), memory_node.as_str()) else {
        return;
    };
    let Some(cpu) = cpu_units(cpu_text).filter(|c| FARGATE_CPU.contains(c)) else {
        out.push(Finding::error(
            ID,
            Path::root().key("cpu"),
            cpu_node.pos,
            format!("cpu \"{cpu_text}\" is not a Fargate size: expected one of 256, 512, 1024, 2048, 4096, 8192, 16384 (or 0.25 to 16 vCPU)"),
        ));
        return;
    };
    let allowed = fargate_memory_for_cpu(cpu).expect("a Fargate cpu value");
    match memory_mib(memory_text) {
        Some(memory) if allowed.contains(&memory) => {}
        _ => out.push(Finding::error(
            ID,
            Path::root().key("memory"),
            memory_node.pos,
            format!(
                "memory \"{memory_text}\" is not offered with cpu {cpu} on Fargate: expected {} to {}{}",
                gb(allowed[0]),
                gb(*allowed.last().expect("non-empty")),
                match allowed.get(1).map(|second| second - allowed[0]) {
                    Some(step) if allowed.len() > 3 => format!(" in steps of {}", gb(step)),
                    _ => format!(" ({})", allowed.iter().map(|m| gb(*m)).collect::<Vec<_>>().join(", ")),
                }
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    fn fargate(cpu: &str, memory: &str) -> Vec<String> {
        findings(
            super::check,
            &format!(
                r#"{{"requiresCompatibilities": ["FARGATE"], "cpu": "{cpu}", "memory": "{memory}"}}"#
            ),
        )
    }

    #[test]
    fn valid_pairs_in_any_unit_pass() {
        for (cpu, memory) in [
            ("256", "512"),
            ("0.25 vCPU", "2 GB"),
            ("1 vCPU", "8GB"),
            ("8192", "61440"),
            ("16 vCPU", "120 GB"),
        ] {
            assert!(fargate(cpu, memory).is_empty(), "{cpu} {memory}");
        }
    }

    #[test]
    fn invalid_pairs_say_what_fits() {
        assert_eq!(
            fargate("256", "4096"),
            [
                "1:66 memory: memory \"4096\" is not offered with cpu 256 on Fargate: expected 512 MiB to 2 GB (512 MiB, 1 GB, 2 GB)"
            ]
        );
        assert_eq!(
            fargate("8 vCPU", "18 GB"),
            [
                "1:69 memory: memory \"18 GB\" is not offered with cpu 8192 on Fargate: expected 16 GB to 60 GB in steps of 4 GB"
            ]
        );
        assert!(fargate("300", "512")[0].contains("cpu \"300\" is not a Fargate size"));
        let missing = findings(
            super::check,
            r#"{"requiresCompatibilities": ["FARGATE"], "cpu": "256"}"#,
        );
        assert_eq!(
            missing,
            [
                "1:1 memory: Fargate needs a task-level `memory`: e.g. \"cpu\": \"256\", \"memory\": \"512\""
            ]
        );
    }
}
