//! The memory monitor end to end: statistics per epoch, the JSON report and the pictures.

use engram::monitor::{MemoryMonitor, MemorySnapshot, MonitorReport};
use tensor::Tensor;

fn snapshot(trace: Vec<f32>, trace_shape: &[usize], attention: Vec<f32>) -> MemorySnapshot {
    MemorySnapshot {
        trace: Tensor::from_vec(trace, trace_shape).unwrap(),
        attention: Tensor::from_vec(attention, &[1, 2, 2]).unwrap(),
    }
}

fn temporary_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("engram-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn monitor_writes_report_and_pictures() {
    let dir = temporary_dir("monitor");
    let mut monitor = MemoryMonitor::new(&dir, 1).unwrap();
    // Trace [2, 2]; attention [1, 2, 2]: one example, two steps, two slots.
    let first = snapshot(
        vec![0.0, 0.05, -0.1, 0.001],
        &[2, 2],
        vec![0.5, 0.5, 1.0, 0.0],
    );
    let second = snapshot(
        vec![0.1, 0.05, -0.1, 0.02],
        &[2, 2],
        vec![0.75, 0.25, 0.25, 0.75],
    );
    monitor.record(1, &first).unwrap();
    let record = monitor.record(2, &second).unwrap();

    // Epoch 2: mean |H| = (0.1 + 0.05 + 0.1 + 0.02) / 4 = 0.0675; no entry below 0.01.
    assert!((record.trace.mean_abs - 0.0675).abs() < 1e-6);
    assert_eq!(record.trace.sparsity, 0.0);
    // Top-1 mass: both rows put 0.75 on their largest slot.
    assert!((record.attention.mean_top_k_mass - 0.75).abs() < 1e-6);

    let json = std::fs::read_to_string(dir.join("memory_stats.json")).unwrap();
    let report: MonitorReport = serde_json::from_str(&json).unwrap();
    assert_eq!(report.epochs.len(), 2);
    assert_eq!(report.epochs[0].epoch, 1);
    // Epoch 1: |0| and |0.001| are below 0.01.
    assert_eq!(report.epochs[0].trace.sparsity, 0.5);
    for file in [
        "trace_first.png",
        "trace_current.png",
        "trace_difference.png",
        "statistics.png",
        "attention.png",
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "{file} is not a PNG");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn per_sample_trace_uses_first_sample() {
    let per_sample = snapshot(
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        &[2, 2, 2],
        vec![0.5; 4],
    );
    let (values, rows, cols) = per_sample.trace_matrix().unwrap();
    assert_eq!((rows, cols), (2, 2));
    assert_eq!(values, vec![1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn trace_shape_change_is_rejected() {
    let dir = temporary_dir("monitor-shape");
    let mut monitor = MemoryMonitor::new(&dir, 1).unwrap();
    monitor
        .record(1, &snapshot(vec![0.0; 4], &[2, 2], vec![0.5; 4]))
        .unwrap();
    let wider = snapshot(vec![0.0; 6], &[2, 3], vec![0.5; 4]);
    assert!(monitor.record(2, &wider).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn zero_top_k_is_rejected() {
    assert!(MemoryMonitor::new(temporary_dir("monitor-k"), 0).is_err());
}

#[test]
fn record_model_snapshots_enn_only() {
    use engram::models::{build_model, ModelConfig, ModelKind, Task};
    use engram::EngramConfig;

    let config = ModelConfig {
        task: Task::Classification { classes: 3 },
        enn: EngramConfig::new(4, 6, 5).unwrap(),
        attention_pooling: false,
        baseline_hidden: (6, 4),
        seed: 2,
    };
    let batch = Tensor::ones(&[2, 3, 4]);
    let dir = temporary_dir("monitor-model");
    let mut monitor = MemoryMonitor::new(&dir, 2).unwrap();

    let enn = build_model(ModelKind::Enn, &config).unwrap();
    let record = monitor.record_model(1, enn.as_ref(), &batch).unwrap();
    let record = record.expect("the ENN has a memory");
    assert_eq!(record.epoch, 1);
    assert!(
        record.trace.max.abs() <= 0.1 + 1e-6,
        "trace beyond the default clip"
    );
    assert!(dir.join("attention.png").exists());

    let lstm = build_model(ModelKind::Lstm, &config).unwrap();
    assert!(monitor
        .record_model(2, lstm.as_ref(), &batch)
        .unwrap()
        .is_none());
    assert_eq!(monitor.history().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
