//! ECS's cpu and memory strings: `"256"`, `"0.25 vCPU"`, `"1 vCPU"`, `"512"`, `"1 GB"`, `"1GB"`.

/// CPU units (1024 per vCPU) from `"256"`, `"0.25 vCPU"`, `"2 vcpu"`.
pub fn cpu_units(text: &str) -> Option<u32> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    match lower.strip_suffix("vcpu") {
        Some(vcpu) => scaled(vcpu.trim(), 1024.0),
        None => t.parse().ok(),
    }
}

/// MiB from `"512"`, `"1 GB"`, `"0.5GB"`, `"2048 MiB"`.
pub fn memory_mib(text: &str) -> Option<u32> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if let Some(gb) = lower
        .strip_suffix("gb")
        .or_else(|| lower.strip_suffix("gib"))
    {
        return scaled(gb.trim(), 1024.0);
    }
    match lower
        .strip_suffix("mib")
        .or_else(|| lower.strip_suffix("mb"))
    {
        Some(mb) => mb.trim().parse().ok(),
        None => t.parse().ok(),
    }
}

/// A number of a message, as `{}` writes an `f64` for every integral value (`512`, `-1`, `-0`)
/// and through serde_json's shortest form otherwise (`0.5`), so the worker carries one float
/// printer rather than two.
pub(crate) struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9e18 {
            if v == 0.0 && v.is_sign_negative() {
                return f.write_str("-0");
            }
            return (v as i64).fmt(f);
        }
        match serde_json::Number::from_f64(v) {
            Some(n) => n.fmt(f),
            None if v.is_nan() => f.write_str("NaN"),
            None => f.write_str(if v > 0.0 { "inf" } else { "-inf" }),
        }
    }
}

fn scaled(number: &str, factor: f64) -> Option<u32> {
    let n: f64 = number.parse().ok()?;
    let v = n * factor;
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
}

/// Fargate's task sizes: for each CPU value, the memory values (MiB) it allows.
pub fn fargate_memory_for_cpu(cpu: u32) -> Option<Vec<u32>> {
    let gb = |from: u32, to: u32, step: u32| {
        (from..=to)
            .step_by(step as usize)
            .map(|g| g * 1024)
            .collect()
    };
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => gb(1, 4, 1),
        1024 => gb(2, 8, 1),
        2048 => gb(4, 16, 1),
        4096 => gb(8, 30, 1),
        8192 => gb(16, 60, 4),
        16384 => gb(32, 120, 8),
        _ => return None,
    })
}

/// `N vCPU` for CPU units (1024 a vCPU), without a float printer: `0.25 vCPU`, `2 vCPU`.
pub fn vcpu(units: u32) -> String {
    let (whole, part) = (units / 1024, units % 1024 * 100 / 1024);
    match part {
        0 => format!("{whole} vCPU"),
        p if p % 10 == 0 => format!("{whole}.{} vCPU", p / 10),
        p => format!("{whole}.{p:02} vCPU"),
    }
}

/// Fargate's CPU values.
pub const FARGATE_CPU: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcpu_is_written_without_floats() {
        assert_eq!(vcpu(256), "0.25 vCPU");
        assert_eq!(vcpu(512), "0.5 vCPU");
        assert_eq!(vcpu(4096), "4 vCPU");
        assert_eq!(vcpu(16384), "16 vCPU");
    }

    #[test]
    fn numbers_read_as_display_writes_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            512.0,
            262_144.0,
            0.5,
            -2.25,
            0.1 + 0.2,
            1e15,
            8e18,
            123.456,
        ] {
            assert_eq!(Num(v).to_string(), v.to_string());
        }
        assert_eq!(Num(f64::INFINITY).to_string(), "inf");
        assert_eq!(Num(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Num(f64::NAN).to_string(), "NaN");
    }

    #[test]
    fn understands_ecs_unit_strings() {
        assert_eq!(cpu_units("0.25 vCPU"), Some(256));
        assert_eq!(cpu_units("2 vcpu"), Some(2048));
        assert_eq!(cpu_units("1024"), Some(1024));
        assert_eq!(cpu_units("0.3 vCPU"), None);
        assert_eq!(memory_mib("1 GB"), Some(1024));
        assert_eq!(memory_mib("0.5GB"), Some(512));
        assert_eq!(memory_mib("3072"), Some(3072));
        assert_eq!(memory_mib("lots"), None);
    }

    #[test]
    fn the_fargate_table_includes_8_and_16_vcpu() {
        assert_eq!(fargate_memory_for_cpu(256).unwrap(), [512, 1024, 2048]);
        let eight = fargate_memory_for_cpu(8192).unwrap();
        assert_eq!(
            (eight[0], eight[1], *eight.last().unwrap()),
            (16384, 20480, 61440)
        );
        let sixteen = fargate_memory_for_cpu(16384).unwrap();
        assert_eq!(
            (sixteen[0], sixteen[1], *sixteen.last().unwrap()),
            (32768, 40960, 122880)
        );
        assert_eq!(fargate_memory_for_cpu(4096).unwrap().len(), 23);
        assert!(fargate_memory_for_cpu(300).is_none());
    }
}
