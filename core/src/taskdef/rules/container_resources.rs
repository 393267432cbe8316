//! `container-resources`: container memory and cpu must fit together and in the task:
//! `memoryReservation` ≤ `memory`, each within the task's memory, the cpu sum within the task's
//! cpu, and on EC2 without task memory every container needs `memory` or `memoryReservation`.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;
use crate::taskdef::units::{Num, cpu_units, memory_mib};

pub(crate) const ID: &str = "container-resources";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    // A number where ECS wants a string is wrong-type's to report; the value still counts here.
    let task_value = |key: &str| {
        td.root.get(key).and_then(|n| {
            n.as_str()
                .map(str::to_owned)
                .or_else(|| n.as_f64().map(|v| Num(v).to_string()))
        })
    };
    let task_memory = task_value("memory").as_deref().and_then(memory_mib);
    let task_cpu = task_value("cpu").as_deref().and_then(cpu_units);
    let mut cpu_sum = 0.0;
    let mut last_cpu = None;
    for (path, container) in td.containers() {
        let memory = container.get("memory").filter(|m| m.as_f64().is_some());
        let reservation = container
            .get("memoryReservation")
            .filter(|m| m.as_f64().is_some());
        if let (Some(m), Some(r)) = (memory, reservation) {
            let (mv, rv) = (m.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
            if rv > mv {
                out.push(Finding::error(
                    ID,
                    path.key("memoryReservation"),
                    r.pos,
                    format!("memoryReservation {} MiB is above memory {} MiB: the soft limit must not exceed the hard limit", Num(rv), Num(mv)),
                ));
            }
        }
        if let Some(task) = task_memory {
            for (key, node) in [("memory", memory), ("memoryReservation", reservation)] {
                let Some(node) = node else { continue };
                let value = node.as_f64().unwrap_or(0.0);
                if value > f64::from(task) {
                    out.push(Finding::error(
                        ID,
                        path.key(key),
                        node.pos,
                        format!(
                            "container {key} {} MiB is above the task's memory {task} MiB",
                            Num(value)
                        ),
                    ));
                }
            }
        } else if !td.requires_fargate() && memory.is_none() && reservation.is_none() {
            out.push(Finding::error(
                ID,
                path.clone(),
                container.pos,
                "without a task-level memory every container needs memory or memoryReservation (MiB)",
            ));
        }
        if let Some(cpu) = container.get("cpu").filter(|c| c.as_f64().is_some()) {
            cpu_sum += cpu.as_f64().unwrap_or(0.0);
            last_cpu = Some((path.key("cpu"), cpu.pos));
        }
    }
    if let (Some(task), Some((path, pos))) = (task_cpu, last_cpu)
        && cpu_sum > f64::from(task)
    {
        out.push(Finding::error(
            ID,
            path,
            pos,
            format!(
                "the containers' cpu adds up to {} units, above the task's cpu {task}",
                Num(cpu_sum)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn memory_and_cpu_fit() {
        let json = r#"{"cpu": "256", "memory": "512", "containerDefinitions": [
            {"name": "a", "memory": 256, "memoryReservation": 300, "cpu": 200},
            {"name": "b", "memory": 1024, "cpu": 100}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("containerDefinitions[0].memoryReservation: memoryReservation 300 MiB is above memory 256 MiB"));
        assert!(found[1].contains("containerDefinitions[1].memory: container memory 1024 MiB is above the task's memory 512 MiB"));
        assert!(found[2].contains("containerDefinitions[1].cpu: the containers' cpu adds up to 300 units, above the task's cpu 256"));
    }

    #[test]
    fn ec2_without_task_memory_needs_container_memory() {
        let json =
            r#"{"containerDefinitions": [{"name": "a"}, {"name": "b", "memoryReservation": 64}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("1:27 containerDefinitions[0]: without a task-level memory"));
    }
}
