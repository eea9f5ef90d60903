// Shared by the integration tests: paths to the bundled model and per-test scratch directories.
#![allow(dead_code)]

use std::path::PathBuf;

pub const CNN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/models/fashion_mnist_cnn.onnx");

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
