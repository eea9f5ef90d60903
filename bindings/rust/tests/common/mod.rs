// Shared by the integration tests: paths to the bundled model and per-test scratch directories.
#![allow(dead_code)]

use std::path::PathBuf;

pub const CNN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/models/fashion_mnist_cnn.onnx");
/// The zoo MLP: input "input" [batch, 64] float, Gemm+Relu, Gemm+Sigmoid, Gemm, output [batch, 10].
pub const MLP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/ort/zoo/mlp.onnx");

/// A fresh directory for one test, removed when the guard drops.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new(test: &str) -> ScratchDir {
        let dir = std::env::temp_dir().join(format!("nncf-rust-{}-{}", std::process::id(), test));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        ScratchDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A batch of `n` deterministic 28x28 images (pixel values in [0, 1]).
pub fn images(n: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(2654435761).wrapping_add(1);
    (0..n * 28 * 28)
        .map(|_| {
            state = state.wrapping_mul(1664525).wrapping_add(1013904223);
            (state >> 8) as f32 / (1u32 << 24) as f32
        })
        .collect()
}

pub fn image_sample(n: usize, seed: u32) -> nncf::Sample {
    nncf::Sample::with("image", &[n as i64, 1, 28, 28], &images(n, seed)).expect("image sample")
}

/// `n` deterministic values in [-2, 2).
pub fn uniform(n: usize, seed: u32) -> Vec<f32> {
    let mut state = seed.wrapping_mul(2654435761).wrapping_add(12345);
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(1664525).wrapping_add(1013904223);
            (state >> 8) as f32 / (1u32 << 24) as f32 * 4.0 - 2.0
        })
        .collect()
}

/// A [batch, 64] MLP input.
pub fn mlp_sample(batch: usize, seed: u32) -> nncf::Sample {
    nncf::Sample::with("input", &[batch as i64, 64], &uniform(batch * 64, seed)).expect("mlp sample")
}

/// The model's first output on a [batch, 64] input.
pub fn mlp_outputs(model: &nncf::Model, batch: usize, seed: u32) -> Vec<f32> {
    let outputs = model.infer(&mlp_sample(batch, seed)).expect("infer");
    outputs.tensor(0).expect("output").to_vec::<f32>().expect("float output")
}

/// max |got - want| / max |want|.
pub fn relative_error(got: &[f32], want: &[f32]) -> f64 {
    assert_eq!(got.len(), want.len());
    let max_want = want.iter().fold(0f64, |m, v| m.max(f64::from(v.abs())));
    let max_diff = got.iter().zip(want).fold(0f64, |m, (g, w)| m.max(f64::from((g - w).abs())));
    max_diff / max_want
}
pub mod json;

/// The default-domain opset of a model, from its summary.
pub fn default_opset(model: &nncf::Model) -> f64 {
    let summary = json::parse(&model.summary_json().expect("summary")).expect("summary is JSON");
    let opsets = summary.get("opset_imports").and_then(json::Json::as_array).expect("opset_imports");
    opsets
        .iter()
        .find(|o| matches!(o.get("domain").and_then(json::Json::as_str), Some("") | Some("ai.onnx")))
        .and_then(|o| o.get("version").and_then(json::Json::as_f64))
        .expect("a default-domain opset")
}
